// What the scheduled prediction run (ingest/predictions/) stores per brand and the pages show:
// per profile its latest RFM scores, segment, churn probability, predicted 12-month purchases
// and value, and products to recommend; per run what was fitted, how well, and how segments
// moved. docs/customer-value.md and docs/segments.md say what each number means.

/** One product to recommend and why (ingest/models/recommend/recommend.ts). */
export interface PredictedRecommendation {
  product_id: string;
  /** 'bought_together': co-occurrence with `because`; 'popular': the brand's best-sellers. */
  reason: 'bought_together' | 'popular';
  /** The profile's purchases that led to it, strongest first (empty for 'popular'). */
  because: string[];
  score: number;
  /**
   * Names of `product_id` and of the `because` products, by id, as the brand's orders gave them
   * (the latest order's name); a product without a name is left out and shown by its id.
   */
  labels: Record<string, string>;
}

export const PREDICTION_RECOMMENDATIONS = 5;

/** A profile's latest scores (one row per brand and profile; each run replaces the one before). */
export interface CustomerPrediction {
  brand_id: string;
  profile_id: string;
  run_id: string;
  computed_at: string;
  /** Orders (same-day orders counted separately, as the profile counts them) and their revenue. */
  orders: number;
  revenue: number;
  /** Days from the last order to computed_at; null without orders. */
  recency_days: number | null;
  /** RFM quintile scores 1–5 within the brand (5 best); null without orders. */
  r: number | null;
  f: number | null;
  m: number | null;
  /** Segment name (docs/segments.md), or 'no orders'. */
  segment: string;
  /**
   * P(no purchase in the next 12 months) under BG/NBD: what "at risk" is ranked by. Not
   * 1 − P(alive), which is 1 for every one-time buyer (docs/customer-value.md). Null without
   * orders or when the brand's fit was refused (too few repeat buyers).
   */
  churn_probability: number | null;
  /** BG/NBD P(alive), for reference; null as above. */
  p_alive: number | null;
  /** Expected purchases in the next 12 months; null as above. */
  expected_purchases_12m: number | null;
  /** Expected purchases × Gamma-Gamma expected spend, undiscounted revenue; null as above. */
  predicted_value_12m: number | null;
  recommendations: PredictedRecommendation[];
}

export const PREDICTION_RUN_STATUSES = ['ok', 'not_enough_buyers', 'failed'] as const;
export type PredictionRunStatus = (typeof PREDICTION_RUN_STATUSES)[number];

export interface SegmentSummary {
  name: string;
  size: number;
  /** Of all profiles in the run, in [0, 1]. */
  share: number;
  /** The centroid in original units (days, orders, revenue, events, shares, intent); null for 'no orders'. */
  centroid: Record<string, number> | null;
}

export interface SegmentMove {
  from: string;
  to: string;
  count: number;
}

export interface ClvSummary {
  /** Customers (buyers) the fit used, and how many of them bought again. */
  customers: number;
  repeat_customers: number;
  /**
   * `at_bound` names the shape parameters that stopped at `shape_bound` (ingest/models/clv/bgnbd.ts):
   * the buyers barely differ in that respect, and the likelihood would go on rising without it.
   * Absent in records stored before it was kept.
   */
  bgnbd: {
    r: number;
    alpha: number;
    a: number;
    b: number;
    log_likelihood: number;
    converged: boolean;
    at_bound?: ('r' | 'a' | 'b')[];
  };
  gamma_gamma: { p: number; q: number; gamma: number; converged: boolean; at_bound?: ('p' | 'q')[] } | null;
  shape_bound?: number;
  /** Days per model time unit (7: weeks). */
  unit_days: number;
  /** Sums over the brand: what the figures add up to, a first sanity check. */
  total_expected_purchases_12m: number;
  total_predicted_value_12m: number;
  /**
   * The brand's own time split (the last third of its history held out, at most 26 weeks): model
   * against the naive run rate. Mean absolute error per customer of purchases and of spend in the
   * held-out weeks, and AUC of "bought again in them" ranked by 1 − P(no purchase). Null when the
   * split leaves too few repeat buyers to fit.
   */
  check: {
    holdout_days: number;
    customers: number;
    purchases_mae: { model: number; naive: number };
    spend_mae: { model: number; naive: number };
    auc_any_purchase: { model: number; naive: number };
  } | null;
}

/** One run of one brand: when, on how many, what came out, and how it moved since the last one. */
export interface PredictionRun {
  brand_id: string;
  run_id: string;
  started_at: string;
  finished_at: string;
  status: PredictionRunStatus;
  /** Why a run failed or was refused ("not enough buyers (n = 3 < 20)"); null when ok. */
  error: string | null;
  /** Surviving profiles read, and those with at least one order. */
  customers: number;
  buyers: number;
  /** Chosen k and its silhouette; null unless segments were fitted. */
  k: number | null;
  silhouette: number | null;
  /** Silhouette per k tried (NaN-free: a skipped k is left out). */
  silhouettes: { k: number; silhouette: number }[];
  segments: SegmentSummary[];
  /** Against the brand's previous ok run; null for the first. */
  drift: {
    previous_run_id: string;
    stayed: number;
    moved: number;
    entered: number;
    left: number;
    moves: SegmentMove[];
  } | null;
  /** Null when the CLV fit was refused (too few repeat customers) or not reached. */
  clv: ClvSummary | null;
  /** Why the CLV fit was refused, when it was; null otherwise. */
  clv_refused: string | null;
  /** Customers left out of the fit and why (e.g. a revenue too large to add up). */
  excluded: { reason: string; count: number }[];
  /** Orders read and how many carried products (recommendations need them). */
  orders: number;
  orders_with_products: number;
  /** Wall time of the phases, ms. */
  timings: { read_ms: number; compute_ms: number; write_ms: number };
}

/** The live push when a brand's run finished (ok, refused or failed). */
export type PredictionRunNotice = Pick<
  PredictionRun,
  'run_id' | 'started_at' | 'finished_at' | 'status' | 'error' | 'customers' | 'buyers' | 'k'
> & { segments: Pick<SegmentSummary, 'name' | 'size'>[] };
