// Issue 4's crash-safety: identity decisions after a restart are the ones a
// run without one makes. Labelled traffic (households, kiosks that become
// shared, merges, demotions, junk) goes through the real processor on the
// in-process bus and DuckDB twice: once cleanly, once with the process dying
// in the middle of commits (after one lands, and before one does) and
// starting again from what the warehouse holds. Operators' unmerges sit in the
// stream between the events, so their splits are replayed too. Profiles,
// links and the merge log must come out the same, and brand B never sees
// brand A's.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawEnvelope } from '../../../src/lib/shared/events';
import type { MergeRecord } from '../../../src/lib/shared/model';
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
/** Commands go in after this many events; the rest come after them. */
const SPLIT_AT = Math.floor(events.length / 2);

/** An operator undoing merges the first half of the traffic made. */
function unmergesOf(merges: readonly MergeRecord[]) {
  return merges.map((merge, i) => {
    const envelope: RawEnvelope = {
      kind: 'command',
      command: {
        brand_id: BRAND,
        command_id: `undo-${i}`,
        type: 'unmerge',
        merge_id: merge.merge_id,
        into_profile_id: merge.into_profile_id,
        from_profile_ids: merge.from_profile_ids,
        issued_by: 'ops',
        issued_at: new Date(END_MS).toISOString(),
      },
    };
    return { key: BRAND, value: JSON.stringify(envelope) };
  });
}

async function identityState(warehouse: Warehouse, brandId: string) {
  const snapshot = await warehouse.loadBrand(brandId, new Date(0).toISOString(), new Date(0).toISOString());
  return {
    profiles: snapshot.profiles
      // The learned forecast is derived from memory-only feature states: not identity's to keep.
      .map(({ version: _version, intent_forecast: _forecast, ...profile }) => profile)
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
  messages: number,
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
      async () => ((await warehouse.checkpoint('processor', 0)) === messages ? true : undefined),
      60_000,
    );
  }
  await processor.stop();
  await bus.close();
  return warehouse;
}

describe('identity resolution across restarts', () => {
  it('makes the same merges, refusals, shared devices and unmerges after the processor dies mid-commit', async () => {
    const cleanDir = await tempDir('identity-clean-');
    cleanup.push(() => rm(cleanDir, { recursive: true, force: true }));
    const publish = async (dir: string, messages: { key: string; value: string }[]) => {
      const bus = createInProcessBus({ dir: join(dir, 'bus') });
      await bus.publish(TOPICS.eventsRaw, messages);
      await bus.close();
    };
    // The clean run: the first half, then the operator undoes three of its merges, then the rest.
    await publish(cleanDir, eventMessages(events.slice(0, SPLIT_AT)));
    const firstHalf = await run(cleanDir, (real) => ({ writer: real }), SPLIT_AT);
    const merges = (await firstHalf.mergeLog(BRAND, ['merge'], 100_000))
      .sort((a, b) => a.merge_id.localeCompare(b.merge_id))
      .slice(0, 3);
    expect(merges).toHaveLength(3);
    await firstHalf.close();
    const commands = unmergesOf(merges);
    const rest = eventMessages(events.slice(SPLIT_AT));
    const total = events.length + commands.length;
    await publish(cleanDir, [...commands, ...rest]);
    const clean = await run(cleanDir, (real) => ({ writer: real }), total);
    cleanup.push(() => clean.close());
    const expected = await identityState(clean, BRAND);
    const actions = new Set(expected.log.map((record) => record.action));
    for (const action of ['merge', 'refuse', 'share', 'unmerge'] as const) expect(actions).toContain(action);
    expect(expected.log.filter((record) => record.action === 'unmerge')).toHaveLength(3);
    // Nothing was refused: each unmerge found its merge in effect.
    expect(await clean.rejected(BRAND, 10)).toEqual([]);

    const dir = await tempDir('identity-crash-');
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await publish(dir, [...eventMessages(events.slice(0, SPLIT_AT)), ...commands, ...rest]);
    // Dies after its 6th commit lands, then before its 4th lands (batches of 200 from offset 1,200:
    // the one holding the unmerges, offsets 1,800–1,999), then runs to the end.
    for (const [n, when] of [
      [6, 'after'],
      [4, 'before'],
    ] as const) {
      const dead = await run(dir, (real) => dyingWarehouse(real, n, when), total);
      // It really died part way.
      expect(await dead.checkpoint('processor', 0)).toBeLessThan(total);
      await dead.close();
    }
    const restarted = await run(dir, (real) => ({ writer: real }), total);
    cleanup.push(() => restarted.close());

    expect(await identityState(restarted, BRAND)).toEqual(expected);
    expect(await restarted.mergeLog('brand-b', undefined, 10)).toEqual([]);
    expect(
      (await restarted.loadBrand('brand-b', new Date(0).toISOString(), new Date(0).toISOString())).profiles,
    ).toEqual([]);
  }, 120_000);
});
