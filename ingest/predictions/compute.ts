// One brand's prediction run, pure and CPU-bound (it runs in a worker thread: worker.ts):
//   RFM quintile scores      ingest/models/segments/rfm.ts, buyers only
//   segments                 ingest/models/segments/recompute.ts (k-means, k by silhouette, named)
//   churn and 12-month value ingest/models/clv/ (BG/NBD + Gamma-Gamma), weeks as the time unit
//   recommendations          ingest/models/recommend/ (co-occurrence over the brand's orders in time order)
//   drift                    ingest/models/segments/segment-sizes.ts against the previous run's assignments
//
// Refusals are outcomes, not crashes: fewer than MIN_BUYERS buyers (or too few distinct ones to
// cluster) is 'not_enough_buyers' with the count; fewer than MIN_REPEAT_BUYERS repeat buyers keeps
// the run but leaves churn and value null with `clv_refused` saying why. A customer whose revenue
// does not add up to a finite number (hostile amounts) is left out of every model and counted.
//
// Results come back in columns, aligned with the input's profileIds, for the same reason the input
// goes in as columns (input.ts): no million-object clone on the main thread.
import { fitBgNbd, MAX_SHAPE, type BgNbdFit } from '../models/clv/bgnbd';
import { customerValue, type CustomerValue, type CustomerValueModel } from '../models/clv/customer-value';
import { fitGammaGamma, type GammaGammaFit } from '../models/clv/gamma-gamma';
import { checkOnHoldout } from '../models/clv/holdout-check';
import {
  rfmFromPurchases,
  splitCalibrationHoldout,
  type Purchase,
  type PurchaseSummary,
} from '../models/clv/holdout';
import { addOrder, createStore } from '../models/recommend/co-occurrence';
import { recommendFor } from '../models/recommend/recommend';
import type { CustomerActivity } from '../models/segments/input';
import { NO_ORDERS, recomputeSegments, type SegmentRun } from '../models/segments/recompute';
import { rfmScores } from '../models/segments/rfm';
import { segmentDrift, segmentSizes, type Assignment } from '../models/segments/segment-sizes';
import {
  PREDICTION_RECOMMENDATIONS,
  type ClvSummary,
  type PredictedRecommendation,
  type PredictionRun,
} from '../../src/lib/shared/predictions';
import { Utf8Column, type Utf8Text } from './columns';
import { inTimeOrder, type PredictionInput, type TimeOrderedInput } from './input';

/** Below this many buyers a brand's segments and quintiles say nothing: the run is refused. */
export const MIN_BUYERS = 20;
/** Below this many repeat buyers BG/NBD and Gamma-Gamma have too little to fit on. */
export const MIN_REPEAT_BUYERS = 10;
export const UNIT_DAYS = 7;
const DAY_MS = 86_400_000;
/** Profile intent scores are unbounded (levels start at 20 and 50 by default); the segment feature wants [0, 1]. */
const INTENT_SCALE = 100;
/** Nelder–Mead limits for the scheduled fits: a fit still moving after these is refused, not waited for. */
const FIT_LIMITS = { maxIterations: 3000, maxRestarts: 1 };

export interface PreviousRun {
  runId: string;
  assignments: Assignment[];
}

export interface ComputeOptions {
  /** k-means restarts per k (docs/segments.md); fewer is faster. */
  restarts?: number;
}

/** Per-profile results, aligned with input.profileIds. NaN / 0 / -1 mean "none" as noted. */
export interface ComputedColumns {
  included: Uint8Array;
  orders: Float64Array;
  revenue: Float64Array;
  /** NaN without orders. */
  recency: Float64Array;
  /** 0 without orders. */
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Index into segmentNames. */
  segment: Int32Array;
  segmentNames: string[];
  /** NaN when not computed. */
  churn: Float64Array;
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  predictedValue: Float64Array;
  /** JSON of PredictedRecommendation[] per profile, as UTF-8 (columns.ts). */
  recommendations: Utf8Text;
}

export type RunSummary = Pick<
  PredictionRun,
  | 'status'
  | 'error'
  | 'customers'
  | 'buyers'
  | 'k'
  | 'silhouette'
  | 'silhouettes'
  | 'segments'
  | 'drift'
  | 'clv'
  | 'clv_refused'
  | 'excluded'
  | 'orders'
  | 'orders_with_products'
>;

