// Reads, each scoped by brand_id in its WHERE clause: a brand can only ever
// see its own rows, whatever ids it asks for.
import type { RejectedEvent } from '../../../src/lib/shared/events';
import type {
  Alert,
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
import { DECISION_ACTIONS, type BrandSnapshot } from '../types';
import {
  toAlert,
  toCounters,
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
import type { Session } from './session';
import { bigint, timestamp, varchar, varcharList } from './sql-params';

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

/** Firing alerts first, then the most recently updated. */
export async function alerts(session: Session, brandId: string, limit: number): Promise<Alert[]> {
  const rows = await session.rows(
    `SELECT * FROM alerts WHERE brand_id = $1
     ORDER BY (state = 'firing') DESC, updated_at DESC, alert_id LIMIT $2`,
    [varchar(brandId), bigint(checkLimit(limit))],
  );
  return rows.map(toAlert);
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

export async function sourceActivity(
  session: Session,
  brandId: string,
  since: string,
): Promise<SourceActivity> {
  const brand = varchar(brandId);
  const hourly = await session.rows(
    `SELECT source, date_trunc('hour', received_at) AS hour, count(*) AS events FROM events
     WHERE brand_id = $1 AND received_at >= $2
     GROUP BY source, hour ORDER BY source, hour`,
    [brand, timestamp(since)],
  );
  const last = await session.rows(
    `SELECT source, max(received_at) AS last_received_at FROM events
     WHERE brand_id = $1 GROUP BY source ORDER BY source`,
    [brand],
  );
  return { hourly: hourly.map(toSourceHour), last: last.map(toSourceLast) };
}

export async function checkpoint(session: Session, consumer: string, partition: number) {
  const [row] = await session.rows(
    'SELECT next_offset FROM processor_checkpoints WHERE consumer = $1 AND "partition" = $2',
    [varchar(consumer), bigint(partition)],
  );
  return row ? Number(row.next_offset) : undefined;
}

export async function loadBrand(session: Session, brandId: string, since: string): Promise<BrandSnapshot> {
  const brand = varchar(brandId);
  const from = timestamp(since);
  const [profileRows, linkRows, kpiRows, alertRows, seenRows, decisionRows] = [
    await session.rows('SELECT * FROM profiles WHERE brand_id = $1 ORDER BY profile_id', [brand]),
    await session.rows('SELECT * FROM identity_links WHERE brand_id = $1 ORDER BY type, value', [brand]),
    await session.rows('SELECT * FROM kpi_minute WHERE brand_id = $1 AND minute >= $2 ORDER BY minute', [
      brand,
      from,
    ]),
    await session.rows(
      `SELECT * FROM alerts WHERE brand_id = $1 AND state = 'firing' ORDER BY started_at, alert_id`,
      [brand],
    ),
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
    firingAlerts: alertRows.map(toAlert),
    seenSourceIds: seenRows.map((row) => text(row, 'seen')),
    decisions: decisionRows.map(toMergeRecord),
  };
}
