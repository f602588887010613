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
// links, KPIs, alerts, counters, spend, campaign minutes, touches, silences,
// checkpoints by the commit's write version) are ReplacingMergeTree(version),
// and every read uses FINAL. So the
// checkpoint never runs ahead of the rows, and a replay never counts twice.
//
// The write version is the commit's wall-clock time in microseconds, kept
// strictly increasing within this process: a later commit's upsert wins. A
// replay rewrites identical rows, so which attempt wins does not matter.
//
// Replaying from the checkpoint is not enough on its own, though: the
// processor rebuilds a brand's state from these very tables before it
// replays, so a cut commit's rows would be the base the replay builds on —
// its events already "seen" (deduplicated away: lost), its profile counts
// already raised (raised again: counted twice). Hence the redo log
// (migration 002): before any table row, the whole commit goes into
// commit_log as ONE row in ONE INSERT, which ClickHouse applies all or
// nothing. Reading a checkpoint first finishes the partition's last logged
// commit if its checkpoint never landed (finishLoggedCommit), so the tables,
// the checkpoint and the state rebuilt from them describe the same prefix of
// the stream again before anyone resumes. (Found by tests/faults: a SIGKILL
// inside a commit lost the events of the cut batch.)
//
// Within one warehouse handle a read never sees half a commit (lock.ts);
// another process may, until the redo or the rest of the commit lands.
//
// One commit may hold the batches of several partitions (the processor writes
// a whole bus fetch at once: few, large INSERTs). The redo log then gets one
// row per partition, each with that partition's own batch, in its one INSERT;
// a redo finishes one partition's batch alone, which is all that partition's
// brands need.
import { LEGACY_ALERT } from '../ingest/warehouse/row-decoders';
import type { ProcessorCommit } from '../ingest/warehouse/types';
import type { Alert, AlertDelivery } from '../src/lib/shared/model';
import type { Connection } from './connection';
import * as tables from './inserts';
import { queries } from './queries';
import { num, text } from './rows';
import type { SqlFragment } from './sql';

export interface PlannedInsert {
  table: string;
  statement: SqlFragment;
}

/**
 * The INSERTs of a commit of one or more partitions' batches, in the order
 * they are sent: per table one INSERT with every batch's rows, the
 * checkpoints last. Brands live on one partition each, so the batches' rows
 * never share a key.
 */
export function planCommit(batches: readonly ProcessorCommit[], writeVersion: number): PlannedInsert[] {
  const parts = [
    [tables.events, batches.flatMap((batch) => batch.events)],
    [tables.profiles, batches.flatMap((batch) => batch.profiles)],
    [tables.links, batches.flatMap((batch) => batch.links)],
    [tables.merges, batches.flatMap((batch) => batch.merges)],
    [tables.kpis, batches.flatMap((batch) => batch.kpis)],
    [tables.alerts, batches.flatMap((batch) => batch.alerts)],
    [tables.rejected, batches.flatMap((batch) => batch.rejected)],
    [tables.counters, batches.flatMap((batch) => batch.counters)],
    [tables.spend, batches.flatMap((batch) => batch.spend)],
    [tables.campaigns, batches.flatMap((batch) => batch.campaigns)],
    [tables.touches, batches.flatMap((batch) => batch.touches)],
    [tables.silences, batches.flatMap((batch) => batch.silences)],
    [tables.checkpoints, batches.map((batch) => batch.checkpoint)],
  ] as const;
  const planned: PlannedInsert[] = [];
  for (const [spec, rows] of parts) {
    // Each pair is a spec and its own rows; TypeScript cannot see through the tuple union.
    const statement = tables.insertRows(spec as tables.TableSpec<object>, rows, writeVersion);
    if (statement !== null) planned.push({ table: spec.table, statement });
  }
  return planned;
}

/**
 * Every INSERT writeCommit sends, in order: the redo log's rows (one per
 * partition, its whole batch, in one INSERT), then planCommit's. All are
 * rendered, so every value is checked, before any is sent: a logged commit
 * can always be redone.
 */
