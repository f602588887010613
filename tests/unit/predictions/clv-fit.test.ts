// The benchmark's planted brand (tests/support/planted-brand.ts), smaller: its buyers have no BG/NBD
// heterogeneity in dropout (every planted group buys and lapses alike), which once drove the fit to
// the boundary and left churn and value refused. Now the stored fit converges, at the shape bound.
import { afterEach, describe, expect, it } from 'vitest';
import { computePredictions } from '../../../ingest/predictions/compute';
import { runBrandPredictions } from '../../../ingest/predictions/run';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../../ingest/warehouse/types';
import { plantedBrand } from '../../support/planted-brand';
import { commit } from '../../contract/warehouse-records';

const A = 'brand-a';
const B = 'brand-b';
const AS_OF = new Date(Date.UTC(2025, 5, 1));

let warehouse: Warehouse | undefined;
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
});

describe('customer-value fit on the benchmark population', () => {
  it('converges and stores churn and value for every buyer', { timeout: 60_000 }, async () => {
    warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.migrate();
    const a = plantedBrand(A, 3_000, AS_OF);
    const b = plantedBrand(B, 30, AS_OF);
    let offset = 0;
    for (const batch of [...a.batches, ...b.batches]) {
      offset += 1;
      await warehouse.commit(commit({ consumer: 'processor', partition: 0, next_offset: offset }, batch));
    }
    const run = await runBrandPredictions(
      {
        warehouse,
        compute: async (input, previous, options) => computePredictions(input, previous, options),
        clock: () => AS_OF,
        options: { restarts: 1 },
      },
      { brandId: A, runId: 'bench-a', asOf: AS_OF },
    );
    expect(run.status).toBe('ok');
    expect(run.clv_refused).toBeNull();
    expect(run.customers).toBe(3_000);
    expect(run.clv?.customers).toBe(a.buyers);
    expect(run.clv?.bgnbd.converged).toBe(true);
    expect(run.clv?.gamma_gamma?.converged).toBe(true);
    // Buyers who all drop out alike: dropout's shape stops at the bound, and the stored record
    // says so (the Models page reads it), surviving the warehouse's round trip.
    expect(run.clv?.shape_bound).toBe(1_000);
    expect(run.clv?.bgnbd.at_bound).toContain('b');
    expect((await warehouse.predictionRuns(A, 1))[0]!.clv?.bgnbd.at_bound).toEqual(run.clv?.bgnbd.at_bound);
    expect(Number.isFinite(run.clv?.total_predicted_value_12m)).toBe(true);
    expect((await warehouse.predictionRuns(A, 10)).map((r) => r.run_id)).toEqual(['bench-a']);

    const rows = await warehouse.segmentMembers(A, {
      runId: 'bench-a',
      segment: null,
      after: null,
      limit: 3_000,
    });
    const buyers = rows.filter((r) => r.orders > 0);
    expect(buyers).toHaveLength(a.buyers);
    for (const r of buyers) {
      expect(r.churn_probability).toBeGreaterThanOrEqual(0);
      expect(r.churn_probability).toBeLessThanOrEqual(1);
      expect(Number.isFinite(r.predicted_value_12m)).toBe(true);
    }
    // Brand B's profiles are neither read into A's run nor given A's run.
    expect(rows.every((r) => r.brand_id === A)).toBe(true);
    expect(await warehouse.predictionRuns(B, 10)).toEqual([]);
    expect(
      await warehouse.segmentMembers(B, { runId: 'bench-a', segment: null, after: null, limit: 10 }),
    ).toEqual([]);
  });
});
