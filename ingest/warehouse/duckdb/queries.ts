// Reads, each scoped by brand_id in its WHERE clause: a brand can only ever
// see its own rows, whatever ids it asks for.
import {
  PERIOD_MS,
  SPEND_PERIODS,
  type AdSpend,
  type CampaignMinute,
} from '../../../src/lib/shared/campaigns';
import type { RejectedEvent } from '../../../src/lib/shared/events';
import type {
  Alert,
  AlertDelivery,
  AlertSilence,
  AlertState,
  BrandCounters,
  Identifier,
  KpiMinute,
  MergeAction,
  MergeRecord,
  Profile,
  SourceActivity,
  StoredEvent,
} from '../../../src/lib/shared/model';
import { followMerges } from '../merge-chain';
import { searchedSurvivors, type SearchLink } from '../profile-search';
import {
  DECISION_ACTIONS,
  planProfilesExport,
  planProfilesPage,
  profilesPageOf,
  rechunk,
  type BrandSnapshot,
  type ProfilesExportQuery,
  type ProfilesPage,
  type ProfilesPlan,
  type ProfilesQuery,
} from '../types';
import {
  toAdSpend,
  toAlert,
  toCampaignBucket,
  toCampaignMinute,
  toCounters,
  toDelivery,
  toSilence,
  toTouch,
  toKpiMinute,
  toLink,
  toMergeRecord,
  toProfile,
  toRejected,
  toSourceHour,
  toSourceLast,
  toStoredEvent,
  text,
} from './rows';
import type { Database, Session } from './session';
import { DOUBLE } from '@duckdb/node-api';
import { bigint, timestamp, varchar, varcharList, type SqlParam } from './sql-params';

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
  }
  return limit;
}

async function profileById(session: Session, brandId: string, profileId: string): Promise<Profile | null> {
  const [row] = await session.rows('SELECT * FROM profiles WHERE brand_id = $1 AND profile_id = $2', [
    varchar(brandId),
    varchar(profileId),
  ]);
  return row ? toProfile(row) : null;
}

/** Follows merged_into to the survivor (see followMerges). */
export function survivorOf(session: Session, brandId: string, profileId: string): Promise<Profile | null> {
  return followMerges((id) => profileById(session, brandId, id), profileId);
}

export async function lookupProfile(session: Session, brandId: string, identifier: Identifier) {
  const [link] = await session.rows(
    'SELECT profile_id FROM identity_links WHERE brand_id = $1 AND type = $2 AND value = $3',
    [varchar(brandId), varchar(identifier.type), varchar(identifier.value)],
  );
  return link ? survivorOf(session, brandId, text(link, 'profile_id')) : null;
}

export async function recentEvents(
  session: Session,
  brandId: string,
  profileIds: string[],
  limit: number,
): Promise<StoredEvent[]> {
  if (profileIds.length === 0) return [];
  const rows = await session.rows(
    `SELECT * FROM events WHERE brand_id = $1 AND profile_id IN (SELECT unnest($2))
     ORDER BY timestamp DESC, received_at DESC, event_id DESC LIMIT $3`,
    [varchar(brandId), varcharList(profileIds), bigint(checkLimit(limit))],
  );
  return rows.map(toStoredEvent);
}

/** UNION (not UNION ALL) drops rows already found, so a cycle ends the recursion. */
export async function mergedInto(session: Session, brandId: string, profileId: string): Promise<string[]> {
  const rows = await session.rows(
    `WITH RECURSIVE merged(profile_id) AS (
       SELECT profile_id FROM profiles WHERE brand_id = $1 AND merged_into = $2
       UNION
       SELECT p.profile_id FROM profiles p JOIN merged m ON p.merged_into = m.profile_id WHERE p.brand_id = $1
     )
     SELECT profile_id FROM merged WHERE profile_id <> $2 ORDER BY profile_id`,
    [varchar(brandId), varchar(profileId)],
  );
  return rows.map((row) => text(row, 'profile_id'));
}