export function planWrite(batches: readonly ProcessorCommit[], writeVersion: number): PlannedInsert[] {
  const partitions = new Set(batches.map((batch) => batch.checkpoint.partition));
  if (partitions.size !== batches.length) {
    // Two rows of one redo-log key in one INSERT: which one ClickHouse keeps is undefined.
    throw new RangeError('a commit holds at most one batch per partition');
  }
  const logged: tables.LoggedCommit[] = batches.map((batch) => ({ ...batch.checkpoint, commit: batch }));
  const log = tables.insertRows(tables.commitLog, logged, writeVersion);
  if (log === null) return [];
  return [{ table: tables.commitLog.table, statement: log }, ...planCommit(batches, writeVersion)];
}

export async function writeCommit(
  connection: Connection,
  batches: readonly ProcessorCommit[],
  writeVersion: number,
): Promise<void> {
  for (const { table, statement } of planWrite(batches, writeVersion)) {
    await connection.run(statement, `insert into ${table}`);
  }
}

/** Upserts delivery-log lines in one INSERT (alert_deliveries collapses a retried identical line). */
export async function writeDeliveries(
  connection: Connection,
  rows: readonly AlertDelivery[],
  writeVersion: number,
): Promise<void> {
  const statement = tables.insertRows(tables.deliveries, rows, writeVersion);
  if (statement !== null) await connection.run(statement, 'insert into alert_deliveries');
}

/**
 * Finishes the partition's last logged commit if a crash cut it short: its
 * checkpoint row is missing or older. The redo writes the same rows under the
 * same version, so finishing a commit twice changes nothing. Like every upsert
 * here it trusts write versions to grow across processes (wall-clock time).
 */
export async function finishLoggedCommit(
  connection: Connection,
  consumer: string,
  partition: number,
): Promise<void> {
  const [logged] = await connection.rows(queries.loggedCommit(consumer, partition), 'read commit_log');
  if (!logged) return;
  const [done] = await connection.rows(queries.checkpoint(consumer, partition), 'read processor_checkpoints');
  const version = num(logged, 'version');
  if (done && num(done, 'version') >= version) return;
  const batch = upgradeLoggedCommit(JSON.parse(text(logged, 'commit')) as LoggedBatch);
  for (const { table, statement } of planCommit([batch], version)) {
    await connection.run(statement, `redo insert into ${table}`);
  }
}

/** An alert as releases before migration 004 logged it. */
interface LegacyAlert extends Omit<
  Alert,
  | 'rule_id'
  | 'rule_type'
  | 'subject'
  | 'threshold'
  | 'fired_at'
  | 'notified'
  | 'acknowledged_by'
  | 'acknowledged_at'
> {
  rule: string;
  baseline: number;
}

/** A logged batch as any release wrote it: older ones lack the campaign and silence arrays. */
type LoggedBatch = Omit<ProcessorCommit, 'alerts' | 'spend' | 'campaigns' | 'touches' | 'silences'> &
  Partial<Pick<ProcessorCommit, 'spend' | 'campaigns' | 'touches' | 'silences'>> & {
    alerts: (Alert | LegacyAlert)[];
  };

/** An old alert as today's record: what the decoder makes of its stored row (LEGACY_ALERT). */
function upgradeAlert(alert: Alert | LegacyAlert): Alert {
  if (!('rule' in alert)) return alert;
  const { rule, baseline, ...rest } = alert;
  return {
    ...rest,
    ...LEGACY_ALERT,
    rule_id: rule,
    threshold: baseline,
    fired_at: alert.started_at,
    acknowledged_by: null,
    acknowledged_at: null,
  };
}

/** A commit logged by an older release, redone by this one, writes what that release would have. */
export function upgradeLoggedCommit(batch: LoggedBatch): ProcessorCommit {
  return {
    ...batch,
    alerts: batch.alerts.map(upgradeAlert),
    spend: batch.spend ?? [],
    campaigns: batch.campaigns ?? [],
    touches: batch.touches ?? [],
    silences: batch.silences ?? [],
  };
}

/** Microseconds since 1970, strictly increasing per call (and below 2^53 until the year 2255). */
export function createWriteVersions(now: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    last = Math.max(now() * 1000, last + 1);
    return last;
  };
}
