// What the Profiles list query (WarehouseReader.profilesPage) costs at
// 500,000 profiles, on DuckDB and on ClickHouse.
//
//   CLICKHOUSE_URL=http://127.0.0.1:18123 npx tsx bench/profiles-page.ts [profiles=500000] [runs=5]
//
// Loads the population of bench/support/profiles-population.ts (`profiles`
// profiles of one brand, 3 % of them merged into another, so not listed, and a
// tenth as many of a second brand, each with an email link); then times, per
// sort, the first page and the page after following 20 pages by cursor, and
// two searches (an email, an id prefix): the median of `runs` runs of each,
// 50 profiles a page. Without CLICKHOUSE_URL only DuckDB runs. DuckDB is a
// file in a temporary directory; ClickHouse a fresh database, dropped after.
import { performance } from 'node:perf_hooks';
import type { ProfilesQuery, ProfilesSort, Warehouse } from '../ingest/warehouse/types';
import { BRAND, emailOf, loadPopulation, onEachWarehouse } from './support/profiles-population';

const PROFILES = Number(process.argv[2] ?? 500_000);
const RUNS = Number(process.argv[3] ?? 5);
const PAGE = 50;
const DEEP = 20;

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
  const { ms: loadMs } = await loadPopulation(warehouse, PROFILES);
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
  await onEachWarehouse({ duckdb: true, clickHouseUrl: process.env.CLICKHOUSE_URL }, measure);
}

await main();