export interface ComputeResult {
  summary: RunSummary;
  columns: ComputedColumns | null;
}

interface Totals {
  orders: number;
  revenue: number;
  first: number;
  last: number;
}

function totalsOf(input: TimeOrderedInput): Totals[] {
  const totals = input.profileIds.map(() => ({ orders: 0, revenue: 0, first: Infinity, last: -Infinity }));
  for (let i = 0; i < input.orderCustomer.length; i++) {
    const t = totals[input.orderCustomer[i] as number] as Totals;
    const at = input.orderAt[i] as number;
    t.orders += 1;
    t.revenue += input.orderRevenue[i] as number;
    if (at < t.first) t.first = at;
    if (at > t.last) t.last = at;
  }
  return totals;
}

function baseSummary(input: TimeOrderedInput, buyers: number, excluded: number): RunSummary {
  let withProducts = 0;
  for (let i = 0; i < input.orderCustomer.length; i++) {
    if ((input.productStart[i + 1] as number) > (input.productStart[i] as number)) withProducts++;
  }
  return {
    status: 'ok',
    error: null,
    customers: input.profileIds.length,
    buyers,
    k: null,
    silhouette: null,
    silhouettes: [],
    segments: [],
    drift: null,
    clv: null,
    clv_refused: null,
    excluded: [
      ...(excluded > 0 ? [{ reason: 'revenue does not add up to a finite number', count: excluded }] : []),
      ...(input.orphanOrders > 0
        ? [{ reason: 'orders of a profile that no longer exists', count: input.orphanOrders }]
        : []),
    ],
    orders: input.orderCustomer.length,
    orders_with_products: withProducts,
  };
}

export function computePredictions(
  read: PredictionInput,
  previous: PreviousRun | null,
  options: ComputeOptions = {},
): ComputeResult {
  const input = inTimeOrder(read);
  const n = input.profileIds.length;
  const totals = totalsOf(input);
  const included = new Uint8Array(n);
  let excluded = 0;
  let buyers = 0;
  totals.forEach((t, i) => {
    if (!Number.isFinite(t.revenue)) {
      excluded++;
      return;
    }
    included[i] = 1;
    if (t.orders > 0) buyers++;
  });
  const summary = baseSummary(input, buyers, excluded);
  if (buyers < MIN_BUYERS) {
    return {
      summary: {
        ...summary,
        status: 'not_enough_buyers',
        error: `not enough buyers (n = ${buyers} < ${MIN_BUYERS})`,
      },
      columns: null,
    };
  }

  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (included[i] === 1) kept.push(i);
  const customers: CustomerActivity[] = kept.map((i) => {
    const t = totals[i] as Totals;
    const buyer = t.orders > 0;
    return {
      profileId: input.profileIds[i] as string,
      firstOrderAt: buyer ? t.first : null,
      lastOrderAt: buyer ? t.last : null,
      orders: t.orders,
      revenue: buyer ? Math.max(0, t.revenue) : 0,
      events30d: input.events30d[i] as number,
      channels: {
        web: input.web30d[i] as number,
        store: input.store30d[i] as number,
        whatsapp: input.whatsapp30d[i] as number,
      },
      intent: Math.min(1, Math.max(0, (input.intent[i] as number) / INTENT_SCALE)),
    };
  });
  const population = { brandId: input.brandId, asOf: input.asOf, customers };

  let segments: SegmentRun;
  try {
    segments = recomputeSegments(population, { cluster: { restarts: options.restarts ?? 3 } });
  } catch (error) {
    if (error instanceof RangeError) {
      return {
        summary: {
          ...summary,
          status: 'not_enough_buyers',
          error: `not enough distinct buyers to segment: ${error.message}`,
        },
        columns: null,
      };
    }
    throw error;
  }
  const rfm = rfmScores(population);

  const columns: ComputedColumns = {
    included,
    orders: new Float64Array(n),
    revenue: new Float64Array(n),
    recency: new Float64Array(n).fill(Number.NaN),
    r: new Uint8Array(n),
    f: new Uint8Array(n),
    m: new Uint8Array(n),
    segment: new Int32Array(n).fill(-1),
    segmentNames: [],
    churn: new Float64Array(n).fill(Number.NaN),
    pAlive: new Float64Array(n).fill(Number.NaN),
    expectedPurchases: new Float64Array(n).fill(Number.NaN),
    predictedValue: new Float64Array(n).fill(Number.NaN),
    recommendations: { bytes: new Uint8Array(0), ends: new Int32Array(0) },
  };
  const segmentIndex = new Map<string, number>();
  kept.forEach((i, j) => {
    const t = totals[i] as Totals;
    columns.orders[i] = t.orders;
    columns.revenue[i] = t.revenue;
    const score = rfm[j];
    if (score?.kind === 'scored') {
      columns.recency[i] = score.recencyDays;
      columns.r[i] = score.r;
      columns.f[i] = score.f;
      columns.m[i] = score.m;
    }
    const name = segments.assignments[j]?.segment ?? NO_ORDERS;
    let s = segmentIndex.get(name);
    if (s === undefined) {
      s = columns.segmentNames.push(name) - 1;
      segmentIndex.set(name, s);
    }
    columns.segment[i] = s;
  });

  const clv = fitCustomerValue(input, kept, totals, columns);
  columns.recommendations = recommend(input, kept, columns.included);

  const sizes = segmentSizes(segments.assignments);
  const centroids = new Map(segments.clusters.map((c) => [c.name, c.typical]));
  const silhouettes = segments.byK
    .filter((k) => !k.skipped && Number.isFinite(k.silhouette))
    .map((k) => ({ k: k.k, silhouette: k.silhouette }));
  const drift = previous === null ? null : segmentDrift(previous.assignments, segments.assignments);
  return {
    summary: {
      ...summary,
      k: segments.k,
      silhouette: silhouettes.find((s) => s.k === segments.k)?.silhouette ?? null,
      silhouettes,
      segments: sizes.map((s) => ({
        name: s.segment,
        size: s.size,
        share: s.share,
        centroid: centroids.get(s.segment) ?? null,
      })),
      drift:
        previous === null || drift === null
          ? null
          : {
              previous_run_id: previous.runId,
              stayed: drift.stayed,
              moved: drift.moved,
              entered: drift.entered,
              left: drift.left,
              moves: drift.moves,
            },
      clv: clv.summary,
      clv_refused: clv.refused,
    },
    columns,
  };
}

