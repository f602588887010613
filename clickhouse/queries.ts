// Every SELECT the ClickHouse warehouse runs, as pure builders: arguments in,
// statement out (values through clickhouse/sql.ts). tests/sql-compat runs each
// one on current ClickHouse too, so keep to what 18.16 also accepts: no window
// functions, no recursive CTEs, no {name:Type} parameters.
//
// Every brand table is read with FINAL, so the latest version of each row is
// the only one seen, and filtered by brand_id first: a brand reads only its
// own rows, whatever ids it asks for. WHERE (never PREWHERE) applies after
// FINAL, so filtering on non-key columns sees the latest row only.
import { PERIOD_MS, SPEND_PERIODS } from '../src/lib/shared/campaigns';
import type { IntentListPlan } from '../ingest/warehouse/intent-list';
import type { TimelinePlan } from '../ingest/warehouse/timeline';
import type { ProfilesPlan } from '../ingest/warehouse/types';
import { count, list, array, sql, time, identifier, join, raw, type SqlFragment } from './sql';

const PROFILE_COLUMNS = sql`brand_id, profile_id, merged_into, identifiers, first_seen, last_seen, event_count,
  orders, revenue, channels, categories, intent_score, intent_level, intent_updated_at, version, own,
  intent_category_names, intent_category_scores, intent_reasons, intent_forecast`;
const EVENT_COLUMNS = sql`brand_id, event_id, source, source_event_id, type, name, channel, profile_id,
  timestamp, received_at, revenue, category, properties`;
const LINK_COLUMNS = sql`brand_id, type, value, profile_id, linked_at`;
const MERGE_COLUMNS = sql`brand_id, merge_id, action, into_profile_id, from_profile_ids, reason, identifiers,
  event_id, at`;
const KPI_COLUMNS = sql`brand_id, minute, events, active_users, carts, purchases, revenue, conversion_rate,
  high_intent_profiles`;
const ALERT_COLUMNS = sql`brand_id, alert_id, rule, rule_type, subject, state, severity, message, value,
  threshold, baseline, started_at, fired_at, resolved_at, updated_at, notified, acknowledged_by, acknowledged_at`;
const SILENCE_COLUMNS = sql`brand_id, silence_id, rule_id, subject, starts_at, ends_at, reason, created_by,
  cancelled_at`;
const DELIVERY_COLUMNS = sql`brand_id, alert_id, receiver_id, state, attempt, at, outcome, status, error,
  give_up_reason, next_attempt_at`;
const SPEND_COLUMNS = sql`brand_id, campaign_id, campaign_name, channel, period, period_start, impressions,
  clicks, cost, currency, source, received_at`;
const CAMPAIGN_COLUMNS = sql`brand_id, minute, campaign_id, channel, visits, orders, revenue`;
const TOUCH_COLUMNS = sql`brand_id, profile_id, campaign_id, channel, touched_at`;

const ALERT_ORDER = sql`updated_at DESC, alert_id`;
// Newest first; the tie-breaks only make the order the same on every back-end.
const DELIVERY_ORDER = sql`at DESC, attempt DESC, alert_id, receiver_id, state, outcome`;
const SPEND_ORDER = sql`period_start, campaign_id, channel, period`;

/**
 * Spend periods that end after `from`: per period, `period_start > from −
 * length`, the bound computed here so the comparison stays on the stored
 * column. Whole seconds: a fractional bound rounds down, which keeps `>` exact.
 */
function spendEndsAfter(from: string): SqlFragment {
  const fromMs = Date.parse(from);
  const parts = SPEND_PERIODS.map(
    (period) =>
      sql`(period = ${period} AND period_start > ${time(new Date(fromMs - PERIOD_MS[period]).toISOString(), 'floor')})`,
  );
  return sql`(${join(parts, ' OR ')})`;
}

/** The start of a campaignActivity bucket, in UTC (the column's time zone). */
const BUCKET_STARTS = {
  minute: raw('toStartOfMinute(minute)'),
  hour: raw('toStartOfHour(minute)'),
  day: raw('toStartOfDay(minute)'),
} as const;

