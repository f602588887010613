import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentifierType, InboundEvent } from '../../../src/lib/shared/events';
import type { LiveMessage } from '../../../src/lib/shared/live';
import { TOPICS } from '../../../src/lib/shared/topics';
import type { BrandRegistry } from '../../../ingest/brands/types';
import { createInProcessBus } from '../../../ingest/bus/in-process';
import type { Bus } from '../../../ingest/bus/types';
import { createProcessor } from '../../../ingest/processor/consumer';
import {
  WarehouseUnavailableError,
  type Warehouse,
  type WarehouseWriter,
} from '../../../ingest/warehouse/types';
import { MINUTE, SECOND, T0, at, makeEvent } from './fixtures';
import { dyingWarehouse, eventMessages, makeRegistry, openWarehouse, tempDir } from './harness';

const SETTINGS = {
  default_country: 'IN',
  intent: { half_life_minutes: 30, medium_threshold: 10, high_threshold: 25 },
  alerts: {
    rules: [
      {
        rule_id: 'low-conversion',
        type: 'low_conversion',
        threshold: 0.1,
        recovery: 0.2,
        window_minutes: 1,
        pending_minutes: 0,
        min_sample: 2,
      },
    ],
  },
};
const BRANDS = ['acme', 'other'];
const clock = () => new Date(T0 + 15 * MINUTE);

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function registry(): Promise<BrandRegistry> {
  return makeRegistry(
    await tempDir(),
    BRANDS.map((id) => ({ id, settings: SETTINGS })),
  );
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const processedUpTo = (warehouse: WarehouseWriter, offset: number) => async () =>
  (await warehouse.checkpoint('processor', 0)) === offset;

/**
 * A deterministic, hostile stream over 10 minutes and two brands: people who
 * show up anonymously then identify, shared devices, phone variants, source
 * retries (duplicates), orders, and junk identifiers.
 */
function stream(): InboundEvent[] {
  const events: InboundEvent[] = [];
  const types = [
    'page_viewed',
    'product_viewed',
    'product_added',
    'checkout_started',
    'order_completed',
  ] as const;
  for (let i = 0; i < 160; i++) {
    const brand = BRANDS[i % 2]!;
    const person = Math.floor(i / 4) % 11; // each person acts twice in a row per brand
    const type = types[(i * 3 + person) % types.length]!;
    const ids: Partial<Record<IdentifierType, string>> = { anonymous_id: `cookie-${person}-${(i >> 1) % 2}` }; // two browsers each
    if (i % 3 === 0) ids.email = `Person${person}@Shop.in`;
    if (i % 5 === 0)
      ids.phone =
        i % 10 === 0
          ? `whatsapp:+91 98${String(person).padStart(3, '0')} 12345`
          : `098${String(person).padStart(3, '0')}12345`;
    if (i % 11 === 0) ids.device_id = `kiosk-${i % 2}`; // a shared store kiosk
    if (i % 13 === 0) ids.email = 'null';
    if (i % 17 === 0) ids.user_id = `cust-${person % 5}`;
    const event = makeEvent({
      brand_id: brand,
      event_id: `s-${i}`,
      source_event_id: `m-${i}`,
      type,
      channel: i % 4 === 0 ? 'app' : 'web',
      identifiers: ids,
      commerce:
        type === 'order_completed'
          ? { revenue: 10 + (i % 7) * 5, category: `cat-${i % 3}` }
          : { category: `cat-${i % 4}` },
      received_at: at(Math.floor((i * 10 * MINUTE) / 160) + (i % 3) * SECOND),
    });
    events.push(event);
    if (i % 9 === 0) events.push({ ...event, event_id: `s-${i}-retry` }); // the source retried
  }
  return events;
}

/** Everything the warehouse says about the stream, versions aside. */
async function totals(warehouse: Warehouse, events: InboundEvent[]) {
  const out: Record<string, unknown> = {};
  for (const brand of BRANDS) {
    const profiles = new Map<string, unknown>();
    const profileIds = new Set<string>();
    const identifiers = new Set(
      events
        .filter((e) => e.brand_id === brand)
        .flatMap((e) => Object.entries(e.identifiers).map((entry) => JSON.stringify(entry))),
    );
    for (const entry of identifiers) {
      {
        const [type, value] = JSON.parse(entry) as [string, string];
        const profile = await warehouse.lookupProfile(brand, {
          type: type as IdentifierType,
          value: value.trim(),
        });
        if (!profile) continue;
        // The learned forecast is not among the totals: the model's feature states are memory
        // only, so after a crash it forecasts from less history (docs/intent-model.md).
        const { version: _v, intent_forecast: _f, ...rest } = profile;
        profiles.set(profile.profile_id, rest);
        profileIds.add(profile.profile_id);
        for (const id of await warehouse.mergedInto(brand, profile.profile_id)) profileIds.add(id);
      }
    }
    out[brand] = {
      counters: await warehouse.counters(brand),
      kpis: await warehouse.kpis(brand, at(-MINUTE), at(60 * MINUTE)),
      profiles: [...profiles.entries()].sort(([a], [b]) => a.localeCompare(b)),
      merges: (await warehouse.mergeHistory(brand, [...profileIds].sort(), 1000)).sort((a, b) =>
        a.merge_id.localeCompare(b.merge_id),
      ),
      events: (await warehouse.recentEvents(brand, [...profileIds], 10_000)).map((e) => e.event_id).sort(),
      rejected: (await warehouse.rejected(brand, 1000)).length,
    };
  }
  return out;
}

async function startProcessor(bus: Bus, warehouse: WarehouseWriter, brands: BrandRegistry, batchSize = 16) {
  const processor = createProcessor({ bus, warehouse, brands, clock, batchSize, tickMs: 3_600_000 });
  await processor.start();
  return processor;
}

async function cleanRun(events: InboundEvent[], brands: BrandRegistry) {
  const bus = createInProcessBus();
  const warehouse = await openWarehouse();
  cleanup.push(
    () => warehouse.close(),
    () => bus.close(),
  );
  await bus.publish(TOPICS.eventsRaw, eventMessages(events));
  const processor = await startProcessor(bus, warehouse, brands);
  cleanup.push(() => processor.stop());
  await waitFor(processedUpTo(warehouse, events.length), 'the clean run');
  return totals(warehouse, events);
}

describe('createProcessor', () => {
  it('consumes events.raw, commits each batch with its checkpoint and pushes live updates keyed by brand', async () => {
    const brands = await registry();
    const bus = createInProcessBus();
    const warehouse = await openWarehouse();
    cleanup.push(
      () => warehouse.close(),
      () => bus.close(),
    );
    const received: { key: string; message: LiveMessage }[] = [];
    const feed = await bus.subscribe({
      topic: TOPICS.liveUpdates,
      group: 'dashboard-test',
      maxBatchSize: 1000,
      resumeFrom: async () => 'latest',
      onBatch: async (batch) => {
        for (const m of batch.messages)
          received.push({ key: m.key, message: JSON.parse(m.value) as LiveMessage });
      },
    });
    cleanup.push(() => feed.stop());

    const processor = await startProcessor(bus, warehouse, brands, 2);
    cleanup.push(() => processor.stop());
    const events = [
      makeEvent({
        brand_id: 'acme',
        event_id: 'c1',
        identifiers: { email: 'a@shop.in' },
        type: 'checkout_started',
        received_at: at(0),
      }),
      makeEvent({
        brand_id: 'acme',
        event_id: 'c2',
        identifiers: { email: 'a@shop.in' },
        type: 'checkout_started',
        received_at: at(SECOND),
      }),
      makeEvent({
        brand_id: 'other',
        event_id: 'c3',
        identifiers: { email: 'b@shop.in' },
        received_at: at(2 * SECOND),
      }),
    ];
    const deleted = makeEvent({ brand_id: 'gone', event_id: 'c4', received_at: at(3 * SECOND) });
    await bus.publish(TOPICS.eventsRaw, [
      ...eventMessages(events),
      { key: 'acme', value: '{"kind":"event"' },
      ...eventMessages([deleted, { ...events[2]!, event_id: 'c3-retry' }]),
    ]);
    await waitFor(processedUpTo(warehouse, 6), 'the events');
    await waitFor(
      async () => received.some((r) => r.message.event === 'status' && r.message.payload.rejected === 1),
      'live status',
    );

    expect(received.every((r) => r.key === r.message.brand_id)).toBe(true);
    const acmeIntent = received.filter((r) => r.message.event === 'intent' && r.key === 'acme');
    expect(acmeIntent).toHaveLength(1); // entered high (40 ≥ 25) in the second batch
    expect(
      received
        .filter((r) => r.key === 'other')
        .map((r) => r.message.event)
        .sort(),
    ).toEqual(['kpi', 'status', 'status']); // the retry's batch: status only
    expect(await warehouse.counters('acme')).toMatchObject({ processed: 2, rejected: 1 });
    expect(await warehouse.counters('other')).toMatchObject({ processed: 1, rejected: 0, duplicates: 1 });
    expect(processor.stats()).toMatchObject({
      messages: 6,
      rejected: 2,
      unknownBrand: 1,
      duplicates: 1,
      errors: 0,
      deadLettered: 0,
    });
    expect(await warehouse.rejected('gone', 10)).toEqual([
      expect.objectContaining({ reason: 'unknown_brand' }),
    ]);
    expect(await warehouse.rejected('other', 10)).toEqual([]);
  });

  it('a crash right after a warehouse commit, and one right before, leave the same totals as a clean run', async () => {
    const events = stream();
    const brands = await registry();
    const expected = await cleanRun(events, brands);
    // The stream exercised what it should.
    const acme = expected.acme as { counters: { duplicates: number }; merges: { action: string }[] };
    expect(acme.counters.duplicates).toBeGreaterThan(0);
    expect(acme.merges.map((m) => m.action)).toEqual(expect.arrayContaining(['merge', 'refuse']));

    for (const [n, when] of [
      [4, 'after'],
      [7, 'before'],
    ] as const) {
      const dir = await tempDir('crash-');
      const file = join(dir, 'warehouse.duckdb');
      let bus = createInProcessBus({ dir: join(dir, 'bus') });
      let warehouse = await openWarehouse(file);
      await bus.publish(TOPICS.eventsRaw, eventMessages(events));

      const dying = dyingWarehouse(warehouse, n, when);
      const doomed = await startProcessor(bus, dying.writer, brands);
      await dying.death;
      // The process is gone: nothing more is committed anywhere. Keep the bus folder and the file.
      await doomed.stop();
      await bus.close();
      await warehouse.close();

      bus = createInProcessBus({ dir: join(dir, 'bus') });
      warehouse = await openWarehouse(file);
      const bus2 = bus;
      const warehouse2 = warehouse;
      cleanup.push(
        () => warehouse2.close(),
        () => bus2.close(),
      );
      const restarted = await startProcessor(bus, warehouse, brands);
      cleanup.push(() => restarted.stop());
      await waitFor(processedUpTo(warehouse, events.length), `the restarted run (${when})`);
      expect(await totals(warehouse, events)).toEqual(expected);
    }
  }, 60_000);

  it('rides out a warehouse outage and an ambiguous commit without losing or double counting', async () => {
    const events = stream();
    const brands = await registry();
    const expected = await cleanRun(events, brands);

    const bus = createInProcessBus();
    const warehouse = await openWarehouse();
    cleanup.push(
      () => warehouse.close(),
      () => bus.close(),
    );
    await bus.publish(TOPICS.eventsRaw, eventMessages(events));
    let commits = 0;
    const flaky: WarehouseWriter = {
      async commit(...batches) {
        commits += 1;
        if (commits === 3 || commits === 4) throw new WarehouseUnavailableError('connection refused');
        if (commits === 6) {
          await warehouse.commit(...batches); // written, but the answer was lost
          throw new WarehouseUnavailableError('timed out waiting for the answer');
        }
        await warehouse.commit(...batches);
      },
      checkpoint: (consumer, partition) => warehouse.checkpoint(consumer, partition),
      loadBrand: (brandId, since, touchesSince) => warehouse.loadBrand(brandId, since, touchesSince),
      recordDeliveries: (rows) => warehouse.recordDeliveries(rows),
      recentNotifications: (since) => warehouse.recentNotifications(since),
      saveIntentModels: (records) => warehouse.saveIntentModels(records),
      intentModelState: (brandId) => warehouse.intentModelState(brandId),
    };
    const processor = await startProcessor(bus, flaky, brands);
    cleanup.push(() => processor.stop());
    await waitFor(processedUpTo(warehouse, events.length), 'the flaky run');
    await waitFor(
      async () => (await bus.pendingByKey(TOPICS.eventsRaw, 'processor')).size === 0,
      'bus commit',
    );

    expect(await totals(warehouse, events)).toEqual(expected);
    const stats = processor.stats();
    expect(stats.errorsByName).toMatchObject({ WarehouseUnavailableError: 3 });
    expect(stats.retries).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('stores a message whose processing throws as rejected and carries on with the rest', async () => {
    const real = await registry();
    let thrown = false;
    // A registry bug on one lookup: the processor must not stop the partition for it.
    const buggy: BrandRegistry = {
      ...real,
      get(brandId) {
        if (brandId === 'acme' && !thrown) {
          thrown = true;
          throw new TypeError("Cannot read properties of undefined (reading 'settings')");
        }
        return real.get(brandId);
      },
    };
    const bus = createInProcessBus();
    const warehouse = await openWarehouse();
    cleanup.push(
      () => warehouse.close(),
      () => bus.close(),
    );
    const events = [
      makeEvent({ brand_id: 'acme', event_id: 'p1', received_at: at(0) }),
      makeEvent({ brand_id: 'acme', event_id: 'p2', received_at: at(SECOND) }),
    ];
    await bus.publish(TOPICS.eventsRaw, eventMessages(events));
    const processor = await startProcessor(bus, warehouse, buggy);
    cleanup.push(() => processor.stop());
    await waitFor(processedUpTo(warehouse, 2), 'the batch');

    const rejected = await warehouse.rejected('acme', 10);
    expect(rejected).toEqual([
      expect.objectContaining({ reason: 'processing_error', detail: expect.stringContaining('settings') }),
    ]);
    expect(await warehouse.counters('acme')).toMatchObject({ processed: 1, rejected: 1 });
    expect(processor.stats()).toMatchObject({ deadLettered: 1, errorsByName: { PoisonMessageError: 1 } });
  });

  it('a tick commits decay and closed minutes with the unchanged checkpoint', async () => {
    const brands = await registry();
    const bus = createInProcessBus();
    const warehouse = await openWarehouse();
    cleanup.push(
      () => warehouse.close(),
      () => bus.close(),
    );
    let now = T0 + 5 * SECOND;
    const processor = createProcessor({
      bus,
      warehouse,
      brands,
      clock: () => new Date(now),
      batchSize: 10,
      tickMs: 3_600_000,
    });
    await processor.start();
    cleanup.push(() => processor.stop());
    const hot = [0, 1].map((i) =>
      makeEvent({
        brand_id: 'acme',
        event_id: `h${i}`,
        identifiers: { user_id: 'vip' },
        type: 'checkout_started',
        received_at: at(i * SECOND),
      }),
    );
    await bus.publish(TOPICS.eventsRaw, eventMessages(hot));
    await waitFor(processedUpTo(warehouse, 2), 'the events');
    expect((await warehouse.highIntent('acme', 10)).map((p) => p.intent_level)).toEqual(['high']);

    now = T0 + 30 * MINUTE; // 40 decays below 25 after ~20 min (half-life 30)
    await processor.tick();
    expect(await warehouse.checkpoint('processor', 0)).toBe(2);
    const vip = await warehouse.lookupProfile('acme', { type: 'user_id', value: 'vip' });
    expect(vip?.intent_level).toBe('medium');
    const [row] = await warehouse.kpis('acme', at(30 * MINUTE), at(31 * MINUTE));
    expect(row).toMatchObject({ events: 0, high_intent_profiles: 0 });
    expect(processor.stats().tickCommits).toBe(1);
    expect(await warehouse.kpis('other', at(0), at(60 * MINUTE))).toEqual([]);
  });

  it('after a restart, a quiet brand with a source_silent rule is judged on ticks without any new message', async () => {
    const quiet = {
      alerts: {
        rules: [
          {
            rule_id: 'pos-quiet',
            type: 'source_silent',
            subject: 'pos',
            threshold: 5,
            recovery: 1,
            pending_minutes: 0,
          },
        ],
      },
    };
    const brands = await makeRegistry(await tempDir(), [
      { id: 'acme', settings: quiet },
      { id: 'other', settings: quiet },
    ]);
    const bus = createInProcessBus();
    const warehouse = await openWarehouse();
    cleanup.push(
      () => warehouse.close(),
      () => bus.close(),
    );
    let now = T0;
    const clock = () => new Date(now);
    const first = createProcessor({ bus, warehouse, brands, clock, batchSize: 10, tickMs: 3_600_000 });
    await first.start();
    await bus.publish(
      TOPICS.eventsRaw,
      eventMessages([
        makeEvent({ event_id: 'sale', source: 'pos', channel: 'store', identifiers: { loyalty_id: 'L1' } }),
      ]),
    );
    await waitFor(processedUpTo(warehouse, 1), 'the sale');
    await first.stop();

    const told: string[] = [];
    const second = createProcessor({
      bus,
      warehouse,
      brands,
      clock,
      batchSize: 10,
      tickMs: 3_600_000,
      notify: (notices) =>
        told.push(...notices.map((n) => `${n.alert.brand_id} ${n.state} ${n.alert.subject}`)),
    });
    await second.start();
    cleanup.push(() => second.stop());
    now = T0 + 10 * MINUTE + 6 * SECOND; // minute 10:09 closed, its end judged
    await second.tick();
    expect(told).toEqual(['acme firing pos']);
    const [alert] = await warehouse.alerts('acme', 10, ['firing']);
    expect(alert).toMatchObject({ rule_id: 'pos-quiet', subject: 'pos', fired_at: at(10 * MINUTE) });
    // The other brand never heard from its store: nothing to judge, nothing fired.
    expect(await warehouse.alerts('other', 10)).toEqual([]);
  });

  it('a rule added to a quiet, loaded brand is judged on the next tick, without waiting for an event', async () => {
    const brands = await makeRegistry(await tempDir(), [{ id: 'acme', settings: { alerts: { rules: [] } } }]);
    const bus = createInProcessBus();
    const warehouse = await openWarehouse();
    cleanup.push(
      () => warehouse.close(),
      () => bus.close(),
    );
    let now = T0;
    const processor = createProcessor({
      bus,
      warehouse,
      brands,
      clock: () => new Date(now),
      batchSize: 10,
      tickMs: 3_600_000,
    });
    await processor.start();
    cleanup.push(() => processor.stop());
    await bus.publish(
      TOPICS.eventsRaw,
      eventMessages([
        makeEvent({ event_id: 'sale', source: 'pos', channel: 'store', identifiers: { loyalty_id: 'L1' } }),
      ]),
    );
    await waitFor(processedUpTo(warehouse, 1), 'the sale');
    now = T0 + 5 * MINUTE;
    await processor.tick();
    expect(await warehouse.alerts('acme', 10)).toEqual([]);

    // Edited on the Alerts page while the store is quiet.
    await brands.updateAlertSettings('acme', {
      rules: [
        {
          rule_id: 'pos-quiet',
          type: 'source_silent',
          subject: 'pos',
          threshold: 3,
          recovery: 1,
          pending_minutes: 0,
          window_minutes: 15,
          min_sample: 0,
          severity: 'warning',
          enabled: true,
        },
      ],
      receivers: [],
    });
    now = T0 + 6 * MINUTE + 6 * SECOND;
    await processor.tick();
    expect(await warehouse.alerts('acme', 10)).toEqual([
      // Minutes 10:04 and 10:05 close on this tick: silent 5 min at the end of 10:04, already past 3.
      expect.objectContaining({ rule_id: 'pos-quiet', state: 'firing', fired_at: at(5 * MINUTE) }),
    ]);
  });
});
