// Real collaborators for the pipeline and consumer tests: a brands file read by
// the real registry, the DuckDB warehouse, bus messages as ingest writes them.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InboundEvent, RawEnvelope } from '../../../src/lib/shared/events';
import { TOPICS } from '../../../src/lib/shared/topics';
import { createBrandRegistry } from '../../../ingest/brands/registry';
import type { BrandRegistry } from '../../../ingest/brands/types';
import type { Bus, ConsumedBatch, ConsumedMessage } from '../../../ingest/bus/types';
import type { BrandStates } from '../../../ingest/processor/brand-state';
import { processBatch } from '../../../ingest/processor/pipeline';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { ProcessorCommit, Warehouse, WarehouseWriter } from '../../../ingest/warehouse/types';

export async function tempDir(prefix = 'processor-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A brands file with the given brands and settings, read by the real registry. */
export async function makeRegistry(
  dir: string,
  brands: { id: string; settings?: Record<string, unknown> }[],
): Promise<BrandRegistry> {
  const file = join(dir, 'brands.json');
  const writer = await createBrandRegistry({ file });
  for (const brand of brands) await writer.create(brand.id);
  const stored = JSON.parse(await readFile(file, 'utf8')) as {
    brands: { brand_id: string; settings: object }[];
  };
  for (const entry of stored.brands) {
    const settings = brands.find((b) => b.id === entry.brand_id)?.settings;
    if (settings) entry.settings = settings;
  }
  await writeFile(file, JSON.stringify(stored));
  return createBrandRegistry({ file });
}

export async function openWarehouse(path = ':memory:'): Promise<Warehouse> {
  const warehouse = await createDuckDbWarehouse({ path });
  await warehouse.migrate();
  return warehouse;
}

export function envelopeOf(event: InboundEvent): string {
  const envelope: RawEnvelope = { kind: 'event', event };
  return JSON.stringify(envelope);
}

/** A batch as the bus delivers it: offsets from `firstOffset` on, keyed by brand. */
export function batchOf(values: { key: string; value: string }[], firstOffset = 0): ConsumedBatch {
  const messages: ConsumedMessage[] = values.map((v, i) => ({
    topic: TOPICS.eventsRaw,
    partition: 0,
    offset: firstOffset + i,
    key: v.key,
    value: v.value,
  }));
  return { topic: TOPICS.eventsRaw, partition: 0, messages, nextOffset: firstOffset + values.length };
}

export function eventMessages(events: InboundEvent[]): { key: string; value: string }[] {
  return events.map((event) => ({ key: event.brand_id, value: envelopeOf(event) }));
}

/** A warehouse that dies at its n-th commit: after writing it (`after`) or before (`before`). */
export function dyingWarehouse(real: Warehouse, n: number, when: 'after' | 'before') {
  let commits = 0;
  let dead = false;
  let died!: () => void;
  const death = new Promise<void>((resolve) => (died = resolve));
  const alive = () => {
    if (dead) throw new Error('the process is gone');
  };
  const writer: WarehouseWriter = {
    async commit(...batches) {
      alive();
      commits += 1;
      if (commits === n) {
        if (when === 'after') await real.commit(...batches);
        dead = true;
        died();
        throw new Error('crash');
      }
      await real.commit(...batches);
    },
    async checkpoint(consumer, partition) {
      alive();
      return real.checkpoint(consumer, partition);
    },
    async loadBrand(brandId, since, touchesSince) {
      alive();
      return real.loadBrand(brandId, since, touchesSince);
    },
    async recordDeliveries(rows) {
      alive();
      return real.recordDeliveries(rows);
    },
    async recentNotifications(since) {
      alive();
      return real.recentNotifications(since);
    },
    async saveIntentModels(records) {
      alive();
      return real.saveIntentModels(records);
    },
    async intentModelState(brandId) {
      alive();
      return real.intentModelState(brandId);
    },
  };
  return { writer, death };
}

/**
 * Runs the processor step over what the bus holds beyond the warehouse's
 * checkpoint, committing each batch, until no message arrived for 50 ms (at
 * most 3 s). `onCommit` sees every commit (to collect stored events).
 */
export async function drainToWarehouse(deps: {
  bus: Bus;
  warehouse: Warehouse;
  states: BrandStates;
  clock: () => Date;
  group?: string;
  onCommit?: (commit: ProcessorCommit) => void;
}): Promise<void> {
  const group = deps.group ?? 'processor';
  let lastArrival = Date.now();
  const subscription = await deps.bus.subscribe({
    topic: TOPICS.eventsRaw,
    group,
    maxBatchSize: 100,
    resumeFrom: async (partition) => (await deps.warehouse.checkpoint(group, partition)) ?? 0,
    onBatch: async (batch) => {
      const result = await processBatch(batch, { states: deps.states, group, clock: deps.clock });
      await deps.warehouse.commit(result.commit);
      deps.onCommit?.(result.commit);
      lastArrival = Date.now();
    },
  });
  const started = Date.now();
  while (Date.now() - lastArrival < 50 && Date.now() - started < 3000) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await subscription.stop();
}
