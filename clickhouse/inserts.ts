// One INSERT … VALUES per table, rendered through clickhouse/sql.ts. Each
// column says how its value is written; rendering checks every value's type,
// so a bad row (a null where the table has none, a NaN, a fractional count)
// fails here, before anything is sent.
//
// Rows repeated within a batch are reduced to one per key first, by the same
// rule the DuckDB back-end uses, so the result never depends on which of two
// equal-version rows ClickHouse happens to keep.
import type { AdSpend, CampaignMinute, CampaignTouch } from '../src/lib/shared/campaigns';
import type { RejectedEvent } from '../src/lib/shared/events';
import type { IntentModelRecord } from '../src/lib/shared/intent-model';
import type {
  Alert,
  AlertDelivery,
  AlertSilence,
  BrandCounters,
  KpiMinute,
  MergeRecord,
  Profile,
  StoredEvent,
} from '../src/lib/shared/model';
import type { Checkpoint, IdentityLink, ProcessorCommit } from '../ingest/warehouse/types';
import {
  array,
  dateTimeText,
  identifier,
  join,
  quoteCount,
  quoteNumber,
  quoteString,
  raw,
  type SqlFragment,
} from './sql';

/** How a value is written: the ClickHouse column type it goes into. */
type ColumnKind =
  | 'String'
  | 'Nullable(String)'
  | 'Float64'
  | 'UInt'
  | 'Nullable(UInt)'
  /** A boolean as UInt8 0/1 (18.16 has no Bool). */
  | 'Bool'
  | 'DateTime'
  | 'Nullable(DateTime)'
  | 'Array(String)'
  | 'Array(Float64)'
  /** An object or array stored as JSON text in a String column. */
  | 'JSON'
  /** The same, or null stored as '' (a String column has no NULL to spare). */
  | 'JSON or empty';

interface Column<T> {
  name: string;
  kind: ColumnKind;
  value: (row: T) => unknown;
}

/** Which of several rows with one key a batch keeps. */
type KeepRule = 'first' | 'last' | 'highest-version';

export interface TableSpec<T> {
  table: string;
  key: readonly (keyof T & string)[];
  keep: KeepRule;
  columns: readonly Column<T>[];
  /** Whether the table has a `version` column the commit fills (upsert tables other than profiles). */
  writeVersion: boolean;
}

// Hot: called for every value of every row. No closures in here (under tsx
// each named one is wrapped in esbuild's __name on creation, which showed in profiles).
function literal(kind: ColumnKind, value: unknown, column: string): string {
  switch (kind) {
    case 'String':
      if (typeof value === 'string') return quoteString(value);
      break;
    case 'Nullable(String)':
      if (value === null) return 'NULL';
      if (typeof value === 'string') return quoteString(value);
      break;
    case 'Float64':
      if (typeof value === 'number') return quoteNumber(value);
      break;
    case 'UInt':
      if (typeof value === 'number') return quoteCount(value);
      break;
    case 'Nullable(UInt)':
      if (value === null) return 'NULL';
      if (typeof value === 'number') return quoteCount(value);
      break;
    case 'Bool':
      if (typeof value === 'boolean') return value ? '1' : '0';
      break;
    case 'DateTime':
      if (typeof value === 'string') return quoteString(dateTimeText(value));
      break;
    case 'Nullable(DateTime)':
      if (value === null) return 'NULL';
      if (typeof value === 'string') return quoteString(dateTimeText(value));
      break;
    case 'Array(String)':
      if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
        return array(value as string[]).text;
      break;
    case 'Array(Float64)':
      if (Array.isArray(value) && value.every((item) => typeof item === 'number'))
        return array(value as number[]).text;
      break;
    case 'JSON':
      if (typeof value === 'object' && value !== null) return quoteString(JSON.stringify(value));
      break;
    case 'JSON or empty':
      if (value === null) return "''";
      if (typeof value === 'object') return quoteString(JSON.stringify(value));
      break;
  }
  throw new TypeError(`column ${column} (${kind}): bad value ${String(value).slice(0, 40)}`);
}

function keyOf<T>(spec: TableSpec<T>, row: T): string {
  return JSON.stringify(spec.key.map((column) => row[column]));
}

