// The bus seam's contract. Every back-end (in-process, Kafka) runs this same
// suite through a small runner file, so they cannot drift.
//
// Two cases hold only where a back-end says it can (BusFeatures), because
// Kafka cannot keep them exactly:
//   - maxBacklog: the in-process bus refuses publishes beyond a backlog; Kafka
//     bounds its log by retention, not by consumers.
//   - exact per-key pending counts: Kafka's pendingForKey is the lag of the
//     key's partition, an upper bound shared by the keys on that partition.
// Segment files, torn records and the live ring are the in-process bus's own
// (tests/contract/bus.inprocess.test.ts); Kafka's own cases (group members
// sharing partitions, a killed member, an unreachable broker) are in
// tests/contract/bus.kafka.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import {
  BusUnavailableError,
  type Bus,
  type ConsumedBatch,
  type ConsumedMessage,
} from '../../ingest/bus/types';
import { TOPICS, type Topic } from '../../src/lib/shared/topics';

export interface BusFixture {
  bus: Bus;
  /** A new bus over the same storage; call it after closing the previous one. Absent for memory-only back-ends. */
  reopen?: () => Promise<Bus>;
  /** Closes every bus the fixture made and removes its storage. */
  cleanup(): Promise<void>;
}

export interface BusFixtureOptions {
  maxBacklog?: number;
}

export interface BusFeatures {
  /** Publish refuses beyond `maxBacklog` uncommitted messages. */
  maxBacklog: boolean;
  /** pendingForKey and pendingByKey count each key's messages exactly. */
  exactPendingCounts: boolean;
}

const ALL_FEATURES: BusFeatures = { maxBacklog: true, exactPendingCounts: true };

const RAW = TOPICS.eventsRaw;

