// The Profiles list as the page's URL and the read API carry it, and its rows.
//
// Keyset pages have no "previous" query, so the page keeps the way back in its
// URL: `cursor` is the current page's cursor (absent on the first page) and
// `back` the cursors of the pages before it, oldest first, joined by "." (a
// cursor is base64url, so never holds one). Previous pops `back`; after
// BACK_MAX pages the oldest is dropped, and Previous from there returns to the
// first page. `page` is the page's number, for display only.
import { z } from 'zod';
import {
  InvalidCursorError,
  PROFILES_LIST_MAX_LIMIT,
  PROFILES_SEARCH_MAX_LENGTH,
  PROFILES_SORTS,
  type ProfilesSort,
  type WarehouseReader,
} from '../../../ingest/warehouse/types';
import type { IntentLevel, Profile } from '../shared/model';
import { averageOrderValue, profileLabel } from '../shared/profile-display';
import { searchAsPhone } from './identifier-query';

export const PROFILE_PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_SORT: ProfilesSort = 'revenue';
/** How many pages back Previous can step; ~110 characters each keeps the URL under 4 KB. */
export const BACK_MAX = 30;
const CURSOR_TEXT = /^[A-Za-z0-9_-]{1,2048}$/;

export interface ProfilesListState {
  search: string;
  sort: ProfilesSort;
  size: number;
  /** The current page's cursor; null on the first page. */
  cursor: string | null;
  /** Cursors of the pages before this one (oldest first), the first page's excepted. */
  back: string[];
  /** 1-based, for display. */
  page: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const searchSchema = z
  .string()
  .transform((text) => text.trim())
  .refine((text) => text.length <= PROFILES_SEARCH_MAX_LENGTH, {
    message: `the search is longer than ${PROFILES_SEARCH_MAX_LENGTH} characters`,
  });

const sortSchema = z.enum(PROFILES_SORTS as [ProfilesSort, ...ProfilesSort[]], {
  error: `sort must be one of ${PROFILES_SORTS.join(', ')}`,
});

const cursorSchema = z.string().regex(CURSOR_TEXT, 'cursor is not one this list made');

function wholeNumber(name: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,7}$/, `${name} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be a whole number from ${min} to ${max}`);
}

const sizeSchema = z
  .string()
  .refine(
    (text) => (PROFILE_PAGE_SIZES as readonly number[]).includes(Number(text)) && /^\d+$/.test(text),
    `size must be one of ${PROFILE_PAGE_SIZES.join(', ')}`,
  )
  .transform(Number);

const backSchema = z
  .string()
  .transform((text) => (text === '' ? [] : text.split('.')))
  .refine((cursors) => cursors.length <= BACK_MAX, `back holds more than ${BACK_MAX} pages`)
  .refine(
    (cursors) => cursors.every((c) => CURSOR_TEXT.test(c)),
    'back holds a cursor this list did not make',
  );

function first(result: z.ZodSafeParseResult<unknown>): string {
  return result.success ? '' : (result.error.issues[0]?.message ?? 'invalid');
}

function one<T>(schema: z.ZodType<T>, raw: string | null, fallback: T): Parsed<T> {
  if (raw === null) return { ok: true, value: fallback };
  const result = schema.safeParse(raw);
  return result.success ? { ok: true, value: result.data } : { ok: false, problem: first(result) };
}

/** The page's URL query (`q`, `sort`, `size`, `cursor`, `back`, `page`); a problem names the parameter. */
export function parseProfilesListState(params: URLSearchParams): Parsed<ProfilesListState> {
  const search = one(searchSchema, params.get('q'), '');
  if (!search.ok) return search;
  const sort = one(sortSchema, params.get('sort'), DEFAULT_SORT);
  if (!sort.ok) return sort;
  const size = one(sizeSchema, params.get('size'), DEFAULT_PAGE_SIZE);
  if (!size.ok) return size;
  const cursor = one<string | null>(cursorSchema, params.get('cursor'), null);
  if (!cursor.ok) return cursor;
  const back = one(backSchema, params.get('back'), []);
  if (!back.ok) return back;
  if (cursor.value === null && back.value.length > 0) {
    return { ok: false, problem: 'back is only meaningful with a cursor' };
  }
  const least = cursor.value === null ? 1 : back.value.length + 2;
  const page = one(wholeNumber('page', 1, 1_000_000), params.get('page'), least);
  if (!page.ok) return page;
  if (page.value < least) return { ok: false, problem: `page must be at least ${least} here` };
  return {
    ok: true,
    value: {
      search: search.value,
      sort: sort.value,
      size: size.value,
      cursor: cursor.value,
      back: back.value,
      page: page.value,
    },
  };
}

