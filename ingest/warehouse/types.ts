// The warehouse seam. Two back-ends implement it: DuckDB (embedded default)
// and ClickHouse (production). Both pass tests/contract/warehouse.contract.ts.
//
// The processor writes through `commit`, which stores a batch's results and
// the bus offset they came from atomically (or, where the back-end has no
// transactions, idempotently with the checkpoint last), so that state and
// offsets always agree after a crash.
import type { IdentifierType, RejectedEvent } from '../../src/lib/shared/events';
import type { AdSpend, CampaignMinute, CampaignTouch } from '../../src/lib/shared/campaigns';
import type { IntentModelRecord, IntentModelSummary } from '../../src/lib/shared/intent-model';
import type {
  Alert,
  AlertDelivery,
  AlertSilence,
  AlertState,
  Identifier,
  BrandCounters,
  KpiMinute,
  MergeAction,
  MergeRecord,
  Profile,
  SourceActivity,
  StoredEvent,
} from '../../src/lib/shared/model';

/** Which profile an identifier pointed to when it was linked. */
export interface IdentityLink {
  brand_id: string;
  type: IdentifierType;
  value: string;
  profile_id: string;
  linked_at: string;
}

export interface Checkpoint {
  consumer: string;
  partition: number;
  /** The next bus offset to read. */
  next_offset: number;
}

/** Everything one processed batch produced. Profiles, KPIs, alerts and counters are upserts. */
export interface ProcessorCommit {
  checkpoint: Checkpoint;
  events: StoredEvent[];
  profiles: Profile[];
  links: IdentityLink[];
  merges: MergeRecord[];
  kpis: KpiMinute[];
  alerts: Alert[];
  rejected: RejectedEvent[];
  /** Absolute counter values per brand after the batch. */
  counters: BrandCounters[];
  /** Spend reports; one with the key of a stored one (spendKey) replaces it. */
  spend: AdSpend[];
  /** Upserts by brand, minute, campaign and channel. */
  campaigns: CampaignMinute[];
  /** Upserts by brand and profile: the profile's last campaign touch. */
  touches: CampaignTouch[];
  /** Upserts by brand and silence_id (a cancelled silence is written again with cancelled_at). */
  silences: AlertSilence[];
}

/** What the processor needs to rebuild one brand's in-memory state. */
export interface BrandSnapshot {
  profiles: Profile[];
  links: IdentityLink[];
  counters: BrandCounters;
  /** KPI rows from `since` on, for windows and alert baselines. */
  kpis: KpiMinute[];
  /** Alerts still open (pending or firing), any age. */
  openAlerts: Alert[];
  /** Spend reports whose period ends after `since`. */
  spend: AdSpend[];
  /** Campaign minutes from `since` on. */
  campaigns: CampaignMinute[];
  /** Profiles' last campaign touches from `touchesSince` on. */
  touches: CampaignTouch[];
  /** Silences neither cancelled nor ended before `since`. */
  silences: AlertSilence[];
  /** Each source's last event (by received_at) of all time. */
  sourceLastSeen: SourceActivity['last'];
  /** `source:source_event_id` of events received from `since` on, for deduplication. */
  seenSourceIds: string[];
  /**
   * Every merge-log record of the actions in DECISION_ACTIONS (reviews and
   * operators' decisions, all time, any order): splits that must hold and
   * review evidence already asked about.
   */
  decisions: MergeRecord[];
}

/** The merge-log actions a BrandSnapshot carries in `decisions`. */
export const DECISION_ACTIONS: readonly MergeAction[] = ['review', 'approve', 'reject', 'unmerge'];

export interface WarehouseWriter {
  /**
   * Stores batches (at most one per partition) with their checkpoints, all or
   * nothing as far as a reader resuming from a checkpoint can tell.
   */
  commit(...batches: ProcessorCommit[]): Promise<void>;
  checkpoint(consumer: string, partition: number): Promise<number | undefined>;
  /** `touchesSince`: campaign touches reach back as far as the brand's attribution window. */
  loadBrand(brandId: string, since: string, touchesSince: string): Promise<BrandSnapshot>;
  /** Appends to the alert delivery log (outside batch commits: the notifier writes it as it goes). */
  recordDeliveries(rows: AlertDelivery[]): Promise<void>;
  /**
   * For re-notifying after a restart: alerts of every brand notified (or
   * resolved after being notified) with updated_at from `since` on, and the
   * delivery log from `since` on.
   */
  recentNotifications(since: string): Promise<{ alerts: Alert[]; deliveries: AlertDelivery[] }>;
  /** Saves brands' learned intent models (outside batch commits; the latest save of a brand wins). */
  saveIntentModels(records: IntentModelRecord[]): Promise<void>;
  /** A brand's stored learner state (JSON), or null when it has none yet. */
  intentModelState(brandId: string): Promise<string | null>;
}