function versionOf(row: unknown): number {
  return typeof row === 'object' && row !== null && 'version' in row && typeof row.version === 'number'
    ? row.version
    : 0;
}

export function onePerKey<T>(spec: TableSpec<T>, rows: readonly T[]): T[] {
  const chosen = new Map<string, T>();
  for (const row of rows) {
    const key = keyOf(spec, row);
    const current = chosen.get(key);
    if (current === undefined || spec.keep === 'last') chosen.set(key, row);
    else if (spec.keep === 'highest-version' && versionOf(row) >= versionOf(current)) chosen.set(key, row);
  }
  return [...chosen.values()];
}

/**
 * `INSERT INTO t (…) VALUES (…), (…)` for all rows, or null for none.
 * `writeVersion` is the commit's version for tables whose upserts are ordered by it.
 */
export function insertRows<T>(
  spec: TableSpec<T>,
  rows: readonly T[],
  writeVersion: number,
): SqlFragment | null {
  if (rows.length === 0) return null;
  const columns = spec.columns.map((column) => identifier(column.name).text);
  if (spec.writeVersion) columns.push('`version`');
  const version = quoteCount(writeVersion);
  const tuples = onePerKey(spec, rows).map((row) => {
    const values = spec.columns.map((column) => literal(column.kind, column.value(row), column.name));
    if (spec.writeVersion) values.push(version);
    return raw(`(${values.join(', ')})`);
  });
  return join(
    [raw(`INSERT INTO ${identifier(spec.table).text} (${columns.join(', ')}) VALUES`), join(tuples, ',\n')],
    '\n',
  );
}

function spec<T>(
  table: string,
  key: readonly (keyof T & string)[],
  keep: KeepRule,
  writeVersion: boolean,
  columns: readonly Column<T>[],
): TableSpec<T> {
  return { table, key, keep, writeVersion, columns };
}

export const events = spec<StoredEvent>('events', ['brand_id', 'event_id'], 'first', false, [
  { name: 'brand_id', kind: 'String', value: (e) => e.brand_id },
  { name: 'event_id', kind: 'String', value: (e) => e.event_id },
  { name: 'source', kind: 'String', value: (e) => e.source },
  { name: 'source_event_id', kind: 'String', value: (e) => e.source_event_id },
  { name: 'type', kind: 'String', value: (e) => e.type },
  { name: 'name', kind: 'String', value: (e) => e.name },
  { name: 'channel', kind: 'String', value: (e) => e.channel },
  { name: 'profile_id', kind: 'String', value: (e) => e.profile_id },
  { name: 'timestamp', kind: 'DateTime', value: (e) => e.timestamp },
  { name: 'received_at', kind: 'DateTime', value: (e) => e.received_at },
  { name: 'revenue', kind: 'Float64', value: (e) => e.revenue },
  { name: 'category', kind: 'Nullable(String)', value: (e) => e.category },
  { name: 'properties', kind: 'JSON', value: (e) => e.properties },
]);

