// Writes one ProcessorCommit to ClickHouse.
//
// ClickHouse has no transactions, so a commit is made safe to repeat instead
// of atomic:
//   1. Every table's rows are rendered first (clickhouse/inserts.ts); a bad
//      value fails the commit before anything is sent.
//   2. Each table gets ONE INSERT with all its rows (ClickHouse wants few,
//      large inserts; one row per INSERT would make a part per row).
//   3. The processor_checkpoints row goes LAST, after every other INSERT
//      has been acknowledged.
// A crash or error between two INSERTs leaves some tables written and the
// checkpoint where it was. The processor then replays the same offsets, which
// produce the same rows (ids are deterministic), and the tables collapse
// them: facts (events, merge_history, rejected_events) are
// ReplacingMergeTree keyed by their id, upserts (profiles by their version;
// links, KPIs, alerts, counters, checkpoints by the commit's write version)
// are ReplacingMergeTree(version), and every read uses FINAL. So the
// checkpoint never runs ahead of the rows, and a replay never counts twice.
//
// The write version is the commit's wall-clock time in microseconds, kept
// strictly increasing within this process: a later commit's upsert wins. A
// replay rewrites identical rows, so which attempt wins does not matter.
//
// Within one warehouse handle a read never sees half a commit (lock.ts);
// another process may, until the replay or the rest of the commit lands.
// Batching rows of several commits into one INSERT (by row count and age) is
// a later step; today each processor batch is one INSERT per table.
import type { ProcessorCommit } from '../ingest/warehouse/types';
import type { Connection } from './connection';
import * as tables from './inserts';
import type { SqlFragment } from './sql';

export interface PlannedInsert {
  table: string;
  statement: SqlFragment;
}

/** The INSERTs of one commit, in the order they are sent; the checkpoint is the last one. */
export function planCommit(batch: ProcessorCommit, writeVersion: number): PlannedInsert[] {
  const parts = [
    [tables.events, batch.events],
    [tables.profiles, batch.profiles],
    [tables.links, batch.links],
    [tables.merges, batch.merges],
    [tables.kpis, batch.kpis],
    [tables.alerts, batch.alerts],
    [tables.rejected, batch.rejected],
    [tables.counters, batch.counters],
    [tables.checkpoints, [batch.checkpoint]],
  ] as const;
  const planned: PlannedInsert[] = [];
  for (const [spec, rows] of parts) {
    // Each pair is a spec and its own rows; TypeScript cannot see through the tuple union.
    const statement = tables.insertRows(spec as tables.TableSpec<object>, rows, writeVersion);
    if (statement !== null) planned.push({ table: spec.table, statement });
  }
  return planned;
}

export async function writeCommit(
  connection: Connection,
  batch: ProcessorCommit,
  writeVersion: number,
): Promise<void> {
  for (const { table, statement } of planCommit(batch, writeVersion)) {
    await connection.run(statement, `insert into ${table}`);
  }
}

/** Microseconds since 1970, strictly increasing per call (and below 2^53 until the year 2255). */
export function createWriteVersions(now: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    last = Math.max(now() * 1000, last + 1);
    return last;
  };
}