/** Reads for the dashboard and the read API. Every one is scoped by brand. */
export interface WarehouseReader {
  /** The profile an identifier belongs to, following merges to the survivor. */
  lookupProfile(brandId: string, identifier: Identifier): Promise<Profile | null>;
  /** A profile by id, following merges to the survivor. */
  getProfile(brandId: string, profileId: string): Promise<Profile | null>;
  /** Events of the given profiles (a survivor and everything merged into it), newest first. */
  recentEvents(brandId: string, profileIds: string[], limit: number): Promise<StoredEvent[]>;
  /** Profiles merged into `profileId`, directly or transitively. */
  mergedInto(brandId: string, profileId: string): Promise<string[]>;
  mergeHistory(brandId: string, profileIds: string[], limit: number): Promise<MergeRecord[]>;
  /** One merge-log record by id, or null (also for another brand's id). */
  findMerge(brandId: string, mergeId: string): Promise<MergeRecord | null>;
  /** The brand's merge log, newest first: every action, or only those in `actions` (none → none). */
  mergeLog(
    brandId: string,
    actions: readonly MergeAction[] | undefined,
    limit: number,
  ): Promise<MergeRecord[]>;
  /** Unmerged profiles at the given levels, highest score first. */
  highIntent(brandId: string, limit: number): Promise<Profile[]>;
  /** KPI rows with `from <= minute < to`, oldest first. */
  kpis(brandId: string, from: string, to: string): Promise<KpiMinute[]>;
  /** Alerts newest first (by updated_at), of the given states or all. */
  alerts(brandId: string, limit: number, states?: readonly AlertState[]): Promise<Alert[]>;
  /** One alert by id, or null (also for another brand's id). */
  alert(brandId: string, alertId: string): Promise<Alert | null>;
  /** Silences not cancelled whose ends_at is after `activeAt`, soonest ending first; all recent ones when absent (limit 200). */
  silences(brandId: string, activeAt?: string): Promise<AlertSilence[]>;
  /** The delivery log, newest first: of one alert, or of all the brand's alerts. */
  alertDeliveries(brandId: string, alertId: string | undefined, limit: number): Promise<AlertDelivery[]>;
  /** Spend reports whose period overlaps [from, to), by period_start. */
  adSpend(brandId: string, from: string, to: string): Promise<AdSpend[]>;
  /**
   * Campaign minutes with `from <= minute < to`, summed per bucket, campaign
   * and channel; `minute` holds the bucket's start (UTC hour or day).
   */
  campaignActivity(
    brandId: string,
    from: string,
    to: string,
    bucket: 'minute' | 'hour' | 'day',
  ): Promise<CampaignMinute[]>;
  rejected(brandId: string, limit: number): Promise<RejectedEvent[]>;
  counters(brandId: string): Promise<BrandCounters>;
  /** Events received per source and hour from `since` on, and each source's last event of all time. */
  sourceActivity(brandId: string, since: string): Promise<SourceActivity>;
  /** The brand's learned intent model as last saved: quality beside the baseline, weights; or null. */
  intentModel(brandId: string): Promise<IntentModelSummary | null>;
}

