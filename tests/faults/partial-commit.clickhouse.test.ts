// Fault, at every point where a SIGKILL can cut a ClickHouse commit: a
// processor dies after the first k INSERTs of a commit (k = 0 .. all but the
// checkpoint), and the next processor carries on. ClickHouse has no
// transactions, so these partial commits are real states a crash leaves; the
// role-process test (processor-crash) hits one of them only when its SIGKILL
// happens to land inside a commit. Here each one is made on purpose, with the
// real processor, warehouse and server; the bus is the in-process one, whose
// redelivery from the checkpoint is what Kafka's is (the bus contract says so).
//
// Afterwards the warehouse must hold every event exactly once: the counters,
// the KPI sums and each profile's counts.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planWrite } from '../../clickhouse/commit';
import { openConnection } from '../../clickhouse/connection';
import { createClickHouseWarehouse } from '../../clickhouse/warehouse';
import { createBrandRegistry } from '../../ingest/brands/registry';
import { createInProcessBus } from '../../ingest/bus/in-process';
import { eventEnvelope } from '../../ingest/http/raw-publisher';
import { createProcessor } from '../../ingest/processor/consumer';
import type { Bus } from '../../ingest/bus/types';
import type { Warehouse, WarehouseWriter } from '../../ingest/warehouse/types';
import type { InboundEvent } from '../../src/lib/shared/events';
import type { LiveMessage } from '../../src/lib/shared/live';
import type { KpiMinute } from '../../src/lib/shared/model';
import { TOPICS } from '../../src/lib/shared/topics';
import { waitFor } from '../support/http';
import { clickhouse } from './support/fault-system';
import { CLICKHOUSE_URL } from './support/services';

const GROUP = 'processor';
const PEOPLE = ['ana', 'bo'];
/** Events per phase: before the crash, the cut batch. */
const PER_PHASE = 6;

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

/**
 * Arrival times are set, not taken from the clock: the two batches fall in one
 * minute, and the one event after the crash in the next, so only a re-push
 * can correct the first minute on a live dashboard.
 */
const BASE_MINUTE_MS = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60_000;
const receivedAtOf = (index: number) =>
  new Date(BASE_MINUTE_MS + (index < PER_PHASE * 2 ? 5_000 + index * 1_000 : 65_000)).toISOString();

function event(brandId: string, index: number): InboundEvent {
  const receivedAt = receivedAtOf(index);
  const order = index % 3 === 2;
  return {
    brand_id: brandId,
    event_id: `ev-${index}`,
    source: 'track',
    source_event_id: `msg-${index}`,
    type: order ? 'order_completed' : 'product_viewed',
    name: order ? 'Order Completed' : 'Product Viewed',
    channel: 'web',
    timestamp: receivedAt,
    received_at: receivedAt,
    identifiers: { user_id: PEOPLE[index % PEOPLE.length]! },
    traits: {},
    properties: {},
    commerce: order ? { order_id: `o-${index}`, revenue: 10 + index } : { category: 'shoes' },
    context: {},
  };
}

/**
 * A warehouse writer in a process that a SIGKILL stops in the middle of its
 * first commit: the first `k` INSERTs of the commit reach the server, then
 * nothing more of this process ever does.
 */
