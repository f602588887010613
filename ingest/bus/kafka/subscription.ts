// One subscription on Kafka: a consumer-group member that hands each fetched
// partition batch to `onBatch` in slices of at most maxBatchSize, and commits
// a slice's nextOffset only after onBatch resolved. A rejected slice is
// delivered again after a backoff (never skipped); a rebalance interrupts the
// retries and hands the partition, uncommitted, to its next owner. Where each
// partition starts is ./assignment.ts's job; batches wait until it is done.
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../../log';
import type { SubscribeOptions, Subscription } from '../types';
import { createAssigner } from './assignment';
import { createBackoff, Stopped } from './backoff';
import { toConsumedBatches } from './batches';
import { CONSUMER_RETRY } from './client';
import { toUnavailable } from './errors';
import { keepAlive, type KeepAlive } from './keep-alive';

export interface GroupTimings {
  /** A member silent for this long is dropped from the group and its partitions reassigned. */
  sessionTimeoutMs: number;
  /** How long a rebalance waits for every member to rejoin. */
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Longest a fetch waits at the broker for new messages. */
  maxWaitMs: number;
  /** How long subscribe waits for the member's first assignment. */
  joinTimeoutMs: number;
}

export interface KafkaSubscriptionDeps {
  kafka: Kafka;
  admin: () => Promise<Admin>;
  /** The topic's name on the broker. */
  brokerTopic: string;
  timings: GroupTimings;
  /** Every key this subscription delivers (the bus remembers them for pendingByKey). */
  onKey: (key: string) => void;
  logger?: Logger;
}

/** Rebalance answers: the member must rejoin before it can commit again. */
const REJOIN_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

