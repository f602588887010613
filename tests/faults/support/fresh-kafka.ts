// Fresh topics per test on the private broker: every topic and consumer group
// a previous test left is deleted, and the next roles create their topics
// anew at first use. (The roles take no topic prefix from configuration, and
// a fresh broker per test would cost a JVM start each time.)
import kafkajs from 'kafkajs';
import { KAFKA_BROKERS } from './services';

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function admin() {
  return new kafkajs.Kafka({
    brokers: [KAFKA_BROKERS],
    clientId: 'signalroom-faults',
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 3 },
  }).admin();
}

/** Deletes every non-internal topic and every consumer group, and waits until the broker no longer lists them. */
export async function freshKafka(timeoutMs = 30_000): Promise<void> {
  const client = admin();
  await client.connect();
  try {
    const groups = (await client.listGroups()).groups.map((group) => group.groupId);
    if (groups.length > 0) await client.deleteGroups(groups);
    const ours = (names: string[]) => names.filter((name) => !name.startsWith('__'));
    const topics = ours(await client.listTopics());
    if (topics.length > 0) await client.deleteTopics({ topics, timeout: timeoutMs });
    const deadline = Date.now() + timeoutMs;
    while (ours(await client.listTopics()).length > 0) {
      if (Date.now() > deadline) throw new Error(`topics still listed ${timeoutMs} ms after deletion`);
      await sleep(100);
    }
  } finally {
    await client.disconnect();
  }
}

/** The committed offset per partition of a consumer group on a topic (what the bus commits after each batch). */
export async function committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
  const client = admin();
  await client.connect();
  try {
    const [entry] = await client.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await client.disconnect();
  }
}
