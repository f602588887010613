// The bus contract against the in-process back-end, memory-only and
// file-backed, plus what only the file-backed log has: segments, torn writes.
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessBus, type InProcessBusOptions } from '../../ingest/bus/in-process';
import type { Bus, ConsumedMessage } from '../../ingest/bus/types';
import { TOPICS } from '../../src/lib/shared/topics';
import { busContract, type BusFixture } from './bus.contract';

const RAW = TOPICS.eventsRaw;

async function fileFixture(
  options: Omit<InProcessBusOptions, 'dir'> = {},
): Promise<BusFixture & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'signalroom-bus-'));
  const buses: Bus[] = [];
  const open = () => {
    const bus = createInProcessBus({ ...options, dir });
    buses.push(bus);
    return bus;
  };
  return {
    dir,
    bus: open(),
    reopen: async () => open(),
    async cleanup() {
      for (const bus of buses) await bus.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

busContract('in-process, memory only', async (options) => {
  const bus = createInProcessBus({ maxBacklog: options?.maxBacklog });
  return { bus, cleanup: () => bus.close() };
});

busContract('in-process, file-backed', (options) => fileFixture({ maxBacklog: options?.maxBacklog }));

async function drain(bus: Bus, group: string, count: number): Promise<ConsumedMessage[]> {
  const received: ConsumedMessage[] = [];
  const subscription = await bus.subscribe({
    topic: RAW,
    group,
    maxBatchSize: 50,
    onBatch: async (batch) => {
      received.push(...batch.messages);
    },
  });
  const deadline = Date.now() + 5_000;
  while (received.length < count || (await bus.pendingByKey(RAW, group)).size > 0) {
    if (Date.now() > deadline) throw new Error(`${group} received ${received.length} of ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await subscription.stop();
  return received;
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(join(dir, RAW))).filter((name) => name.endsWith('.log')).sort();
}

describe('in-process bus, file-backed log', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('rolls segments and deletes one only after every known group committed past it', async () => {
    const fixture = await fileFixture({ segmentMessages: 10 });
    cleanup = fixture.cleanup;
    const { bus, dir } = fixture;
    for (let i = 0; i < 35; i++) await bus.publish(RAW, [{ key: 'brand-a', value: `m${i}` }]);
    expect(await segmentFiles(dir)).toHaveLength(4);

    // 'slow' commits its first 12, then stalls on the next batch.
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const slow = await bus.subscribe({
      topic: RAW,
      group: 'slow',
      maxBatchSize: 12,
      onBatch: async (batch) => {
        if (batch.messages[0]!.offset > 0) await stalled;
      },
    });
    const deadline = Date.now() + 5_000;
    while ((await bus.pendingByKey(RAW, 'slow')).get('brand-a') !== 23) {
      if (Date.now() > deadline) throw new Error('slow never committed');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await drain(bus, 'fast', 35);
    // 'fast' is done, but 'slow' holds offsets 12 on: only the first segment (0-9) may go.
    expect(await segmentFiles(dir)).toEqual([
      '00000000000000000010.log',
      '00000000000000000020.log',
      '00000000000000000030.log',
    ]);
    const offsets: unknown = JSON.parse(await readFile(join(dir, RAW, 'offsets.json'), 'utf8'));
    expect(offsets).toEqual({ fast: 35, slow: 12 });
    release();
    await slow.stop();
  });

  it('deletes consumed segments but keeps the active one, and offsets go on after a reopen', async () => {
    const fixture = await fileFixture({ segmentMessages: 10 });
    cleanup = fixture.cleanup;
    await fixture.bus.publish(
      RAW,
      Array.from({ length: 25 }, (_, i) => ({ key: 'brand-a', value: `m${i}` })),
    );
    await fixture.bus.publish(RAW, [{ key: 'brand-a', value: 'm25' }]);
    await drain(fixture.bus, 'only', 26);
    expect(await segmentFiles(fixture.dir)).toEqual(['00000000000000000025.log']);
    await fixture.bus.close();

    const reopened = await fixture.reopen!();
    await reopened.publish(RAW, [{ key: 'brand-b', value: 'later' }]);
    const [later] = await drain(reopened, 'only', 1);
    expect(later).toMatchObject({ offset: 26, key: 'brand-b', value: 'later' });
  });

  it('drops a torn record left by a crash mid-write and keeps every whole one', async () => {
    const fixture = await fileFixture();
    cleanup = fixture.cleanup;
    await fixture.bus.publish(RAW, [
      { key: 'brand-a', value: 'whole-1' },
      { key: 'brand-a', value: 'whole-2' },
    ]);
    await fixture.bus.close();
    const [segment] = await segmentFiles(fixture.dir);
    // A header announcing 100 bytes, followed by only a few: what a crash during write leaves.
    await appendFile(join(fixture.dir, RAW, segment!), Buffer.from([0, 0, 0, 100, 1, 2, 3, 4, 0, 0]));

    const reopened = await fixture.reopen!();
    await reopened.publish(RAW, [{ key: 'brand-a', value: 'after-crash' }]);
    const received = await drain(reopened, 'recovery', 3);
    expect(received.map((m) => [m.offset, m.value])).toEqual([
      [0, 'whole-1'],
      [1, 'whole-2'],
      [2, 'after-crash'],
    ]);
  });

  it('accepts many concurrent publishes (one shared fsync) and keeps their call order', async () => {
    const fixture = await fileFixture();
    cleanup = fixture.cleanup;
    const published = Array.from({ length: 300 }, (_, i) => ({ key: `brand-${i % 3}`, value: `v${i}` }));
    await Promise.all(published.map((m) => fixture.bus.publish(RAW, [m])));
    await fixture.bus.close();
    const reopened = await fixture.reopen!();
    const received = await drain(reopened, 'all', 300);
    expect(received.map((m) => m.value)).toEqual(published.map((m) => m.value));
  });

  it('refuses to publish when the log folder cannot be used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signalroom-bus-'));
    // A file where the topic folder should be.
    await appendFile(join(dir, RAW), 'not a folder');
    const bus = createInProcessBus({ dir });
    cleanup = async () => {
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    };
    await expect(bus.publish(RAW, [{ key: 'brand-a', value: 'x' }])).rejects.toMatchObject({
      name: 'BusUnavailableError',
      retriable: true,
    });
  });
});

describe('in-process bus, live ring', () => {
  it('keeps only the newest retentionMessages of a non-durable topic and never refuses it', async () => {
    const bus = createInProcessBus({ retentionMessages: 5, maxBacklog: 3 });
    try {
      for (let i = 0; i < 20; i++)
        await bus.publish(TOPICS.liveUpdates, [{ key: 'brand-a', value: `u${i}` }]);
      const received: string[] = [];
      const subscription = await bus.subscribe({
        topic: TOPICS.liveUpdates,
        group: 'late-reader',
        maxBatchSize: 100,
        onBatch: async (batch) => {
          received.push(...batch.messages.map((m) => m.value));
        },
      });
      const deadline = Date.now() + 5_000;
      while (received.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await subscription.stop();
      expect(received).toEqual(['u15', 'u16', 'u17', 'u18', 'u19']);
    } finally {
      await bus.close();
    }
  });
});
