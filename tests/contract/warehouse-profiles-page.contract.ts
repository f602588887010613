// The warehouse contract of the Profiles list (WarehouseReader.profilesPage):
// every sort with ties broken by id, keyset pages that cover the survivors
// exactly once, search by identifier or id prefix (hostile text included),
// cursor and limit checks, and tenancy. Each back-end's test file runs it.
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidCursorError,
  type ProfilesExportQuery,
  type ProfilesQuery,
  type ProfilesSort,
  type Warehouse,
} from '../../ingest/warehouse/types';
import type { Profile } from '../../src/lib/shared/model';
import type { WarehouseFixture } from './warehouse.contract';
import { expectOnlyBrand } from './warehouse-campaigns.contract';
import { at, commit, link, profile } from './warehouse-records';

const A = 'brand-a';
const B = 'brand-b';
const HOSTILE_ID = `o'brien\\"x%_;--`;

/** Ties in every key: revenue 0.1 + 0.2 twice (a float that must survive the cursor), intent 50 thrice, … */
function brandAProfiles(): Profile[] {
  const spec: [string, number, number, number][] = [
    // id, revenue, intent, last_seen minute
    ['p01', 120, 50, 9],
    ['p02', 0.1 + 0.2, 50, 9],
    ['p03', 0.1 + 0.2, 12.5, 3],
    ['p04', 75.25, 88, 1],
    ['p05', 0, 50, 9],
    ['p06', 75.25, 0, 7],
    ['p07', 1e-7, 99.9, 2],
    ['p10', 500, 7, 4],
    ['p11', 0, 7, 4],
    ['p12', 999, 64, 8],
    [HOSTILE_ID, 10, 10, 10],
  ];
  return spec.map(([id, revenue, intent_score, minute]) =>
    profile(A, id, { revenue, intent_score, last_seen: at(minute) }),
  );
}

/** Merged into p01, with the highest of every key: it must never show. */
const merged = profile(A, 'm1', {
  merged_into: 'p01',
  revenue: 10_000,
  intent_score: 100,
  last_seen: at(30),
});

const brandBProfiles = () => [
  profile(B, 'q1', { revenue: 1_000_000, intent_score: 1, last_seen: at(1) }),
  profile(B, 'q2', { revenue: 50, intent_score: 70, last_seen: at(20) }),
  profile(B, 'zz', { revenue: 1, intent_score: 0, last_seen: at(0) }),
];

function sortKey(p: Profile, sort: ProfilesSort): number {
  if (sort === 'revenue') return p.revenue;
  if (sort === 'intent') return p.intent_score;
  return Date.parse(p.last_seen);
}

function expectedOrder(profiles: Profile[], sort: ProfilesSort): string[] {
  return [...profiles]
    .sort(
      (x, y) =>
        sortKey(y, sort) - sortKey(x, sort) ||
        Buffer.compare(Buffer.from(x.profile_id), Buffer.from(y.profile_id)),
    )
    .map((p) => p.profile_id);
}

const SORTS: ProfilesSort[] = ['revenue', 'intent', 'last_seen'];

async function allPages(
  warehouse: Warehouse,
  brandId: string,
  query: ProfilesQuery,
): Promise<{ pages: Profile[][]; ids: string[] }> {
  const pages: Profile[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await warehouse.profilesPage(brandId, { ...query, cursor });
    pages.push(page.profiles);
    if (page.next === null) break;
    cursor = page.next;
  }
  return { pages, ids: pages.flat().map((p) => p.profile_id) };
}

const ids = (page: { profiles: Profile[] }) => page.profiles.map((p) => p.profile_id);

/** Every chunk of a streamed export, as yielded. */
async function exported(
  warehouse: Warehouse,
  brandId: string,
  query: ProfilesExportQuery,
): Promise<Profile[][]> {
  const chunks: Profile[][] = [];
  for await (const chunk of warehouse.profilesExport(brandId, query)) chunks.push(chunk);
  return chunks;
}