function purchasesOf(input: TimeOrderedInput, included: Uint8Array): Purchase[][] {
  const byCustomer: Purchase[][] = input.profileIds.map(() => []);
  for (let o = 0; o < input.orderCustomer.length; o++) {
    const c = input.orderCustomer[o] as number;
    if (included[c] !== 1) continue;
    (byCustomer[c] as Purchase[]).push({
      customerId: input.profileIds[c] as string,
      at: input.orderAt[o] as number,
      amount: input.orderRevenue[o] as number,
    });
  }
  return byCustomer;
}

/** BG/NBD + Gamma-Gamma per buyer; refused (null figures, a reason) with too few repeat buyers. */
function fitCustomerValue(
  input: TimeOrderedInput,
  kept: readonly number[],
  totals: readonly Totals[],
  columns: ComputedColumns,
): { summary: ClvSummary | null; refused: string | null } {
  const purchases = purchasesOf(input, columns.included);
  const histories: { index: number; h: PurchaseSummary }[] = [];
  for (const i of kept) {
    if ((totals[i] as Totals).orders === 0) continue;
    const h = rfmFromPurchases(purchases[i] as Purchase[], input.asOf, UNIT_DAYS);
    if (h) histories.push({ index: i, h });
  }
  const repeat = histories.filter((c) => c.h.x > 0 && c.h.meanSpend > 0).length;
  if (repeat < MIN_REPEAT_BUYERS) {
    return { summary: null, refused: `too few repeat buyers to fit (n = ${repeat} < ${MIN_REPEAT_BUYERS})` };
  }
  // A population without heterogeneity (everyone buying at one rate) is fitted at the shapes' bound
  // (MAX_SHAPE, bgnbd.ts) and converges; a search still moving at the cap is refused, not waited for.
  let bgnbd: BgNbdFit;
  let gammaGamma: GammaGammaFit;
  const values: { index: number; v: CustomerValue }[] = [];
  try {
    bgnbd = fitBgNbd(
      histories.map((c) => c.h),
      FIT_LIMITS,
    );
    if (!bgnbd.converged) throw new RangeError(`BG/NBD did not converge in ${bgnbd.iterations} iterations`);
    gammaGamma = fitGammaGamma(
      histories.map((c) => c.h),
      FIT_LIMITS,
    );
    const model: CustomerValueModel = {
      bgnbd: bgnbd.params,
      gammaGamma: gammaGamma.params,
      unitDays: UNIT_DAYS,
    };
    for (const { index, h } of histories) values.push({ index, v: customerValue(model, h) });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { summary: null, refused: `the customer-value fit gave no usable figures: ${error.message}` };
  }
  let totalPurchases = 0;
  let totalValue = 0;
  for (const { index, v } of values) {
    columns.churn[index] = v.noPurchaseProbability;
    columns.pAlive[index] = 1 - v.churnProbability;
    columns.expectedPurchases[index] = v.expectedPurchases;
    columns.predictedValue[index] = v.predictedValue;
    totalPurchases += v.expectedPurchases;
    totalValue += v.predictedValue;
  }
  return {
    summary: {
      customers: histories.length,
      repeat_customers: repeat,
      bgnbd: {
        ...bgnbd.params,
        log_likelihood: bgnbd.logLikelihood,
        converged: bgnbd.converged,
        at_bound: bgnbd.atBound,
      },
      gamma_gamma: { ...gammaGamma.params, converged: gammaGamma.converged, at_bound: gammaGamma.atBound },
      shape_bound: MAX_SHAPE,
      unit_days: UNIT_DAYS,
      total_expected_purchases_12m: totalPurchases,
      total_predicted_value_12m: totalValue,
      check: holdoutCheck(input, purchases),
    },
    refused: null,
  };
}

