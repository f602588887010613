// The predictions part of the Customer-360 view: the profile's scores from the latest scheduled
// run (RFM, segment, churn, predicted value, recommendations), the run they came from, and each
// number's reason in words, so a growth team sees why and not only what. The numbers themselves
// are computed by ingest/predictions/ and explained in docs/customer-value.md and docs/segments.md.
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import type { CustomerPrediction, PredictionRun, PredictionRunStatus } from '../shared/predictions';

/** How many of the brand's latest runs are looked through for the one that scored the profile. */
export const SCORING_RUN_LOOKBACK = 20;

export interface ProfilePredictions {
  /** The profile's latest scores, or null when no run has scored it (yet). */
  scores: CustomerPrediction | null;
  /** The brand's latest run of any status: when the next scores may come, or why there are none. */
  latest_run: RunOutline | null;
  /** The run that produced `scores`, when it is still among the stored runs. */
  scored_by: RunOutline | null;
  /** The typical member of the profile's segment (original units), to compare the profile with. */
  segment_typical: Record<string, number> | null;
  /** Each figure's reason in words; null where `scores` is null. */
  reasons: PredictionReasons | null;
}

export interface RunOutline {
  run_id: string;
  status: PredictionRunStatus;
  error: string | null;
  finished_at: string;
  buyers: number;
  /** Why the CLV fit was refused, when it was. */
  clv_refused: string | null;
}

export interface PredictionReasons {
  rfm: string;
  segment: string;
  churn: string;
  value: string;
}

function outline(run: PredictionRun): RunOutline {
  return {
    run_id: run.run_id,
    status: run.status,
    error: run.error,
    finished_at: run.finished_at,
    buyers: run.buyers,
    clv_refused: run.clv_refused,
  };
}

const days = (n: number) =>
  Math.round(n) === 0 ? 'less than a day' : `${Math.round(n)} day${Math.round(n) === 1 ? '' : 's'}`;
const orders = (n: number) => `${n} order${n === 1 ? '' : 's'}`;
const percent = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
const amount = (n: number) => n.toFixed(2);

/** What a score 1–5 means in words (quintiles within the brand, 5 best). */
function quintile(score: number): string {
  return (
    ['bottom 20%', 'lower 20–40%', 'middle 40–60%', 'upper 60–80%', 'top 20%'][score - 1] ?? `score ${score}`
  );
}

/**
 * The reasons behind each figure in words. `run` is the run that scored the profile (for why the
 * CLV figures are missing), `typical` the segment's typical member.
 */
export function explainPrediction(
  scores: CustomerPrediction,
  run: RunOutline | null,
  typical: Record<string, number> | null,
): PredictionReasons {
  if (scores.orders === 0 || scores.r === null || scores.f === null || scores.m === null) {
    return {
      rfm: 'No orders yet: RFM scores rank buyers only.',
      segment: 'No orders: segments group buyers by their purchases and behaviour.',
      churn: 'No orders: churn is the chance that a buyer does not buy again.',
      value: 'No orders: predicted value needs a purchase history.',
    };
  }
  const recency = scores.recency_days ?? 0;
  const rfm =
    `Recency ${scores.r}: last order ${days(recency)} ago (${quintile(scores.r)} of the brand’s buyers); ` +
    `frequency ${scores.f}: ${orders(scores.orders)} (${quintile(scores.f)}); ` +
    `monetary ${scores.m}: ${amount(scores.revenue)} spent (${quintile(scores.m)}).`;
  const segment = typical
    ? `Grouped with buyers like it: the typical member of “${scores.segment}” last ordered ` +
      `${days(typical.recency ?? 0)} ago, has ${(typical.frequency ?? 0).toFixed(1)} orders and spent ` +
      `${amount(typical.monetary ?? 0)} over ${days(typical.tenure ?? 0)}.`
    : `In “${scores.segment}” by its recency, orders, spend, tenure and recent behaviour (docs/segments.md).`;
  if (scores.churn_probability === null || scores.predicted_value_12m === null) {
    const why = (run?.clv_refused ?? 'the brand’s purchase model was not fitted in that run').replace(
      /\.$/,
      '',
    );
    return {
      rfm,
      segment,
      churn: `Not predicted: ${why}.`,
      value: `Not predicted: ${why}.`,
    };
  }
  const expected = scores.expected_purchases_12m ?? 0;
  const perOrder = expected > 0 ? scores.predicted_value_12m / expected : 0;
  const churn =
    `${percent(scores.churn_probability)} chance of no order in the next 12 months, from ` +
    `${orders(scores.orders)} and the last ${days(recency)} ago, weighed against how often the brand’s ` +
    `customers re-order (BG/NBD; P(still a customer) ${percent(scores.p_alive ?? 0)}).`;
  const spend =
    scores.orders > 1
      ? `Gamma-Gamma: this customer’s average of ${amount(scores.revenue / scores.orders)} pulled toward the brand’s`
      : 'Gamma-Gamma: one order says little about the next, so mostly the brand’s typical spend';
  const value = `${expected.toFixed(2)} expected orders in 12 months × ${amount(perOrder)} expected per order (${spend}).`;
  return { rfm, segment, churn, value };
}

export async function loadProfilePredictions(
  warehouse: Pick<WarehouseReader, 'customerPrediction' | 'predictionRuns'>,
  brandId: string,
  profileId: string,
): Promise<ProfilePredictions> {
  const [scores, newest] = await Promise.all([
    warehouse.customerPrediction(brandId, profileId),
    warehouse.predictionRuns(brandId, 1),
  ]);
  const latest = newest[0] ?? null;
  // Usually the newest run scored the profile: only otherwise look further back (run records carry
  // segments and drift, so a Customer-360 view does not read twenty of them every time).
  const runs =
    scores && latest && latest.run_id !== scores.run_id
      ? await warehouse.predictionRuns(brandId, SCORING_RUN_LOOKBACK)
      : newest;
  const scoringRun = scores ? (runs.find((run) => run.run_id === scores.run_id) ?? null) : null;
  const typical = scores
    ? (scoringRun?.segments.find((segment) => segment.name === scores.segment)?.centroid ?? null)
    : null;
  const scoredBy = scoringRun ? outline(scoringRun) : null;
  return {
    scores,
    latest_run: latest ? outline(latest) : null,
    scored_by: scoredBy,
    segment_typical: typical,
    reasons: scores ? explainPrediction(scores, scoredBy, typical) : null,
  };
}