function bucketStart(bucket: 'minute' | 'hour' | 'day'): SqlFragment {
  const start = (BUCKET_STARTS as Partial<Record<string, SqlFragment>>)[bucket];
  if (start === undefined) throw new RangeError(`bucket must be minute, hour or day, got ${String(bucket)}`);
  return start;
}
/** The column each Profiles-list sort orders by. */
const PROFILES_SORT_COLUMNS = {
  revenue: raw('revenue'),
  intent: raw('intent_score'),
  last_seen: raw('last_seen'),
} as const;

function profilesSortColumn(sort: ProfilesPlan['sort']): SqlFragment {
  const column = (PROFILES_SORT_COLUMNS as Partial<Record<string, SqlFragment>>)[sort];
  if (column === undefined)
    throw new RangeError(`sort must be revenue, intent or last_seen, got ${String(sort)}`);
  return column;
}

/** After the cursor in (key DESC, profile_id ASC) order; last_seen is whole seconds, so its bound is exact. */
function profilesAfter(plan: ProfilesPlan): SqlFragment {
  if (!plan.after) return raw('1');
  const column = profilesSortColumn(plan.sort);
  const key =
    plan.sort === 'last_seen' ? time(String(plan.after.value), 'floor') : sql`${Number(plan.after.value)}`;
  return sql`(${column} < ${key} OR (${column} = ${key} AND profile_id > ${plan.after.profileId}))`;
}

/** A profile_id prefix (startsWith: no wildcards) or one of the survivors an identifier search found. */
function profilesSearch(plan: ProfilesPlan, survivors: readonly string[]): SqlFragment {
  if (plan.search === null) return raw('1');
  const prefix = sql`startsWith(profile_id, ${plan.search})`;
  return survivors.length === 0 ? prefix : sql`(${prefix} OR profile_id IN ${list(survivors)})`;
}

const REJECTED_COLUMNS = sql`brand_id, rejection_id, source, received_at, reason, detail, payload`;

