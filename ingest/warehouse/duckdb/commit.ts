// Writes one ProcessorCommit. Each table's rows go through DuckDB's appender
// into a temporary staging table of the same columns (the fastest bulk path,
// and no value is ever part of SQL text); then one call runs, per table, an
// INSERT ... SELECT into the real table under its conflict rule and empties
// the stage. All of it runs inside the caller's transaction, so a failure
// also rolls the staged rows back.
//
// Conflict rules make a re-commit of the same batch harmless:
//   events, merge_history, rejected_events  keep the stored row (append-only facts)
//   profiles                                 replace only with an equal or higher version
//   identity_links, kpi_minute, alerts,
//   brand_counters, processor_checkpoints,
//   ad_spend, campaign_minute,
//   campaign_touches, alert_silences,
//   alert_deliveries                         replace (whole-row upserts; within a batch the last row wins)
import type { DuckDBValue } from '@duckdb/node-api';
import type { AdSpend, CampaignMinute, CampaignTouch } from '../../../src/lib/shared/campaigns';
import type { RejectedEvent } from '../../../src/lib/shared/events';
import type {
  Alert,
  AlertDelivery,
  AlertSilence,
  BrandCounters,
  KpiMinute,
  MergeRecord,
  Profile,
  StoredEvent,
} from '../../../src/lib/shared/model';
import type { IdentityLink, ProcessorCommit } from '../types';
import type { Session } from './session';
import { bigint, toBigInt, toTimestamp, varchar, type SqlTypeName } from './sql-params';

interface Column<T> {
  name: string;
  type: SqlTypeName;
  value: (row: T) => DuckDBValue;
}

type ConflictRule = 'keep-stored' | 'replace' | 'replace-if-newer-version';

interface TableWriter<T> {
  table: string;
  key: (row: T) => string;
  columns: readonly Column<T>[];
  conflict: ConflictRule;
  stage: string;
  createStage: string;
  moveFromStage: string;
  clearStage: string;
}

const timeOrNull = (iso: string | null): DuckDBValue => (iso === null ? null : toTimestamp(iso));

function tableWriter<T>(
  table: string,
  keyColumns: readonly (keyof T & string)[],
  conflict: ConflictRule,
  columns: readonly Column<T>[],
): TableWriter<T> {
  const names = columns.map((column) => `"${column.name}"`).join(', ');
  const stage = `stage_${table}`;
  const updates = columns
    .filter((column) => !keyColumns.includes(column.name as keyof T & string))
    .map((column) => `"${column.name}" = excluded."${column.name}"`)
    .join(', ');
  const onConflict =
    conflict === 'keep-stored'
      ? 'DO NOTHING'
      : `DO UPDATE SET ${updates}${conflict === 'replace-if-newer-version' ? ` WHERE excluded.version >= ${table}.version` : ''}`;
  return {
    table,
    key: (row) => JSON.stringify(keyColumns.map((column) => row[column])),
    columns,
    conflict,
    stage,
    createStage: `CREATE TEMP TABLE IF NOT EXISTS ${stage} (${columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`,
    moveFromStage: `INSERT INTO ${table} (${names}) SELECT ${names} FROM temp.main.${stage}
      ON CONFLICT (${keyColumns.map((c) => `"${c}"`).join(', ')}) ${onConflict}`,
    clearStage: `DELETE FROM temp.main.${stage}`,
  };
}

/** DuckDB refuses to touch one key twice in a statement, so a batch is reduced to one row per key first. */
function onePerKey<T extends object>(writer: TableWriter<T>, rows: readonly T[]): T[] {
  const chosen = new Map<string, T>();
  for (const row of rows) {
    const key = writer.key(row);
    const current = chosen.get(key);
    if (current === undefined) chosen.set(key, row);
    else if (writer.conflict === 'replace') chosen.set(key, row);
    else if (writer.conflict === 'replace-if-newer-version' && version(row) >= version(current))
      chosen.set(key, row);
  }
  return [...chosen.values()];
}

function version(row: object): number {
  return 'version' in row && typeof row.version === 'number' ? row.version : 0;
}

