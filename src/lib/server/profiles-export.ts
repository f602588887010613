// The CSV export of a filtered Profiles list: every profile the search
// matches, in the list's sort, from one warehouse query streamed to the end
// (WarehouseReader.profilesExport) and written as it is read, so a brand of
// 500,000 profiles costs one sort and streams in bounded memory (one chunk at
// a time). Formula escaping, streaming and file names are ./csv-export.ts's,
// shared with the Segments export.
import {
  PROFILES_EXPORT_PAGE,
  type ProfilesSort,
  type WarehouseReader,
} from '../../../ingest/warehouse/types';
import type { IdentifierType } from '../shared/events';
import type { Profile } from '../shared/model';
import { csvChunkStream, csvFileName, csvLines } from './csv-export';
import { searchAsPhone } from './identifier-query';
import { averageOrderValue, profileLabel, topCategory } from '../shared/profile-display';

/** The columns, in order, with what each holds (docs/profiles.md repeats this). */
export const PROFILE_EXPORT_COLUMNS = [
  ['profile_id', 'the profile id (its page is /profiles/<profile_id>)'],
  [
    'label',
    'the best identifier to show: email, else phone, customer id, loyalty id, device, cookie, else the id',
  ],
  ['emails', 'every email of the profile, separated by a space'],
  ['phones', 'every phone (E.164), separated by a space'],
  ['customer_ids', "the brand's own customer ids (user_id), separated by a space"],
  ['loyalty_ids', 'loyalty ids, separated by a space'],
  ['orders', 'orders to date'],
  ['revenue', 'revenue to date'],
  ['aov', 'average order value: revenue / orders, 0 without orders'],
  ['intent_level', 'low, medium or high'],
  ['intent_score', 'the intent score at its last update'],
  ['intent_updated_at', 'when the score was last computed (ISO-8601 UTC)'],
  ['top_category', 'the most interacted category, or empty'],
  ['channels', 'channels seen on (web, app, store, whatsapp, email, server), separated by a space'],
  ['events', 'events to date'],
  ['first_seen', 'first event (ISO-8601 UTC)'],
  ['last_seen', 'last event (ISO-8601 UTC)'],
] as const;

export type ProfileExportColumn = (typeof PROFILE_EXPORT_COLUMNS)[number][0];

const COLUMN_NAMES = PROFILE_EXPORT_COLUMNS.map(([name]) => name);

function values(profile: Profile, type: IdentifierType): string {
  return profile.identifiers
    .filter((identifier) => identifier.type === type)
    .map((identifier) => identifier.value)
    .join(' ');
}

export function profileExportRecord(profile: Profile): Record<ProfileExportColumn, string | number> {
  return {
    profile_id: profile.profile_id,
    label: profileLabel(profile),
    emails: values(profile, 'email'),
    phones: values(profile, 'phone'),
    customer_ids: values(profile, 'user_id'),
    loyalty_ids: values(profile, 'loyalty_id'),
    orders: profile.orders,
    revenue: profile.revenue,
    aov: averageOrderValue(profile),
    intent_level: profile.intent_level,
    intent_score: profile.intent_score,
    intent_updated_at: profile.intent_updated_at,
    top_category: topCategory(profile.categories) ?? '',
    channels: profile.channels.join(' '),
    events: profile.event_count,
    first_seen: profile.first_seen,
    last_seen: profile.last_seen,
  };
}

/** CSV lines for the records, formula-looking text neutralized; with the header row when asked. */
export function profilesCsv(profiles: readonly Profile[], header: boolean): string {
  return csvLines(profiles.map(profileExportRecord), COLUMN_NAMES, header);
}

export interface ProfilesExportQuery {
  sort: ProfilesSort;
  search: string;
  /** The brand's default country, to read a national phone number in the search. */
  country: string;
  /** Profiles per chunk of the streamed query; PROFILES_EXPORT_PAGE by default. */
  chunkSize?: number;
}

/** The export as a byte stream: the header, then one chunk of the warehouse's streamed query per pull. */
export async function exportProfilesCsv(
  warehouse: WarehouseReader,
  brandId: string,
  query: ProfilesExportQuery,
): Promise<ReadableStream<Uint8Array>> {
  const phone = searchAsPhone(query.search, query.country);
  const chunks = warehouse.profilesExport(brandId, {
    sort: query.sort,
    search: query.search,
    ...(phone === undefined ? {} : { phone }),
    chunk: query.chunkSize ?? PROFILES_EXPORT_PAGE,
  });
  return csvChunkStream(chunks, profilesCsv);
}

/** "profiles-<brand>-<sort>[-search]-<date>.csv", safe in a Content-Disposition header. */
export function profilesExportFileName(brandId: string, query: ProfilesExportQuery, now: Date): string {
  return csvFileName(['profiles', brandId, query.sort, ...(query.search ? [query.search] : [])], now);
}
