-- The warehouse tables. Every table of brand data has brand_id first in
-- ORDER BY; the checkpoints table belongs to no brand.
--
-- No transactions: rows are written idempotently and read through FINAL.
--   ReplacingMergeTree(version)  upserts; the row with the highest version wins
--                                (profiles: Profile.version; the others: the
--                                commit's write version, so a later commit wins).
--   ReplacingMergeTree           append-only facts keyed by their id; a replayed
--                                batch writes identical rows, which collapse.
-- Times are DateTime('UTC') (whole seconds); arrays of ids are Array(String);
-- nested objects (identifiers, categories, properties) are JSON text.
-- Only syntax both ClickHouse 18.16 and current releases accept: no
-- LowCardinality, no DateTime64, PARTITION BY/ORDER BY engine clauses.
-- Statements end with ';' at the end of a line (the migrator splits there).

CREATE TABLE IF NOT EXISTS events (
  brand_id String,
  event_id String,
  source String,
  source_event_id String,
  type String,
  name String,
  channel String,
  profile_id String,
  timestamp DateTime('UTC'),
  received_at DateTime('UTC'),
  revenue Float64,
  category Nullable(String),
  properties String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (brand_id, event_id);

CREATE TABLE IF NOT EXISTS profiles (
  brand_id String,
  profile_id String,
  merged_into Nullable(String),
  identifiers String,
  first_seen DateTime('UTC'),
  last_seen DateTime('UTC'),
  event_count UInt64,
  orders UInt64,
  revenue Float64,
  channels Array(String),
  categories String,
  intent_score Float64,
  intent_level String,
  intent_updated_at DateTime('UTC'),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (brand_id, profile_id);

CREATE TABLE IF NOT EXISTS identity_links (
  brand_id String,
  type String,
  value String,
  profile_id String,
  linked_at DateTime('UTC'),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (brand_id, type, value);

CREATE TABLE IF NOT EXISTS merge_history (
  brand_id String,
  merge_id String,
  action String,
  into_profile_id String,
  from_profile_ids Array(String),
  reason String,
  identifiers String,
  event_id String,
  at DateTime('UTC')
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (brand_id, merge_id);

CREATE TABLE IF NOT EXISTS kpi_minute (
  brand_id String,
  minute DateTime('UTC'),
  events UInt64,
  active_users UInt64,
  carts UInt64,
  purchases UInt64,
  revenue Float64,
  conversion_rate Float64,
  high_intent_profiles UInt64,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(minute)
ORDER BY (brand_id, minute);

CREATE TABLE IF NOT EXISTS alerts (
  brand_id String,
  alert_id String,
  rule String,
  state String,
  severity String,
  message String,
  value Float64,
  baseline Float64,
  started_at DateTime('UTC'),
  updated_at DateTime('UTC'),
  resolved_at Nullable(DateTime('UTC')),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (brand_id, alert_id);

CREATE TABLE IF NOT EXISTS rejected_events (
  brand_id String,
  rejection_id String,
  source String,
  received_at DateTime('UTC'),
  reason String,
  detail String,
  payload String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (brand_id, rejection_id);

CREATE TABLE IF NOT EXISTS brand_counters (
  brand_id String,
  processed UInt64,
  duplicates UInt64,
  rejected UInt64,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY brand_id;

CREATE TABLE IF NOT EXISTS processor_checkpoints (
  consumer String,
  partition UInt32,
  next_offset UInt64,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (consumer, partition);
