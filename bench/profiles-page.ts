// What the Profiles list query (WarehouseReader.profilesPage) costs at
// 500,000 profiles, on DuckDB and on ClickHouse.
//
//   CLICKHOUSE_URL=http://127.0.0.1:18123 npx tsx bench/profiles-page.ts [profiles=500000] [runs=5]
//
// Loads `profiles` profiles of one brand (3 % of them merged into another, so
// not listed) and a tenth as many of a second brand, each with an email link,
// through the warehouse's own `commit` in batches of 10,000; then times, per
// sort, the first page and the page after following 20 pages by cursor, and
// two searches (an email, an id prefix): the median of `runs` runs of each,
// 50 profiles a page. Without CLICKHOUSE_URL only DuckDB runs. DuckDB is a
// file in a temporary directory; ClickHouse a fresh database, dropped after.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openConnection } from '../clickhouse/connection';
import { identifier, sql } from '../clickhouse/sql';
import { createClickHouseWarehouse } from '../clickhouse/warehouse';
import { createDuckDbWarehouse } from '../ingest/warehouse/duckdb/index';
import type { IdentityLink, ProfilesQuery, ProfilesSort, Warehouse } from '../ingest/warehouse/types';
import type { Profile } from '../src/lib/shared/model';
import { seededRandom } from '../tests/support/random';

const PROFILES = Number(process.argv[2] ?? 500_000);
const RUNS = Number(process.argv[3] ?? 5);
const BATCH = 10_000;
const PAGE = 50;
const DEEP = 20;
const BRAND = 'brand-big';
const OTHER = 'brand-other';
const T0 = Date.parse('2024-05-01T00:00:00.000Z');

const idOf = (i: number) => `prof-${i.toString(36).padStart(5, '0')}`;
const emailOf = (i: number) => `shopper${i}@mail.example`;

function profileOf(brand: string, i: number, random: () => number): Profile {
  // Many ties: most shoppers never bought (revenue 0); scores and times are coarse.
  const revenue = random() < 0.6 ? 0 : Math.round(random() * 50_000) / 100;
  const lastSeen = new Date(T0 + Math.floor(random() * 90 * 24 * 3600) * 1000).toISOString();
  return {
    brand_id: brand,
    profile_id: idOf(i),
    merged_into: random() < 0.03 && i > 0 ? idOf(i - 1) : null,
    identifiers: [{ type: 'email', value: emailOf(i) }],
    first_seen: new Date(T0).toISOString(),
    last_seen: lastSeen,
    event_count: 1 + Math.floor(random() * 40),
    orders: revenue > 0 ? 1 + Math.floor(random() * 5) : 0,
    revenue,
    channels: ['web'],
    categories: { shoes: 1 },
    intent_score: Math.round(random() * 1000) / 10,
    intent_level: 'medium',
    intent_updated_at: lastSeen,
    intent_categories: {},
    intent_reasons: [],
    version: 1,
    own: null,
    intent_forecast: [],
  };
}

async function load(warehouse: Warehouse): Promise<number> {
  const started = performance.now();
  let offset = 0;
  for (const [brand, count] of [
    [BRAND, PROFILES],
    [OTHER, Math.round(PROFILES / 10)],
  ] as const) {
    const random = seededRandom(brand === BRAND ? 1 : 2);
    for (let from = 0; from < count; from += BATCH) {
      const profiles: Profile[] = [];
      const links: IdentityLink[] = [];
      for (let i = from; i < Math.min(count, from + BATCH); i++) {
        const p = profileOf(brand, i, random);
        profiles.push(p);
        links.push({
          brand_id: brand,
          type: 'email',
          value: emailOf(i),
          profile_id: p.profile_id,
          linked_at: p.last_seen,
        });
      }
      await warehouse.commit({
        checkpoint: { consumer: 'bench', partition: 0, next_offset: ++offset },
        events: [],
        profiles,
        links,
        merges: [],
        kpis: [],
        alerts: [],
        rejected: [],
        counters: [],
        spend: [],
        campaigns: [],
        touches: [],
        silences: [],
      });
    }
  }
  return performance.now() - started;
}

async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function measure(name: string, warehouse: Warehouse): Promise<void> {
  await warehouse.migrate();
  const loadMs = await load(warehouse);
  const total = PROFILES + Math.round(PROFILES / 10);
  console.log(`\n${name}: loaded ${total.toLocaleString('en')} profiles in ${(loadMs / 1000).toFixed(1)} s`);
  const page = (query: ProfilesQuery) => warehouse.profilesPage(BRAND, query);
  const rows: [string, number][] = [];
  for (const sort of ['revenue', 'intent', 'last_seen'] as ProfilesSort[]) {
    await page({ sort, limit: PAGE }); // warm
    rows.push([`${sort}: first page`, await median(RUNS, () => page({ sort, limit: PAGE }))]);
    let cursor: string | undefined;
    for (let i = 0; i < DEEP; i++) cursor = (await page({ sort, limit: PAGE, cursor })).next ?? undefined;
    rows.push([
      `${sort}: page ${DEEP + 1} (by cursor)`,
      await median(RUNS, () => page({ sort, limit: PAGE, cursor })),
    ]);
  }
  const email = emailOf(Math.floor(PROFILES / 2));
  const found = await page({ sort: 'revenue', limit: PAGE, search: email });
  if (found.profiles.length !== 1) throw new Error(`search ${email} found ${found.profiles.length}`);
  rows.push([
    'search by email',
    await median(RUNS, () => page({ sort: 'revenue', limit: PAGE, search: email })),
  ]);
  rows.push([
    'search by id prefix "prof-1"',
    await median(RUNS, () => page({ sort: 'revenue', limit: PAGE, search: 'prof-1' })),
  ]);
  for (const [label, ms] of rows) console.log(`  ${label.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms`);
}

async function main(): Promise<void> {
  console.log(`profiles page: ${PROFILES.toLocaleString('en')} profiles, median of ${RUNS}, ${PAGE} a page`);
  const dir = await mkdtemp(join(tmpdir(), 'signalroom-bench-profiles-'));
  const duck = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
  try {
    await measure('DuckDB (file)', duck);
  } finally {
    await duck.close();
    await rm(dir, { recursive: true, force: true });
  }

  const url = process.env.CLICKHOUSE_URL;
  if (!url) {
    console.log('\nClickHouse: skipped (set CLICKHOUSE_URL; bash infra/clickhouse/up.sh prints it)');
    return;
  }
  const database = `signalroom_bench_${randomBytes(4).toString('hex')}`;
  const clickhouse = await createClickHouseWarehouse({ url, database });
  try {
    const server = openConnection({ url });
    const [version] = await server.rows(sql`SELECT version() AS v`, 'version');
    await server.close();
    await measure(`ClickHouse ${String(version?.v)} at ${url}`, clickhouse);
  } finally {
    await clickhouse.close();
    const server = openConnection({ url });
    await server.run(sql`DROP DATABASE IF EXISTS ${identifier(database)}`, 'drop bench database');
    await server.close();
  }
}

await main();
