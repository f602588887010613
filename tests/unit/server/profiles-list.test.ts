// The Profiles page's URL state: defaults, each parameter's checks with the
// problem naming it, and the First/Previous/Next links that keep the way back.
import { describe, expect, it } from 'vitest';
import {
  BACK_MAX,
  parseProfilesApiQuery,
  parseProfilesListState,
  profilesListLinks,
  type ProfilesListState,
} from '../../../src/lib/server/profiles-list';

const parse = (query: string) => parseProfilesListState(new URLSearchParams(query));
const problemOf = (query: string) => {
  const result = parse(query);
  return result.ok ? null : result.problem;
};

const state = (overrides: Partial<ProfilesListState>): ProfilesListState => ({
  search: '',
  sort: 'revenue',
  size: 50,
  cursor: null,
  back: [],
  page: 1,
  ...overrides,
});

describe('parseProfilesListState', () => {
  it('starts on the first page by revenue, 50 a page, no search', () => {
    expect(parse('')).toEqual({ ok: true, value: state({}) });
  });

  it('reads every parameter, trimming the search', () => {
    expect(parse('q=%20ana%40example.com%20&sort=last_seen&size=25&cursor=c2&back=c1&page=3')).toEqual({
      ok: true,
      value: state({
        search: 'ana@example.com',
        sort: 'last_seen',
        size: 25,
        cursor: 'c2',
        back: ['c1'],
        page: 3,
      }),
    });
  });

  it('names the parameter that is wrong', () => {
    expect(problemOf('sort=price')).toBe('sort must be one of revenue, intent, last_seen');
    expect(problemOf('size=7')).toBe('size must be one of 25, 50, 100, 200');
    expect(problemOf('size=50.0')).toBe('size must be one of 25, 50, 100, 200');
    expect(problemOf(`q=${'x'.repeat(257)}`)).toBe('the search is longer than 256 characters');
    expect(problemOf('cursor=a%27%3B--')).toBe('cursor is not one this list made');
    expect(problemOf('cursor=c2&back=c1.%3Cscript%3E')).toBe('back holds a cursor this list did not make');
    expect(problemOf('back=c1')).toBe('back is only meaningful with a cursor');
    expect(problemOf('cursor=c2&back=c1&page=2')).toBe('page must be at least 3 here');
    expect(problemOf('page=-1')).toBe('page must be a whole number from 1 to 1000000');
    const tooDeep = Array.from({ length: BACK_MAX + 1 }, (_, i) => `c${i}`).join('.');
    expect(problemOf(`cursor=x&back=${tooDeep}`)).toBe(`back holds more than ${BACK_MAX} pages`);
  });

  it('accepts a search of hostile text (the reader binds it as a value)', () => {
    const hostile = `=cmd|' /C calc'!A0 %_ ' OR 1=1 --`;
    const result = parse(new URLSearchParams({ q: hostile }).toString());
    expect(result).toEqual({ ok: true, value: state({ search: hostile }) });
  });
});

describe('profilesListLinks', () => {
  it('on the first page: Next carries the cursor, no way back, the export keeps search and sort', () => {
    const links = profilesListLinks(state({ search: 'ana', sort: 'intent' }), 'c1');
    expect(links).toEqual({
      first: null,
      previous: null,
      next: '?q=ana&sort=intent&cursor=c1&page=2',
      export: '?q=ana&sort=intent',
    });
  });

  it('deeper: Next pushes the current cursor, Previous pops it, First drops them all', () => {
    const third = state({ size: 25, cursor: 'c2', back: ['c1'], page: 3 });
    expect(profilesListLinks(third, 'c3')).toEqual({
      first: '?size=25',
      previous: '?size=25&cursor=c1&page=2',
      next: '?size=25&cursor=c3&back=c1.c2&page=4',
      export: '?sort=revenue',
    });
    // The second page's Previous is the first page; the last page has no Next.
    expect(profilesListLinks(state({ cursor: 'c1', page: 2 }), null)).toMatchObject({
      previous: '',
      next: null,
    });
  });

  it('keeps at most BACK_MAX cursors, dropping the oldest', () => {
    const back = Array.from({ length: BACK_MAX }, (_, i) => `c${i}`);
    const deep = state({ cursor: 'now', back, page: BACK_MAX + 2 });
    const next = new URLSearchParams(profilesListLinks(deep, 'later').next!);
    const kept = next.get('back')!.split('.');
    expect(kept).toHaveLength(BACK_MAX);
    expect(kept[0]).toBe('c1');
    expect(kept[BACK_MAX - 1]).toBe('now');
    expect(next.get('page')).toBe(String(BACK_MAX + 3));
    // A link the page made parses back into its state.
    expect(parse(next.toString())).toMatchObject({
      ok: true,
      value: { cursor: 'later', page: BACK_MAX + 3 },
    });
  });
});

describe('parseProfilesApiQuery', () => {
  it('defaults and checks the read API parameters', () => {
    expect(parseProfilesApiQuery({})).toEqual({
      ok: true,
      value: { sort: 'revenue', limit: 50, cursor: null, search: '' },
    });
    expect(parseProfilesApiQuery({ limit: '200', sort: 'intent', search: ' x ' })).toEqual({
      ok: true,
      value: { sort: 'intent', limit: 200, cursor: null, search: 'x' },
    });
    expect(parseProfilesApiQuery({ limit: '201' })).toEqual({
      ok: false,
      problem: 'limit must be a whole number from 1 to 200',
    });
    expect(parseProfilesApiQuery({ limit: '0' })).toMatchObject({ ok: false });
    expect(parseProfilesApiQuery({ sort: 'REVENUE' })).toMatchObject({ ok: false });
  });
});
