// The bus contract against a real Kafka broker (Apache Kafka 3.9, KRaft, from
// infra/kafka/up.sh), plus what only a partitioned, multi-member bus has:
// group members sharing partitions, a member killed mid-batch, a broker that
// cannot be reached. Needs KAFKA_BROKERS (the integration project's global
// setup starts Kafka when it is unset; run alone, start it with up.sh).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import kafkajs from 'kafkajs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createKafkaBus, type KafkaBusOptions } from '../../ingest/bus/kafka/index';
import { partitionForKey } from '../../ingest/bus/kafka/partition-for-key';
import { BusUnavailableError, type Bus, type ConsumedMessage } from '../../ingest/bus/types';
import { TOPICS } from '../../src/lib/shared/topics';
import { busContract } from './bus.contract';

const brokersVariable = process.env.KAFKA_BROKERS;
if (!brokersVariable) {
  throw new Error(
    'KAFKA_BROKERS is not set: these tests need a Kafka broker. Start one with `bash infra/kafka/up.sh` ' +
      'and run them with the KAFKA_BROKERS=... line it prints.',
  );
}
const brokers = brokersVariable.split(',');
const RAW = TOPICS.eventsRaw;
const root = resolve(import.meta.dirname, '../..');

/** Every prefix this file used, so afterAll can delete their topics. */
const prefixes: string[] = [];
function freshPrefix(): string {
  const prefix = `test-${randomUUID().slice(0, 8)}-`;
  prefixes.push(prefix);
  return prefix;
}

// Sessions short enough that a killed member is noticed in seconds.
const quickGroup: KafkaBusOptions['group'] = {
  sessionTimeoutMs: 4_000,
  heartbeatIntervalMs: 400,
  rebalanceTimeoutMs: 10_000,
  joinTimeoutMs: 30_000,
};

function kafkaBus(prefix: string, partitions: number, extra: Partial<KafkaBusOptions> = {}): Bus {
  return createKafkaBus({
    brokers,
    clientId: 'signalroom-tests',
    partitions,
    topicPrefix: prefix,
    group: quickGroup,
    ...extra,
  });
}

afterAll(async () => {
  const admin = new kafkajs.Kafka({ brokers, clientId: 'signalroom-tests-cleanup', logLevel: 0 }).admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter((topic) => prefixes.some((p) => topic.startsWith(p)));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
});

// One partition, so the contract's global publish order holds as it does in-process.
busContract(
  'kafka',
  async () => {
    const prefix = freshPrefix();
    const buses: Bus[] = [];
    const open = () => {
      const bus = kafkaBus(prefix, 1);
      buses.push(bus);
      return bus;
    };
    return {
      bus: open(),
      reopen: async () => open(),
      async cleanup() {
        for (const bus of buses) await bus.close();
      },
    };
  },
  { maxBacklog: false, exactPendingCounts: false },
);

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** Brands whose keys land on every one of 4 partitions, several per partition. */
const BRANDS = Array.from({ length: 16 }, (_, i) => `brand-${i}`);

