// Rows read back from DuckDB, turned into the shared domain records. The
// getters check each column's JS type, so a schema drift fails loudly here
// instead of leaking a wrong type into the dashboard.
import type { RejectedEvent } from '../../../src/lib/shared/events';
import type {
  Alert,
  BrandCounters,
  Identifier,
  KpiMinute,
  MergeRecord,
  Profile,
  StoredEvent,
} from '../../../src/lib/shared/model';
import type { IdentityLink } from '../types';
import type { Row } from './session';

function wrongType(row: Row, column: string, expected: string): TypeError {
  return new TypeError(`column ${column}: expected ${expected}, got ${typeof row[column]}`);
}

export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw wrongType(row, column, 'text');
  return value;
}

export function optionalText(row: Row, column: string): string | null {
  return row[column] === null ? null : text(row, column);
}

export function num(row: Row, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw wrongType(row, column, 'number');
}

/** TIMESTAMP → ISO-8601 UTC with milliseconds. */
export function time(row: Row, column: string): string {
  const value = row[column];
  if (!(value instanceof Date)) throw wrongType(row, column, 'timestamp');
  return value.toISOString();
}

export function optionalTime(row: Row, column: string): string | null {
  return row[column] === null ? null : time(row, column);
}

/** JSON text this warehouse wrote itself; its shape is the record type's. */
function json<T>(row: Row, column: string): T {
  return JSON.parse(text(row, column)) as T;
}

export function toProfile(row: Row): Profile {
  return {
    brand_id: text(row, 'brand_id'),
    profile_id: text(row, 'profile_id'),
    merged_into: optionalText(row, 'merged_into'),
    identifiers: json<Identifier[]>(row, 'identifiers'),
    first_seen: time(row, 'first_seen'),
    last_seen: time(row, 'last_seen'),
    event_count: num(row, 'event_count'),
    orders: num(row, 'orders'),
    revenue: num(row, 'revenue'),
    channels: json<Profile['channels']>(row, 'channels'),
    categories: json<Record<string, number>>(row, 'categories'),
    intent_score: num(row, 'intent_score'),
    intent_level: text(row, 'intent_level') as Profile['intent_level'],
    intent_updated_at: time(row, 'intent_updated_at'),
    version: num(row, 'version'),
  };
}

export function toStoredEvent(row: Row): StoredEvent {
  return {
    brand_id: text(row, 'brand_id'),
    event_id: text(row, 'event_id'),
    source: text(row, 'source') as StoredEvent['source'],
    source_event_id: text(row, 'source_event_id'),
    type: text(row, 'type') as StoredEvent['type'],
    name: text(row, 'name'),
    channel: text(row, 'channel') as StoredEvent['channel'],
    profile_id: text(row, 'profile_id'),
    timestamp: time(row, 'timestamp'),
    received_at: time(row, 'received_at'),
    revenue: num(row, 'revenue'),
    category: optionalText(row, 'category'),
    properties: json<Record<string, unknown>>(row, 'properties'),
  };
}

export function toLink(row: Row): IdentityLink {
  return {
    brand_id: text(row, 'brand_id'),
    type: text(row, 'type') as IdentityLink['type'],
    value: text(row, 'value'),
    profile_id: text(row, 'profile_id'),
    linked_at: time(row, 'linked_at'),
  };
}

export function toMergeRecord(row: Row): MergeRecord {
  return {
    brand_id: text(row, 'brand_id'),
    merge_id: text(row, 'merge_id'),
    action: text(row, 'action') as MergeRecord['action'],
    into_profile_id: text(row, 'into_profile_id'),
    from_profile_ids: json<string[]>(row, 'from_profile_ids'),
    reason: text(row, 'reason'),
    identifiers: json<Identifier[]>(row, 'identifiers'),
    event_id: text(row, 'event_id'),
    at: time(row, 'at'),
  };
}

export function toKpiMinute(row: Row): KpiMinute {
  return {
    brand_id: text(row, 'brand_id'),
    minute: time(row, 'minute'),
    events: num(row, 'events'),
    active_users: num(row, 'active_users'),
    carts: num(row, 'carts'),
    purchases: num(row, 'purchases'),
    revenue: num(row, 'revenue'),
    conversion_rate: num(row, 'conversion_rate'),
    high_intent_profiles: num(row, 'high_intent_profiles'),
  };
}

export function toAlert(row: Row): Alert {
  return {
    brand_id: text(row, 'brand_id'),
    alert_id: text(row, 'alert_id'),
    rule: text(row, 'rule'),
    state: text(row, 'state') as Alert['state'],
    severity: text(row, 'severity') as Alert['severity'],
    message: text(row, 'message'),
    value: num(row, 'value'),
    baseline: num(row, 'baseline'),
    started_at: time(row, 'started_at'),
    updated_at: time(row, 'updated_at'),
    resolved_at: optionalTime(row, 'resolved_at'),
  };
}

export function toRejected(row: Row): RejectedEvent {
  return {
    brand_id: text(row, 'brand_id'),
    rejection_id: text(row, 'rejection_id'),
    source: text(row, 'source') as RejectedEvent['source'],
    received_at: time(row, 'received_at'),
    reason: text(row, 'reason'),
    detail: text(row, 'detail'),
    payload: text(row, 'payload'),
  };
}

export function toCounters(brandId: string, row: Row | undefined): BrandCounters {
  if (!row) return { brand_id: brandId, processed: 0, duplicates: 0, rejected: 0 };
  return {
    brand_id: text(row, 'brand_id'),
    processed: num(row, 'processed'),
    duplicates: num(row, 'duplicates'),
    rejected: num(row, 'rejected'),
  };
}
