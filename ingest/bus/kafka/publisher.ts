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

export interface PublisherOptions {
  kafka: Kafka;
  ensureTopic: (topic: Topic) => Promise<void>;
  brokerTopic: (topic: Topic) => string;
  /** Longest a publish may take before it rejects. */
  timeoutMs: number;
  /** Payload bytes per produce request; a larger publish goes out as several, in order. */
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

  async function send(topic: Topic, messages: readonly OutgoingMessage[]): Promise<void> {
    await options.ensureTopic(topic);
    await connect();
    for (const chunk of byRequestSize(messages, options.maxRequestBytes)) {
      await producer.send({
        topic: options.brokerTopic(topic),
        acks: ACKS_ALL,
        timeout: options.timeoutMs,
        messages: chunk.map((message) => ({ key: message.key, value: message.value })),
      });
    }
  }

  return {
    async publish(topic, messages) {
      if (closed) throw new BusUnavailableError(`the bus is closed; ${topic} takes no messages`);
      if (messages.length === 0) return;
      try {
        // On timeout the send may still land later; the source's event id makes the client's retry harmless.
        await withDeadline(
          send(topic, messages),
          options.timeoutMs,
          () => new BusUnavailableError(`Kafka did not acknowledge ${topic} within ${options.timeoutMs} ms`),
        );
      } catch (error) {
        throw toPublishError(error, topic);
      }
    },
    async close() {
      closed = true;
      await producer.disconnect();
    },
  };
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

function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  // The losing side must not surface as an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