function diesMidCommit(real: Warehouse, database: string, k: number) {
  let died!: () => void;
  const dead = new Promise<void>((done) => (died = done));
  let alive = true;
  const gone = () => new Error('this processor was killed');
  const writer: WarehouseWriter = {
    async commit(...batches) {
      if (!alive) throw gone();
      alive = false;
      const connection = openConnection({ url: CLICKHOUSE_URL, database });
      try {
        for (const insert of planWrite(batches, Date.now() * 1000).slice(0, k)) {
          await connection.run(insert.statement, `insert into ${insert.table}`);
        }
      } finally {
        await connection.close();
        died();
      }
      throw gone();
    },
    checkpoint: (consumer, partition) =>
      alive ? real.checkpoint(consumer, partition) : Promise.reject(gone()),
    loadBrand: (brandId, since, touchesSince) =>
      alive ? real.loadBrand(brandId, since, touchesSince) : Promise.reject(gone()),
    recordDeliveries: (rows) => (alive ? real.recordDeliveries(rows) : Promise.reject(gone())),
    recentNotifications: (since) => (alive ? real.recentNotifications(since) : Promise.reject(gone())),
    saveIntentModels: (records) => (alive ? real.saveIntentModels(records) : Promise.reject(gone())),
    intentModelState: (brandId) => (alive ? real.intentModelState(brandId) : Promise.reject(gone())),
  };
  return { writer, dead };
}

/** Publishes events [from, to) and starts a processor on them with `writer`. */
async function runOnce(dir: string, writer: WarehouseWriter, brandId: string, from: number, to: number) {
  const brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
  if (!brands.get(brandId)) await brands.create(brandId);
  // live.updates kept on disk too, so the last test reads every process's pushes back.
  const bus = createInProcessBus({
    dir: join(dir, 'bus'),
    durableTopics: [TOPICS.eventsRaw, TOPICS.liveUpdates],
  });
  const messages = [];
  for (let index = from; index < to; index++) {
    messages.push({ key: brandId, value: JSON.stringify(eventEnvelope(event(brandId, index))) });
  }
  if (messages.length > 0) await bus.publish(TOPICS.eventsRaw, messages);
  const processor = createProcessor({
    bus,
    warehouse: writer,
    brands,
    clock: () => new Date(),
    batchSize: 100,
  });
  await processor.start();
  return {
    bus,
    async stop() {
      await processor.stop();
      await bus.close();
    },
  };
}

const checkpointIs = (warehouse: Warehouse, offset: number) => async () =>
  (await warehouse.checkpoint(GROUP, 0)) === offset ? true : undefined;

interface Scenario {
  brandId: string;
  dir: string;
  warehouse: Warehouse;
  database: string;
}

async function scenario(name: string): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), `signalroom-partial-${name}-`));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const database = `faults_partial_${name}_${randomUUID().slice(0, 8)}`;
  cleanup.push(() => clickhouse(`DROP DATABASE IF EXISTS ${database}`));
  const warehouse = await createClickHouseWarehouse({ url: CLICKHOUSE_URL, database });
  cleanup.push(() => warehouse.close());
  await warehouse.migrate();
  const brandId = `brand-${name}`;
  // A first batch committed whole, so the second one lands on state that is already there.
  const first = await runOnce(dir, warehouse, brandId, 0, PER_PHASE);
  await waitFor('the first batch', checkpointIs(warehouse, PER_PHASE));
  await first.stop();
  return { brandId, dir, warehouse, database };
}

/** How many INSERTs the second batch's commit makes (the last one is its checkpoint). */
async function insertsOfSecondCommit(): Promise<number> {
  const { brandId, dir, warehouse } = await scenario('plan');
  let inserts = 0;
  const counting: WarehouseWriter = {
    commit: async (...batches) => {
      inserts = planWrite(batches, 1).length;
      await warehouse.commit(...batches);
    },
    checkpoint: (consumer, partition) => warehouse.checkpoint(consumer, partition),
    loadBrand: (brandId, since, touchesSince) => warehouse.loadBrand(brandId, since, touchesSince),
    recordDeliveries: (rows) => warehouse.recordDeliveries(rows),
    recentNotifications: (since) => warehouse.recentNotifications(since),
    saveIntentModels: (records) => warehouse.saveIntentModels(records),
    intentModelState: (brandId) => warehouse.intentModelState(brandId),
  };
  const second = await runOnce(dir, counting, brandId, PER_PHASE, PER_PHASE * 2);
  await waitFor('the second batch', checkpointIs(warehouse, PER_PHASE * 2));
  await second.stop();
  return inserts;
}

