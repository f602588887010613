// What the Profiles list's CSV export (src/lib/server/profiles-export.ts)
// costs for a brand of 500,000 profiles, on DuckDB and on ClickHouse.
//
//   CLICKHOUSE_URL=http://127.0.0.1:18123 npx tsx bench/profiles-export.ts [profiles=500000] [clickhouse profiles=profiles]
//
// The population of bench/profiles-page.ts (3 % merged, 60 % without revenue,
// coarse scores and times, an email each, and a second brand a tenth the
// size), built with the contract tests' profile record so it follows the
// Profile type, loaded through the warehouse's own `commit` in batches of
// 10,000. Then the whole brand is exported once per sort, reading the stream
// as a client would, and the rows are checked: every survivor once, none of
// the other brand. Reported: wall time, rows and MB per second, and the
// process's peak RSS above what it held before the export. Without
// CLICKHOUSE_URL only DuckDB runs.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openConnection } from '../clickhouse/connection';
import { identifier, sql } from '../clickhouse/sql';
import { createClickHouseWarehouse } from '../clickhouse/warehouse';
import { createDuckDbWarehouse } from '../ingest/warehouse/duckdb/index';
import {
  PROFILES_EXPORT_PAGE,
  type IdentityLink,
  type ProfilesSort,
  type Warehouse,
} from '../ingest/warehouse/types';
import { exportProfilesCsv } from '../src/lib/server/profiles-export';
import type { Profile } from '../src/lib/shared/model';
import { commit, profile } from '../tests/contract/warehouse-records';
import { seededRandom } from '../tests/support/random';

const PROFILES = Number(process.argv[2] ?? 500_000);
const CLICKHOUSE_PROFILES = Number(process.argv[3] ?? PROFILES);
const BATCH = 10_000;
const BRAND = 'brand-big';
const OTHER = 'brand-other';
const T0 = Date.parse('2024-05-01T00:00:00.000Z');
const SORTS: ProfilesSort[] = ['revenue', 'last_seen'];

/** The other brand's ids have their own prefix, so a leaked row shows. */
const idOf = (brand: string, i: number) =>
  `${brand === BRAND ? 'prof' : 'other'}-${i.toString(36).padStart(5, '0')}`;

function profileOf(brand: string, i: number, random: () => number): Profile {
  const revenue = random() < 0.6 ? 0 : Math.round(random() * 50_000) / 100;
  const lastSeen = new Date(T0 + Math.floor(random() * 90 * 24 * 3600) * 1000).toISOString();
  return profile(brand, idOf(brand, i), {
    merged_into: random() < 0.03 && i > 0 ? idOf(brand, i - 1) : null,
    identifiers: [{ type: 'email', value: `shopper${i}@mail.example` }],
    last_seen: lastSeen,
    event_count: 1 + Math.floor(random() * 40),
    orders: revenue > 0 ? 1 + Math.floor(random() * 5) : 0,
    revenue,
    channels: ['web'],
    intent_score: Math.round(random() * 1000) / 10,
    intent_updated_at: lastSeen,
  });
}

/** Loads both brands; returns the brand's survivors' count. */
async function load(warehouse: Warehouse, count: number): Promise<{ survivors: number; ms: number }> {
  const started = performance.now();
  let offset = 0;
  let survivors = 0;
  for (const [brand, total] of [
    [BRAND, count],
    [OTHER, Math.round(count / 10)],
  ] as const) {
    const random = seededRandom(brand === BRAND ? 1 : 2);
    for (let from = 0; from < total; from += BATCH) {
      const profiles: Profile[] = [];
      const links: IdentityLink[] = [];
      for (let i = from; i < Math.min(total, from + BATCH); i++) {
        const p = profileOf(brand, i, random);
        if (brand === BRAND && p.merged_into === null) survivors++;
        profiles.push(p);
        const email = p.identifiers[0]!.value;
        links.push({
          brand_id: brand,
          type: 'email',
          value: email,
          profile_id: p.profile_id,
          linked_at: p.last_seen,
        });
      }
      await warehouse.commit(
        commit({ consumer: 'bench', partition: 0, next_offset: ++offset }, { profiles, links }),
      );
    }
  }
  return { survivors, ms: performance.now() - started };
}

async function exportOnce(warehouse: Warehouse, sort: ProfilesSort, survivors: number) {
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const reader = (await exportProfilesCsv(warehouse, BRAND, { sort, search: '' })).getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let lines = 0;
  let foreign = 0;
  let tail = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    const text = tail + decoder.decode(value, { stream: true });
    const parts = text.split('\r\n');
    tail = parts.pop() ?? '';
    lines += parts.length;
    for (const line of parts) if (line.startsWith('other-')) foreign++;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  const rows = lines - 1; // the header
  if (rows !== survivors || foreign !== 0) {
    throw new Error(`export of ${sort}: ${rows} rows (${foreign} foreign), expected ${survivors}`);
  }
  return { ms, rows, bytes, peakMb: (peak - baseline) / 2 ** 20 };
}

async function measure(name: string, warehouse: Warehouse, count: number): Promise<void> {
  await warehouse.migrate();
  const { survivors, ms } = await load(warehouse, count);
  console.log(
    `\n${name}: loaded ${count.toLocaleString('en')} (+${Math.round(count / 10).toLocaleString('en')}) profiles in ${(ms / 1000).toFixed(1)} s`,
  );
  for (const sort of SORTS) {
    const r = await exportOnce(warehouse, sort, survivors);
    console.log(
      `  ${sort.padEnd(10)} ${r.rows.toLocaleString('en')} rows in ${(r.ms / 1000).toFixed(1)} s: ` +
        `${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en')} rows/s, ` +
        `${(r.bytes / 2 ** 20 / (r.ms / 1000)).toFixed(2)} MB/s (${(r.bytes / 2 ** 20).toFixed(1)} MB), ` +
        `peak RSS +${r.peakMb.toFixed(0)} MB`,
    );
  }
}

async function main(): Promise<void> {
  console.log(
    `profiles export: ${PROFILES_EXPORT_PAGE} profiles a warehouse page, every survivor of the brand`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'signalroom-bench-export-'));
  const duck = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
  try {
    await measure('DuckDB (file)', duck, PROFILES);
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
    await measure(`ClickHouse ${String(version?.v)} at ${url}`, clickhouse, CLICKHOUSE_PROFILES);
  } finally {
    await clickhouse.close();
    const server = openConnection({ url });
    await server.run(sql`DROP DATABASE IF EXISTS ${identifier(database)}`, 'drop bench database');
    await server.close();
  }
}

await main();
