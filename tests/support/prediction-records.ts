// A stored prediction row and run record with plausible values, for tests that seed the
// warehouse with a run's output (contract tests, the read API, the pages). Override any field.
import type { CustomerPrediction, PredictionRun } from '../../src/lib/shared/predictions';

export function predictionRecord(
  brand: string,
  profileId: string,
  computedAt: string,
  fields: Partial<CustomerPrediction> = {},
): CustomerPrediction {
  return {
    brand_id: brand,
    profile_id: profileId,
    run_id: 'run-1',
    computed_at: computedAt,
    orders: 2,
    revenue: 120.5,
    recency_days: 3.25,
    r: 5,
    f: 4,
    m: 3,
    segment: 'champions',
    churn_probability: 0.125,
    p_alive: 0.75,
    expected_purchases_12m: 1.5,
    predicted_value_12m: 88.25,
    recommendations: [
      {
        product_id: `sku'${profileId}`,
        reason: 'bought_together',
        because: ['a'],
        score: 0.5,
        labels: { [`sku'${profileId}`]: `Name of '${profileId}` },
      },
    ],
    ...fields,
  };
}

export function predictionRunRecord(
  brand: string,
  runId: string,
  startedAt: string,
  fields: Partial<PredictionRun> = {},
): PredictionRun {
  return {
    brand_id: brand,
    run_id: runId,
    started_at: startedAt,
    finished_at: new Date(Date.parse(startedAt) + 30_000).toISOString(),
    status: 'ok',
    error: null,
    customers: 3,
    buyers: 2,
    k: 3,
    silhouette: 0.5,
    silhouettes: [{ k: 3, silhouette: 0.5 }],
    segments: [{ name: 'champions', size: 2, share: 2 / 3, centroid: { recency: 1 } }],
    drift: null,
    clv: null,
    clv_refused: 'too few repeat customers',
    excluded: [],
    orders: 4,
    orders_with_products: 3,
    timings: { read_ms: 1, compute_ms: 2, write_ms: 3 },
    ...fields,
  };
}