function message(key: string, value: string) {
  return { key, value };
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Subscribes and records every batch until `count` messages have arrived. */
async function consume(
  bus: Bus,
  options: {
    topic?: Topic;
    group: string;
    count: number;
    maxBatchSize?: number;
    resumeFrom?: (partition: number) => Promise<number | 'latest' | undefined>;
  },
) {
  const batches: ConsumedBatch[] = [];
  const subscription = await bus.subscribe({
    topic: options.topic ?? RAW,
    group: options.group,
    maxBatchSize: options.maxBatchSize ?? 100,
    resumeFrom: options.resumeFrom,
    onBatch: async (batch) => {
      batches.push(batch);
    },
  });
  const messages = () => batches.flatMap((batch) => batch.messages);
  await waitUntil(() => messages().length >= options.count, `${options.count} messages for ${options.group}`);
  return { batches, messages: messages(), subscription };
}

function values(messages: ConsumedMessage[]): string[] {
  return messages.map((m) => m.value);
}

/** True once the group has committed everything of these keys. */
async function nothingPending(bus: Bus, group: string, keys: string[] = ['brand-a', 'brand-b']) {
  for (const key of keys) if ((await bus.pendingForKey(RAW, group, key)) !== 0) return false;
  return true;
}

export function busContract(
  name: string,
  make: (options?: BusFixtureOptions) => Promise<BusFixture>,
  features: BusFeatures = ALL_FEATURES,
): void {
  /**
   * What each key has pending, as `expected` says exactly. Every back-end: at
   * least that many, and 0 exactly when nothing is pending. Exact back-ends:
   * those very numbers, from pendingForKey and pendingByKey alike.
   */
  async function expectPending(bus: Bus, group: string, expected: Record<string, number>) {
    for (const [key, count] of Object.entries(expected)) {
      const pending = await bus.pendingForKey(RAW, group, key);
      if (features.exactPendingCounts) expect(pending, key).toBe(count);
      else expect(pending, key).toBeGreaterThanOrEqual(count);
      expect(pending === 0, `${key} has nothing pending`).toBe(count === 0);
    }
    if (features.exactPendingCounts) {
      const nonZero = Object.entries(expected).filter(([, count]) => count > 0);
      expect(await bus.pendingByKey(RAW, group)).toEqual(new Map(nonZero));
    }
  }

  describe(`bus contract: ${name}`, () => {
    let fixture: BusFixture | undefined;
    async function setup(options?: BusFixtureOptions): Promise<BusFixture> {
      fixture = await make(options);
      return fixture;
    }
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('delivers messages in publish order with consecutive offsets', async () => {
      const { bus } = await setup();
      await bus.publish(RAW, [message('brand-a', 'a1'), message('brand-b', 'b1')]);
      await bus.publish(RAW, [message('brand-a', 'a2')]);
      await bus.publish(RAW, [message('brand-b', 'b2'), message('brand-a', 'a3')]);
      const { messages, subscription } = await consume(bus, { group: 'order', count: 5 });
      await subscription.stop();
      expect(values(messages)).toEqual(['a1', 'b1', 'a2', 'b2', 'a3']);
      expect(messages.map((m) => m.key)).toEqual(['brand-a', 'brand-b', 'brand-a', 'brand-b', 'brand-a']);
      const first = messages[0]!.offset;
      expect(messages.map((m) => m.offset)).toEqual([0, 1, 2, 3, 4].map((i) => first + i));
      expect(messages.every((m) => m.topic === RAW && m.partition === 0)).toBe(true);
      // Per brand, order is publish order.
      expect(values(messages.filter((m) => m.key === 'brand-a'))).toEqual(['a1', 'a2', 'a3']);
    });

    it('carries hostile keys and values byte for byte', async () => {
      const { bus } = await setup();
      const hostile = [
        message("brand-'; DROP TABLE events; --", 'nul\u0000inside'),
        message('brand-😀', 'emoji 😀 and \\ backslash and "quotes"\nnewline'),
        message('brand-empty', ''),
        message('brand-big', 'x'.repeat(256 * 1024)),
      ];
      await bus.publish(RAW, hostile);
      const { messages, subscription } = await consume(bus, { group: 'hostile', count: hostile.length });
      await subscription.stop();
      expect(messages.map((m) => ({ key: m.key, value: m.value }))).toEqual(hostile);
    });

    it('splits the backlog into batches of at most maxBatchSize, nextOffset after the last', async () => {
      const { bus } = await setup();
      await bus.publish(
        RAW,
        Array.from({ length: 10 }, (_, i) => message('brand-a', `m${i}`)),
      );
      const { batches, messages, subscription } = await consume(bus, {
        group: 'batches',
        count: 10,
        maxBatchSize: 3,
      });
      await subscription.stop();
      expect(values(messages)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
      for (const batch of batches) {
        expect(batch.messages.length).toBeGreaterThan(0);
        expect(batch.messages.length).toBeLessThanOrEqual(3);
        expect(batch.nextOffset).toBe(batch.messages.at(-1)!.offset + 1);
      }
    });

    it('commits only after onBatch resolves, and stop() waits for the batch in flight', async () => {
      const { bus } = await setup();
      await bus.publish(RAW, [message('brand-a', '1'), message('brand-a', '2'), message('brand-b', '3')]);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started = false;
      let finished = false;
      const subscription = await bus.subscribe({
        topic: RAW,
        group: 'slow',
        maxBatchSize: 10,
        onBatch: async () => {
          started = true;
          await gate;
          finished = true;
        },
      });
      await waitUntil(() => started, 'the batch to start');
      await expectPending(bus, 'slow', { 'brand-a': 2, 'brand-b': 1 });
      const stopped = subscription.stop();
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(finished).toBe(false);
      release();
      await stopped;
      expect(finished).toBe(true);
      await waitUntil(() => nothingPending(bus, 'slow'), 'the commit');
      // Committed: the same group does not see the batch again.
      await bus.publish(RAW, [message('brand-a', '4')]);
      const again = await consume(bus, { group: 'slow', count: 1 });
      await again.subscription.stop();
      expect(values(again.messages)).toEqual(['4']);
    });

    it('redelivers the same batch after onBatch rejects, with backoff, then commits it', async () => {
      const { bus } = await setup();
      await bus.publish(RAW, [message('brand-a', 'x'), message('brand-a', 'y')]);
      const deliveries: { at: number; offsets: number[] }[] = [];
      const retries: number[] = [];
      let succeeded = false;
      const subscription = await bus.subscribe({
        topic: RAW,
        group: 'flaky',
        maxBatchSize: 10,
        onBatch: async (batch) => {
          deliveries.push({ at: Date.now(), offsets: batch.messages.map((m) => m.offset) });
          if (deliveries.length < 3) throw new Error('warehouse down');
          succeeded = true;
        },
        onRetry: (error, attempt) => {
          expect((error as Error).message).toBe('warehouse down');
          retries.push(attempt);
        },
      });
      await waitUntil(() => succeeded, 'the third delivery');
      await waitUntil(() => nothingPending(bus, 'flaky'), 'the commit');
      await subscription.stop();
      expect(retries).toEqual([1, 2]);
      expect(deliveries.map((d) => d.offsets)).toEqual([
        deliveries[0]!.offsets,
        deliveries[0]!.offsets,
        deliveries[0]!.offsets,
      ]);
      expect(deliveries[0]!.offsets).toHaveLength(2);
      // 50 ms, then 100 ms (a little slack for timer granularity).
      expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(45);
      expect(deliveries[2]!.at - deliveries[1]!.at).toBeGreaterThanOrEqual(95);
    });

    it('resumes from the offset resumeFrom answers', async () => {
      const { bus } = await setup();
      await bus.publish(
        RAW,
        Array.from({ length: 5 }, (_, i) => message('brand-a', `m${i}`)),
      );
      const all = await consume(bus, { group: 'reader', count: 5 });
      await all.subscription.stop();
      const from = all.messages[3]!.offset;
      const asked: number[] = [];
      const resumed = await consume(bus, {
        group: 'resumer',
        count: 2,
        resumeFrom: async (partition) => {
          asked.push(partition);
          return from;
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      await resumed.subscription.stop();
      expect(asked).toEqual([0]);
      expect(values(resumed.batches.flatMap((b) => b.messages))).toEqual(['m3', 'm4']);
    });

    it("resumes from the group's committed offset when resumeFrom is absent or undefined", async () => {
      const { bus } = await setup();
      await bus.publish(RAW, [message('brand-a', '1'), message('brand-a', '2'), message('brand-a', '3')]);
      const first = await consume(bus, { group: 'g', count: 3 });
      await waitUntil(() => nothingPending(bus, 'g'), 'the commit');
      await first.subscription.stop();
      await bus.publish(RAW, [message('brand-a', '4'), message('brand-a', '5')]);
      const second = await consume(bus, { group: 'g', count: 2 });
      await waitUntil(() => nothingPending(bus, 'g'), 'the commit');
      await second.subscription.stop();
      expect(values(second.batches.flatMap((b) => b.messages))).toEqual(['4', '5']);
      await bus.publish(RAW, [message('brand-a', '6')]);
      const third = await consume(bus, { group: 'g', count: 1, resumeFrom: async () => undefined });
      await third.subscription.stop();
      expect(values(third.batches.flatMap((b) => b.messages))).toEqual(['6']);
      // A group that never committed starts at the beginning.
      const fresh = await consume(bus, { group: 'fresh', count: 6 });
      await fresh.subscription.stop();
      expect(values(fresh.messages)).toEqual(['1', '2', '3', '4', '5', '6']);
    });

    it("'latest' skips what is there and delivers new messages at once", async () => {
      const { bus } = await setup();
      await bus.publish(TOPICS.liveUpdates, [message('brand-a', 'old-1'), message('brand-a', 'old-2')]);
      const received: { value: string }[] = [];
      const subscription = await bus.subscribe({
        topic: TOPICS.liveUpdates,
        group: 'live',
        maxBatchSize: 100,
        resumeFrom: async () => 'latest',
        onBatch: async (batch) => {
          for (const m of batch.messages) received.push({ value: m.value });
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await bus.publish(TOPICS.liveUpdates, [message('brand-a', 'new-1'), message('brand-b', 'new-2')]);
      await waitUntil(() => received.length >= 2, 'the new messages');
      await subscription.stop();
      expect(received.map((r) => r.value)).toEqual(['new-1', 'new-2']);
    });

    it('gives every group every message', async () => {
      const { bus } = await setup();
      await bus.publish(RAW, [message('brand-a', 'a'), message('brand-b', 'b'), message('brand-a', 'c')]);
      const [first, second] = await Promise.all([
        consume(bus, { group: 'one', count: 3, maxBatchSize: 2 }),
        consume(bus, { group: 'two', count: 3, maxBatchSize: 1 }),
      ]);
      await Promise.all([first.subscription.stop(), second.subscription.stop()]);
      expect(values(first.messages)).toEqual(['a', 'b', 'c']);
      expect(values(second.messages)).toEqual(['a', 'b', 'c']);
    });

    it('counts pending messages per key from the group committed offset', async () => {
      const { bus } = await setup();
      await bus.publish(RAW, [
        message('brand-a', '1'),
        message('brand-a', '2'),
        message('brand-b', '3'),
        message('brand-a', '4'),
        message('brand-b', '5'),
      ]);
      await expectPending(bus, 'nobody-yet', { 'brand-a': 3, 'brand-b': 2 });
      let calls = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const subscription = await bus.subscribe({
        topic: RAW,
        group: 'partial',
        maxBatchSize: 2,
        onBatch: async () => {
          calls++;
          if (calls > 1) await gate;
        },
      });
      // The second batch waits at the gate: the first (offsets 0 and 1, both brand-a) is committed.
      await waitUntil(() => calls >= 2, 'the second batch');
      // Exact back-ends: brand-b's count is untouched by brand-a's progress.
      await expectPending(bus, 'partial', { 'brand-a': 1, 'brand-b': 2 });
      release();
      await waitUntil(() => nothingPending(bus, 'partial'), 'all commits');
      await expectPending(bus, 'partial', { 'brand-a': 0, 'brand-b': 0 });
      await subscription.stop();
    });

    it.runIf(features.maxBacklog)(
      'refuses publishes beyond maxBacklog with BusUnavailableError, and accepts again once consumed',
      async () => {
        const { bus } = await setup({ maxBacklog: 5 });
        await bus.publish(
          RAW,
          Array.from({ length: 5 }, (_, i) => message('brand-a', `m${i}`)),
        );
        const refused = bus.publish(RAW, [message('brand-a', 'one too many')]);
        await expect(refused).rejects.toBeInstanceOf(BusUnavailableError);
        await expect(refused).rejects.toMatchObject({ retriable: true });
        const consumed = await consume(bus, { group: 'drain', count: 5 });
        await waitUntil(() => nothingPending(bus, 'drain'), 'the commit');
        await bus.publish(RAW, [message('brand-a', 'after drain')]);
        await waitUntil(() => nothingPending(bus, 'drain'), 'the next commit');
        await consumed.subscription.stop();
        expect(values(consumed.batches.flatMap((b) => b.messages))).toEqual([
          'm0',
          'm1',
          'm2',
          'm3',
          'm4',
          'after drain',
        ]);
      },
    );

    it('rejects publish and subscribe after close', async () => {
      const { bus } = await setup();
      await bus.publish(RAW, [message('brand-a', 'before')]);
      await bus.close();
      await expect(bus.publish(RAW, [message('brand-a', 'after')])).rejects.toBeInstanceOf(
        BusUnavailableError,
      );
      await expect(
        bus.subscribe({ topic: RAW, group: 'late', maxBatchSize: 1, onBatch: async () => {} }),
      ).rejects.toBeInstanceOf(BusUnavailableError);
    });

    it('keeps published messages across a reopen; what was committed is not delivered again', async (context) => {
      const first = await setup();
      if (!first.reopen) return context.skip();
      const published = Array.from({ length: 7 }, (_, i) => message(i % 2 ? 'brand-b' : 'brand-a', `m${i}`));
      await first.bus.publish(RAW, published.slice(0, 4));
      await first.bus.publish(RAW, published.slice(4));
      await first.bus.close();

      const second = await first.reopen();
      const all = await consume(second, { group: 'durable', count: 7, maxBatchSize: 3 });
      await all.subscription.stop();
      expect(all.messages.map((m) => ({ key: m.key, value: m.value }))).toEqual(published);
      const offsets = all.messages.map((m) => m.offset);

      // Consume and commit three, fail every later batch (so none is committed), then
      // "crash" (close) and come back.
      let batches = 0;
      const partial = await second.subscribe({
        topic: RAW,
        group: 'half',
        maxBatchSize: 3,
        onBatch: async () => {
          if (++batches > 1) throw new Error('crashing');
        },
      });
      await waitUntil(() => batches >= 2, 'the batch after the first');
      await partial.stop();
      await second.close();

      const third = await first.reopen();
      await expectPending(third, 'half', { 'brand-a': 2, 'brand-b': 2 });
      await third.publish(RAW, [message('brand-a', 'm7')]);
      const rest = await consume(third, { group: 'half', count: 5 });
      await rest.subscription.stop();
      expect(values(rest.batches.flatMap((b) => b.messages))).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
      // Offsets continue where they were.
      expect(rest.messages.at(-1)!.offset).toBe(offsets.at(-1)! + 1);
    });
  });
}