/** Stages a table's rows; returns the statements that move them into place, or none. */
async function stageRows<T extends object>(session: Session, writer: TableWriter<T>, rows: readonly T[]) {
  if (rows.length === 0) return [];
  const unique = onePerKey(writer, rows);
  await session.appendToTemp(
    writer.stage,
    unique.map((row) => writer.columns.map((column) => column.value(row))),
  );
  return [writer.moveFromStage, writer.clearStage];
}

const events = tableWriter<StoredEvent>('events', ['brand_id', 'event_id'], 'keep-stored', [
  { name: 'brand_id', type: 'VARCHAR', value: (e) => e.brand_id },
  { name: 'event_id', type: 'VARCHAR', value: (e) => e.event_id },
  { name: 'source', type: 'VARCHAR', value: (e) => e.source },
  { name: 'source_event_id', type: 'VARCHAR', value: (e) => e.source_event_id },
  { name: 'type', type: 'VARCHAR', value: (e) => e.type },
  { name: 'name', type: 'VARCHAR', value: (e) => e.name },
  { name: 'channel', type: 'VARCHAR', value: (e) => e.channel },
  { name: 'profile_id', type: 'VARCHAR', value: (e) => e.profile_id },
  { name: 'timestamp', type: 'TIMESTAMP', value: (e) => toTimestamp(e.timestamp) },
  { name: 'received_at', type: 'TIMESTAMP', value: (e) => toTimestamp(e.received_at) },
  { name: 'revenue', type: 'DOUBLE', value: (e) => e.revenue },
  { name: 'category', type: 'VARCHAR', value: (e) => e.category },
  { name: 'properties', type: 'VARCHAR', value: (e) => JSON.stringify(e.properties) },
]);

const profiles = tableWriter<Profile>('profiles', ['brand_id', 'profile_id'], 'replace-if-newer-version', [
  { name: 'brand_id', type: 'VARCHAR', value: (p) => p.brand_id },
  { name: 'profile_id', type: 'VARCHAR', value: (p) => p.profile_id },
  { name: 'merged_into', type: 'VARCHAR', value: (p) => p.merged_into },
  { name: 'identifiers', type: 'VARCHAR', value: (p) => JSON.stringify(p.identifiers) },
  { name: 'first_seen', type: 'TIMESTAMP', value: (p) => toTimestamp(p.first_seen) },
  { name: 'last_seen', type: 'TIMESTAMP', value: (p) => toTimestamp(p.last_seen) },
  { name: 'event_count', type: 'BIGINT', value: (p) => toBigInt(p.event_count) },
  { name: 'orders', type: 'BIGINT', value: (p) => toBigInt(p.orders) },
  { name: 'revenue', type: 'DOUBLE', value: (p) => p.revenue },
  { name: 'channels', type: 'VARCHAR', value: (p) => JSON.stringify(p.channels) },
  { name: 'categories', type: 'VARCHAR', value: (p) => JSON.stringify(p.categories) },
  { name: 'intent_score', type: 'DOUBLE', value: (p) => p.intent_score },
  { name: 'intent_level', type: 'VARCHAR', value: (p) => p.intent_level },
  { name: 'intent_updated_at', type: 'TIMESTAMP', value: (p) => toTimestamp(p.intent_updated_at) },
  { name: 'version', type: 'BIGINT', value: (p) => toBigInt(p.version) },
  { name: 'own', type: 'VARCHAR', value: (p) => (p.own === null ? '' : JSON.stringify(p.own)) },
  {
    name: 'intent_category_names',
    type: 'VARCHAR',
    value: (p) => JSON.stringify(Object.keys(p.intent_categories)),
  },
  {
    name: 'intent_category_scores',
    type: 'VARCHAR',
    value: (p) => JSON.stringify(Object.values(p.intent_categories)),
  },
  { name: 'intent_reasons', type: 'VARCHAR', value: (p) => JSON.stringify(p.intent_reasons) },
  { name: 'intent_forecast', type: 'VARCHAR', value: (p) => JSON.stringify(p.intent_forecast) },
]);

const links = tableWriter<IdentityLink>('identity_links', ['brand_id', 'type', 'value'], 'replace', [
  { name: 'brand_id', type: 'VARCHAR', value: (l) => l.brand_id },
  { name: 'type', type: 'VARCHAR', value: (l) => l.type },
  { name: 'value', type: 'VARCHAR', value: (l) => l.value },
  { name: 'profile_id', type: 'VARCHAR', value: (l) => l.profile_id },
  { name: 'linked_at', type: 'TIMESTAMP', value: (l) => toTimestamp(l.linked_at) },
]);

