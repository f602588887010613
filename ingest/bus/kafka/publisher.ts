// Publishing to Kafka: an idempotent producer (the broker drops a retried
// duplicate), acks from all in-sync replicas, and the brand id as the key, so
// kafkajs's murmur2 partitioner (the Java client's) keeps a brand on one
// partition. A publish resolves only once the broker acknowledged every
// message, and gives up within `timeoutMs` with a BusUnavailableError: the
// ingest answers 503 + Retry-After rather than holding an HTTP request open.
import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import type { Topic } from '../../../src/lib/shared/topics';
import { BusUnavailableError, type OutgoingMessage } from '../types';
import { QUICK_RETRY } from './client';
import { toPublishError } from './errors';
import { deadlineAfter } from './deadline';
import { createSendQueue } from './send-queue';

export interface PublisherOptions {
  kafka: Kafka;
  ensureTopic: (topic: Topic) => Promise<void>;
  brokerTopic: (topic: Topic) => string;
  /** Longest a publish may take before it rejects. */
  timeoutMs: number;
  /**
   * Payload bytes per produce request (under the broker's message.max.bytes):
   * concurrent publishes share requests up to this, a larger publish goes out
   * alone as several, in order.
   */
  maxRequestBytes: number;
}

export interface Publisher {
  publish(topic: Topic, messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** All in-sync replicas (what an idempotent producer requires, and what "durably accepted" means). */
const ACKS_ALL = -1;

export function createPublisher(options: PublisherOptions): Publisher {
  const producer: Producer = options.kafka.producer({
    idempotent: true,
    // kafkajs allows only one request in flight per broker for an idempotent producer.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    // A few quick retries (a leader moving); the deadline bounds the rest.
    retry: QUICK_RETRY,
  });
  let connecting: Promise<void> | undefined;
  let closed = false;

  function connect(): Promise<void> {
    connecting ??= producer.connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  }

  /** One produce request carrying several publishes, grouped by topic in publish order. */
  async function sendTogether(publishes: Publish[]): Promise<void> {
    const byTopic = new Map<Topic, OutgoingMessage[]>();
    for (const { topic, messages } of publishes) {
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push(...messages);
    }
    for (const topic of byTopic.keys()) await options.ensureTopic(topic);
    await connect();
    await producer.sendBatch({
      acks: ACKS_ALL,
      timeout: options.timeoutMs,
      topicMessages: [...byTopic].map(([topic, messages]) => ({
        topic: options.brokerTopic(topic),
        messages: messages.map((message) => ({ key: message.key, value: message.value })),
      })),
    });
  }

  const queue = createSendQueue<Publish>({
    send: sendTogether,
    bytes: (publish) => payloadBytes(publish.messages),
    maxBytes: options.maxRequestBytes,
  });

  return {
    async publish(topic, messages) {
      if (closed) throw new BusUnavailableError(`the bus is closed; ${topic} takes no messages`);
      if (messages.length === 0) return;
      const { promise: deadline, cancel } = deadlineAfter(
        options.timeoutMs,
        () => new BusUnavailableError(`Kafka did not acknowledge ${topic} within ${options.timeoutMs} ms`),
      );
      // A publish larger than a request goes out as several, one after another.
      const queued = queue.push(
        byRequestSize(messages, options.maxRequestBytes).map((chunk) => ({ topic, messages: chunk })),
      );
      // Given up on: what was not sent yet is not sent later. What was sent may still land
      // after the caller heard "unavailable"; the source's event id makes its retry harmless.
      deadline.catch(() => queued.withdraw());
      try {
        await Promise.race([queued.done, deadline]);
      } catch (error) {
        throw toPublishError(error, topic);
      } finally {
        cancel();
      }
    },
    async close() {
      closed = true;
      await producer.disconnect();
    },
  };
}

interface Publish {
  topic: Topic;
  messages: readonly OutgoingMessage[];
}

function payloadBytes(messages: readonly OutgoingMessage[]): number {
  let bytes = 0;
  for (const message of messages) bytes += Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  return bytes;
}

/** Splits messages into consecutive runs of at most `maxBytes` payload (at least one message each). */
export function byRequestSize(messages: readonly OutgoingMessage[], maxBytes: number): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
