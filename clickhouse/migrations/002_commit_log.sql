-- The redo log of processor commits (clickhouse/commit.ts): each commit's
-- whole ProcessorCommit as JSON, written in ONE INSERT of one row — which
-- ClickHouse applies all or nothing — before any of its table rows. The row
-- with the highest version is the last commit begun on a partition; if the
-- checkpoint has an older version, that commit was cut short and is finished
-- from here before anyone resumes from the checkpoint.

CREATE TABLE IF NOT EXISTS commit_log (
  consumer String,
  partition UInt32,
  next_offset UInt64,
  commit String,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (consumer, partition);
