-- Campaigns (spend reports, what campaigns earned per minute, profiles' last
-- touches) and alerts as data (rule types, subjects, silences, the delivery
-- log).
--
-- alerts keeps its columns: `rule` holds rule_id, `baseline` a copy of
-- threshold. Rows written before this migration read the new columns as
-- '' / 0 / NULL; the decoder (ingest/warehouse/row-decoders.ts, LEGACY_ALERT)
-- reads rule_type '' as such an old row. 18.16 has no ADD COLUMN IF NOT
-- EXISTS, so each column is its own statement: the migrator takes "column
-- already exists" from a lone ADD COLUMN as applied (clickhouse/migrations.ts).

ALTER TABLE alerts ADD COLUMN rule_type String DEFAULT '';
ALTER TABLE alerts ADD COLUMN subject String DEFAULT '';
ALTER TABLE alerts ADD COLUMN threshold Float64 DEFAULT 0;
ALTER TABLE alerts ADD COLUMN fired_at Nullable(DateTime('UTC'));
ALTER TABLE alerts ADD COLUMN notified UInt8 DEFAULT 0;
ALTER TABLE alerts ADD COLUMN acknowledged_by Nullable(String);
ALTER TABLE alerts ADD COLUMN acknowledged_at Nullable(DateTime('UTC'));

-- One row per spend key (spendKey): a restatement is a later version of it.
CREATE TABLE IF NOT EXISTS ad_spend (
  brand_id String,
  campaign_id String,
  campaign_name String,
  channel String,
  period String,
  period_start DateTime('UTC'),
  impressions UInt64,
  clicks UInt64,
  cost Float64,
  currency Nullable(String),
  source String,
  received_at DateTime('UTC'),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (brand_id, campaign_id, channel, period, period_start);

CREATE TABLE IF NOT EXISTS campaign_minute (
  brand_id String,
  minute DateTime('UTC'),
  campaign_id String,
  channel String,
  visits UInt64,
  orders UInt64,
  revenue Float64,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(minute)
ORDER BY (brand_id, minute, campaign_id, channel);

-- One row per profile: its last touch.
CREATE TABLE IF NOT EXISTS campaign_touches (
  brand_id String,
  profile_id String,
  campaign_id String,
  channel String,
  touched_at DateTime('UTC'),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (brand_id, profile_id);

CREATE TABLE IF NOT EXISTS alert_silences (
  brand_id String,
  silence_id String,
  rule_id Nullable(String),
  subject Nullable(String),
  starts_at DateTime('UTC'),
  ends_at DateTime('UTC'),
  reason String,
  created_by String,
  cancelled_at Nullable(DateTime('UTC')),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (brand_id, silence_id);

-- The delivery log, written outside batch commits. Keyed by everything that
-- tells two lines apart, so a retried write of the same line collapses; no
-- PARTITION BY, so rows of one key always meet (ReplacingMergeTree
-- deduplicates within a partition only).
CREATE TABLE IF NOT EXISTS alert_deliveries (
  brand_id String,
  alert_id String,
  receiver_id String,
  state String,
  attempt UInt32,
  at DateTime('UTC'),
  outcome String,
  status Nullable(UInt16),
  error Nullable(String),
  give_up_reason Nullable(String),
  next_attempt_at Nullable(DateTime('UTC')),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (brand_id, alert_id, receiver_id, state, attempt, outcome);