export interface Warehouse extends WarehouseWriter, WarehouseReader {
  /** Creates or upgrades the schema; safe to run at every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** The warehouse could not be reached or refused a write; retrying may help. */
export class WarehouseUnavailableError extends Error {
  override name = 'WarehouseUnavailableError';
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

// ─── The Profiles list (WarehouseReader.profilesPage) ─────────────────────────
// (Appended as its own section; the interface below merges into WarehouseReader.)
//
// Survivors only (merged_into null), the sort key descending and profile_id
// ascending as the tiebreak, paged by keyset: the cursor carries the last
// row's sort value and profile_id, and the next page is the rows strictly
// after that pair — never OFFSET, so a deep page costs what the first does.
//
// `search` (trimmed; empty means none) matches a profile when either
//   - its profile_id starts with the search text, byte for byte (no wildcards:
//     `%` and `_` are plain characters), or
//   - an identity link of the brand has the search as its stored value, in the
//     form the processor stores (ingest/processor/normalize.ts): an email is
//     compared lower-cased; a phone is compared with spaces, dots, dashes and
//     parentheses removed, so `+49 151 1234-5678` finds `+4915112345678`
//     (a national number without `+` is put in E.164 by the caller, who knows
//     the brand's default country, and given as `phone`: it is looked up as a
//     phone link besides the search text; src/lib/server/identifier-query.ts);
//     every other type is compared as given. The link's profile is followed
//     through merges to its survivor, as lookupProfile does.

import { IDENTIFIER_TYPES } from '../../src/lib/shared/events';
import type { TimelinePage, TimelineQuery } from './timeline';

export type ProfilesSort = 'revenue' | 'intent' | 'last_seen';

export const PROFILES_SORTS: readonly ProfilesSort[] = ['revenue', 'intent', 'last_seen'];

export interface ProfilesQuery {
  sort: ProfilesSort;
  /** 1..PROFILES_PAGE_MAX_LIMIT. */
  limit: number;
  /** `next` of the previous page of the same sort and search. */
  cursor?: string;
  search?: string;
  /** The search read as a phone number in E.164 (see the rules above); only with a search. */
  phone?: string;
}

export interface ProfilesPage {
  profiles: Profile[];
  /** The cursor of the following page, or null when this is the last one. */
  next: string | null;
}

export interface WarehouseReader {
  /**
   * One page of the brand's surviving profiles, the sort key descending then
   * profile_id ascending; see the rules above. RangeError for a bad limit,
   * sort or search, InvalidCursorError for a cursor this listing did not make.
   */
  profilesPage(brandId: string, query: ProfilesQuery): Promise<ProfilesPage>;
}

/**
 * The most one profilesPage call returns (and the largest profilesExport chunk).
 * Pages a person reads are at most PROFILES_LIST_MAX_LIMIT; the CSV export
 * writes PROFILES_EXPORT_PAGE rows per chunk of its one streamed query.
 */
export const PROFILES_PAGE_MAX_LIMIT = 5_000;
export const PROFILES_LIST_MAX_LIMIT = 200;
export const PROFILES_EXPORT_PAGE = 1_000;
export const PROFILES_SEARCH_MAX_LENGTH = 256;

/** The whole filtered list for the CSV export: profilesPage's rows, sort and search, no cursor. */
export interface ProfilesExportQuery {
  sort: ProfilesSort;
  search?: string;
  /** As ProfilesQuery.phone. */
  phone?: string;
  /** Profiles per yielded chunk (the last may be shorter), 1..PROFILES_PAGE_MAX_LIMIT. */
  chunk: number;
}

export interface WarehouseReader {
  /**
   * Every survivor profilesPage would list for this sort and search, in the same
   * order, from ONE query streamed as it is read (chunks of `query.chunk`), so an
   * export is linear in the brand's size and holds one chunk in memory. Breaking
   * out of the iteration (`return()`) stops the query. The query is checked and
   * started at the first `next()`: RangeError for a bad sort, search or chunk.
   */
  profilesExport(brandId: string, query: ProfilesExportQuery): AsyncIterable<Profile[]>;
}

/** Checks an export query; its plan is profilesPage's without a cursor (limit = chunk). */
export function planProfilesExport(query: ProfilesExportQuery): ProfilesPlan {
  const { sort, chunk } = query;
  if (!Number.isSafeInteger(chunk) || chunk < 1 || chunk > PROFILES_PAGE_MAX_LIMIT) {
    throw new RangeError(`chunk must be a whole number from 1 to ${PROFILES_PAGE_MAX_LIMIT}, got ${chunk}`);
  }
  return planProfilesPage({
    sort,
    limit: chunk,
    ...(query.search === undefined ? {} : { search: query.search }),
    ...(query.phone === undefined ? {} : { phone: query.phone }),
  });
}

/** Re-cuts batches of any size into chunks of `size` (the last may be shorter), as they arrive. */
export async function* rechunk<T>(batches: AsyncIterable<T[]>, size: number): AsyncGenerator<T[], void> {
  let chunk: T[] = [];
  for await (const batch of batches) {
    for (const item of batch) {
      chunk.push(item);
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** A cursor that is not one this listing handed out (malformed, edited, or of another sort or search). */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  readonly retriable = false;
}

/** Where a page starts: strictly after this sort value and profile_id. */
export interface ProfilesAfter {
  /** A number for revenue and intent; an ISO-8601 time for last_seen. */
  value: number | string;
  profileId: string;
}

/** A checked query: what the back-ends' SQL builders take. */
export interface ProfilesPlan {
  sort: ProfilesSort;
  limit: number;
  after: ProfilesAfter | null;
  /** The trimmed search, or null. */
  search: string | null;
  /** The search as a phone number in E.164, or null. */
  phone: string | null;
}

interface CursorBody {
  v: 1;
  s: ProfilesSort;
  q: string;
  k: number | string;
  id: string;
}

/** The sort key of a profile, as the cursor carries it. */
export function profilesSortValue(profile: Profile, sort: ProfilesSort): number | string {
  if (sort === 'revenue') return profile.revenue;
  if (sort === 'intent') return profile.intent_score;
  return profile.last_seen;
}

export function encodeProfilesCursor(plan: ProfilesPlan, last: Profile): string {
  const body: CursorBody = {
    v: 1,
    s: plan.sort,
    q: plan.search ?? '',
    k: profilesSortValue(last, plan.sort),
    id: last.profile_id,
  };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeCursor(cursor: string, sort: ProfilesSort, search: string | null): ProfilesAfter {
  const refuse = (why: string) => new InvalidCursorError(`invalid profiles cursor: ${why}`);
  if (typeof cursor !== 'string' || cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw refuse('not a cursor this listing made');
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('not a cursor this listing made');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw refuse('not an object');
  // Only the exact text encodeProfilesCursor makes: base64 is lenient about stray characters.
  if (Buffer.from(JSON.stringify(body)).toString('base64url') !== cursor) throw refuse('altered');
  const { v, s, q, k, id, ...rest } = body as Record<string, unknown>;
  if (v !== 1 || Object.keys(rest).length > 0) throw refuse('unknown version or fields');
  if (s !== sort) throw refuse(`made for sort ${JSON.stringify(s)}, not ${sort}`);
  if (q !== (search ?? '')) throw refuse('made for another search');
  if (typeof id !== 'string' || id.length === 0 || id.length > 1024) throw refuse('bad profile id');
  if (sort === 'last_seen') {
    if (typeof k !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(k)) {
      throw refuse('bad last_seen value');
    }
    if (Number.isNaN(Date.parse(k))) throw refuse('bad last_seen value');
  } else if (typeof k !== 'number' || !Number.isFinite(k)) {
    throw refuse(`bad ${sort} value`);
  }
  return { value: k, profileId: id };
}

/** Validates a query (RangeError for a bad limit, sort or search; InvalidCursorError for a bad cursor). */
export function planProfilesPage(query: ProfilesQuery): ProfilesPlan {
  const { sort, limit, cursor } = query;
  if (!PROFILES_SORTS.includes(sort)) {
    throw new RangeError(`sort must be one of ${PROFILES_SORTS.join(', ')}, got ${String(sort)}`);
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PROFILES_PAGE_MAX_LIMIT) {
    throw new RangeError(`limit must be a whole number from 1 to ${PROFILES_PAGE_MAX_LIMIT}, got ${limit}`);
  }
  if (query.search !== undefined && typeof query.search !== 'string') {
    throw new RangeError('search must be a string');
  }
  const trimmed = query.search?.trim() ?? '';
  if (trimmed.length > PROFILES_SEARCH_MAX_LENGTH) {
    throw new RangeError(`search is longer than ${PROFILES_SEARCH_MAX_LENGTH} characters`);
  }
  const search = trimmed === '' ? null : trimmed;
  if (query.phone !== undefined && (search === null || !E164.test(query.phone))) {
    throw new RangeError(
      `phone must be an E.164 number (+ and 2 to 15 digits) beside a search, got ${query.phone}`,
    );
  }
  const after = cursor === undefined ? null : decodeCursor(cursor, sort, search);
  return { sort, limit, after, search, phone: query.phone ?? null };
}

const E164 = /^\+\d{2,15}$/;

const PHONE_LIKE = /^\+?[\d\s().-]+$/;

/** The (type, value) pairs an identifier search looks up, per the rules above. */
export function profilesSearchLinks(
  search: string,
  phone: string | null = null,
): { type: IdentifierType; value: string }[] {
  const lower = search.toLowerCase();
  const pairs: { type: IdentifierType; value: string }[] = [{ type: 'email', value: lower }];
  const asTyped = search.replace(/[\s().-]/g, '');
  if (PHONE_LIKE.test(search)) pairs.push({ type: 'phone', value: asTyped });
  if (phone !== null && phone !== asTyped) pairs.push({ type: 'phone', value: phone });
  for (const type of IDENTIFIER_TYPES) {
    if (type !== 'email' && type !== 'phone') pairs.push({ type, value: search });
  }
  return pairs;
}

/** A page from `limit + 1` rows read: the extra row only says there is a next page. */
export function profilesPageOf(plan: ProfilesPlan, rows: Profile[]): ProfilesPage {
  const profiles = rows.slice(0, plan.limit);
  const last = profiles[profiles.length - 1];
  return { profiles, next: rows.length > plan.limit && last ? encodeProfilesCursor(plan, last) : null };
}

// ─── The High-intent page (WarehouseReader.intentList; rules in ./intent-list.ts) ───

import type { IntentListQuery } from './intent-list';

export interface WarehouseReader {
  /**
   * The brand's surviving profiles at `level` or above (decayed to `at`), in
   * total or in one category, that score descending then profile_id; at most
   * `limit`. RangeError for a bad query.
   */
  intentList(brandId: string, query: IntentListQuery): Promise<Profile[]>;
}

// ─── The Customer-360 timeline (WarehouseReader.profileTimeline) ──────────────
// Rules and cursor in ./timeline.ts.

export interface WarehouseReader {
  /**
   * One page of the events of `profileIds` (a survivor and everything merged
   * into it), newest first by (timestamp, event_id), optionally of some
   * channels only. RangeError for a bad limit or channel, InvalidCursorError
   * for a cursor this timeline did not make.
   */
  profileTimeline(brandId: string, profileIds: string[], query: TimelineQuery): Promise<TimelinePage>;
}

// ─── Customer predictions (ingest/predictions/; rules in ./predictions.ts) ────
// Inputs: a brand's surviving profiles, its merged ones, its orders and recent
// channel activity, each read in pages or one aggregate so 500k profiles never
// arrive as one result. Results: the latest scores per profile and a record per run.

import type { CustomerPrediction, PredictionRun } from '../../src/lib/shared/predictions';
import type {
  ChannelActivity,
  MergedPart,
  PredictionOrder,
  PredictionSurvivor,
  SegmentMembersQuery,
} from './predictions';

export type {
  ChannelActivity,
  MergedPart,
  PredictionOrder,
  PredictionSurvivor,
  SegmentMembersQuery,
} from './predictions';

export interface WarehouseReader {
  /** Surviving profiles (merged_into null) with profile_id after `after`, by profile_id; at most limit. */
  predictionSurvivors(brandId: string, after: string | null, limit: number): Promise<PredictionSurvivor[]>;
  /** Every merged profile and the one it was merged into (chains are followed by the caller). */
  mergedParts(brandId: string): Promise<MergedPart[]>;
  /** order_completed events with event_id after `after`, by event_id; at most limit. */
  predictionOrders(brandId: string, after: string | null, limit: number): Promise<PredictionOrder[]>;
  /**
   * Events per stored profile (a part) and channel with timestamp ≥ since (web, store, whatsapp),
   * for profile_ids after `after`, by profile_id; at most limit.
   */
  channelActivity(
    brandId: string,
    since: string,
    after: string | null,
    limit: number,
  ): Promise<ChannelActivity[]>;
  /** The profile's latest scores as stored (the caller resolves merges first), or null. */
  customerPrediction(brandId: string, profileId: string): Promise<CustomerPrediction | null>;
  /** The brand's runs, newest first (by started_at): sizes over time, drift, fit figures. */
  predictionRuns(brandId: string, limit: number): Promise<PredictionRun[]>;
  /** One keyset page of a run's profiles (of one segment, or all), by profile_id. */
  segmentMembers(brandId: string, query: SegmentMembersQuery): Promise<CustomerPrediction[]>;
}

/** The run's writes, apart from WarehouseWriter: the processor's batch path never makes them. */
export interface Warehouse {
  /**
   * Upserts scores by (brand, profile). Rows of one run id written again replace
   * themselves, so a repeated or resumed run never duplicates.
   */
  savePredictions(rows: CustomerPrediction[]): Promise<void>;
  /** Upserts a run record by (brand, run_id). */
  savePredictionRun(run: PredictionRun): Promise<void>;
}
