// Warehouse rows back into the shared domain records, once for every
// back-end: each back-end supplies only how it reads a column's primitive
// values (its driver's number, time and list types), so the records they
// decode cannot drift apart. Every getter checks the value's shape, so schema
// drift fails loudly as a TypeError naming the column instead of leaking a
// wrong type into the dashboard.
import { ALERT_RULE_TYPES, BRAND_SUBJECT } from '../../src/lib/shared/alert-rules';
import {
  AD_CHANNELS,
  SPEND_PERIODS,
  type AdSpend,
  type CampaignMinute,
  type CampaignTouch,
} from '../../src/lib/shared/campaigns';
import {
  CHANNELS,
  EVENT_TYPES,
  IDENTIFIER_TYPES,
  SOURCES,
  type RejectedEvent,
} from '../../src/lib/shared/events';
import {
  ALERT_SEVERITIES,
  ALERT_STATES,
  INTENT_LEVELS,
  MERGE_ACTIONS,
  type Alert,
  type AlertDelivery,
  type AlertSilence,
  type BrandCounters,
  type Identifier,
  type IntentForecast,
  type IntentReason,
  type KpiMinute,
  type MergeRecord,
  type Profile,
  type ProfileParts,
  type SourceActivity,
  type SourceHour,
  type StoredEvent,
} from '../../src/lib/shared/model';
import type { IdentityLink } from './types';

type ColumnGetter<Row, T> = (row: Row, column: string) => T;

/** How one back-end reads a non-NULL column value; each throws a TypeError naming the column. */
export interface ColumnReader<Row> {
  text: ColumnGetter<Row, string>;
  num: ColumnGetter<Row, number>;
  /** A timestamp as ISO-8601 UTC with milliseconds. */
  time: ColumnGetter<Row, string>;
  /** A list of text values (ClickHouse Array(String), DuckDB JSON text). */
  strings: ColumnGetter<Row, string[]>;
  /** A yes/no value (ClickHouse UInt8 0/1, DuckDB BOOLEAN). */
  flag: ColumnGetter<Row, boolean>;
  /** A list of numbers (ClickHouse Array(Float64), DuckDB JSON text). */
  numbers: ColumnGetter<Row, number[]>;
}

const SPEND_SOURCES = ['track', 'csv'] as const satisfies readonly AdSpend['source'][];
const DELIVERY_STATES = ['firing', 'resolved'] as const satisfies readonly AlertDelivery['state'][];
const DELIVERY_OUTCOMES = [
  'delivered',
  'failed',
  'gave_up',
] as const satisfies readonly AlertDelivery['outcome'][];
const GIVE_UP_REASONS = [
  'rejected',
  'expired',
  'queue_full',
  'closed',
] as const satisfies readonly NonNullable<AlertDelivery['give_up_reason']>[];

/**
 * What an alert stored before rules were data (rule 'conversion_drop', no
 * rule_type: those columns read '' there) stands for in today's record: the
 * brand's low-conversion alert, compared with its baseline, fired when it
 * began, never notified (there were no receivers).
 */
export const LEGACY_ALERT = {
  rule_type: 'low_conversion',
  subject: BRAND_SUBJECT,
  notified: false,
} as const satisfies Partial<Alert>;

function checkedOneOf<T extends string>(column: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new TypeError(`column ${column}: unexpected value ${JSON.stringify(value)}`);
  return found;
}

/** An own part stored before intent per category (ClickHouse 006, DuckDB 5) had none and no reasons. */
function ownPart(own: Partial<ProfileParts> | null): ProfileParts | null {
  if (own === null) return null;
  return {
    ...own,
    intent_categories: own.intent_categories ?? {},
    intent_reasons: own.intent_reasons ?? [],
  } as ProfileParts;
}

