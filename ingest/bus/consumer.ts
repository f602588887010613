// One subscription to an in-process topic partition: read a batch from the
// group's position, hand it to `onBatch`, and only then commit `nextOffset`,
// so a crash or a failed batch means redelivery, never a skipped message.
import type { TopicPartition } from './topic-partition';
import type { ConsumedBatch, SubscribeOptions, Subscription } from './types';

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 5_000;

/** Backoff before retry `attempt` (1-based): 50 ms doubling up to 5 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);
}

async function resumePosition(partition: TopicPartition, options: SubscribeOptions): Promise<number> {
  const requested = options.resumeFrom ? await options.resumeFrom(0) : undefined;
  const position =
    requested === 'latest' ? partition.end() : (requested ?? partition.committed(options.group) ?? 0);
  return Math.min(Math.max(position, partition.start()), partition.end());
}

export async function startConsumer(
  partition: TopicPartition,
  options: SubscribeOptions,
): Promise<Subscription> {
  const { group, maxBatchSize } = options;
  if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new RangeError(`maxBatchSize must be a positive integer, got ${maxBatchSize}`);
  }
  await partition.ready;
  await options.onAssigned?.([0]);
  let position = await resumePosition(partition, options);
  partition.join(group, position);

  let stopped = false;
  /** Ends the current wait early (stop() calls it). */
  let interrupt: (() => void) | undefined;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (stopped) return resolve();
      const done = () => {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      interrupt = done;
    });
  }

  function waitForMessages(): Promise<void> {
    return new Promise((resolve) => {
      if (stopped || partition.end() > position) return resolve();
      const done = () => {
        unsubscribe();
        interrupt = undefined;
        resolve();
      };
      const unsubscribe = partition.onAppend(done);
      interrupt = done;
    });
  }

  /** Resolves true once `onBatch` accepted the batch, false if stopped first. */
  async function deliver(batch: ConsumedBatch): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await options.onBatch(batch);
        return true;
      } catch (error) {
        if (stopped) return false;
        options.onRetry?.(error, attempt);
        await sleep(retryDelayMs(attempt));
        if (stopped) return false;
      }
    }
  }

  /** A failed offset write is retried (and reported through onRetry); the batch is not redelivered. */
  async function commit(offset: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await partition.commit(group, offset);
        return;
      } catch (error) {
        options.onRetry?.(error, attempt);
        if (stopped) return;
        await sleep(retryDelayMs(attempt));
      }
    }
  }

  async function run(): Promise<void> {
    while (!stopped) {
      const messages = partition.read(position, maxBatchSize);
      const last = messages.at(-1);
      if (!last) {
        await waitForMessages();
        continue;
      }
      const batch: ConsumedBatch = {
        topic: partition.topic,
        partition: 0,
        messages,
        nextOffset: last.offset + 1,
      };
      if (!(await deliver(batch))) return;
      await commit(batch.nextOffset);
      position = batch.nextOffset;
    }
  }

  let failure: { error: unknown } | undefined;
  const running = run().catch((error: unknown) => {
    failure = { error };
  });

  return {
    async stop() {
      stopped = true;
      interrupt?.();
      await running;
      partition.leave(group);
      if (failure) throw failure.error;
      await options.onRevoked?.([0]);
    },
  };
}
