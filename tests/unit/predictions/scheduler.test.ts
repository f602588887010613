// The prediction schedule on a real (in-memory DuckDB) warehouse and brand registry, on a clock
// the test moves: a brand with too few buyers is recorded once and tried again at the next minute
// tick, not two minutes later; it runs as soon as it has enough buyers; an ok run is not repeated
// before the brand's recompute interval; a brand this processor does not own is never run, and
// every live notice names its own brand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrandRegistry } from '../../../ingest/brands/registry';
import { computePredictions } from '../../../ingest/predictions/compute';
import type { Compute } from '../../../ingest/predictions/off-thread';
import { createPredictionScheduler, DEFAULT_CHECK_MS } from '../../../ingest/predictions/scheduler';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../../ingest/warehouse/types';
import type { LiveMessage } from '../../../src/lib/shared/live';
import type { StoredEvent } from '../../../src/lib/shared/model';
import { commit, event, profile } from '../../contract/warehouse-records';

const A = 'brand-a';
const B = 'brand-b';
const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const inline: Compute = async (input, previous, options) => computePredictions(input, previous, options);

let warehouse: Warehouse | undefined;
let dir: string | undefined;
afterEach(async () => {
  await warehouse?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  warehouse = undefined;
  dir = undefined;
});

let seq = 0;
/** `buyers` customers of the brand, each with two orders a month apart, the last a week ago. */
function buyers(brand: string, prefix: string, count: number, nowMs: number) {
  const events: StoredEvent[] = [];
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (const [i, id] of ids.entries())
    for (const daysAgo of [7 + i, 37 + i]) {
      seq += 1;
      events.push(
        event(brand, `o-${String(seq).padStart(6, '0')}`, {
          type: 'order_completed',
          name: 'Order Completed',
          profile_id: id,
          timestamp: new Date(nowMs - daysAgo * DAY).toISOString(),
          revenue: 20 + i,
        }),
      );
    }
  return { profiles: ids.map((id) => profile(brand, id)), events };
}

async function setup() {
  dir = await mkdtemp(join(tmpdir(), 'prediction-schedule-'));
  const brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
  await brands.create(A, 'Brand A');
  await brands.create(B, 'Brand B');
  const w = await createDuckDbWarehouse({ path: ':memory:' });
  warehouse = w;
  await w.migrate();
  let offset = 0;
  const add = (parts: ReturnType<typeof buyers>) =>
    w.commit(commit({ consumer: 'processor', partition: 0, next_offset: ++offset }, parts));
  let now = T0;
  const published: LiveMessage[] = [];
  const scheduler = createPredictionScheduler({
    warehouse: w,
    brands,
    owns: async (brandId) => brandId === A,
    compute: inline,
    clock: () => new Date(now),
    publish: async (messages) => void published.push(...messages),
  });
  return { w, add, scheduler, published, at: (ms: number) => (now = T0 + ms) };
}

describe('prediction schedule', () => {
  it('rechecks a refused brand at the next minute, runs it once it has buyers, then waits its interval', async () => {
    const { w, add, scheduler, published, at } = await setup();
    await add(buyers(A, 'early', 3, T0));
    await add(buyers(B, 'b', 40, T0));

    await scheduler.check();
    let runs = await w.predictionRuns(A, 10);
    expect(runs.map((run) => run.status)).toEqual(['not_enough_buyers']);
    expect(runs[0]!.error).toMatch(/not enough buyers/);

    // Half a minute on: still waiting, nothing run or published.
    at(30_000);
    await scheduler.check();
    expect(published).toHaveLength(1);

    // The next tick of the minute timer (a little under a minute after the attempt, as timers
    // drift): tried again, still refused, and not recorded a second time.
    at(DEFAULT_CHECK_MS - 1_000);
    await scheduler.check();
    expect(published).toHaveLength(2);
    expect(scheduler.stats()).toMatchObject({ runs: 2, notEnoughBuyers: 2, ok: 0, errors: 0 });
    expect(await w.predictionRuns(A, 10)).toHaveLength(1);

    // Enough buyers now: the next tick runs the brand.
    await add(buyers(A, 'late', 25, T0));
    at(2 * DEFAULT_CHECK_MS);
    await scheduler.check();
    runs = await w.predictionRuns(A, 10);
    expect(runs[0]).toMatchObject({ status: 'ok', buyers: 28 });
    const members = await w.segmentMembers(A, {
      runId: runs[0]!.run_id,
      segment: null,
      after: null,
      limit: 100,
    });
    expect(members).toHaveLength(28);

    // An hour later nothing is due (the default interval is 6 hours); after 6 hours it runs again.
    at(2 * DEFAULT_CHECK_MS + 3_600_000);
    await scheduler.check();
    expect(await w.predictionRuns(A, 10)).toHaveLength(2);
    at(2 * DEFAULT_CHECK_MS + 6 * 3_600_000);
    await scheduler.check();
    expect((await w.predictionRuns(A, 10)).map((run) => run.status)).toEqual([
      'ok',
      'ok',
      'not_enough_buyers',
    ]);

    // Brand B has plenty of buyers but is owned by another processor: never run here.
    expect(await w.predictionRuns(B, 10)).toEqual([]);
    expect(
      await w.segmentMembers(B, { runId: runs[0]!.run_id, segment: null, after: null, limit: 100 }),
    ).toEqual([]);
    expect(published.every((message) => message.brand_id === A && message.event === 'predictions')).toBe(
      true,
    );
    await scheduler.stop();
  });
});