/** The read API's query (`sort`, `limit`, `cursor`, `search`); the same checks, the reader's names. */
export function parseProfilesApiQuery(params: {
  sort?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  search?: string | undefined;
}): Parsed<{ sort: ProfilesSort; limit: number; cursor: string | null; search: string }> {
  const search = one(searchSchema, params.search ?? null, '');
  if (!search.ok) return search;
  const sort = one(sortSchema, params.sort ?? null, DEFAULT_SORT);
  if (!sort.ok) return sort;
  const limit = one(
    wholeNumber('limit', 1, PROFILES_LIST_MAX_LIMIT),
    params.limit ?? null,
    DEFAULT_PAGE_SIZE,
  );
  if (!limit.ok) return limit;
  const cursor = one<string | null>(cursorSchema, params.cursor ?? null, null);
  if (!cursor.ok) return cursor;
  return {
    ok: true,
    value: { sort: sort.value, limit: limit.value, cursor: cursor.value, search: search.value },
  };
}

/** The page's URL query ("?…", or "" for the defaults); defaults are left out so links stay short. */
export function profilesListQuery(state: ProfilesListState): string {
  const params = new URLSearchParams();
  if (state.search) params.set('q', state.search);
  if (state.sort !== DEFAULT_SORT) params.set('sort', state.sort);
  if (state.size !== DEFAULT_PAGE_SIZE) params.set('size', String(state.size));
  if (state.cursor !== null) {
    params.set('cursor', state.cursor);
    if (state.back.length) params.set('back', state.back.join('.'));
    params.set('page', String(state.page));
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** URL queries: First, Previous and Next of /profiles, and the export's of /profiles/export. */
export interface ProfilesListLinks {
  first: string | null;
  previous: string | null;
  next: string | null;
  export: string;
}

/** Where First, Previous, Next and Export CSV lead from a page whose next cursor is `next`. */
export function profilesListLinks(state: ProfilesListState, next: string | null): ProfilesListLinks {
  const firstPage = { ...state, cursor: null, back: [], page: 1 };
  let previous: string | null = null;
  if (state.cursor !== null) {
    const back = state.back.slice(0, -1);
    const before = state.back[state.back.length - 1];
    previous = profilesListQuery(
      before === undefined ? firstPage : { ...state, cursor: before, back, page: state.page - 1 },
    );
  }
  const forward =
    next === null
      ? null
      : profilesListQuery({
          ...state,
          cursor: next,
          back: (state.cursor === null ? [] : [...state.back, state.cursor]).slice(-BACK_MAX),
          page: state.page + 1,
        });
  const exportParams = new URLSearchParams();
  if (state.search) exportParams.set('q', state.search);
  exportParams.set('sort', state.sort);
  return {
    first: state.cursor === null ? null : profilesListQuery(firstPage),
    previous,
    next: forward,
    export: `?${exportParams.toString()}`,
  };
}

/** One row of the list (and of the export): what a growth team scans for. */
export interface ProfileListRow {
  profile_id: string;
  label: string;
  orders: number;
  revenue: number;
  aov: number;
  intent_level: IntentLevel;
  intent_score: number;
  channels: string[];
  first_seen: string;
  last_seen: string;
}

export function profileListRow(profile: Profile): ProfileListRow {
  return {
    profile_id: profile.profile_id,
    label: profileLabel(profile),
    orders: profile.orders,
    revenue: profile.revenue,
    aov: averageOrderValue(profile),
    intent_level: profile.intent_level,
    intent_score: profile.intent_score,
    channels: profile.channels,
    first_seen: profile.first_seen,
    last_seen: profile.last_seen,
  };
}

/** One page of rows; a cursor the list did not make (edited, or of another sort or search) is a problem, not a throw. */
export async function loadProfilesListPage(
  warehouse: WarehouseReader,
  brandId: string,
  query: { sort: ProfilesSort; limit: number; cursor: string | null; search: string; country: string },
): Promise<Parsed<{ rows: ProfileListRow[]; next: string | null }>> {
  const phone = searchAsPhone(query.search, query.country);
  try {
    const page = await warehouse.profilesPage(brandId, {
      sort: query.sort,
      limit: query.limit,
      search: query.search,
      ...(phone === undefined ? {} : { phone }),
      ...(query.cursor === null ? {} : { cursor: query.cursor }),
    });
    return { ok: true, value: { rows: page.profiles.map(profileListRow), next: page.next } };
  } catch (error) {
    if (isInvalidCursor(error)) return { ok: false, problem: error.message };
    throw error;
  }
}

/**
 * A cursor error, by name as well as by class: the dashboard's SvelteKit build
 * bundles its own copy of the warehouse types, while the warehouse it is given
 * throws the composition root's class (see context.ts).
 */
export function isInvalidCursor(error: unknown): error is InvalidCursorError {
  return (
    error instanceof InvalidCursorError || (error instanceof Error && error.name === 'InvalidCursorError')
  );
}