export function profilesPageContract(name: string, make: () => Promise<WarehouseFixture>): void {
  describe(`warehouse contract, profiles list: ${name}`, () => {
    let fixture: WarehouseFixture | undefined;
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    /** A migrated warehouse holding both brands' profiles, A's links, and a later version of p03. */
    async function setup(): Promise<{ warehouse: Warehouse; survivors: Profile[] }> {
      fixture = await make();
      const warehouse = fixture.warehouse;
      await warehouse.migrate();
      await warehouse.commit(
        commit(
          { consumer: 'processor', partition: 0, next_offset: 1 },
          {
            profiles: [...brandAProfiles(), merged, ...brandBProfiles()],
            links: [
              link(A, 'ana@example.com', 'm1'),
              link(A, '+4915112345678', 'p05', { type: 'phone' }),
              link(A, 'ck-1', 'p07', { type: 'anonymous_id' }),
              link(A, HOSTILE_ID, 'p06', { type: 'user_id' }),
              link(B, 'bob@example.com', 'q2'),
            ],
          },
        ),
      );
      // A later version moves p03 to the top of revenue; the list must see it once, at its new place.
      const p03 = profile(A, 'p03', { revenue: 5000, intent_score: 12.5, last_seen: at(3), version: 2 });
      await warehouse.commit(
        commit({ consumer: 'processor', partition: 0, next_offset: 2 }, { profiles: [p03] }),
      );
      const survivors = brandAProfiles().map((p) => (p.profile_id === 'p03' ? p03 : p));
      return { warehouse, survivors };
    }

    it('lists every survivor once per sort, the key descending and ties by id, merged profiles left out', async () => {
      const { warehouse, survivors } = await setup();
      for (const sort of SORTS) {
        const page = await warehouse.profilesPage(A, { sort, limit: 200 });
        expect(ids(page), sort).toEqual(expectedOrder(survivors, sort));
        expect(page.next).toBeNull();
        expect(page.profiles).toEqual(
          expectedOrder(survivors, sort).map((id) => survivors.find((p) => p.profile_id === id)),
        );
      }
      // Spot checks of the ties: revenue 0.1 + 0.2 and 75.25, intent 50, last_seen at(9).
      expect(ids(await warehouse.profilesPage(A, { sort: 'revenue', limit: 200 }))).toEqual([
        'p03',
        'p12',
        'p10',
        'p01',
        'p04',
        'p06',
        HOSTILE_ID,
        'p02',
        'p07',
        'p05',
        'p11',
      ]);
      expect(ids(await warehouse.profilesPage(A, { sort: 'intent', limit: 4 }))).toEqual([
        'p07',
        'p04',
        'p12',
        'p01',
      ]);
    });

    it('pages by cursor with no gap and no repeat, whatever the page size', async () => {
      const { warehouse, survivors } = await setup();
      for (const sort of SORTS) {
        for (const limit of [1, 2, 3, 10, 11]) {
          const { pages, ids: listed } = await allPages(warehouse, A, { sort, limit });
          expect(listed, `${sort} by ${limit}`).toEqual(expectedOrder(survivors, sort));
          expect(pages.every((page) => page.length >= 1 && page.length <= limit)).toBe(true);
          expect(pages).toHaveLength(Math.ceil(survivors.length / limit));
        }
      }
    });

    it('finds a profile by email or phone as the processor stores them, following merges to the survivor', async () => {
      const { warehouse } = await setup();
      const search = (text: string) =>
        warehouse.profilesPage(A, { sort: 'revenue', limit: 50, search: text });
      expect(ids(await search('ana@example.com'))).toEqual(['p01']); // linked to m1, merged into p01
      expect(ids(await search('  ANA@Example.COM '))).toEqual(['p01']);
      expect(ids(await search('+4915112345678'))).toEqual(['p05']);
      expect(ids(await search('+49 (151) 1234-5678'))).toEqual(['p05']);
      expect(ids(await search('ck-1'))).toEqual(['p07']);
      expect(ids(await search('nobody@example.com'))).toEqual([]);
      expect((await search('')).profiles).toHaveLength(11); // blank is no search
    });

    it('finds a national phone number by its E.164 reading beside the search text, in pages and the export', async () => {
      const { warehouse } = await setup();
      // The caller read "0151 1234 5678" in Germany: the phone link is found, and the text
      // itself still matches as an id prefix or another identifier (none here).
      const query = { sort: 'revenue' as const, search: '0151 1234 5678', phone: '+4915112345678' };
      expect(ids(await warehouse.profilesPage(A, { ...query, limit: 50 }))).toEqual(['p05']);
      const exported: string[] = [];
      for await (const chunk of warehouse.profilesExport(A, { ...query, chunk: 10 }))
        exported.push(...chunk.map((p) => p.profile_id));
      expect(exported).toEqual(['p05']);
      // Without the reading the national form finds nothing; brand B has no such phone.
      expect(
        ids(await warehouse.profilesPage(A, { sort: 'revenue', limit: 50, search: query.search })),
      ).toEqual([]);
      expect(ids(await warehouse.profilesPage(B, { ...query, limit: 50 }))).toEqual([]);
      // The text and the phone name two profiles, both found (their survivors are looked up at
      // once: DuckDB once answered both lookups with one profile's row, see duckdb/session.ts).
      expect(
        ids(
          await warehouse.profilesPage(A, {
            sort: 'revenue',
            limit: 50,
            search: 'ck-1',
            phone: '+4915112345678',
          }),
        ),
      ).toEqual(['p07', 'p05']);
      for (const phone of ['4915112345678', '+49 151', '+1', `+1'--`]) {
        await expect(warehouse.profilesPage(A, { ...query, phone, limit: 50 })).rejects.toThrow(
          /phone must be an E\.164 number/,
        );
      }
      await expect(
        warehouse.profilesPage(A, { sort: 'revenue', limit: 50, phone: '+4915112345678' }),
      ).rejects.toThrow(/beside a search/);
    });

    it('finds profiles by id prefix, sorted and paged like the whole list', async () => {
      const { warehouse } = await setup();
      expect(ids(await warehouse.profilesPage(A, { sort: 'revenue', limit: 50, search: 'p1' }))).toEqual([
        'p12',
        'p10',
        'p11',
      ]);
      const { pages, ids: listed } = await allPages(warehouse, A, {
        sort: 'last_seen',
        limit: 1,
        search: 'p1',
      });
      expect(listed).toEqual(['p12', 'p10', 'p11']);
      expect(pages).toHaveLength(3);
      // An id prefix and an identifier together: `p0` is a prefix, nothing is linked to it.
      expect(ids(await warehouse.profilesPage(A, { sort: 'intent', limit: 50, search: 'p0' }))).toEqual([
        'p07',
        'p04',
        'p01',
        'p02',
        'p05',
        'p03',
        'p06',
      ]);
    });

    it('takes hostile search text literally: quotes, backslashes, % and _ are plain characters', async () => {
      const { warehouse } = await setup();
      const search = async (text: string) =>
        ids(await warehouse.profilesPage(A, { sort: 'revenue', limit: 50, search: text }));
      // The hostile id by its prefix, and p06 by the user id equal to that text.
      expect(await search(`o'brien\\"`)).toEqual([HOSTILE_ID]);
      expect(await search(HOSTILE_ID)).toEqual(['p06', HOSTILE_ID]);
      for (const text of [
        '%',
        '_',
        'p_1',
        '%1',
        `'`,
        '\\',
        `' OR '1'='1`,
        `'; DROP TABLE profiles; --`,
        '\u0000',
      ]) {
        expect(await search(text), JSON.stringify(text)).toEqual([]);
      }
      expect((await warehouse.profilesPage(A, { sort: 'revenue', limit: 200 })).profiles).toHaveLength(11);
      // A hostile search pages like any other.
      const { ids: listed } = await allPages(warehouse, A, { sort: 'intent', limit: 1, search: HOSTILE_ID });
      expect(listed).toEqual([HOSTILE_ID, 'p06']);
    });

    it('refuses a tampered cursor, or one of another sort or search, with a clear error', async () => {
      const { warehouse } = await setup();
      const first = await warehouse.profilesPage(A, { sort: 'revenue', limit: 2 });
      const cursor = first.next!;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const refused = (query: ProfilesQuery) => expect(warehouse.profilesPage(A, query)).rejects;

      await refused({ sort: 'revenue', limit: 2, cursor: `${cursor}x` }).toBeInstanceOf(InvalidCursorError);
      await refused({ sort: 'revenue', limit: 2, cursor: cursor.slice(0, -3) }).toBeInstanceOf(
        InvalidCursorError,
      );
      await refused({ sort: 'revenue', limit: 2, cursor: 'not a cursor!' }).toThrow(
        /invalid profiles cursor/,
      );
      await refused({ sort: 'revenue', limit: 2, cursor: '' }).toBeInstanceOf(InvalidCursorError);
      await refused({ sort: 'intent', limit: 2, cursor }).toThrow(/sort/);
      await refused({ sort: 'revenue', limit: 2, cursor, search: 'p1' }).toThrow(/search/);

      const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = (fields: Record<string, unknown>) =>
        Buffer.from(JSON.stringify({ ...body, ...fields })).toString('base64url');
      for (const fields of [
        { k: `0 OR 1=1` },
        { k: null },
        { k: Number.POSITIVE_INFINITY },
        { id: 42 },
        { id: '' },
        { v: 2 },
        { extra: true },
      ]) {
        await refused({ sort: 'revenue', limit: 2, cursor: forged(fields) }).toBeInstanceOf(
          InvalidCursorError,
        );
      }
      const lastSeen = (await warehouse.profilesPage(A, { sort: 'last_seen', limit: 1 })).next!;
      const seen = JSON.parse(Buffer.from(lastSeen, 'base64url').toString('utf8')) as Record<string, unknown>;
      const badTime = Buffer.from(JSON.stringify({ ...seen, k: `2024-05-01' OR 1=1` })).toString('base64url');
      await refused({ sort: 'last_seen', limit: 1, cursor: badTime }).toBeInstanceOf(InvalidCursorError);

      // The untouched cursor still works.
      expect(ids(await warehouse.profilesPage(A, { sort: 'revenue', limit: 2, cursor }))).toEqual([
        'p10',
        'p01',
      ]);
    });

    it('takes a limit from 1 to 200 only', async () => {
      const { warehouse } = await setup();
      for (const limit of [0, -1, 5001, 1.5, Number.NaN]) {
        await expect(
          warehouse.profilesPage(A, { sort: 'revenue', limit }),
          String(limit),
        ).rejects.toBeInstanceOf(RangeError);
      }
      await expect(
        warehouse.profilesPage(A, { sort: 'nope' as ProfilesSort, limit: 10 }),
      ).rejects.toBeInstanceOf(RangeError);
      await expect(
        warehouse.profilesPage(A, { sort: 'revenue', limit: 10, search: 'x'.repeat(257) }),
      ).rejects.toBeInstanceOf(RangeError);
      expect((await warehouse.profilesPage(A, { sort: 'revenue', limit: 1 })).profiles).toHaveLength(1);
      expect((await warehouse.profilesPage(A, { sort: 'revenue', limit: 200 })).profiles).toHaveLength(11);
    });

    it('streams the export as the concatenated pages, for every sort and search, in chunks of any size', async () => {
      const { warehouse, survivors } = await setup();
      for (const sort of SORTS) {
        for (const search of ['', 'p1', 'p0', 'ana@example.com', ' +49 (151) 1234-5678 ', HOSTILE_ID]) {
          const { pages } = await allPages(warehouse, A, { sort, limit: 2, search });
          const paged = pages.flat();
          for (const chunk of [1, 3, 4, 11, 1000]) {
            const chunks = await exported(warehouse, A, { sort, search, chunk });
            const what = `${sort} ${JSON.stringify(search)} by ${chunk}`;
            // Whole profiles, equal to the pages' rows, in the pages' order.
            expect(chunks.flat(), what).toEqual(paged);
            expect(
              chunks.slice(0, -1).every((c) => c.length === chunk),
              what,
            ).toBe(true);
            expect(chunks.length, what).toBe(Math.ceil(paged.length / chunk));
          }
        }
        // No search is the whole list: every survivor once, merged m1 left out, p03 at its latest version.
        const whole = (await exported(warehouse, A, { sort, chunk: 4 })).flat();
        expect(whole.map((p) => p.profile_id)).toEqual(expectedOrder(survivors, sort));
        expect(whole.find((p) => p.profile_id === 'p03')?.revenue).toBe(5000);
      }
    });

    it('takes hostile export search text literally and refuses a bad query when it starts', async () => {
      const { warehouse } = await setup();
      const search = async (text: string) =>
        (await exported(warehouse, A, { sort: 'revenue', search: text, chunk: 2 }))
          .flat()
          .map((p) => p.profile_id);
      expect(await search(HOSTILE_ID)).toEqual(['p06', HOSTILE_ID]);
      expect(await search(`o'brien\\"`)).toEqual([HOSTILE_ID]);
      for (const text of [
        '%',
        '_',
        'p_1',
        '%1',
        `'`,
        '\\',
        `' OR '1'='1`,
        `'; DROP TABLE profiles; --`,
        '\u0000',
      ]) {
        expect(await search(text), JSON.stringify(text)).toEqual([]);
      }
      const refused = (query: ProfilesExportQuery) => expect(exported(warehouse, A, query)).rejects;
      for (const chunk of [0, -1, 5001, 1.5, Number.NaN]) {
        await refused({ sort: 'revenue', chunk }).toThrow(/chunk must be a whole number/);
      }
      await refused({ sort: 'price' as ProfilesSort, chunk: 10 }).toThrow(/sort must be one of/);
      await refused({ sort: 'revenue', chunk: 10, search: 'x'.repeat(257) }).toThrow(/longer than 256/);
      expect((await exported(warehouse, A, { sort: 'revenue', chunk: 100 })).flat()).toHaveLength(11);
    });

    it('keeps brands apart in the export: B streams and searches only its own', async () => {
      const { warehouse } = await setup();
      for (const sort of SORTS) {
        const chunks = await exported(warehouse, B, { sort, chunk: 1 });
        expect(
          chunks
            .flat()
            .map((p) => p.profile_id)
            .sort(),
        ).toEqual(['q1', 'q2', 'zz']);
        expectOnlyBrand(chunks, B, 'p0');
      }
      for (const search of ['ana@example.com', '+4915112345678', 'ck-1', 'p', HOSTILE_ID]) {
        expect(await exported(warehouse, B, { sort: 'revenue', search, chunk: 5 }), search).toEqual([]);
      }
      expect(await exported(warehouse, A, { sort: 'revenue', search: 'bob@example.com', chunk: 5 })).toEqual(
        [],
      );
      expect(await exported(warehouse, 'brand-c', { sort: 'intent', chunk: 5 })).toEqual([]);
    });

    it('stops the export query when the reader leaves after the first chunk, the warehouse usable after', async () => {
      const { warehouse, survivors } = await setup();
      for (const sort of SORTS) {
        const taken: Profile[][] = [];
        for await (const chunk of warehouse.profilesExport(A, { sort, chunk: 2 })) {
          taken.push(chunk);
          break;
        }
        expect(taken.flat().map((p) => p.profile_id)).toEqual(expectedOrder(survivors, sort).slice(0, 2));
      }
      // Left by return() between chunks, as a cancelled download leaves it.
      const iterator = warehouse.profilesExport(A, { sort: 'intent', chunk: 3 })[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toHaveLength(3);
      expect(await iterator.return?.()).toMatchObject({ done: true });
      expect(await iterator.next()).toMatchObject({ done: true });
      // Reads, writes and a whole export all still work.
      expect(ids(await warehouse.profilesPage(A, { sort: 'revenue', limit: 2 }))).toEqual(['p03', 'p12']);
      const late = profile(A, 'p99', { revenue: 1e6, intent_score: 1, last_seen: at(1) });
      await warehouse.commit(
        commit({ consumer: 'processor', partition: 0, next_offset: 3 }, { profiles: [late] }),
      );
      expect(
        (await exported(warehouse, A, { sort: 'revenue', chunk: 5 })).flat().map((p) => p.profile_id),
      ).toEqual(['p99', ...expectedOrder(survivors, 'revenue')]);
    });

    it('lets a commit through while an export is half read, and the export does not show it', async () => {
      const { warehouse, survivors } = await setup();
      const iterator = warehouse.profilesExport(A, { sort: 'revenue', chunk: 4 })[Symbol.asyncIterator]();
      const chunks: Profile[][] = [];
      const first = await iterator.next();
      if (!first.done) chunks.push(first.value);
      const late = profile(A, 'p98', { revenue: 1, intent_score: 1, last_seen: at(1) });
      await warehouse.commit(
        commit({ consumer: 'processor', partition: 0, next_offset: 3 }, { profiles: [late] }),
      );
      expect(await warehouse.getProfile(A, 'p98')).toEqual(late);
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        chunks.push(next.value);
      expect(chunks.flat().map((p) => p.profile_id)).toEqual(expectedOrder(survivors, 'revenue'));
    });

    it("keeps brands apart: B lists, searches and pages only its own, even with A's cursor", async () => {
      const { warehouse } = await setup();
      for (const sort of SORTS) {
        const { ids: listed, pages } = await allPages(warehouse, B, { sort, limit: 2 });
        expect([...listed].sort()).toEqual(['q1', 'q2', 'zz']);
        expectOnlyBrand(pages, B, 'p0');
      }
      for (const search of ['ana@example.com', '+4915112345678', 'ck-1', 'p', HOSTILE_ID]) {
        expect((await warehouse.profilesPage(B, { sort: 'revenue', limit: 50, search })).profiles).toEqual(
          [],
        );
      }
      expect(
        ids(await warehouse.profilesPage(A, { sort: 'revenue', limit: 50, search: 'bob@example.com' })),
      ).toEqual([]);
      // A cursor from A's listing, used by B: at most B's own rows after that key, never A's.
      const fromA = (await warehouse.profilesPage(A, { sort: 'revenue', limit: 1 })).next!;
      const page = await warehouse.profilesPage(B, { sort: 'revenue', limit: 50, cursor: fromA });
      expectOnlyBrand(page, B, 'p0');
      expect(ids(page)).toEqual(['q2', 'zz']); // after revenue 5000: q1 (1,000,000) is before it
      expect((await warehouse.profilesPage('brand-c', { sort: 'intent', limit: 50 })).profiles).toEqual([]);
    });
  });
}