export const queries = {
  /** Profiles by id (one hop of a merge chain). */
  profilesByIds: (brandId: string, profileIds: readonly string[]): SqlFragment =>
    sql`SELECT ${PROFILE_COLUMNS} FROM profiles FINAL
      WHERE brand_id = ${brandId} AND profile_id IN ${list(profileIds)}`,

  /** The profile an identifier was linked to. */
  linkedProfile: (brandId: string, type: string, value: string): SqlFragment =>
    sql`SELECT profile_id FROM identity_links FINAL
      WHERE brand_id = ${brandId} AND type = ${type} AND value = ${value}`,

  /** Profiles merged directly into any of `parentIds` (one level of the merge tree). */
  mergedChildren: (brandId: string, parentIds: readonly string[]): SqlFragment =>
    sql`SELECT profile_id FROM profiles FINAL
      WHERE brand_id = ${brandId} AND merged_into IN ${list(parentIds)}
      ORDER BY profile_id`,

  recentEvents: (brandId: string, profileIds: readonly string[], limit: number): SqlFragment =>
    sql`SELECT ${EVENT_COLUMNS} FROM events FINAL
      WHERE brand_id = ${brandId} AND profile_id IN ${list(profileIds)}
      ORDER BY timestamp DESC, received_at DESC, event_id DESC
      LIMIT ${count(limit)}`,

  /**
   * One keyset page of a profile's timeline: before the cursor's (timestamp,
   * event_id), newest first, limit + 1 rows (the extra one says an older page
   * exists). Timestamps are whole seconds, so the cursor's bound is exact.
   * Callers answer empty profile or channel lists themselves.
   */
  profileTimeline: (brandId: string, profileIds: readonly string[], plan: TimelinePlan): SqlFragment =>
    sql`SELECT ${EVENT_COLUMNS} FROM events FINAL
      WHERE brand_id = ${brandId} AND profile_id IN ${list(profileIds)}
        AND ${plan.channels === null ? raw('1') : sql`channel IN ${list(plan.channels)}`}
        AND ${
          plan.before === null
            ? raw('1')
            : sql`(timestamp < ${time(plan.before.timestamp, 'floor')}
                OR (timestamp = ${time(plan.before.timestamp, 'floor')} AND event_id < ${plan.before.eventId}))`
        }
      ORDER BY timestamp DESC, event_id DESC
      LIMIT ${count(plan.limit + 1)}`,

  /** Every action when `actions` is undefined; callers answer an empty list themselves. */
  mergeLog: (brandId: string, actions: readonly string[] | undefined, limit: number): SqlFragment =>
    actions
      ? sql`SELECT ${MERGE_COLUMNS} FROM merge_history FINAL
          WHERE brand_id = ${brandId} AND action IN ${list(actions)}
          ORDER BY at DESC, merge_id DESC
          LIMIT ${count(limit)}`
      : sql`SELECT ${MERGE_COLUMNS} FROM merge_history FINAL
          WHERE brand_id = ${brandId}
          ORDER BY at DESC, merge_id DESC
          LIMIT ${count(limit)}`,

  /** One merge-log record by id (the key: at most one row after FINAL). */
  findMerge: (brandId: string, mergeId: string): SqlFragment =>
    sql`SELECT ${MERGE_COLUMNS} FROM merge_history FINAL
      WHERE brand_id = ${brandId} AND merge_id = ${mergeId}`,

  mergeHistory: (brandId: string, profileIds: readonly string[], limit: number): SqlFragment =>
    sql`SELECT ${MERGE_COLUMNS} FROM merge_history FINAL
      WHERE brand_id = ${brandId}
        AND (into_profile_id IN ${list(profileIds)} OR hasAny(from_profile_ids, ${array(profileIds)}))
      ORDER BY at DESC, merge_id DESC
      LIMIT ${count(limit)}`,

  /**
   * One keyset page of the Profiles list: survivors after the cursor, key
   * descending then profile_id, limit + 1 rows (the extra one says a next page
   * exists). FINAL before WHERE, as everywhere, so merged_into and the sort
   * key are the latest version's. It reads the brand's whole key range
   * (ORDER BY brand_id, profile_id) and sorts the survivors for the top rows:
   * no index serves a sort by value; see docs/benchmarks.md for its cost.
   */
  profilesPage: (brandId: string, plan: ProfilesPlan, survivors: readonly string[]): SqlFragment =>
    sql`SELECT ${PROFILE_COLUMNS} FROM profiles FINAL
      WHERE brand_id = ${brandId} AND merged_into IS NULL
        AND ${profilesAfter(plan)} AND ${profilesSearch(plan, survivors)}
      ORDER BY ${profilesSortColumn(plan.sort)} DESC, profile_id
      LIMIT ${count(plan.limit + 1)}`,

  /**
   * The whole list for the CSV export (WarehouseReader.profilesExport): profilesPage's rows and
   * order without cursor or LIMIT, one sort of the brand's survivors, streamed to the end.
   */
  profilesExport: (brandId: string, plan: ProfilesPlan, survivors: readonly string[]): SqlFragment =>
    sql`SELECT ${PROFILE_COLUMNS} FROM profiles FINAL
      WHERE brand_id = ${brandId} AND merged_into IS NULL AND ${profilesSearch(plan, survivors)}
      ORDER BY ${profilesSortColumn(plan.sort)} DESC, profile_id`,

  /** Identity links of any type whose value is one of `values` (an identifier search). */
  linksByValues: (brandId: string, values: readonly string[]): SqlFragment =>
    sql`SELECT type, value, profile_id FROM identity_links FINAL
      WHERE brand_id = ${brandId} AND value IN ${list(values)}
      ORDER BY profile_id`,

  /**
   * The High-intent page (ingest/warehouse/intent-list.ts): the total score, or
   * one category's (arrayElement at index 0, a name not found, is 0), decayed
   * to the query's time. intent_updated_at is whole seconds here.
   */
  intentList: (brandId: string, plan: IntentListPlan): SqlFragment => {
    const stored =
      plan.category === null
        ? raw('intent_score')
        : sql`arrayElement(intent_category_scores, indexOf(intent_category_names, ${plan.category}))`;
    return sql`SELECT ${PROFILE_COLUMNS},
        ${stored} * pow(2, -greatest(0, ${plan.atMs / 1000} - toUnixTimestamp(intent_updated_at))
          / ${plan.halfLifeMinutes * 60}) AS listed_score
      FROM profiles FINAL
      WHERE brand_id = ${brandId} AND merged_into IS NULL AND listed_score >= ${plan.threshold}
      ORDER BY listed_score DESC, profile_id
      LIMIT ${count(plan.limit)}`;
  },

  highIntent: (brandId: string, limit: number): SqlFragment =>
    sql`SELECT ${PROFILE_COLUMNS} FROM profiles FINAL
      WHERE brand_id = ${brandId} AND merged_into IS NULL AND intent_level = 'high'
      ORDER BY intent_score DESC, profile_id
      LIMIT ${count(limit)}`,

  /**
   * `from <= minute < to`. Minutes are whole seconds, so rounding both bounds
   * up keeps the comparison exact when a bound has milliseconds.
   */
  kpis: (brandId: string, from: string, to: string): SqlFragment =>
    sql`SELECT ${KPI_COLUMNS} FROM kpi_minute FINAL
      WHERE brand_id = ${brandId} AND minute >= ${time(from, 'ceil')} AND minute < ${time(to, 'ceil')}
      ORDER BY minute`,

  /** Newest updated first, of the given states (callers answer an empty list themselves) or all. */
  alerts: (brandId: string, limit: number, states?: readonly string[]): SqlFragment =>
    states
      ? sql`SELECT ${ALERT_COLUMNS} FROM alerts FINAL
          WHERE brand_id = ${brandId} AND state IN ${list(states)}
          ORDER BY ${ALERT_ORDER}
          LIMIT ${count(limit)}`
      : sql`SELECT ${ALERT_COLUMNS} FROM alerts FINAL
          WHERE brand_id = ${brandId}
          ORDER BY ${ALERT_ORDER}
          LIMIT ${count(limit)}`,

  alert: (brandId: string, alertId: string): SqlFragment =>
    sql`SELECT ${ALERT_COLUMNS} FROM alerts FINAL WHERE brand_id = ${brandId} AND alert_id = ${alertId}`,

  /** Not cancelled and ending after `activeAt` (whole seconds: rounding down keeps `>` exact). */
  activeSilences: (brandId: string, activeAt: string): SqlFragment =>
    sql`SELECT ${SILENCE_COLUMNS} FROM alert_silences FINAL
      WHERE brand_id = ${brandId} AND cancelled_at IS NULL AND ends_at > ${time(activeAt, 'floor')}
      ORDER BY ends_at, silence_id`,

  /** Every silence, cancelled too, latest ending first. */
  /** A brand's saved intent model: the learner's state or the dashboard's summary (intent-models.ts). */
  intentModel: (brandId: string, column: 'state' | 'summary'): SqlFragment =>
    sql`SELECT ${identifier(column, ['state', 'summary'])} AS value FROM intent_models FINAL
      WHERE brand_id = ${brandId} LIMIT 1`,

  allSilences: (brandId: string, limit: number): SqlFragment =>
    sql`SELECT ${SILENCE_COLUMNS} FROM alert_silences FINAL
      WHERE brand_id = ${brandId}
      ORDER BY ends_at DESC, silence_id
      LIMIT ${count(limit)}`,

  /** Of one alert, or of every alert of the brand when `alertId` is undefined. */
  alertDeliveries: (brandId: string, alertId: string | undefined, limit: number): SqlFragment =>
    alertId === undefined
      ? sql`SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries FINAL
          WHERE brand_id = ${brandId}
          ORDER BY ${DELIVERY_ORDER}
          LIMIT ${count(limit)}`
      : sql`SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries FINAL
          WHERE brand_id = ${brandId} AND alert_id = ${alertId}
          ORDER BY ${DELIVERY_ORDER}
          LIMIT ${count(limit)}`,

  /** Periods overlapping [from, to): starting before `to` (rounded up, like kpis), ending after `from`. */
  adSpend: (brandId: string, from: string, to: string): SqlFragment =>
    sql`SELECT ${SPEND_COLUMNS} FROM ad_spend FINAL
      WHERE brand_id = ${brandId} AND ${spendEndsAfter(from)} AND period_start < ${time(to, 'ceil')}
      ORDER BY ${SPEND_ORDER}`,

  /**
   * Sums per bucket, campaign and channel of minutes with `from <= minute < to`.
   * The sums have their own names: `sum(visits) AS visits` would be read as an
   * aggregate inside itself.
   */
  campaignActivity: (
    brandId: string,
    from: string,
    to: string,
    bucket: 'minute' | 'hour' | 'day',
  ): SqlFragment =>
    sql`SELECT brand_id, ${bucketStart(bucket)} AS bucket, campaign_id, channel,
        sum(visits) AS total_visits, sum(orders) AS total_orders, sum(revenue) AS total_revenue
      FROM campaign_minute FINAL
      WHERE brand_id = ${brandId} AND minute >= ${time(from, 'ceil')} AND minute < ${time(to, 'ceil')}
      GROUP BY brand_id, bucket, campaign_id, channel
      ORDER BY bucket, campaign_id, channel`,

  rejected: (brandId: string, limit: number): SqlFragment =>
    sql`SELECT ${REJECTED_COLUMNS} FROM rejected_events FINAL
      WHERE brand_id = ${brandId}
      ORDER BY received_at DESC, rejection_id
      LIMIT ${count(limit)}`,

  /** Events per source and hour received from `since` on (an hour is whole seconds: `since` rounds up). */
  sourceHours: (brandId: string, since: string): SqlFragment =>
    sql`SELECT source, toStartOfHour(received_at) AS hour, count() AS events FROM events FINAL
      WHERE brand_id = ${brandId} AND received_at >= ${time(since, 'ceil')}
      GROUP BY source, hour
      ORDER BY source, hour`,

  /** Each source's last event received, all time. */
  sourceLastEvents: (brandId: string): SqlFragment =>
    sql`SELECT source, max(received_at) AS last_received_at FROM events FINAL
      WHERE brand_id = ${brandId}
      GROUP BY source
      ORDER BY source`,

  counters: (brandId: string): SqlFragment =>
    sql`SELECT brand_id, processed, duplicates, rejected FROM brand_counters FINAL
      WHERE brand_id = ${brandId}`,

  checkpoint: (consumer: string, partition: number): SqlFragment =>
    sql`SELECT next_offset, version FROM processor_checkpoints FINAL
      WHERE consumer = ${consumer} AND partition = ${count(partition)}`,

  /** The last commit begun on a partition (the redo log, clickhouse/commit.ts). */
  loggedCommit: (consumer: string, partition: number): SqlFragment =>
    sql`SELECT commit, version FROM commit_log FINAL
      WHERE consumer = ${consumer} AND partition = ${count(partition)}`,

  brandProfiles: (brandId: string): SqlFragment =>
    sql`SELECT ${PROFILE_COLUMNS} FROM profiles FINAL WHERE brand_id = ${brandId} ORDER BY profile_id`,

  brandLinks: (brandId: string): SqlFragment =>
    sql`SELECT ${LINK_COLUMNS} FROM identity_links FINAL WHERE brand_id = ${brandId} ORDER BY type, value`,

  kpisSince: (brandId: string, since: string): SqlFragment =>
    sql`SELECT ${KPI_COLUMNS} FROM kpi_minute FINAL
      WHERE brand_id = ${brandId} AND minute >= ${time(since, 'ceil')}
      ORDER BY minute`,

  /** Pending and firing alerts, any age. */
  openAlerts: (brandId: string): SqlFragment =>
    sql`SELECT ${ALERT_COLUMNS} FROM alerts FINAL
      WHERE brand_id = ${brandId} AND state IN ('pending', 'firing')
      ORDER BY started_at, alert_id`,

  /** Spend reports whose period ends after `since`. */
  spendSince: (brandId: string, since: string): SqlFragment =>
    sql`SELECT ${SPEND_COLUMNS} FROM ad_spend FINAL
      WHERE brand_id = ${brandId} AND ${spendEndsAfter(since)}
      ORDER BY ${SPEND_ORDER}`,

  campaignMinutesSince: (brandId: string, since: string): SqlFragment =>
    sql`SELECT ${CAMPAIGN_COLUMNS} FROM campaign_minute FINAL
      WHERE brand_id = ${brandId} AND minute >= ${time(since, 'ceil')}
      ORDER BY minute, campaign_id, channel`,

  /** One row per profile (the table's key), touched from `since` on. */
  touchesSince: (brandId: string, since: string): SqlFragment =>
    sql`SELECT ${TOUCH_COLUMNS} FROM campaign_touches FINAL
      WHERE brand_id = ${brandId} AND touched_at >= ${time(since, 'ceil')}
      ORDER BY touched_at, profile_id`,

  /**
   * Every brand's notified alerts updated from `since` on (recentNotifications).
   * Rounded down: one alert too many is re-checked, none is missed.
   */
  notifiedAlerts: (since: string): SqlFragment =>
    sql`SELECT ${ALERT_COLUMNS} FROM alerts FINAL
      WHERE notified = 1 AND updated_at >= ${time(since, 'floor')}
      ORDER BY updated_at, brand_id, alert_id`,

  /** Every brand's delivery log from `since` on, oldest first (rounded down like notifiedAlerts). */
  deliveriesSince: (since: string): SqlFragment =>
    sql`SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries FINAL
      WHERE at >= ${time(since, 'floor')}
      ORDER BY at, brand_id, alert_id, receiver_id, state, attempt, outcome`,

  /** Every record of the given actions, all time, oldest first (BrandSnapshot.decisions). */
  brandDecisions: (brandId: string, actions: readonly string[]): SqlFragment =>
    sql`SELECT ${MERGE_COLUMNS} FROM merge_history FINAL
      WHERE brand_id = ${brandId} AND action IN ${list(actions)}
      ORDER BY at, merge_id`,

  /**
   * Source ids received from `since` on. received_at is stored in whole
   * seconds, so the bound is rounded down: an event in the same second as
   * `since` counts as seen (deduplicating one too many is harmless here).
   */
  seenSourceIds: (brandId: string, since: string): SqlFragment =>
    sql`SELECT concat(source, ':', source_event_id) AS seen FROM events FINAL
      WHERE brand_id = ${brandId} AND received_at >= ${time(since, 'floor')}
      ORDER BY received_at, event_id`,
};

/** Bookkeeping statements of the migrator. */
export const migrationQueries = {
  createDatabase: (database: string): SqlFragment =>
    sql`CREATE DATABASE IF NOT EXISTS ${identifier(database)}`,

  createMigrationsTable: (): SqlFragment =>
    sql`CREATE TABLE IF NOT EXISTS schema_migrations (
      version UInt32,
      name String,
      applied_at DateTime('UTC')
    ) ENGINE = ReplacingMergeTree
    ORDER BY version`,

  appliedMigrations: (): SqlFragment => sql`SELECT DISTINCT version FROM schema_migrations ORDER BY version`,

  recordMigration: (version: number, name: string, appliedAt: string): SqlFragment =>
    sql`INSERT INTO schema_migrations (version, name, applied_at)
      VALUES (${count(version)}, ${name}, ${time(appliedAt)})`,
};