export async function mergeLog(
  session: Session,
  brandId: string,
  actions: readonly MergeAction[] | undefined,
  limit: number,
): Promise<MergeRecord[]> {
  if (actions?.length === 0) return [];
  const rows = actions
    ? await session.rows(
        `SELECT * FROM merge_history WHERE brand_id = $1 AND action IN (SELECT unnest($2))
         ORDER BY "at" DESC, merge_id DESC LIMIT $3`,
        [varchar(brandId), varcharList(actions), bigint(checkLimit(limit))],
      )
    : await session.rows(
        `SELECT * FROM merge_history WHERE brand_id = $1 ORDER BY "at" DESC, merge_id DESC LIMIT $2`,
        [varchar(brandId), bigint(checkLimit(limit))],
      );
  return rows.map(toMergeRecord);
}

export async function findMerge(
  session: Session,
  brandId: string,
  mergeId: string,
): Promise<MergeRecord | null> {
  const [row] = await session.rows('SELECT * FROM merge_history WHERE brand_id = $1 AND merge_id = $2', [
    varchar(brandId),
    varchar(mergeId),
  ]);
  return row ? toMergeRecord(row) : null;
}

export async function mergeHistory(
  session: Session,
  brandId: string,
  profileIds: string[],
  limit: number,
): Promise<MergeRecord[]> {
  if (profileIds.length === 0) return [];
  const rows = await session.rows(
    `SELECT * FROM merge_history
     WHERE brand_id = $1
       AND (into_profile_id IN (SELECT unnest($2)) OR list_has_any(from_json(from_profile_ids, '["VARCHAR"]'), $2))
     ORDER BY "at" DESC, merge_id DESC LIMIT $3`,
    [varchar(brandId), varcharList(profileIds), bigint(checkLimit(limit))],
  );
  return rows.map(toMergeRecord);
}

export async function highIntent(session: Session, brandId: string, limit: number): Promise<Profile[]> {
  const rows = await session.rows(
    `SELECT * FROM profiles WHERE brand_id = $1 AND merged_into IS NULL AND intent_level = 'high'
     ORDER BY intent_score DESC, profile_id LIMIT $2`,
    [varchar(brandId), bigint(checkLimit(limit))],
  );
  return rows.map(toProfile);
}

export async function kpis(
  session: Session,
  brandId: string,
  from: string,
  to: string,
): Promise<KpiMinute[]> {
  const rows = await session.rows(
    'SELECT * FROM kpi_minute WHERE brand_id = $1 AND minute >= $2 AND minute < $3 ORDER BY minute',
    [varchar(brandId), timestamp(from), timestamp(to)],
  );
  return rows.map(toKpiMinute);
}

const ALERT_ORDER = 'updated_at DESC, alert_id';

/** Newest updated first; of the given states only (none → none), or all. */
export async function alerts(
  session: Session,
  brandId: string,
  limit: number,
  states?: readonly AlertState[],
): Promise<Alert[]> {
  if (states?.length === 0) return [];
  const rows = states
    ? await session.rows(
        `SELECT * FROM alerts WHERE brand_id = $1 AND state IN (SELECT unnest($2))
         ORDER BY ${ALERT_ORDER} LIMIT $3`,
        [varchar(brandId), varcharList(states), bigint(checkLimit(limit))],
      )
    : await session.rows(`SELECT * FROM alerts WHERE brand_id = $1 ORDER BY ${ALERT_ORDER} LIMIT $2`, [
        varchar(brandId),
        bigint(checkLimit(limit)),
      ]);
  return rows.map(toAlert);
}

export async function alert(session: Session, brandId: string, alertId: string): Promise<Alert | null> {
  const [row] = await session.rows('SELECT * FROM alerts WHERE brand_id = $1 AND alert_id = $2', [
    varchar(brandId),
    varchar(alertId),
  ]);
  return row ? toAlert(row) : null;
}

/** Without `activeAt`: every silence, cancelled too, latest ending first (at most 200). */
export async function silences(
  session: Session,
  brandId: string,
  activeAt?: string,
): Promise<AlertSilence[]> {
  const rows =
    activeAt === undefined
      ? await session.rows(
          'SELECT * FROM alert_silences WHERE brand_id = $1 ORDER BY ends_at DESC, silence_id LIMIT 200',
          [varchar(brandId)],
        )
      : await session.rows(
          `SELECT * FROM alert_silences WHERE brand_id = $1 AND cancelled_at IS NULL AND ends_at > $2
           ORDER BY ends_at, silence_id`,
          [varchar(brandId), timestamp(activeAt)],
        );
  return rows.map(toSilence);
}

