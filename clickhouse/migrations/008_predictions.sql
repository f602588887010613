-- The scheduled prediction run's results (ingest/predictions/, docs/customer-value.md,
-- docs/segments.md).
--
-- customer_predictions: one row per brand and profile, the latest run's scores. `version` is
--   the run's computed_at in ms: a later run wins, a repeated run id writes identical rows,
--   which collapse. Float figures a profile has no value for (no orders, or a brand whose CLV
--   fit was refused) are NULL; recommendations are JSON text.
-- prediction_runs: one row per brand and run, the whole record as JSON text (sizes, centroids,
--   drift, CLV parameters, checks, error); started_at and status are columns to sort and filter.

CREATE TABLE IF NOT EXISTS customer_predictions (
  brand_id String,
  profile_id String,
  run_id String,
  computed_at DateTime('UTC'),
  orders UInt64,
  revenue Float64,
  recency_days Nullable(Float64),
  r Nullable(UInt8),
  f Nullable(UInt8),
  m Nullable(UInt8),
  segment String,
  churn_probability Nullable(Float64),
  p_alive Nullable(Float64),
  expected_purchases_12m Nullable(Float64),
  predicted_value_12m Nullable(Float64),
  recommendations String,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (brand_id, profile_id);

CREATE TABLE IF NOT EXISTS prediction_runs (
  brand_id String,
  run_id String,
  started_at DateTime('UTC'),
  status String,
  record String,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (brand_id, run_id);