export const profiles = spec<Profile>('profiles', ['brand_id', 'profile_id'], 'highest-version', false, [
  { name: 'brand_id', kind: 'String', value: (p) => p.brand_id },
  { name: 'profile_id', kind: 'String', value: (p) => p.profile_id },
  { name: 'merged_into', kind: 'Nullable(String)', value: (p) => p.merged_into },
  { name: 'identifiers', kind: 'JSON', value: (p) => p.identifiers },
  { name: 'first_seen', kind: 'DateTime', value: (p) => p.first_seen },
  { name: 'last_seen', kind: 'DateTime', value: (p) => p.last_seen },
  { name: 'event_count', kind: 'UInt', value: (p) => p.event_count },
  { name: 'orders', kind: 'UInt', value: (p) => p.orders },
  { name: 'revenue', kind: 'Float64', value: (p) => p.revenue },
  { name: 'channels', kind: 'Array(String)', value: (p) => p.channels },
  { name: 'categories', kind: 'JSON', value: (p) => p.categories },
  { name: 'intent_score', kind: 'Float64', value: (p) => p.intent_score },
  { name: 'intent_level', kind: 'String', value: (p) => p.intent_level },
  { name: 'intent_updated_at', kind: 'DateTime', value: (p) => p.intent_updated_at },
  // The profile's own version orders its upserts (ReplacingMergeTree(version)).
  { name: 'version', kind: 'UInt', value: (p) => p.version },
  // A commit logged before migration 003 and redone after it has no `own`: it had none then.
  { name: 'own', kind: 'JSON or empty', value: (p) => p.own ?? null },
  // Likewise, one logged before migration 006 has no intent per category and no reasons.
  {
    name: 'intent_category_names',
    kind: 'Array(String)',
    value: (p) => Object.keys(intentCategoriesOf(p)),
  },
  {
    name: 'intent_category_scores',
    kind: 'Array(Float64)',
    value: (p) => Object.values(intentCategoriesOf(p)),
  },
  { name: 'intent_reasons', kind: 'JSON', value: (p) => (p as Partial<Profile>).intent_reasons ?? [] },
  // And one logged before migration 007 has no forecast.
  { name: 'intent_forecast', kind: 'JSON', value: (p) => (p as Partial<Profile>).intent_forecast ?? [] },
]);

function intentCategoriesOf(profile: Profile): Record<string, number> {
  return (profile as Partial<Profile>).intent_categories ?? {};
}

export const links = spec<IdentityLink>('identity_links', ['brand_id', 'type', 'value'], 'last', true, [
  { name: 'brand_id', kind: 'String', value: (l) => l.brand_id },
  { name: 'type', kind: 'String', value: (l) => l.type },
  { name: 'value', kind: 'String', value: (l) => l.value },
  { name: 'profile_id', kind: 'String', value: (l) => l.profile_id },
  { name: 'linked_at', kind: 'DateTime', value: (l) => l.linked_at },
]);

export const merges = spec<MergeRecord>('merge_history', ['brand_id', 'merge_id'], 'first', false, [
  { name: 'brand_id', kind: 'String', value: (m) => m.brand_id },
  { name: 'merge_id', kind: 'String', value: (m) => m.merge_id },
  { name: 'action', kind: 'String', value: (m) => m.action },
  { name: 'into_profile_id', kind: 'String', value: (m) => m.into_profile_id },
  { name: 'from_profile_ids', kind: 'Array(String)', value: (m) => m.from_profile_ids },
  { name: 'reason', kind: 'String', value: (m) => m.reason },
  { name: 'identifiers', kind: 'JSON', value: (m) => m.identifiers },
  { name: 'event_id', kind: 'String', value: (m) => m.event_id },
  { name: 'at', kind: 'DateTime', value: (m) => m.at },
]);

export const kpis = spec<KpiMinute>('kpi_minute', ['brand_id', 'minute'], 'last', true, [
  { name: 'brand_id', kind: 'String', value: (k) => k.brand_id },
  { name: 'minute', kind: 'DateTime', value: (k) => k.minute },
  { name: 'events', kind: 'UInt', value: (k) => k.events },
  { name: 'active_users', kind: 'UInt', value: (k) => k.active_users },
  { name: 'carts', kind: 'UInt', value: (k) => k.carts },
  { name: 'purchases', kind: 'UInt', value: (k) => k.purchases },
  { name: 'revenue', kind: 'Float64', value: (k) => k.revenue },
  { name: 'conversion_rate', kind: 'Float64', value: (k) => k.conversion_rate },
  { name: 'high_intent_profiles', kind: 'UInt', value: (k) => k.high_intent_profiles },
]);