const merges = tableWriter<MergeRecord>('merge_history', ['brand_id', 'merge_id'], 'keep-stored', [
  { name: 'brand_id', type: 'VARCHAR', value: (m) => m.brand_id },
  { name: 'merge_id', type: 'VARCHAR', value: (m) => m.merge_id },
  { name: 'action', type: 'VARCHAR', value: (m) => m.action },
  { name: 'into_profile_id', type: 'VARCHAR', value: (m) => m.into_profile_id },
  { name: 'from_profile_ids', type: 'VARCHAR', value: (m) => JSON.stringify(m.from_profile_ids) },
  { name: 'reason', type: 'VARCHAR', value: (m) => m.reason },
  { name: 'identifiers', type: 'VARCHAR', value: (m) => JSON.stringify(m.identifiers) },
  { name: 'event_id', type: 'VARCHAR', value: (m) => m.event_id },
  { name: 'at', type: 'TIMESTAMP', value: (m) => toTimestamp(m.at) },
]);

const kpis = tableWriter<KpiMinute>('kpi_minute', ['brand_id', 'minute'], 'replace', [
  { name: 'brand_id', type: 'VARCHAR', value: (k) => k.brand_id },
  { name: 'minute', type: 'TIMESTAMP', value: (k) => toTimestamp(k.minute) },
  { name: 'events', type: 'BIGINT', value: (k) => toBigInt(k.events) },
  { name: 'active_users', type: 'BIGINT', value: (k) => toBigInt(k.active_users) },
  { name: 'carts', type: 'BIGINT', value: (k) => toBigInt(k.carts) },
  { name: 'purchases', type: 'BIGINT', value: (k) => toBigInt(k.purchases) },
  { name: 'revenue', type: 'DOUBLE', value: (k) => k.revenue },
  { name: 'conversion_rate', type: 'DOUBLE', value: (k) => k.conversion_rate },
  { name: 'high_intent_profiles', type: 'BIGINT', value: (k) => toBigInt(k.high_intent_profiles) },
]);

// `rule` holds rule_id and `baseline` a copy of threshold: the columns older rows have (schema.ts, 3).
const alerts = tableWriter<Alert>('alerts', ['brand_id', 'alert_id'], 'replace', [
  { name: 'brand_id', type: 'VARCHAR', value: (a) => a.brand_id },
  { name: 'alert_id', type: 'VARCHAR', value: (a) => a.alert_id },
  { name: 'rule', type: 'VARCHAR', value: (a) => a.rule_id },
  { name: 'rule_type', type: 'VARCHAR', value: (a) => a.rule_type },
  { name: 'subject', type: 'VARCHAR', value: (a) => a.subject },
  { name: 'state', type: 'VARCHAR', value: (a) => a.state },
  { name: 'severity', type: 'VARCHAR', value: (a) => a.severity },
  { name: 'message', type: 'VARCHAR', value: (a) => a.message },
  { name: 'value', type: 'DOUBLE', value: (a) => a.value },
  { name: 'threshold', type: 'DOUBLE', value: (a) => a.threshold },
  { name: 'baseline', type: 'DOUBLE', value: (a) => a.threshold },
  { name: 'started_at', type: 'TIMESTAMP', value: (a) => toTimestamp(a.started_at) },
  { name: 'fired_at', type: 'TIMESTAMP', value: (a) => timeOrNull(a.fired_at) },
  { name: 'resolved_at', type: 'TIMESTAMP', value: (a) => timeOrNull(a.resolved_at) },
  { name: 'updated_at', type: 'TIMESTAMP', value: (a) => toTimestamp(a.updated_at) },
  { name: 'notified', type: 'BOOLEAN', value: (a) => a.notified },
  { name: 'acknowledged_by', type: 'VARCHAR', value: (a) => a.acknowledged_by },
  { name: 'acknowledged_at', type: 'TIMESTAMP', value: (a) => timeOrNull(a.acknowledged_at) },
]);

