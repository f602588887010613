// The population of the Profiles list and export benchmarks (bench/profiles-page.ts,
// bench/profiles-export.ts): one brand of `count` profiles, 3 % of them merged into
// the one before (so not listed), 60 % without revenue, coarse scores and times (many
// ties), an email link each, and a second brand a tenth the size whose ids have their
// own prefix, so a leaked row shows. Built with the contract tests' profile record, so
// it follows the Profile type, and loaded through the warehouse's own `commit` in
// batches of 10,000. Also: running a measurement on a DuckDB file and on a fresh
// ClickHouse database, each removed after.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openConnection } from '../../clickhouse/connection';
import { identifier, sql } from '../../clickhouse/sql';
import { createClickHouseWarehouse } from '../../clickhouse/warehouse';
import { createDuckDbWarehouse } from '../../ingest/warehouse/duckdb/index';
import type { IdentityLink, Warehouse } from '../../ingest/warehouse/types';
import type { Profile } from '../../src/lib/shared/model';
import { commit, profile } from '../../tests/contract/warehouse-records';
import { seededRandom } from '../../tests/support/random';

export const BRAND = 'brand-big';
export const OTHER = 'brand-other';
const BATCH = 10_000;
const T0 = Date.parse('2024-05-01T00:00:00.000Z');

/** `prof-…` for the brand, `other-…` for the other brand. */
export const idOf = (brand: string, i: number) =>
  `${brand === BRAND ? 'prof' : 'other'}-${i.toString(36).padStart(5, '0')}`;
export const emailOf = (i: number) => `shopper${i}@mail.example`;

function profileOf(brand: string, i: number, random: () => number): Profile {
  const revenue = random() < 0.6 ? 0 : Math.round(random() * 50_000) / 100;
  const lastSeen = new Date(T0 + Math.floor(random() * 90 * 24 * 3600) * 1000).toISOString();
  return profile(brand, idOf(brand, i), {
    merged_into: random() < 0.03 && i > 0 ? idOf(brand, i - 1) : null,
    identifiers: [{ type: 'email', value: emailOf(i) }],
    last_seen: lastSeen,
    event_count: 1 + Math.floor(random() * 40),
    orders: revenue > 0 ? 1 + Math.floor(random() * 5) : 0,
    revenue,
    channels: ['web'],
    intent_score: Math.round(random() * 1000) / 10,
    intent_updated_at: lastSeen,
  });
}

/** Loads both brands; returns how many of the brand's profiles survive, and the time taken. */
export async function loadPopulation(
  warehouse: Warehouse,
  count: number,
): Promise<{ survivors: number; ms: number }> {
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
        links.push({
          brand_id: brand,
          type: 'email',
          value: emailOf(i),
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

/**
 * Runs `measure` on a migrated DuckDB file (skipped when `duckdb` is false), then, when
 * `clickHouseUrl` is set, on a migrated fresh ClickHouse database; each is removed after.
 */
export async function onEachWarehouse(
  options: { duckdb: boolean; clickHouseUrl: string | undefined },
  measure: (name: string, warehouse: Warehouse) => Promise<void>,
): Promise<void> {
  if (options.duckdb) {
    const dir = await mkdtemp(join(tmpdir(), 'signalroom-bench-profiles-'));
    const duck = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
    try {
      await duck.migrate();
      await measure('DuckDB (file)', duck);
    } finally {
      await duck.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  const url = options.clickHouseUrl;
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
    await clickhouse.migrate();
    await measure(`ClickHouse ${String(version?.v)} at ${url}`, clickhouse);
  } finally {
    await clickhouse.close();
    const server = openConnection({ url });
    await server.run(sql`DROP DATABASE IF EXISTS ${identifier(database)}`, 'drop bench database');
    await server.close();
  }
}
