// The warehouse reads on ClickHouse, with the DuckDB back-end's results and
// ordering (tests/contract/warehouse.contract.ts decides). Merge chains are
// followed here, one small query per hop: ClickHouse 18.16 has no recursive
// CTEs, and chains are one or two steps in practice.
import type { AdSpend, CampaignMinute } from '../src/lib/shared/campaigns';
import type { RejectedEvent } from '../src/lib/shared/events';
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
} from '../src/lib/shared/model';
import { MAX_MERGE_HOPS, followMerges } from '../ingest/warehouse/merge-chain';
import {
  DECISION_ACTIONS,
  planProfilesExport,
  planProfilesPage,
  profilesPageOf,
  rechunk,
  type BrandSnapshot,
  type ProfilesExportQuery,
  type ProfilesPage,
  type ProfilesQuery,
} from '../ingest/warehouse/types';
import { searchedSurvivors, type SearchLink } from '../ingest/warehouse/profile-search';
import { planIntentList, type IntentListQuery } from '../ingest/warehouse/intent-list';
import {
  planTimeline,
  timelinePageOf,
  type TimelinePage,
  type TimelineQuery,
} from '../ingest/warehouse/timeline';
import type { Connection } from './connection';
import { queries } from './queries';
import {
  num,
  text,
  toAdSpend,
  toAlert,
  toCampaignBucket,
  toCampaignMinute,
  toDelivery,
  toSilence,
  toTouch,
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

/** The High-intent page's profiles (WarehouseReader.intentList). */
export async function intentList(
  db: Connection,
  brandId: string,
  query: IntentListQuery,
): Promise<Profile[]> {
  const rows = await db.rows(queries.intentList(brandId, planIntentList(query)), 'read profiles');
  return rows.map(toProfile);
}

export async function highIntent(db: Connection, brandId: string, limit: number): Promise<Profile[]> {
  const rows = await db.rows(queries.highIntent(brandId, checkLimit(limit)), 'read profiles');
  return rows.map(toProfile);
}

export async function kpis(db: Connection, brandId: string, from: string, to: string): Promise<KpiMinute[]> {
  const rows = await db.rows(queries.kpis(brandId, from, to), 'read kpi_minute');
  return rows.map(toKpiMinute);
}

export async function alerts(
  db: Connection,
  brandId: string,
  limit: number,
  states?: readonly AlertState[],
): Promise<Alert[]> {
  if (states?.length === 0) return [];
  const rows = await db.rows(queries.alerts(brandId, checkLimit(limit), states), 'read alerts');
  return rows.map(toAlert);
}

export async function alert(db: Connection, brandId: string, alertId: string): Promise<Alert | null> {
  const [row] = await db.rows(queries.alert(brandId, alertId), 'read alerts');
  return row ? toAlert(row) : null;
}

/** How many silences a listing without `activeAt` returns at most (the seam's contract). */
const ALL_SILENCES_LIMIT = 200;

export async function silences(db: Connection, brandId: string, activeAt?: string): Promise<AlertSilence[]> {
  const query =
    activeAt === undefined
      ? queries.allSilences(brandId, ALL_SILENCES_LIMIT)
      : queries.activeSilences(brandId, activeAt);
  return (await db.rows(query, 'read alert_silences')).map(toSilence);
}

export async function alertDeliveries(
  db: Connection,
  brandId: string,
  alertId: string | undefined,
  limit: number,
): Promise<AlertDelivery[]> {
  const rows = await db.rows(
    queries.alertDeliveries(brandId, alertId, checkLimit(limit)),
    'read alert_deliveries',
  );
  return rows.map(toDelivery);
}

export async function adSpend(db: Connection, brandId: string, from: string, to: string): Promise<AdSpend[]> {
  return (await db.rows(queries.adSpend(brandId, from, to), 'read ad_spend')).map(toAdSpend);
}

export async function campaignActivity(
  db: Connection,
  brandId: string,
  from: string,
  to: string,
  bucket: 'minute' | 'hour' | 'day',
): Promise<CampaignMinute[]> {
  const rows = await db.rows(queries.campaignActivity(brandId, from, to, bucket), 'read campaign_minute');
  return rows.map(toCampaignBucket);
}

export async function recentNotifications(
  db: Connection,
  since: string,
): Promise<{ alerts: Alert[]; deliveries: AlertDelivery[] }> {
  const [alertRows, deliveryRows] = await Promise.all([
    db.rows(queries.notifiedAlerts(since), 'read alerts'),
    db.rows(queries.deliveriesSince(since), 'read alert_deliveries'),
  ]);
  return { alerts: alertRows.map(toAlert), deliveries: deliveryRows.map(toDelivery) };
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

export async function loadBrand(
  db: Connection,
  brandId: string,
  since: string,
  touchesSince: string,
): Promise<BrandSnapshot> {
  const [profileRows, linkRows, kpiRows, seenRows, decisionRows, brandCounters, campaignsAndAlerts] =
    await Promise.all([
      db.rows(queries.brandProfiles(brandId), 'read profiles'),
      db.rows(queries.brandLinks(brandId), 'read identity_links'),
      db.rows(queries.kpisSince(brandId, since), 'read kpi_minute'),
      db.rows(queries.seenSourceIds(brandId, since), 'read events'),
      db.rows(queries.brandDecisions(brandId, DECISION_ACTIONS), 'read merge_history'),
      counters(db, brandId),
      loadCampaignsAndAlerts(db, brandId, since, touchesSince),
    ]);
  return {
    profiles: profileRows.map(toProfile),
    links: linkRows.map(toLink),
    counters: brandCounters,
    kpis: kpiRows.map(toKpiMinute),
    ...campaignsAndAlerts,
    seenSourceIds: seenRows.map((row) => text(row, 'seen')),
    decisions: decisionRows.map(toMergeRecord),
  };
}

/** The campaign and alert parts of a snapshot (loadBrand). */
async function loadCampaignsAndAlerts(db: Connection, brandId: string, since: string, touchesSince: string) {
  const [alertRows, spendRows, minuteRows, touchRows, silenceRows, lastRows] = await Promise.all([
    db.rows(queries.openAlerts(brandId), 'read alerts'),
    db.rows(queries.spendSince(brandId, since), 'read ad_spend'),
    db.rows(queries.campaignMinutesSince(brandId, since), 'read campaign_minute'),
    db.rows(queries.touchesSince(brandId, touchesSince), 'read campaign_touches'),
    db.rows(queries.activeSilences(brandId, since), 'read alert_silences'),
    db.rows(queries.sourceLastEvents(brandId), 'read events'),
  ]);
  return {
    openAlerts: alertRows.map(toAlert),
    spend: spendRows.map(toAdSpend),
    campaigns: minuteRows.map(toCampaignMinute),
    touches: touchRows.map(toTouch),
    silences: silenceRows.map(toSilence),
    sourceLastSeen: lastRows.map(toSourceLast),
  };
}

/** The identity links whose value is one of `values`, for searchedSurvivors. */
async function linksByValues(db: Connection, brandId: string, values: string[]): Promise<SearchLink[]> {
  const rows = await db.rows(queries.linksByValues(brandId, values), 'read identity_links');
  return rows.map((row) => ({
    type: text(row, 'type'),
    value: text(row, 'value'),
    profile_id: text(row, 'profile_id'),
  }));
}

/** One keyset page of a profile's timeline (WarehouseReader.profileTimeline). */
export async function profileTimeline(
  db: Connection,
  brandId: string,
  profileIds: string[],
  query: TimelineQuery,
): Promise<TimelinePage> {
  const plan = planTimeline(query);
  if (profileIds.length === 0 || plan.channels?.length === 0) return { events: [], next: null };
  const rows = await db.rows(queries.profileTimeline(brandId, profileIds, plan), 'read events');
  return timelinePageOf(plan, rows.map(toStoredEvent));
}

/** One keyset page of the Profiles list (WarehouseReader.profilesPage). */
export async function profilesPage(
  db: Connection,
  brandId: string,
  query: ProfilesQuery,
): Promise<ProfilesPage> {
  const plan = planProfilesPage(query);
  const survivors =
    plan.search === null
      ? []
      : await searchedSurvivors(
          plan.search,
          {
            linksByValues: (values) => linksByValues(db, brandId, values),
            survivorOf: (id) => survivorOf(db, brandId, id),
          },
          plan.phone,
        );
  const rows = await db.rows(queries.profilesPage(brandId, plan, survivors), 'read profiles');
  return profilesPageOf(plan, rows.map(toProfile));
}

/**
 * The whole filtered list as one streamed query (WarehouseReader.profilesExport). `start` runs
 * under the warehouse's read lock only until the answer has begun: from then on the server reads
 * the parts it chose, so a commit need not wait for a slow client to finish its download.
 */
export async function* profilesExport(
  start: <T>(work: (db: Connection) => Promise<T>) => Promise<T>,
  brandId: string,
  query: ProfilesExportQuery,
): AsyncGenerator<Profile[], void> {
  const plan = planProfilesExport(query);
  const stream = await start(async (db) => {
    const survivors =
      plan.search === null
        ? []
        : await searchedSurvivors(
            plan.search,
            {
              linksByValues: (values) => linksByValues(db, brandId, values),
              survivorOf: (id) => survivorOf(db, brandId, id),
            },
            plan.phone,
          );
    return db.stream(queries.profilesExport(brandId, plan, survivors), 'read profiles');
  });
  try {
    for await (const chunk of rechunk(stream.rows, plan.limit)) yield chunk.map(toProfile);
  } finally {
    stream.close();
  }
}
