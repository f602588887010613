// The warehouse contract against DuckDB, in memory and in a file that is
// reopened, plus what is DuckDB's own: commit speed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbWarehouse } from '../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../ingest/warehouse/types';
import { warehouseContract } from './warehouse.contract';
import { commit, event, kpi, link, profile, at } from './warehouse-records';

warehouseContract("DuckDB ':memory:'", async () => {
  const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  return { warehouse, cleanup: () => warehouse.close() };
});

warehouseContract('DuckDB file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'signalroom-duckdb-'));
  const path = join(dir, 'warehouse.duckdb');
  const opened: Warehouse[] = [await createDuckDbWarehouse({ path })];
  return {
    warehouse: opened[0]!,
    reopen: async () => {
      const warehouse = await createDuckDbWarehouse({ path });
      opened.push(warehouse);
      return warehouse;
    },
    async cleanup() {
      for (const warehouse of opened) await warehouse.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('DuckDB warehouse speed', () => {
  it('commits a batch of 500 events with their profiles and links in well under 100 ms', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signalroom-duckdb-'));
    const warehouse = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
    try {
      await warehouse.migrate();
      const timings: number[] = [];
      for (let round = 0; round < 10; round++) {
        const ids = Array.from({ length: 500 }, (_, i) => `${round}-${i}`);
        const batch = commit(
          { consumer: 'processor', partition: 0, next_offset: (round + 1) * 500 },
          {
            events: ids.map((id) => event('brand-a', `e-${id}`, { profile_id: `p-${id}` })),
            profiles: ids.slice(0, 200).map((id) => profile('brand-a', `p-${id}`, { version: round + 1 })),
            links: ids.slice(0, 200).map((id) => link('brand-a', `${id}@example.com`, `p-${id}`)),
            kpis: [kpi('brand-a', at(round))],
          },
        );
        const started = performance.now();
        await warehouse.commit(batch);
        timings.push(performance.now() - started);
      }
      expect(await warehouse.checkpoint('processor', 0)).toBe(5000);
      // The first round pays for preparing statements; the steady state is what matters. The best
      // round is asserted, so a test machine busy with other suites does not make this flaky.
      expect(Math.min(...timings.slice(1))).toBeLessThan(100);
    } finally {
      await warehouse.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