export async function startKafkaSubscription(
  deps: KafkaSubscriptionDeps,
  options: SubscribeOptions,
): Promise<Subscription> {
  const { group, maxBatchSize } = options;
  if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new RangeError(`maxBatchSize must be a positive integer, got ${maxBatchSize}`);
  }
  const concurrency = options.maxConcurrentBatches ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`maxConcurrentBatches must be a positive integer, got ${concurrency}`);
  }
  const { brokerTopic, timings } = deps;
  const consumer: Consumer = deps.kafka.consumer({
    groupId: group,
    sessionTimeout: timings.sessionTimeoutMs,
    rebalanceTimeout: timings.rebalanceTimeoutMs,
    heartbeatInterval: timings.heartbeatIntervalMs,
    maxWaitTimeInMs: timings.maxWaitMs,
    allowAutoTopicCreation: false,
    retry: CONSUMER_RETRY,
  });

  /** Next offset to deliver, for each partition this member owns and has positioned. */
  const positions = new Map<number, number>();
  let memberId: string | undefined;
  let stopping = false;
  /** Assignment steps run one generation after another; batches wait for the latest. */
  let assignment: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  let crashes = 0;
  const { backoff, wakeAll, retrying } = createBackoff({
    isStopping: () => stopping,
    onRetry: options.onRetry,
  });
  const applyAssignment = createAssigner({
    consumer,
    admin: deps.admin,
    brokerTopic,
    options,
    positions,
    retrying,
    logger: deps.logger,
  });

  let joined!: () => void;
  let joinFailed!: (error: unknown) => void;
  const firstJoin = new Promise<void>((resolve, reject) => {
    joined = resolve;
    joinFailed = reject;
  });
  // Settled through joinFailed even when no one awaits it any more.
  firstJoin.catch(() => {});

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = [...(payload.memberAssignment[brokerTopic] ?? [])].sort((a, b) => a - b);
    // A new member id means kafkajs restarted the consumer: nothing carries over.
    const sameMember = payload.memberId === memberId;
    memberId = payload.memberId;
    assignment = assignment
      .then(() => applyAssignment(assigned, sameMember))
      .then(joined, (error: unknown) => {
        if (error instanceof Stopped) return;
        // Only a failed seek gets here: kafkajs is restarting the consumer and will join again.
        options.onRetry?.(error, 1);
      });
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) {
      // kafkajs reconnects and rejoins by itself; counted like any retry.
      options.onRetry?.(payload.error, ++crashes);
      return;
    }
    failure ??= { error: payload.error };
    joinFailed(payload.error);
    deps.logger?.error('kafka bus: consumer stopped for good', {
      topic: brokerTopic,
      group,
      error: payload.error.message,
    });
  });

  /** Resolves true once onBatch accepted the slice; false if stopped or rebalancing first. */
  async function deliver(batch: Parameters<SubscribeOptions['onBatch']>[0], alive: KeepAlive) {
    for (let attempt = 1; ; attempt++) {
      try {
        await options.onBatch(batch);
        return true;
      } catch (error) {
        if (stopping) return false;
        options.onRetry?.(error, attempt);
        await backoff(attempt);
        if (stopping || alive.failure) return false;
      }
    }
  }

  /** Commits `offset` for `partition`; a rebalance answer is rethrown at once (kafkajs must rejoin). */
  async function commit(payload: EachBatchPayload, partition: number, offset: number) {
    const offsets = { topics: [{ topic: brokerTopic, partitions: [{ partition, offset: String(offset) }] }] };
    for (let attempt = 1; ; attempt++) {
      try {
        await payload.commitOffsetsIfNecessary(offsets);
        return;
      } catch (error) {
        const type = (error as { type?: unknown }).type;
        const rejoin = typeof type === 'string' && REJOIN_ERRORS.has(type);
        if (rejoin || attempt >= 3 || stopping) throw error;
        options.onRetry?.(error, attempt);
        await backoff(attempt);
      }
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const alive = keepAlive(payload.heartbeat, timings.heartbeatIntervalMs);
    try {
      await assignment;
      const { partition } = payload.batch;
      const position = positions.get(partition);
      // Not ours any more, or fetched before our seek: kafkajs fetches it again from the seek.
      if (position === undefined || payload.isStale()) return;
      const slices = toConsumedBatches(
        options.topic,
        partition,
        payload.batch.messages,
        position,
        maxBatchSize,
      );
      if (slices.length === 0) {
        // Everything is before our position: fetch from the position instead.
        consumer.seek({ topic: brokerTopic, partition, offset: String(position) });
        return;
      }
      for (const slice of slices) {
        if (stopping || alive.failure || !payload.isRunning() || payload.isStale()) break;
        for (const message of slice.messages) deps.onKey(message.key);
        if (!(await deliver(slice, alive))) break;
        // Delivered: this member's position moves on even if the commit below fails.
        positions.set(partition, slice.nextOffset);
        payload.resolveOffset(String(slice.nextOffset - 1));
        await commit(payload, partition, slice.nextOffset);
      }
    } finally {
      alive.stop();
    }
    if (alive.failure && !stopping) throw alive.failure.error;
  }

  try {
    await consumer.connect();
    await consumer.subscribe({ topic: brokerTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // kafkajs hands each partition of a fetch to its own worker and fetches again when all are done.
      partitionsConsumedConcurrently: concurrency,
      eachBatch,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no assignment within ${timings.joinTimeoutMs} ms`)),
        timings.joinTimeoutMs,
      );
    });
    await Promise.race([firstJoin, timeout]).finally(() => clearTimeout(timer));
  } catch (error) {
    stopping = true;
    wakeAll();
    await consumer.disconnect().catch(() => {});
    throw toUnavailable(`could not join consumer group ${group} on ${brokerTopic}`, error);
  }

  return {
    async stop() {
      stopping = true;
      wakeAll();
      // kafkajs stops after the batch in flight (which commits before it returns), then leaves the group.
      await consumer.disconnect();
      await assignment;
      const owned = [...positions.keys()];
      positions.clear();
      if (failure) throw failure.error;
      if (owned.length > 0) await options.onRevoked?.(owned);
    },
  };
}