export function createRowDecoders<Row extends Record<string, unknown>>(columns: ColumnReader<Row>) {
  const { text, num, time, strings, flag, numbers } = columns;

  /** Text that must be one of the shared model's values. */
  function oneOf<T extends string>(row: Row, column: string, allowed: readonly T[]): T {
    return checkedOneOf(column, text(row, column), allowed);
  }

  function optionalText(row: Row, column: string): string | null {
    return row[column] === null ? null : text(row, column);
  }

  function optionalTime(row: Row, column: string): string | null {
    return row[column] === null ? null : time(row, column);
  }

  function optionalNum(row: Row, column: string): number | null {
    return row[column] === null ? null : num(row, column);
  }

  function optionalOneOf<T extends string>(row: Row, column: string, allowed: readonly T[]): T | null {
    return row[column] === null ? null : oneOf(row, column, allowed);
  }

  /** JSON text this warehouse wrote itself; its shape is the record type's. */
  function json<T>(row: Row, column: string): T {
    return JSON.parse(text(row, column)) as T;
  }

  /** Nullable JSON text, stored as '' for null (both back-ends' columns are NOT NULL text). */
  function optionalJson<T>(row: Row, column: string): T | null {
    const value = text(row, column);
    return value === '' ? null : (JSON.parse(value) as T);
  }

  function toProfile(row: Row): Profile {
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
      channels: strings(row, 'channels').map((channel) => checkedOneOf('channels', channel, CHANNELS)),
      categories: json<Record<string, number>>(row, 'categories'),
      intent_score: num(row, 'intent_score'),
      intent_level: oneOf(row, 'intent_level', INTENT_LEVELS),
      intent_updated_at: time(row, 'intent_updated_at'),
      intent_categories: intentCategories(row),
      intent_reasons: json<IntentReason[]>(row, 'intent_reasons'),
      intent_forecast: json<IntentForecast[]>(row, 'intent_forecast'),
      version: num(row, 'version'),
      own: ownPart(optionalJson<Partial<ProfileParts>>(row, 'own')),
    };
  }

  /** Names and scores, two lists of one length (ClickHouse 006, DuckDB 5). */
  function intentCategories(row: Row): Record<string, number> {
    const names = strings(row, 'intent_category_names');
    const scores = numbers(row, 'intent_category_scores');
    if (names.length !== scores.length) {
      throw new TypeError(
        `columns intent_category_names and intent_category_scores: ${names.length} names, ${scores.length} scores`,
      );
    }
    return Object.fromEntries(names.map((name, i) => [name, scores[i]!]));
  }

  function toStoredEvent(row: Row): StoredEvent {
    return {
      brand_id: text(row, 'brand_id'),
      event_id: text(row, 'event_id'),
      source: oneOf(row, 'source', SOURCES),
      source_event_id: text(row, 'source_event_id'),
      type: oneOf(row, 'type', EVENT_TYPES),
      name: text(row, 'name'),
      channel: oneOf(row, 'channel', CHANNELS),
      profile_id: text(row, 'profile_id'),
      timestamp: time(row, 'timestamp'),
      received_at: time(row, 'received_at'),
      revenue: num(row, 'revenue'),
      category: optionalText(row, 'category'),
      properties: json<Record<string, unknown>>(row, 'properties'),
    };
  }

  function toLink(row: Row): IdentityLink {
    return {
      brand_id: text(row, 'brand_id'),
      type: oneOf(row, 'type', IDENTIFIER_TYPES),
      value: text(row, 'value'),
      profile_id: text(row, 'profile_id'),
      linked_at: time(row, 'linked_at'),
    };
  }

  function toMergeRecord(row: Row): MergeRecord {
    return {
      brand_id: text(row, 'brand_id'),
      merge_id: text(row, 'merge_id'),
      action: oneOf(row, 'action', MERGE_ACTIONS),
      into_profile_id: text(row, 'into_profile_id'),
      from_profile_ids: strings(row, 'from_profile_ids'),
      reason: text(row, 'reason'),
      identifiers: json<Identifier[]>(row, 'identifiers'),
      event_id: text(row, 'event_id'),
      at: time(row, 'at'),
    };
  }

  function toKpiMinute(row: Row): KpiMinute {
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

  /**
   * The `rule` column holds rule_id; `baseline` repeats threshold (the old
   * column's meaning), which is all a row written before migration 3 (DuckDB)
   * or 004 (ClickHouse) has: its new columns read '' / 0 / NULL (LEGACY_ALERT).
   */
  function toAlert(row: Row): Alert {
    const legacy = text(row, 'rule_type') === '';
    const startedAt = time(row, 'started_at');
    return {
      brand_id: text(row, 'brand_id'),
      alert_id: text(row, 'alert_id'),
      rule_id: text(row, 'rule'),
      rule_type: legacy ? LEGACY_ALERT.rule_type : oneOf(row, 'rule_type', ALERT_RULE_TYPES),
      subject: legacy ? LEGACY_ALERT.subject : text(row, 'subject'),
      severity: oneOf(row, 'severity', ALERT_SEVERITIES),
      state: oneOf(row, 'state', ALERT_STATES),
      message: text(row, 'message'),
      value: num(row, 'value'),
      threshold: legacy ? num(row, 'baseline') : num(row, 'threshold'),
      started_at: startedAt,
      fired_at: legacy ? startedAt : optionalTime(row, 'fired_at'),
      resolved_at: optionalTime(row, 'resolved_at'),
      updated_at: time(row, 'updated_at'),
      notified: legacy ? LEGACY_ALERT.notified : flag(row, 'notified'),
      acknowledged_by: optionalText(row, 'acknowledged_by'),
      acknowledged_at: optionalTime(row, 'acknowledged_at'),
    };
  }

  function toSilence(row: Row): AlertSilence {
    return {
      brand_id: text(row, 'brand_id'),
      silence_id: text(row, 'silence_id'),
      rule_id: optionalText(row, 'rule_id'),
      subject: optionalText(row, 'subject'),
      starts_at: time(row, 'starts_at'),
      ends_at: time(row, 'ends_at'),
      reason: text(row, 'reason'),
      created_by: text(row, 'created_by'),
      cancelled_at: optionalTime(row, 'cancelled_at'),
    };
  }

  function toDelivery(row: Row): AlertDelivery {
    return {
      brand_id: text(row, 'brand_id'),
      alert_id: text(row, 'alert_id'),
      receiver_id: text(row, 'receiver_id'),
      state: oneOf(row, 'state', DELIVERY_STATES),
      attempt: num(row, 'attempt'),
      at: time(row, 'at'),
      outcome: oneOf(row, 'outcome', DELIVERY_OUTCOMES),
      status: optionalNum(row, 'status'),
      error: optionalText(row, 'error'),
      give_up_reason: optionalOneOf(row, 'give_up_reason', GIVE_UP_REASONS),
      next_attempt_at: optionalTime(row, 'next_attempt_at'),
    };
  }

  function toAdSpend(row: Row): AdSpend {
    return {
      brand_id: text(row, 'brand_id'),
      campaign_id: text(row, 'campaign_id'),
      campaign_name: text(row, 'campaign_name'),
      channel: oneOf(row, 'channel', AD_CHANNELS),
      period: oneOf(row, 'period', SPEND_PERIODS),
      period_start: time(row, 'period_start'),
      impressions: num(row, 'impressions'),
      clicks: num(row, 'clicks'),
      cost: num(row, 'cost'),
      currency: optionalText(row, 'currency'),
      source: oneOf(row, 'source', SPEND_SOURCES),
      received_at: time(row, 'received_at'),
    };
  }

  function toCampaignMinute(row: Row): CampaignMinute {
    return {
      brand_id: text(row, 'brand_id'),
      minute: time(row, 'minute'),
      campaign_id: text(row, 'campaign_id'),
      channel: oneOf(row, 'channel', AD_CHANNELS),
      visits: num(row, 'visits'),
      orders: num(row, 'orders'),
      revenue: num(row, 'revenue'),
    };
  }

  /**
   * A campaignActivity row: sums under their own names (ClickHouse reads
   * `sum(x) AS x` as an aggregate inside itself), the bucket start as `minute`.
   */
  function toCampaignBucket(row: Row): CampaignMinute {
    return {
      brand_id: text(row, 'brand_id'),
      minute: time(row, 'bucket'),
      campaign_id: text(row, 'campaign_id'),
      channel: oneOf(row, 'channel', AD_CHANNELS),
      visits: num(row, 'total_visits'),
      orders: num(row, 'total_orders'),
      revenue: num(row, 'total_revenue'),
    };
  }

  function toTouch(row: Row): CampaignTouch {
    return {
      brand_id: text(row, 'brand_id'),
      profile_id: text(row, 'profile_id'),
      campaign_id: text(row, 'campaign_id'),
      channel: oneOf(row, 'channel', AD_CHANNELS),
      touched_at: time(row, 'touched_at'),
    };
  }

  function toRejected(row: Row): RejectedEvent {
    return {
      brand_id: text(row, 'brand_id'),
      rejection_id: text(row, 'rejection_id'),
      source: oneOf(row, 'source', SOURCES),
      received_at: time(row, 'received_at'),
      reason: text(row, 'reason'),
      detail: text(row, 'detail'),
      payload: text(row, 'payload'),
    };
  }

  /** A brand without a counters row yet has counted nothing. */
  function toCounters(brandId: string, row: Row | undefined): BrandCounters {
    if (!row) return { brand_id: brandId, processed: 0, duplicates: 0, rejected: 0 };
    return {
      brand_id: text(row, 'brand_id'),
      processed: num(row, 'processed'),
      duplicates: num(row, 'duplicates'),
      rejected: num(row, 'rejected'),
    };
  }

  function toSourceHour(row: Row): SourceHour {
    return { source: oneOf(row, 'source', SOURCES), hour: time(row, 'hour'), events: num(row, 'events') };
  }

  function toSourceLast(row: Row): SourceActivity['last'][number] {
    return { source: oneOf(row, 'source', SOURCES), received_at: time(row, 'last_received_at') };
  }

  return {
    oneOf,
    optionalText,
    optionalTime,
    json,
    optionalJson,
    toProfile,
    toStoredEvent,
    toLink,
    toMergeRecord,
    toKpiMinute,
    toAlert,
    toSilence,
    toDelivery,
    toAdSpend,
    toCampaignMinute,
    toCampaignBucket,
    toTouch,
    toRejected,
    toCounters,
    toSourceHour,
    toSourceLast,
  };
}