describe('kafka bus: partitions and group members', () => {
  const opened: Bus[] = [];
  afterEach(async () => {
    for (const bus of opened.splice(0)) await bus.close();
  });
  function open(prefix: string, extra: Partial<KafkaBusOptions> = {}) {
    const bus = kafkaBus(prefix, 4, extra);
    opened.push(bus);
    return bus;
  }

  it('keeps each brand on the partition its key hashes to, and counts pending per partition', async () => {
    const bus = open(freshPrefix());
    expect(new Set(BRANDS.map((brand) => partitionForKey(brand, 4)))).toEqual(new Set([0, 1, 2, 3]));
    const published = BRANDS.flatMap((brand) =>
      [1, 2, 3].map((n) => ({ key: brand, value: `${brand}/${n}` })),
    );
    await bus.publish(RAW, published);

    const received: ConsumedMessage[] = [];
    const subscription = await bus.subscribe({
      topic: RAW,
      group: 'reader',
      maxBatchSize: 7,
      onBatch: async (batch) => {
        received.push(...batch.messages);
      },
    });
    await waitUntil(() => received.length >= published.length, 'every message');
    await subscription.stop();

    expect(received).toHaveLength(published.length);
    for (const brand of BRANDS) {
      const mine = received.filter((m) => m.key === brand);
      expect(mine.map((m) => m.value)).toEqual([1, 2, 3].map((n) => `${brand}/${n}`));
      expect(new Set(mine.map((m) => m.partition))).toEqual(new Set([partitionForKey(brand, 4)]));
    }

    // One unconsumed message for brand-a: its partition's lag, and no other partition's.
    const [a, b] = ['brand-a', 'brand-b'];
    expect(partitionForKey(a, 4)).not.toBe(partitionForKey(b, 4));
    await bus.publish(RAW, [{ key: a, value: 'pending' }]);
    expect(await bus.pendingForKey(RAW, 'reader', a)).toBe(1);
    expect(await bus.pendingForKey(RAW, 'reader', b)).toBe(0);
    // Another group has committed nothing: every message of the key's partition is pending for it.
    const onPartitionOfA = published.filter((m) => partitionForKey(m.key, 4) === partitionForKey(a, 4));
    expect(await bus.pendingForKey(RAW, 'someone-else', a)).toBe(onPartitionOfA.length + 1);
    // pendingByKey names the keys this bus has seen, each with its partition's lag: here the
    // brands sharing brand-a's partition, and none from another partition.
    const byKey = await bus.pendingByKey(RAW, 'reader');
    expect(byKey.get(a)).toBe(1);
    for (const [key, count] of byKey) {
      expect(partitionForKey(key, 4)).toBe(partitionForKey(a, 4));
      expect(count).toBe(1);
    }
  });

  it('with maxConcurrentBatches, hands the partitions of one fetch over at once, never two of one partition', async () => {
    const bus = open(freshPrefix());
    const published = BRANDS.flatMap((brand) => [1, 2].map((n) => ({ key: brand, value: `${brand}/${n}` })));
    await bus.publish(RAW, published);

    const received: ConsumedMessage[] = [];
    const inFlight = new Map<number, number>();
    let mostAtOnce = 0;
    let twiceOnOnePartition = false;
    const subscription = await bus.subscribe({
      topic: RAW,
      group: 'concurrent',
      maxBatchSize: 100,
      maxConcurrentBatches: 4,
      onBatch: async (batch) => {
        inFlight.set(batch.partition, (inFlight.get(batch.partition) ?? 0) + 1);
        if (inFlight.get(batch.partition)! > 1) twiceOnOnePartition = true;
        mostAtOnce = Math.max(
          mostAtOnce,
          [...inFlight.values()].reduce((a, b) => a + b, 0),
        );
        // Hold the batch until the other partitions of the fetch have arrived (or a while has passed).
        const deadline = Date.now() + 2_000;
        while (inFlight.size < 4 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 10));
        received.push(...batch.messages);
        await new Promise((done) => setTimeout(done, 50));
        inFlight.set(batch.partition, inFlight.get(batch.partition)! - 1);
        if (inFlight.get(batch.partition) === 0) inFlight.delete(batch.partition);
      },
    });
    await waitUntil(() => received.length >= published.length, 'every message');
    await subscription.stop();

    expect(mostAtOnce).toBe(4);
    expect(twiceOnOnePartition).toBe(false);
    expect(received.map((m) => m.value).sort()).toEqual(published.map((m) => m.value).sort());
    for (const brand of BRANDS) {
      expect(received.filter((m) => m.key === brand).map((m) => m.value)).toEqual([
        `${brand}/1`,
        `${brand}/2`,
      ]);
    }
    for (const brand of BRANDS) expect(await bus.pendingForKey(RAW, 'concurrent', brand)).toBe(0);
  });

  it('keeps each brand in call order across many concurrent publishes and one larger than a request', async () => {
    const bus = open(freshPrefix());
    const singles = Array.from({ length: 400 }, (_, i) => ({ key: BRANDS[i % 5]!, value: `single-${i}` }));
    // About 900 KB in one publish: more than one produce request carries.
    const large = Array.from({ length: 30 }, (_, i) => ({
      key: BRANDS[i % 5]!,
      value: `large-${i}-${'x'.repeat(30_000)}`,
    }));
    await Promise.all([
      ...singles.slice(0, 200).map((m) => bus.publish(RAW, [m])),
      bus.publish(RAW, large),
      ...singles.slice(200).map((m) => bus.publish(RAW, [m])),
    ]);
    const expected = [...singles.slice(0, 200), ...large, ...singles.slice(200)];

    const received: ConsumedMessage[] = [];
    const subscription = await bus.subscribe({
      topic: RAW,
      group: 'order',
      maxBatchSize: 64,
      onBatch: async (batch) => {
        received.push(...batch.messages);
      },
    });
    await waitUntil(() => received.length >= expected.length, 'every message');
    await subscription.stop();
    expect(received).toHaveLength(expected.length);
    for (const brand of BRANDS.slice(0, 5)) {
      expect(received.filter((m) => m.key === brand).map((m) => m.value)).toEqual(
        expected.filter((m) => m.key === brand).map((m) => m.value),
      );
    }
  });

  it('splits 4 partitions between two members of a group, which together get every message once', async () => {
    const prefix = freshPrefix();
    const members = [open(prefix), open(prefix)].map((bus, index) => ({
      bus,
      index,
      owned: new Set<number>(),
      events: [] as string[],
      received: [] as ConsumedMessage[],
      /** Partitions of batches delivered while this member did not own them (must stay empty). */
      strays: [] as number[],
    }));
    const subscriptions = [];
    for (const member of members) {
      subscriptions.push(
        await member.bus.subscribe({
          topic: RAW,
          group: 'processors',
          maxBatchSize: 10,
          onAssigned: async (partitions) => {
            member.events.push(`assigned ${partitions.join(',')}`);
            for (const partition of partitions) member.owned.add(partition);
          },
          onRevoked: async (partitions) => {
            member.events.push(`revoked ${partitions.join(',')}`);
            for (const partition of partitions) member.owned.delete(partition);
          },
          onBatch: async (batch) => {
            if (!member.owned.has(batch.partition)) member.strays.push(batch.partition);
            member.received.push(...batch.messages);
          },
        }),
      );
    }
    const [first, second] = members as [(typeof members)[0], (typeof members)[0]];
    await waitUntil(
      () => first.owned.size > 0 && second.owned.size > 0 && first.owned.size + second.owned.size === 4,
      'the group to settle on two members',
    );
    expect(new Set([...first.owned, ...second.owned])).toEqual(new Set([0, 1, 2, 3]));
    // The first member had all four, then gave the second member's share up.
    expect(first.events[0]).toBe('assigned 0,1,2,3');
    expect(first.events).toContain(`revoked ${[...second.owned].sort().join(',')}`);

    const published = BRANDS.flatMap((brand) =>
      Array.from({ length: 10 }, (_, n) => ({ key: brand, value: `${brand}/${n}` })),
    );
    for (let i = 0; i < published.length; i += 40) await first.bus.publish(RAW, published.slice(i, i + 40));
    await waitUntil(
      () => first.received.length + second.received.length >= published.length,
      'every message across the group',
    );
    await waitUntil(async () => {
      for (const brand of BRANDS)
        if ((await first.bus.pendingForKey(RAW, 'processors', brand)) > 0) return false;
      return true;
    }, 'the group to commit everything');
    for (const subscription of subscriptions) await subscription.stop();

    const all = [...first.received, ...second.received];
    const positions = all.map((m) => `${m.partition}:${m.offset}`);
    expect(new Set(positions).size).toBe(published.length);
    expect(all.map((m) => m.value).sort()).toEqual(published.map((m) => m.value).sort());
    expect(first.received.length).toBeGreaterThan(0);
    expect(second.received.length).toBeGreaterThan(0);
    // Each brand went to one member only, in publish order.
    for (const brand of BRANDS) {
      const holders = members.filter((m) => m.received.some((r) => r.key === brand));
      expect(holders).toHaveLength(1);
      expect(holders[0]!.received.filter((r) => r.key === brand).map((r) => r.value)).toEqual(
        published.filter((m) => m.key === brand).map((m) => m.value),
      );
    }
    expect([...first.strays, ...second.strays]).toEqual([]);
    // Stopping revokes what each member still held.
    expect(first.owned.size + second.owned.size).toBe(0);
  });

  it('hands partitions over mid-stream at the checkpoint resumeFrom answers: nothing lost, nothing twice', async () => {
    const prefix = freshPrefix();
    // What a processor keeps in its warehouse: per partition, the offset after the last batch it applied.
    const checkpoints = new Map<number, number>();
    const processed: ConsumedMessage[] = [];
    const processedBy = { a: 0, b: 0 };
    const member = (bus: Bus, name: 'a' | 'b') =>
      bus.subscribe({
        topic: RAW,
        group: 'stream',
        maxBatchSize: 20,
        resumeFrom: async (partition) => checkpoints.get(partition) ?? 0,
        onBatch: async (batch) => {
          await new Promise((done) => setTimeout(done, 20));
          processed.push(...batch.messages);
          processedBy[name] += batch.messages.length;
          checkpoints.set(batch.partition, batch.nextOffset);
        },
      });
    const first = open(prefix);
    const published = Array.from({ length: 1_600 }, (_, i) => ({ key: BRANDS[i % 16]!, value: `m${i}` }));
    await first.publish(RAW, published.slice(0, 800));
    const a = await member(first, 'a');
    await waitUntil(() => processed.length >= 200, 'the first member to be under way');
    // A second member joins while the first is busy, and more messages keep coming.
    const [b] = await Promise.all([member(open(prefix), 'b'), first.publish(RAW, published.slice(800))]);
    await waitUntil(() => processed.length >= published.length, 'every message');
    await a.stop();
    await b.stop();

    // The hand-over happened with work left: both members processed some of it.
    expect(processedBy.a).toBeGreaterThan(0);
    expect(processedBy.b).toBeGreaterThan(0);
    expect(processed.map((m) => m.value).sort()).toEqual(published.map((m) => m.value).sort());
    for (const brand of BRANDS) {
      expect(processed.filter((m) => m.key === brand).map((m) => m.value)).toEqual(
        published.filter((m) => m.key === brand).map((m) => m.value),
      );
    }
  });

  it("redelivers a killed member's uncommitted batch to the member that takes its partitions over", async () => {
    const prefix = freshPrefix();
    const bus = open(prefix);
    const published = BRANDS.map((brand) => ({ key: brand, value: `${brand}/only` }));
    await bus.publish(RAW, published);

    // Another process joins the group, takes a batch, reports it and never finishes it: then it is killed.
    const doomed = await startDoomedMember(prefix);
    let handed: { partition: number; offsets: number[] };
    try {
      handed = await doomed.firstBatch;
    } finally {
      doomed.kill();
    }
    expect(handed.offsets.length).toBeGreaterThan(0);

    const received: ConsumedMessage[] = [];
    const assigned: number[][] = [];
    const subscription = await bus.subscribe({
      topic: RAW,
      group: 'workers',
      maxBatchSize: 5,
      onAssigned: async (partitions) => {
        assigned.push(partitions);
      },
      onBatch: async (batch) => {
        received.push(...batch.messages);
      },
    });
    await waitUntil(() => received.length >= published.length, 'every message after the takeover');
    await waitUntil(
      async () => (await bus.pendingForKey(RAW, 'workers', published[0]!.key)) === 0,
      'the commit',
    );
    await subscription.stop();

    expect(assigned).toEqual([[0, 1, 2, 3]]);
    expect(received.map((m) => m.value).sort()).toEqual(published.map((m) => m.value).sort());
    expect(new Set(received.map((m) => `${m.partition}:${m.offset}`)).size).toBe(published.length);
    const redelivered = received.filter((m) => m.partition === handed.partition).map((m) => m.offset);
    expect(redelivered).toEqual(expect.arrayContaining(handed.offsets));
  });
});