/** The last `kpi` message per minute on live.updates: what a dashboard connected all along shows. */
async function lastLivePushes(bus: Bus, brandId: string): Promise<Map<string, KpiMinute>> {
  const last = new Map<string, KpiMinute>();
  const group = `live-reader-${randomUUID()}`;
  const subscription = await bus.subscribe({
    topic: TOPICS.liveUpdates,
    group,
    maxBatchSize: 1_000,
    resumeFrom: async () => 0,
    onBatch: async (batch) => {
      for (const consumed of batch.messages) {
        const message = JSON.parse(consumed.value) as LiveMessage;
        if (message.event === 'kpi' && message.brand_id === brandId)
          last.set(message.payload.minute, message.payload);
      }
    },
  });
  await waitFor('the live feed read to its end', async () =>
    (await bus.pendingForKey(TOPICS.liveUpdates, group, brandId)) === 0 ? true : undefined,
  );
  await subscription.stop();
  return last;
}

describe('a processor killed inside a ClickHouse commit, at every INSERT', async () => {
  // Cut after 0 .. all INSERTs: with all of them the commit landed whole, and the process died
  // before it could push the batch's live messages.
  const inserts = await insertsOfSecondCommit();

  it.each(Array.from({ length: inserts + 1 }, (_, k) => k))(
    'after %i INSERTs of the commit, the next processor counts every event once, live too',
    async (k) => {
      const { brandId, dir, warehouse, database } = await scenario(`cut${k}`);

      const dying = diesMidCommit(warehouse, database, k);
      const second = await runOnce(dir, dying.writer, brandId, PER_PHASE, PER_PHASE * 2);
      await dying.dead;
      await second.stop();

      // The brand sends again (one event, in the next minute) after the restart.
      const third = await runOnce(dir, warehouse, brandId, PER_PHASE * 2, PER_PHASE * 2 + 1);
      cleanup.push(() => third.stop());
      await waitFor(
        'the next processor to commit the cut batch and the new event',
        checkpointIs(warehouse, PER_PHASE * 2 + 1),
        20_000,
      );

      const all = Array.from({ length: PER_PHASE * 2 + 1 }, (_, index) => event(brandId, index));
      const orders = all.filter((e) => e.type === 'order_completed');
      const counters = await warehouse.counters(brandId);
      expect(counters.processed, 'events processed').toBe(all.length);
      const minutes = await warehouse.kpis(
        brandId,
        new Date(Date.now() - 3_600_000).toISOString(),
        new Date(Date.now() + 120_000).toISOString(),
      );
      expect({
        events: minutes.reduce((sum, m) => sum + m.events, 0),
        purchases: minutes.reduce((sum, m) => sum + m.purchases, 0),
        revenue: minutes.reduce((sum, m) => sum + m.revenue, 0),
      }).toEqual({
        events: all.length,
        purchases: orders.length,
        revenue: orders.reduce((sum, e) => sum + e.commerce.revenue!, 0),
      });
      for (const person of PEOPLE) {
        const profile = await warehouse.lookupProfile(brandId, { type: 'user_id', value: person });
        const theirs = all.filter((e) => e.identifiers.user_id === person);
        expect({ events: profile?.event_count, orders: profile?.orders }, person).toEqual({
          events: theirs.length,
          orders: theirs.filter((e) => e.type === 'order_completed').length,
        });
      }
      // Live: the last push of every minute is the warehouse's row, the cut batch's minute included.
      const pushed = await lastLivePushes(third.bus, brandId);
      expect(
        minutes.map((row) => pushed.get(row.minute)),
        'last live KPI push per minute',
      ).toEqual(minutes);
      // Tenancy: none of it is another brand's.
      expect(await warehouse.lookupProfile('brand-other', { type: 'user_id', value: PEOPLE[0]! })).toBeNull();
      expect((await warehouse.counters('brand-other')).processed).toBe(0);
    },
  );
});
