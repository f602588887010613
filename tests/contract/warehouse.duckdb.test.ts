// The warehouse contract against DuckDB, in memory and in a file that is
// reopened. Commit speed is measured by bench/warehouse-commit.ts, not here.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDbWarehouse } from '../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../ingest/warehouse/types';
import { warehouseContract } from './warehouse.contract';

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
