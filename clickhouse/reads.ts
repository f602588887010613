// The warehouse reads on ClickHouse, with the DuckDB back-end's results and
// ordering (tests/contract/warehouse.contract.ts decides). Merge chains are
// followed here, one small query per hop: ClickHouse 18.16 has no recursive
// CTEs, and chains are one or two steps in practice.
import type { RejectedEvent } from '../src/lib/shared/events';
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
} from '../src/lib/shared/model';
import { MAX_MERGE_HOPS, followMerges } from '../ingest/warehouse/merge-chain';
import { DECISION_ACTIONS, type BrandSnapshot } from '../ingest/warehouse/types';
import type { Connection } from './connection';
import { queries } from './queries';
import {
  num,
  text,
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
} from './rows';

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
  }
  return limit;
}

/** Byte order of the UTF-8 text, the order ClickHouse (and DuckDB) sort strings in. */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

async function profileById(db: Connection, brandId: string, profileId: string): Promise<Profile | null> {
  const [row] = await db.rows(queries.profilesByIds(brandId, [profileId]), 'read profiles');
  return row ? toProfile(row) : null;
}

/** Follows merged_into to the survivor (see followMerges). */
export function survivorOf(db: Connection, brandId: string, profileId: string): Promise<Profile | null> {
  return followMerges((id) => profileById(db, brandId, id), profileId);
}

export async function lookupProfile(db: Connection, brandId: string, identifier: Identifier) {
  const [link] = await db.rows(
    queries.linkedProfile(brandId, identifier.type, identifier.value),
    'read identity_links',
  );
  return link ? survivorOf(db, brandId, text(link, 'profile_id')) : null;
}

/** Breadth first, one query per level of the merge tree; a profile already found is not followed again. */
export async function mergedInto(db: Connection, brandId: string, profileId: string): Promise<string[]> {
  const found = new Set<string>([profileId]);
  let frontier = [profileId];
  for (let depth = 0; frontier.length > 0 && depth < MAX_MERGE_HOPS; depth++) {
    const rows = await db.rows(queries.mergedChildren(brandId, frontier), 'read profiles');
    frontier = rows.map((row) => text(row, 'profile_id')).filter((id) => !found.has(id));
    for (const id of frontier) found.add(id);
  }
  found.delete(profileId);
  return [...found].sort(byBytes);
}

export async function recentEvents(
  db: Connection,
  brandId: string,
  profileIds: string[],
  limit: number,
): Promise<StoredEvent[]> {
  if (profileIds.length === 0) return [];
  const rows = await db.rows(queries.recentEvents(brandId, profileIds, checkLimit(limit)), 'read events');
  return rows.map(toStoredEvent);
}

export async function mergeLog(
  db: Connection,
  brandId: string,
  actions: readonly MergeAction[] | undefined,
  limit: number,
): Promise<MergeRecord[]> {
  if (actions?.length === 0) return [];
  const rows = await db.rows(queries.mergeLog(brandId, actions, checkLimit(limit)), 'read merge_history');
  return rows.map(toMergeRecord);
}

export async function findMerge(
  db: Connection,
  brandId: string,
  mergeId: string,
): Promise<MergeRecord | null> {
  const [row] = await db.rows(queries.findMerge(brandId, mergeId), 'read merge_history');
  return row ? toMergeRecord(row) : null;
}

export async function mergeHistory(
  db: Connection,
  brandId: string,
  profileIds: string[],
  limit: number,
): Promise<MergeRecord[]> {
  if (profileIds.length === 0) return [];
  const rows = await db.rows(
    queries.mergeHistory(brandId, profileIds, checkLimit(limit)),
    'read merge_history',
  );
  return rows.map(toMergeRecord);
}

export async function highIntent(db: Connection, brandId: string, limit: number): Promise<Profile[]> {
  const rows = await db.rows(queries.highIntent(brandId, checkLimit(limit)), 'read profiles');
  return rows.map(toProfile);
}

export async function kpis(db: Connection, brandId: string, from: string, to: string): Promise<KpiMinute[]> {
  const rows = await db.rows(queries.kpis(brandId, from, to), 'read kpi_minute');
  return rows.map(toKpiMinute);
}

export async function alerts(db: Connection, brandId: string, limit: number): Promise<Alert[]> {
  const rows = await db.rows(queries.alerts(brandId, checkLimit(limit)), 'read alerts');
  return rows.map(toAlert);
}

export async function rejected(db: Connection, brandId: string, limit: number): Promise<RejectedEvent[]> {
  const rows = await db.rows(queries.rejected(brandId, checkLimit(limit)), 'read rejected_events');
  return rows.map(toRejected);
}

export async function counters(db: Connection, brandId: string): Promise<BrandCounters> {
  const [row] = await db.rows(queries.counters(brandId), 'read brand_counters');
  return toCounters(brandId, row);
}

export async function sourceActivity(
  db: Connection,
  brandId: string,
  since: string,
): Promise<SourceActivity> {
  const hourly = await db.rows(queries.sourceHours(brandId, since), 'read events');
  const last = await db.rows(queries.sourceLastEvents(brandId), 'read events');
  return { hourly: hourly.map(toSourceHour), last: last.map(toSourceLast) };
}

export async function checkpoint(db: Connection, consumer: string, partition: number) {
  const [row] = await db.rows(queries.checkpoint(consumer, partition), 'read processor_checkpoints');
  return row ? num(row, 'next_offset') : undefined;
}

export async function loadBrand(db: Connection, brandId: string, since: string): Promise<BrandSnapshot> {
  const [profileRows, linkRows, kpiRows, alertRows, seenRows, decisionRows, brandCounters] =
    await Promise.all([
      db.rows(queries.brandProfiles(brandId), 'read profiles'),
      db.rows(queries.brandLinks(brandId), 'read identity_links'),
      db.rows(queries.kpisSince(brandId, since), 'read kpi_minute'),
      db.rows(queries.firingAlerts(brandId), 'read alerts'),
      db.rows(queries.seenSourceIds(brandId, since), 'read events'),
      db.rows(queries.brandDecisions(brandId, DECISION_ACTIONS), 'read merge_history'),
      counters(db, brandId),
    ]);
  return {
    profiles: profileRows.map(toProfile),
    links: linkRows.map(toLink),
    counters: brandCounters,
    kpis: kpiRows.map(toKpiMinute),
    firingAlerts: alertRows.map(toAlert),
    seenSourceIds: seenRows.map((row) => text(row, 'seen')),
    decisions: decisionRows.map(toMergeRecord),
  };
}
