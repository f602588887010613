-- Each brand's learned intent model (ingest/models/intent/learner.ts): `state`
-- is what the processor restores at its next start, `summary` what the
-- dashboard shows (held-back quality beside the fixed-weight baseline, the
-- learned weights). One row per brand; a save is a later version of it.

CREATE TABLE IF NOT EXISTS intent_models (
  brand_id String,
  updated_at DateTime('UTC'),
  state String,
  summary String,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY brand_id;