const silences = tableWriter<AlertSilence>('alert_silences', ['brand_id', 'silence_id'], 'replace', [
  { name: 'brand_id', type: 'VARCHAR', value: (x) => x.brand_id },
  { name: 'silence_id', type: 'VARCHAR', value: (x) => x.silence_id },
  { name: 'rule_id', type: 'VARCHAR', value: (x) => x.rule_id },
  { name: 'subject', type: 'VARCHAR', value: (x) => x.subject },
  { name: 'starts_at', type: 'TIMESTAMP', value: (x) => toTimestamp(x.starts_at) },
  { name: 'ends_at', type: 'TIMESTAMP', value: (x) => toTimestamp(x.ends_at) },
  { name: 'reason', type: 'VARCHAR', value: (x) => x.reason },
  { name: 'created_by', type: 'VARCHAR', value: (x) => x.created_by },
  { name: 'cancelled_at', type: 'TIMESTAMP', value: (x) => timeOrNull(x.cancelled_at) },
]);

const deliveries = tableWriter<AlertDelivery>(
  'alert_deliveries',
  ['brand_id', 'alert_id', 'receiver_id', 'state', 'attempt', 'outcome'],
  'replace',
  [
    { name: 'brand_id', type: 'VARCHAR', value: (d) => d.brand_id },
    { name: 'alert_id', type: 'VARCHAR', value: (d) => d.alert_id },
    { name: 'receiver_id', type: 'VARCHAR', value: (d) => d.receiver_id },
    { name: 'state', type: 'VARCHAR', value: (d) => d.state },
    { name: 'attempt', type: 'BIGINT', value: (d) => toBigInt(d.attempt) },
    { name: 'at', type: 'TIMESTAMP', value: (d) => toTimestamp(d.at) },
    { name: 'outcome', type: 'VARCHAR', value: (d) => d.outcome },
    { name: 'status', type: 'BIGINT', value: (d) => (d.status === null ? null : toBigInt(d.status)) },
    { name: 'error', type: 'VARCHAR', value: (d) => d.error },
    { name: 'give_up_reason', type: 'VARCHAR', value: (d) => d.give_up_reason },
    { name: 'next_attempt_at', type: 'TIMESTAMP', value: (d) => timeOrNull(d.next_attempt_at) },
  ],
);

const spend = tableWriter<AdSpend>(
  'ad_spend',
  ['brand_id', 'campaign_id', 'channel', 'period', 'period_start'],
  'replace',
  [
    { name: 'brand_id', type: 'VARCHAR', value: (r) => r.brand_id },
    { name: 'campaign_id', type: 'VARCHAR', value: (r) => r.campaign_id },
    { name: 'campaign_name', type: 'VARCHAR', value: (r) => r.campaign_name },
    { name: 'channel', type: 'VARCHAR', value: (r) => r.channel },
    { name: 'period', type: 'VARCHAR', value: (r) => r.period },
    { name: 'period_start', type: 'TIMESTAMP', value: (r) => toTimestamp(r.period_start) },
    { name: 'impressions', type: 'BIGINT', value: (r) => toBigInt(r.impressions) },
    { name: 'clicks', type: 'BIGINT', value: (r) => toBigInt(r.clicks) },
    { name: 'cost', type: 'DOUBLE', value: (r) => r.cost },
    { name: 'currency', type: 'VARCHAR', value: (r) => r.currency },
    { name: 'source', type: 'VARCHAR', value: (r) => r.source },
    { name: 'received_at', type: 'TIMESTAMP', value: (r) => toTimestamp(r.received_at) },
  ],
);

const campaigns = tableWriter<CampaignMinute>(
  'campaign_minute',
  ['brand_id', 'minute', 'campaign_id', 'channel'],
  'replace',
  [
    { name: 'brand_id', type: 'VARCHAR', value: (c) => c.brand_id },
    { name: 'minute', type: 'TIMESTAMP', value: (c) => toTimestamp(c.minute) },
    { name: 'campaign_id', type: 'VARCHAR', value: (c) => c.campaign_id },
    { name: 'channel', type: 'VARCHAR', value: (c) => c.channel },
    { name: 'visits', type: 'BIGINT', value: (c) => toBigInt(c.visits) },
    { name: 'orders', type: 'BIGINT', value: (c) => toBigInt(c.orders) },
    { name: 'revenue', type: 'DOUBLE', value: (c) => c.revenue },
  ],
);