// `rule` holds rule_id and `baseline` a copy of threshold: the columns rows before migration 004 have.
export const alerts = spec<Alert>('alerts', ['brand_id', 'alert_id'], 'last', true, [
  { name: 'brand_id', kind: 'String', value: (a) => a.brand_id },
  { name: 'alert_id', kind: 'String', value: (a) => a.alert_id },
  { name: 'rule', kind: 'String', value: (a) => a.rule_id },
  { name: 'rule_type', kind: 'String', value: (a) => a.rule_type },
  { name: 'subject', kind: 'String', value: (a) => a.subject },
  { name: 'state', kind: 'String', value: (a) => a.state },
  { name: 'severity', kind: 'String', value: (a) => a.severity },
  { name: 'message', kind: 'String', value: (a) => a.message },
  { name: 'value', kind: 'Float64', value: (a) => a.value },
  { name: 'threshold', kind: 'Float64', value: (a) => a.threshold },
  { name: 'baseline', kind: 'Float64', value: (a) => a.threshold },
  { name: 'started_at', kind: 'DateTime', value: (a) => a.started_at },
  { name: 'fired_at', kind: 'Nullable(DateTime)', value: (a) => a.fired_at },
  { name: 'resolved_at', kind: 'Nullable(DateTime)', value: (a) => a.resolved_at },
  { name: 'updated_at', kind: 'DateTime', value: (a) => a.updated_at },
  { name: 'notified', kind: 'Bool', value: (a) => a.notified },
  { name: 'acknowledged_by', kind: 'Nullable(String)', value: (a) => a.acknowledged_by },
  { name: 'acknowledged_at', kind: 'Nullable(DateTime)', value: (a) => a.acknowledged_at },
]);

export const silences = spec<AlertSilence>('alert_silences', ['brand_id', 'silence_id'], 'last', true, [
  { name: 'brand_id', kind: 'String', value: (x) => x.brand_id },
  { name: 'silence_id', kind: 'String', value: (x) => x.silence_id },
  { name: 'rule_id', kind: 'Nullable(String)', value: (x) => x.rule_id },
  { name: 'subject', kind: 'Nullable(String)', value: (x) => x.subject },
  { name: 'starts_at', kind: 'DateTime', value: (x) => x.starts_at },
  { name: 'ends_at', kind: 'DateTime', value: (x) => x.ends_at },
  { name: 'reason', kind: 'String', value: (x) => x.reason },
  { name: 'created_by', kind: 'String', value: (x) => x.created_by },
  { name: 'cancelled_at', kind: 'Nullable(DateTime)', value: (x) => x.cancelled_at },
]);

/** Written by recordDeliveries, not by commits; its write version only orders identical retries. */
export const deliveries = spec<AlertDelivery>(
  'alert_deliveries',
  ['brand_id', 'alert_id', 'receiver_id', 'state', 'attempt', 'outcome'],
  'last',
  true,
  [
    { name: 'brand_id', kind: 'String', value: (d) => d.brand_id },
    { name: 'alert_id', kind: 'String', value: (d) => d.alert_id },
    { name: 'receiver_id', kind: 'String', value: (d) => d.receiver_id },
    { name: 'state', kind: 'String', value: (d) => d.state },
    { name: 'attempt', kind: 'UInt', value: (d) => d.attempt },
    { name: 'at', kind: 'DateTime', value: (d) => d.at },
    { name: 'outcome', kind: 'String', value: (d) => d.outcome },
    { name: 'status', kind: 'Nullable(UInt)', value: (d) => d.status },
    { name: 'error', kind: 'Nullable(String)', value: (d) => d.error },
    { name: 'give_up_reason', kind: 'Nullable(String)', value: (d) => d.give_up_reason },
    { name: 'next_attempt_at', kind: 'Nullable(DateTime)', value: (d) => d.next_attempt_at },
  ],
);

export const spend = spec<AdSpend>(
  'ad_spend',
  ['brand_id', 'campaign_id', 'channel', 'period', 'period_start'],
  'last',
  true,
  [
    { name: 'brand_id', kind: 'String', value: (r) => r.brand_id },
    { name: 'campaign_id', kind: 'String', value: (r) => r.campaign_id },
    { name: 'campaign_name', kind: 'String', value: (r) => r.campaign_name },
    { name: 'channel', kind: 'String', value: (r) => r.channel },
    { name: 'period', kind: 'String', value: (r) => r.period },
    { name: 'period_start', kind: 'DateTime', value: (r) => r.period_start },
    { name: 'impressions', kind: 'UInt', value: (r) => r.impressions },
    { name: 'clicks', kind: 'UInt', value: (r) => r.clicks },
    { name: 'cost', kind: 'Float64', value: (r) => r.cost },
    { name: 'currency', kind: 'Nullable(String)', value: (r) => r.currency },
    { name: 'source', kind: 'String', value: (r) => r.source },
    { name: 'received_at', kind: 'DateTime', value: (r) => r.received_at },
  ],
);