// Newest first; the tie-breaks only make the order the same on every back-end.
const DELIVERY_ORDER = '"at" DESC, attempt DESC, alert_id, receiver_id, state, outcome';

export async function alertDeliveries(
  session: Session,
  brandId: string,
  alertId: string | undefined,
  limit: number,
): Promise<AlertDelivery[]> {
  const rows =
    alertId === undefined
      ? await session.rows(
          `SELECT * FROM alert_deliveries WHERE brand_id = $1 ORDER BY ${DELIVERY_ORDER} LIMIT $2`,
          [varchar(brandId), bigint(checkLimit(limit))],
        )
      : await session.rows(
          `SELECT * FROM alert_deliveries WHERE brand_id = $1 AND alert_id = $2
           ORDER BY ${DELIVERY_ORDER} LIMIT $3`,
          [varchar(brandId), varchar(alertId), bigint(checkLimit(limit))],
        );
  return rows.map(toDelivery);
}

/**
 * `period_start > from − length` per period (the period ends after `from`),
 * with the bound computed here so the comparison stays on the stored column.
 */
const ENDS_AFTER = `(${SPEND_PERIODS.map((period, i) => `(period = '${period}' AND period_start > $${i + 2})`).join(' OR ')})`;

function endsAfterParams(from: string) {
  return SPEND_PERIODS.map((period) =>
    timestamp(new Date(Date.parse(from) - PERIOD_MS[period]).toISOString()),
  );
}

const SPEND_ORDER = 'period_start, campaign_id, channel, period';

/** Periods overlapping [from, to). */
export async function adSpend(
  session: Session,
  brandId: string,
  from: string,
  to: string,
): Promise<AdSpend[]> {
  const rows = await session.rows(
    `SELECT * FROM ad_spend WHERE brand_id = $1 AND ${ENDS_AFTER} AND period_start < $${SPEND_PERIODS.length + 2}
     ORDER BY ${SPEND_ORDER}`,
    [varchar(brandId), ...endsAfterParams(from), timestamp(to)],
  );
  return rows.map(toAdSpend);
}

export async function campaignActivity(
  session: Session,
  brandId: string,
  from: string,
  to: string,
  bucket: 'minute' | 'hour' | 'day',
): Promise<CampaignMinute[]> {
  // `bucket` is one of three constants, checked here before it becomes SQL text.
  const unit = checkedBucket(bucket);
  const rows = await session.rows(
    `SELECT brand_id, date_trunc('${unit}', minute) AS bucket, campaign_id, channel,
       sum(visits) AS total_visits, sum(orders) AS total_orders, sum(revenue) AS total_revenue
     FROM campaign_minute WHERE brand_id = $1 AND minute >= $2 AND minute < $3
     GROUP BY brand_id, bucket, campaign_id, channel ORDER BY bucket, campaign_id, channel`,
    [varchar(brandId), timestamp(from), timestamp(to)],
  );
  return rows.map(toCampaignBucket);
}

const BUCKETS = ['minute', 'hour', 'day'] as const;

function checkedBucket(bucket: string): (typeof BUCKETS)[number] {
  const found = BUCKETS.find((known) => known === bucket);
  if (found === undefined) throw new RangeError(`bucket must be minute, hour or day, got ${bucket}`);
  return found;
}

export async function rejected(session: Session, brandId: string, limit: number): Promise<RejectedEvent[]> {
  const rows = await session.rows(
    'SELECT * FROM rejected_events WHERE brand_id = $1 ORDER BY received_at DESC, rejection_id LIMIT $2',
    [varchar(brandId), bigint(checkLimit(limit))],
  );
  return rows.map(toRejected);
}

export async function counters(session: Session, brandId: string): Promise<BrandCounters> {
  const [row] = await session.rows('SELECT * FROM brand_counters WHERE brand_id = $1', [varchar(brandId)]);
  return toCounters(brandId, row);
}

async function sourceLast(session: Session, brandId: string): Promise<SourceActivity['last']> {
  const rows = await session.rows(
    `SELECT source, max(received_at) AS last_received_at FROM events
     WHERE brand_id = $1 GROUP BY source ORDER BY source`,
    [varchar(brandId)],
  );
  return rows.map(toSourceLast);
}