/**
 * The brand's own time split: fit on all but the last third of its order history (at most 26
 * weeks held out), predict the held-out weeks, compare with the naive run rate. Null when the
 * split leaves too little to fit (its reason is not worth failing the run for).
 */
function holdoutCheck(input: TimeOrderedInput, purchases: Purchase[][]): ClvSummary['check'] {
  if (input.orderAt.length === 0) return null;
  const first = input.orderAt[0] as number;
  const spanDays = Math.floor((input.asOf - first) / DAY_MS);
  const holdoutDays = Math.min(182, Math.floor(spanDays / 3));
  if (holdoutDays < 7) return null;
  try {
    const split = splitCalibrationHoldout(purchases.flat(), {
      startAt: first,
      calibrationDays: spanDays - holdoutDays,
      holdoutDays,
      unitDays: UNIT_DAYS,
    });
    if (split.filter((c) => c.x > 0).length < MIN_REPEAT_BUYERS) return null;
    const check = checkOnHoldout(split, { unitDays: UNIT_DAYS, holdoutDays, fit: FIT_LIMITS });
    if (!check.bgnbd.converged) return null;
    return {
      holdout_days: holdoutDays,
      customers: check.customers,
      purchases_mae: { model: check.purchases.model.mae, naive: check.purchases.naive.mae },
      spend_mae: { model: check.spend.model.mae, naive: check.spend.naive.mae },
      auc_any_purchase: { model: check.activeAuc.all.modelAnyPurchase, naive: check.activeAuc.all.naive },
    };
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/** Co-occurrence over the brand's orders in time order, then each profile's top products. */
function recommend(input: TimeOrderedInput, kept: readonly number[], included: Uint8Array): Utf8Text {
  const json = new Array<string>(input.profileIds.length).fill('[]');
  const store = createStore(input.brandId);
  const bought: string[][] = input.profileIds.map(() => []);
  for (let o = 0; o < input.orderCustomer.length; o++) {
    const c = input.orderCustomer[o] as number;
    if (included[c] !== 1) continue;
    const items = input.products.slice(input.productStart[o], input.productStart[o + 1]);
    if (items.length === 0) continue;
    // An order the store refuses (an id it cannot key) is left out; the rest still count.
    if (addOrder(store, items, input.profileIds[c]).ok) (bought[c] as string[]).push(...items);
  }
  if (store.customers > 0) {
    for (const i of kept) {
      const recs: PredictedRecommendation[] = recommendFor(
        store,
        bought[i] as string[],
        PREDICTION_RECOMMENDATIONS,
      ).map((r) => ({
        product_id: r.productId,
        reason: r.reason,
        because: r.because,
        score: r.score,
        // Names stay on the main thread (run.ts labels the rows): the worker needs ids only.
        labels: {},
      }));
      json[i] = JSON.stringify(recs);
    }
  }
  const text = new Utf8Column();
  for (const j of json) text.push(j);
  return text.done();
}