export const campaigns = spec<CampaignMinute>(
  'campaign_minute',
  ['brand_id', 'minute', 'campaign_id', 'channel'],
  'last',
  true,
  [
    { name: 'brand_id', kind: 'String', value: (c) => c.brand_id },
    { name: 'minute', kind: 'DateTime', value: (c) => c.minute },
    { name: 'campaign_id', kind: 'String', value: (c) => c.campaign_id },
    { name: 'channel', kind: 'String', value: (c) => c.channel },
    { name: 'visits', kind: 'UInt', value: (c) => c.visits },
    { name: 'orders', kind: 'UInt', value: (c) => c.orders },
    { name: 'revenue', kind: 'Float64', value: (c) => c.revenue },
  ],
);

export const touches = spec<CampaignTouch>('campaign_touches', ['brand_id', 'profile_id'], 'last', true, [
  { name: 'brand_id', kind: 'String', value: (t) => t.brand_id },
  { name: 'profile_id', kind: 'String', value: (t) => t.profile_id },
  { name: 'campaign_id', kind: 'String', value: (t) => t.campaign_id },
  { name: 'channel', kind: 'String', value: (t) => t.channel },
  { name: 'touched_at', kind: 'DateTime', value: (t) => t.touched_at },
]);

export const rejected = spec<RejectedEvent>('rejected_events', ['brand_id', 'rejection_id'], 'first', false, [
  { name: 'brand_id', kind: 'String', value: (r) => r.brand_id },
  { name: 'rejection_id', kind: 'String', value: (r) => r.rejection_id },
  { name: 'source', kind: 'String', value: (r) => r.source },
  { name: 'received_at', kind: 'DateTime', value: (r) => r.received_at },
  { name: 'reason', kind: 'String', value: (r) => r.reason },
  { name: 'detail', kind: 'String', value: (r) => r.detail },
  { name: 'payload', kind: 'String', value: (r) => r.payload },
]);

export const counters = spec<BrandCounters>('brand_counters', ['brand_id'], 'last', true, [
  { name: 'brand_id', kind: 'String', value: (c) => c.brand_id },
  { name: 'processed', kind: 'UInt', value: (c) => c.processed },
  { name: 'duplicates', kind: 'UInt', value: (c) => c.duplicates },
  { name: 'rejected', kind: 'UInt', value: (c) => c.rejected },
]);

export const checkpoints = spec<Checkpoint>(
  'processor_checkpoints',
  ['consumer', 'partition'],
  'last',
  true,
  [
    { name: 'consumer', kind: 'String', value: (c) => c.consumer },
    { name: 'partition', kind: 'UInt', value: (c) => c.partition },
    { name: 'next_offset', kind: 'UInt', value: (c) => c.next_offset },
  ],
);

/** One row of the redo log (migration 002): a whole commit, before its rows are written. */
/** Written by saveIntentModels, not by commits: one row per brand, the latest save wins. */
export const intentModels = spec<IntentModelRecord>('intent_models', ['brand_id'], 'last', true, [
  { name: 'brand_id', kind: 'String', value: (x) => x.brand_id },
  { name: 'updated_at', kind: 'DateTime', value: (x) => x.updated_at },
  { name: 'state', kind: 'String', value: (x) => x.state },
  { name: 'summary', kind: 'JSON', value: (x) => x.summary },
]);

export interface LoggedCommit {
  consumer: string;
  partition: number;
  next_offset: number;
  commit: ProcessorCommit;
}

export const commitLog = spec<LoggedCommit>('commit_log', ['consumer', 'partition'], 'last', true, [
  { name: 'consumer', kind: 'String', value: (c) => c.consumer },
  { name: 'partition', kind: 'UInt', value: (c) => c.partition },
  { name: 'next_offset', kind: 'UInt', value: (c) => c.next_offset },
  { name: 'commit', kind: 'JSON', value: (c) => c.commit },
]);