const touches = tableWriter<CampaignTouch>('campaign_touches', ['brand_id', 'profile_id'], 'replace', [
  { name: 'brand_id', type: 'VARCHAR', value: (t) => t.brand_id },
  { name: 'profile_id', type: 'VARCHAR', value: (t) => t.profile_id },
  { name: 'campaign_id', type: 'VARCHAR', value: (t) => t.campaign_id },
  { name: 'channel', type: 'VARCHAR', value: (t) => t.channel },
  { name: 'touched_at', type: 'TIMESTAMP', value: (t) => toTimestamp(t.touched_at) },
]);

const rejected = tableWriter<RejectedEvent>('rejected_events', ['brand_id', 'rejection_id'], 'keep-stored', [
  { name: 'brand_id', type: 'VARCHAR', value: (r) => r.brand_id },
  { name: 'rejection_id', type: 'VARCHAR', value: (r) => r.rejection_id },
  { name: 'source', type: 'VARCHAR', value: (r) => r.source },
  { name: 'received_at', type: 'TIMESTAMP', value: (r) => toTimestamp(r.received_at) },
  { name: 'reason', type: 'VARCHAR', value: (r) => r.reason },
  { name: 'detail', type: 'VARCHAR', value: (r) => r.detail },
  { name: 'payload', type: 'VARCHAR', value: (r) => r.payload },
]);

const counters = tableWriter<BrandCounters>('brand_counters', ['brand_id'], 'replace', [
  { name: 'brand_id', type: 'VARCHAR', value: (c) => c.brand_id },
  { name: 'processed', type: 'BIGINT', value: (c) => toBigInt(c.processed) },
  { name: 'duplicates', type: 'BIGINT', value: (c) => toBigInt(c.duplicates) },
  { name: 'rejected', type: 'BIGINT', value: (c) => toBigInt(c.rejected) },
]);

const SAVE_CHECKPOINT = `INSERT INTO processor_checkpoints (consumer, "partition", next_offset) VALUES ($1, $2, $3)
  ON CONFLICT (consumer, "partition") DO UPDATE SET next_offset = excluded.next_offset`;

const WRITERS = [
  events,
  profiles,
  links,
  merges,
  kpis,
  alerts,
  rejected,
  counters,
  spend,
  campaigns,
  touches,
  silences,
  deliveries,
] as const;

/** Creates this connection's staging tables; run once per connection, outside any transaction. */
export async function createStagingTables(session: Session): Promise<void> {
  for (const writer of WRITERS) await session.run(writer.createStage);
}

/** Writes everything; the caller runs it inside one transaction, checkpoint included. */
export async function writeCommit(session: Session, batch: ProcessorCommit): Promise<void> {
  const moves = [
    ...(await stageRows(session, events, batch.events)),
    ...(await stageRows(session, profiles, batch.profiles)),
    ...(await stageRows(session, links, batch.links)),
    ...(await stageRows(session, merges, batch.merges)),
    ...(await stageRows(session, kpis, batch.kpis)),
    ...(await stageRows(session, alerts, batch.alerts)),
    ...(await stageRows(session, rejected, batch.rejected)),
    ...(await stageRows(session, counters, batch.counters)),
    ...(await stageRows(session, spend, batch.spend)),
    ...(await stageRows(session, campaigns, batch.campaigns)),
    ...(await stageRows(session, touches, batch.touches)),
    ...(await stageRows(session, silences, batch.silences)),
  ];
  // One call for every move: fewer round trips through the thread pool on a busy machine.
  if (moves.length > 0) await session.runScript(moves.join(';\n'));
  const { consumer, partition, next_offset } = batch.checkpoint;
  await session.run(SAVE_CHECKPOINT, [varchar(consumer), bigint(partition), bigint(next_offset)]);
}

/** Upserts delivery-log lines (outside batch commits); the caller runs it inside one transaction. */
export async function writeDeliveries(session: Session, rows: readonly AlertDelivery[]): Promise<void> {
  const moves = await stageRows(session, deliveries, rows);
  if (moves.length > 0) await session.runScript(moves.join(';\n'));
}