/**
 * A group member in a child process whose onBatch never resolves: it prints
 * its first batch as one JSON line, then hangs (heartbeating) until killed.
 */
async function startDoomedMember(prefix: string) {
  const script = `
    import { createKafkaBus } from ${JSON.stringify(resolve(root, 'ingest/bus/kafka/index.ts'))};
    const bus = createKafkaBus({
      brokers: ${JSON.stringify(brokers)},
      clientId: 'doomed-member',
      partitions: 4,
      topicPrefix: ${JSON.stringify(prefix)},
      group: ${JSON.stringify(quickGroup)},
    });
    await bus.subscribe({
      topic: ${JSON.stringify(RAW)},
      group: 'workers',
      maxBatchSize: 5,
      onBatch: async (batch) => {
        process.stdout.write(JSON.stringify({ partition: batch.partition, offsets: batch.messages.map((m) => m.offset) }) + '\\n');
        await new Promise(() => {});
      },
    });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstBatch = new Promise<{ partition: number; offsets: number[] }>((done, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => done(JSON.parse(line) as { partition: number; offsets: number[] }));
    child.once('exit', (code) =>
      fail(new Error(`the member exited (${code}) before its first batch:\n${stderr}`)),
    );
    setTimeout(() => fail(new Error(`no batch from the member within 30 s:\n${stderr}`)), 30_000).unref();
  });
  return { firstBatch, kill: () => child.kill('SIGKILL') };
}

describe('kafka bus: a broker that cannot be reached', () => {
  // A port nothing listens on: the connection is refused at once, on every retry.
  const nowhere = () =>
    createKafkaBus({
      brokers: ['127.0.0.1:9'],
      clientId: 'signalroom-tests',
      partitions: 1,
      publishTimeoutMs: 3_000,
      startupTimeoutMs: 1_500,
    });

  it('rejects publish, subscribe and pendingForKey with a retriable BusUnavailableError', async () => {
    const bus = nowhere();
    try {
      const published = bus.publish(RAW, [{ key: 'brand-a', value: 'lost?' }]);
      await expect(published).rejects.toBeInstanceOf(BusUnavailableError);
      await expect(published).rejects.toMatchObject({ retriable: true });
      // subscribe keeps trying for startupTimeoutMs (a broker just started may have no group
      // coordinator yet), reporting each failed attempt, then gives up with the same error.
      const retries: unknown[] = [];
      await expect(
        bus.subscribe({
          topic: RAW,
          group: 'g',
          maxBatchSize: 1,
          onBatch: async () => {},
          onRetry: (error) => retries.push(error),
        }),
      ).rejects.toBeInstanceOf(BusUnavailableError);
      expect(retries.length).toBeGreaterThan(0);
      expect(retries[0]).toBeInstanceOf(BusUnavailableError);
      await expect(bus.pendingForKey(RAW, 'g', 'brand-a')).rejects.toBeInstanceOf(BusUnavailableError);
    } finally {
      await bus.close();
    }
  });

  it('gives up publish and pendingForKey on a broker that accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as AddressInfo;
    const bus = createKafkaBus({
      brokers: [`127.0.0.1:${port}`],
      clientId: 'signalroom-tests',
      partitions: 1,
      publishTimeoutMs: 1_500,
    });
    try {
      await expect(bus.publish(RAW, [{ key: 'brand-a', value: 'x' }])).rejects.toMatchObject({
        name: 'BusUnavailableError',
        retriable: true,
      });
      // The socket was opened: the failure is the broker's silence, not a refused connection.
      expect(sockets.size).toBeGreaterThan(0);
      // A status read gives up the same way.
      await expect(bus.pendingForKey(RAW, 'g', 'brand-a')).rejects.toBeInstanceOf(BusUnavailableError);
    } finally {
      await bus.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => silent.close(done));
    }
  });
});