export async function sourceActivity(
  session: Session,
  brandId: string,
  since: string,
): Promise<SourceActivity> {
  const hourly = await session.rows(
    `SELECT source, date_trunc('hour', received_at) AS hour, count(*) AS events FROM events
     WHERE brand_id = $1 AND received_at >= $2
     GROUP BY source, hour ORDER BY source, hour`,
    [varchar(brandId), timestamp(since)],
  );
  return { hourly: hourly.map(toSourceHour), last: await sourceLast(session, brandId) };
}

/** Alerts of every brand notified and updated from `since` on, and the delivery log from `since` on, oldest first. */
export async function recentNotifications(
  session: Session,
  since: string,
): Promise<{ alerts: Alert[]; deliveries: AlertDelivery[] }> {
  const from = timestamp(since);
  const alertRows = await session.rows(
    `SELECT * FROM alerts WHERE notified AND updated_at >= $1 ORDER BY updated_at, brand_id, alert_id`,
    [from],
  );
  const deliveryRows = await session.rows(
    `SELECT * FROM alert_deliveries WHERE "at" >= $1
     ORDER BY "at", brand_id, alert_id, receiver_id, state, attempt, outcome`,
    [from],
  );
  return { alerts: alertRows.map(toAlert), deliveries: deliveryRows.map(toDelivery) };
}

export async function checkpoint(session: Session, consumer: string, partition: number) {
  const [row] = await session.rows(
    'SELECT next_offset FROM processor_checkpoints WHERE consumer = $1 AND "partition" = $2',
    [varchar(consumer), bigint(partition)],
  );
  return row ? Number(row.next_offset) : undefined;
}

/** The campaign and alert parts of a snapshot (loadBrand). */
async function loadCampaignsAndAlerts(
  session: Session,
  brandId: string,
  since: string,
  touchesSince: string,
) {
  const brand = varchar(brandId);
  const from = timestamp(since);
  const [alertRows, spendRows, minuteRows, touchRows, silenceRows] = [
    await session.rows(
      `SELECT * FROM alerts WHERE brand_id = $1 AND state IN ('pending', 'firing') ORDER BY started_at, alert_id`,
      [brand],
    ),
    await session.rows(
      `SELECT * FROM ad_spend WHERE brand_id = $1 AND ${ENDS_AFTER} ORDER BY ${SPEND_ORDER}`,
      [brand, ...endsAfterParams(since)],
    ),
    await session.rows(
      'SELECT * FROM campaign_minute WHERE brand_id = $1 AND minute >= $2 ORDER BY minute, campaign_id, channel',
      [brand, from],
    ),
    await session.rows(
      'SELECT * FROM campaign_touches WHERE brand_id = $1 AND touched_at >= $2 ORDER BY touched_at, profile_id',
      [brand, timestamp(touchesSince)],
    ),
    await session.rows(
      `SELECT * FROM alert_silences WHERE brand_id = $1 AND cancelled_at IS NULL AND ends_at > $2
       ORDER BY ends_at, silence_id`,
      [brand, from],
    ),
  ];
  return {
    openAlerts: alertRows.map(toAlert),
    spend: spendRows.map(toAdSpend),
    campaigns: minuteRows.map(toCampaignMinute),
    touches: touchRows.map(toTouch),
    silences: silenceRows.map(toSilence),
    sourceLastSeen: await sourceLast(session, brandId),
  };
}

export async function loadBrand(
  session: Session,
  brandId: string,
  since: string,
  touchesSince: string,
): Promise<BrandSnapshot> {
  const brand = varchar(brandId);
  const from = timestamp(since);
  const [profileRows, linkRows, kpiRows, seenRows, decisionRows] = [
    await session.rows('SELECT * FROM profiles WHERE brand_id = $1 ORDER BY profile_id', [brand]),
    await session.rows('SELECT * FROM identity_links WHERE brand_id = $1 ORDER BY type, value', [brand]),
    await session.rows('SELECT * FROM kpi_minute WHERE brand_id = $1 AND minute >= $2 ORDER BY minute', [
      brand,
      from,
    ]),
    await session.rows(
      `SELECT source || ':' || source_event_id AS seen FROM events
       WHERE brand_id = $1 AND received_at >= $2 ORDER BY received_at, event_id`,
      [brand, from],
    ),
    await session.rows(
      `SELECT * FROM merge_history WHERE brand_id = $1 AND action IN (SELECT unnest($2))
       ORDER BY "at", merge_id`,
      [brand, varcharList(DECISION_ACTIONS)],
    ),
  ];
  return {
    profiles: profileRows.map(toProfile),
    links: linkRows.map(toLink),
    counters: await counters(session, brandId),
    kpis: kpiRows.map(toKpiMinute),
    ...(await loadCampaignsAndAlerts(session, brandId, since, touchesSince)),
    seenSourceIds: seenRows.map((row) => text(row, 'seen')),
    decisions: decisionRows.map(toMergeRecord),
  };
}

