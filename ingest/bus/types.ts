// The bus seam. Two back-ends implement it: the in-process log (embedded
// default) and Kafka (production). Both pass tests/contract/bus.contract.ts.
import type { Topic } from '../../src/lib/shared/topics';

export interface OutgoingMessage {
  /** Always the brand id: one brand's messages stay in order on one partition. */
  key: string;
  value: string;
}

export interface ConsumedMessage {
  topic: Topic;
  partition: number;
  /** Position in the partition; the next message has offset + 1. */
  offset: number;
  key: string;
  value: string;
}

export interface ConsumedBatch {
  topic: Topic;
  partition: number;
  messages: ConsumedMessage[];
  /** The offset to resume from once this batch is done: last offset + 1. */
  nextOffset: number;
}

export interface SubscribeOptions {
  topic: Topic;
  /** Consumer group; one member of a group owns a partition at a time. */
  group: string;
  maxBatchSize: number;
  /**
   * How many partitions' batches may be in `onBatch` at once (default 1). A
   * partition never has two. The processor takes many, to write the batches of
   * one fetch in one warehouse commit. The in-process bus has one partition.
   */
  maxConcurrentBatches?: number;
  /**
   * Where to resume in a partition when it is assigned. The processor answers
   * from the warehouse's checkpoint, so offsets and state always agree.
   * `'latest'` skips to the end (the dashboard's live feed wants only new
   * messages). `undefined` means the group's own committed offset, else the beginning.
   */
  resumeFrom?: (partition: number) => Promise<number | 'latest' | undefined>;
  /**
   * Handles one batch. The bus commits `nextOffset` only after this resolves;
   * if it rejects, the same batch is delivered again after a backoff.
   */
  onBatch: (batch: ConsumedBatch) => Promise<void>;
  /** Called when a consumed batch failed and will be retried (for counting). */
  onRetry?: (error: unknown, attempt: number) => void;
  /**
   * This member now owns these partitions (the processor rebuilds their brands'
   * state). Called before `resumeFrom` is asked about them. The in-process bus
   * owns its one partition from subscribe on: `onAssigned([0])`, and a rejection
   * rejects the subscribe; Kafka assigns on every rebalance, so there a rejection
   * is retried after a backoff (and reported through `onRetry`).
   */
  onAssigned?: (partitions: number[]) => Promise<void>;
  /**
   * This member no longer owns these partitions (a rebalance gave them to
   * another member, or the subscription stopped): drop their state, another
   * member may be processing them already.
   */
  onRevoked?: (partitions: number[]) => Promise<void>;
}

export interface Subscription {
  /** Stops after the in-flight batch finishes. */
  stop(): Promise<void>;
}

export interface Bus {
  /**
   * Resolves once the bus has durably accepted every message (the ingest answers
   * 2xx only then). Rejects with `BusUnavailableError` when it cannot.
   */
  publish(topic: Topic, messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * How many messages of `key` the group has not yet committed, at most: 0
   * exactly when none is pending (what a client waits for after sending).
   * Exact on the in-process bus; on Kafka the lag of the key's partition, which
   * also counts the other keys sharing that partition.
   */
  pendingForKey(topic: Topic, group: string, key: string): Promise<number>;
  /**
   * Messages per key that the group has not yet committed, for status pages and
   * tests. Exact on the in-process bus. Kafka cannot list a partition's keys
   * cheaply: it names only the keys this bus instance published or consumed,
   * each with its `pendingForKey` bound; use `pendingForKey` to wait on a key.
   */
  pendingByKey(topic: Topic, group: string): Promise<Map<string, number>>;
  /** The partition `key`'s messages go to (the in-process bus has one, 0). */
  partitionForKey(topic: Topic, key: string): Promise<number>;
  close(): Promise<void>;
}

/** The bus cannot take messages now; the caller may retry later (ingest answers 503). */
export class BusUnavailableError extends Error {
  override name = 'BusUnavailableError';
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
