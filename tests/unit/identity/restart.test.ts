// Issue 4's crash-safety: identity decisions after a restart are the ones a
// run without one makes. Labelled traffic (households, kiosks that become
// shared, merges, demotions, junk) goes through the real processor on the
// in-process bus and DuckDB twice: once cleanly, once with the process dying
// in the middle of commits (after one lands, and before one does) and
// starting again from what the warehouse holds. Profiles, links and the merge
// log must come out the same, and brand B never sees brand A's.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../src/lib/shared/topics';
import { createInProcessBus } from '../../../ingest/bus/in-process';
import { createProcessor } from '../../../ingest/processor/consumer';
import type { Warehouse, WarehouseWriter } from '../../../ingest/warehouse/types';
import { labelledTraffic } from '../../identity/labelled-traffic';
import { dyingWarehouse, eventMessages, makeRegistry, openWarehouse, tempDir } from '../processor/harness';
import { waitFor } from '../../support/http';

const END_MS = Date.parse('2026-11-01T00:00:00.000Z');
const BRAND = 'acme';
const SETTINGS = { default_country: 'IN' };

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const events = labelledTraffic({ seed: 5, persons: 250, brandId: BRAND, endMs: END_MS }).events.map(
  (e) => e.event,
);

async function identityState(warehouse: Warehouse, brandId: string) {
  const snapshot = await warehouse.loadBrand(brandId, new Date(0).toISOString());
  return {
    profiles: snapshot.profiles
      .map(({ version: _version, ...profile }) => profile)
      .sort((a, b) => a.profile_id.localeCompare(b.profile_id)),
    links: snapshot.links
      .map(({ linked_at: _at, ...link }) => link)
      .sort((a, b) => `${a.type}:${a.value}`.localeCompare(`${b.type}:${b.value}`)),
    log: (await warehouse.mergeLog(brandId, undefined, 100_000)).sort((a, b) =>
      a.merge_id.localeCompare(b.merge_id),
    ),
  };
}

async function run(
  dir: string,
  writer: (real: Warehouse) => { writer: WarehouseWriter; death?: Promise<void> },
) {
  // Every process reads the same brands; a folder of their own keeps the registry's create simple.
  const brandsDir = await tempDir('identity-brands-');
  cleanup.push(() => rm(brandsDir, { recursive: true, force: true }));
  const brands = await makeRegistry(brandsDir, [{ id: BRAND, settings: SETTINGS }, { id: 'brand-b' }]);
  const bus = createInProcessBus({ dir: join(dir, 'bus') });
  const warehouse = await openWarehouse(join(dir, 'warehouse.duckdb'));
  const { writer: w, death } = writer(warehouse);
  const processor = createProcessor({
    bus,
    warehouse: w,
    brands,
    clock: () => new Date(END_MS),
    batchSize: 200,
    tickMs: 3_600_000,
  });
  await processor.start();
  if (death) {
    await death;
  } else {
    await waitFor(
      'every event',
      async () => ((await warehouse.checkpoint('processor', 0)) === events.length ? true : undefined),
      60_000,
    );
  }
  await processor.stop();
  await bus.close();
  return warehouse;
}

describe('identity resolution across restarts', () => {
  it('makes the same merges, refusals and shared devices after the processor dies mid-commit', async () => {
    const cleanDir = await tempDir('identity-clean-');
    cleanup.push(() => rm(cleanDir, { recursive: true, force: true }));
    const seed = createInProcessBus({ dir: join(cleanDir, 'bus') });
    await seed.publish(TOPICS.eventsRaw, eventMessages(events));
    await seed.close();
    const clean = await run(cleanDir, (real) => ({ writer: real }));
    cleanup.push(() => clean.close());
    const expected = await identityState(clean, BRAND);
    const actions = new Set(expected.log.map((record) => record.action));
    for (const action of ['merge', 'refuse', 'share'] as const) expect(actions).toContain(action);

    const dir = await tempDir('identity-crash-');
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const bus = createInProcessBus({ dir: join(dir, 'bus') });
    await bus.publish(TOPICS.eventsRaw, eventMessages(events));
    await bus.close();
    // Dies after its 6th commit lands, then before its 4th lands, then runs to the end.
    for (const [n, when] of [
      [6, 'after'],
      [4, 'before'],
    ] as const) {
      const dead = await run(dir, (real) => dyingWarehouse(real, n, when));
      // It really died part way.
      expect(await dead.checkpoint('processor', 0)).toBeLessThan(events.length);
      await dead.close();
    }
    const restarted = await run(dir, (real) => ({ writer: real }));
    cleanup.push(() => restarted.close());

    expect(await identityState(restarted, BRAND)).toEqual(expected);
    expect(await restarted.mergeLog('brand-b', undefined, 10)).toEqual([]);
    expect((await restarted.loadBrand('brand-b', new Date(0).toISOString())).profiles).toEqual([]);
  }, 120_000);
});