const PROFILES_SORT_COLUMNS = { revenue: 'revenue', intent: 'intent_score', last_seen: 'last_seen' } as const;

/** The identity links whose value is one of `values`, for searchedSurvivors. */
async function linksByValues(session: Session, brandId: string, values: string[]): Promise<SearchLink[]> {
  const rows = await session.rows(
    `SELECT type, value, profile_id FROM identity_links
     WHERE brand_id = $1 AND value IN (SELECT unnest($2)) ORDER BY profile_id`,
    [varchar(brandId), varcharList(values)],
  );
  return rows.map((row) => ({
    type: text(row, 'type'),
    value: text(row, 'value'),
    profile_id: text(row, 'profile_id'),
  }));
}

/**
 * The Profiles list's SELECT for one plan: survivors of the brand matching the search, strictly
 * after the cursor's (sort value, profile_id) when there is one, in (value DESC, profile_id ASC)
 * order; `limit` rows at most when given.
 */
async function profilesSelect(
  session: Session,
  brandId: string,
  plan: ProfilesPlan,
  limit: number | null,
): Promise<{ sql: string; params: SqlParam[] }> {
  const params: SqlParam[] = [varchar(brandId)];
  const bind = (param: SqlParam) => `$${params.push(param)}`;
  const column = PROFILES_SORT_COLUMNS[plan.sort];
  const where = ['brand_id = $1', 'merged_into IS NULL'];
  if (plan.after) {
    const key = bind(sortParam(plan, plan.after.value));
    const id = bind(varchar(plan.after.profileId));
    where.push(`(${column} < ${key} OR (${column} = ${key} AND profile_id > ${id}))`);
  }
  if (plan.search !== null) {
    const survivors = await searchedSurvivors(
      plan.search,
      {
        linksByValues: (values) => linksByValues(session, brandId, values),
        survivorOf: (id) => survivorOf(session, brandId, id),
      },
      plan.phone,
    );
    where.push(
      `(starts_with(profile_id, ${bind(varchar(plan.search))}) OR list_contains(${bind(varcharList(survivors))}, profile_id))`,
    );
  }
  const sql = `SELECT * FROM profiles WHERE ${where.join(' AND ')}
     ORDER BY ${column} DESC, profile_id${limit === null ? '' : ` LIMIT ${bind(bigint(limit))}`}`;
  return { sql, params };
}

/**
 * One keyset page (WarehouseReader.profilesPage): limit + 1 rows after the
 * cursor, the extra one to know whether a next page exists.
 */
export async function profilesPage(
  session: Session,
  brandId: string,
  query: ProfilesQuery,
): Promise<ProfilesPage> {
  const plan = planProfilesPage(query);
  const { sql, params } = await profilesSelect(session, brandId, plan, plan.limit + 1);
  return profilesPageOf(plan, (await session.rows(sql, params)).map(toProfile));
}

/**
 * The whole filtered list as one streamed query (WarehouseReader.profilesExport). The search is
 * resolved and the stream started within one exclusive call, so both see the same commits; the
 * stream then reads on its own connection and holds no lock while a slow client takes its chunks.
 */
export async function* profilesExport(
  db: Database,
  brandId: string,
  query: ProfilesExportQuery,
): AsyncGenerator<Profile[], void> {
  const plan = planProfilesExport(query);
  const stream = await db.exclusive(async (session) => {
    const { sql, params } = await profilesSelect(session, brandId, plan, null);
    return db.stream(sql, params);
  });
  try {
    for await (const chunk of rechunk(stream.rows, plan.limit)) yield chunk.map(toProfile);
  } finally {
    stream.close();
  }
}

function sortParam(plan: ProfilesPlan, value: number | string): SqlParam {
  if (plan.sort === 'last_seen') return timestamp(String(value));
  return { value: Number(value), type: DOUBLE };
}
