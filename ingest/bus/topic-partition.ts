// Partition 0 of one topic in the in-process bus: the retained messages, the
// consumer groups' committed offsets, and the write path.
//
// Two retention rules:
// - 'until-committed' (events.raw): a message stays until every known group
//   has committed past it, released a whole segment at a time. With a folder
//   it is written to segment files, and a publish resolves only once its
//   bytes are fdatasync'd. Publishes that arrive while a write is in flight
//   queue up and share the next write (group commit), so many concurrent
//   requests cost one fsync.
// - 'ring' (live.updates): the newest `retentionMessages` only; a consumer
//   that falls behind skips what was dropped.
import { join } from 'node:path';
import type { Topic } from '../../src/lib/shared/topics';
import { createMessageLog, type MessageLog } from './message-log';
import { createOffsetsWriter, readOffsets } from './offsets-file';
import { openSegmentStore, type SegmentStore } from './segment-store';
import { BusUnavailableError, type ConsumedMessage, type OutgoingMessage } from './types';

export interface TopicPartitionOptions {
  topic: Topic;
  retention: 'until-committed' | 'ring';
  /** Uncommitted messages beyond which publish refuses ('until-committed' only). */
  maxBacklog: number;
  /** Messages a 'ring' keeps. */
  retentionMessages: number;
  /** Folder for segments and offsets.json; memory only without it. */
  dir?: string;
  segmentBytes: number;
  segmentMessages: number;
}

export interface TopicPartition {
  readonly topic: Topic;
  /** Resolves once the files are read back; rejects with the reason they could not be. */
  readonly ready: Promise<void>;
  start(): number;
  end(): number;
  read(from: number, max: number): ConsumedMessage[];
  /** Calls `listener` after every append; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void;
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  committed(group: string): number | undefined;
  /** Claims the partition for one member of `group`, which starts reading at `position`. */
  join(group: string, position: number): void;
  leave(group: string): void;
  /** Records (and with a folder, persists) that `group` is done with everything before `offset`. */
  commit(group: string, offset: number): Promise<void>;
  pendingByKey(group: string): Map<string, number>;
  close(): Promise<void>;
}

interface QueuedPublish {
  messages: readonly OutgoingMessage[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function openTopicPartition(options: TopicPartitionOptions): TopicPartition {
  const { topic, dir } = options;
  let log: MessageLog = createMessageLog(0);
  let store: SegmentStore | undefined;
  let persistOffsets: (() => Promise<void>) | undefined;
  const committedOffsets = new Map<string, number>();
  const members = new Set<string>();
  const listeners = new Set<() => void>();
  const queue: QueuedPublish[] = [];
  let queuedMessages = 0;
  let flushing = false;
  let flushed: Promise<void> = Promise.resolve();
  let closed = false;

  const ready = (async () => {
    if (dir === undefined) return;
    const offsetsPath = join(dir, 'offsets.json');
    const saved = await readOffsets(offsetsPath);
    for (const [group, offset] of saved) committedOffsets.set(group, offset);
    const opened = await openSegmentStore({
      dir,
      segmentBytes: options.segmentBytes,
      segmentMessages: options.segmentMessages,
      emptyStart: Math.max(0, ...saved.values()),
    });
    store = opened.store;
    log = createMessageLog(opened.start, opened.messages);
    persistOffsets = createOffsetsWriter(offsetsPath, committedOffsets);
  })();
  // Surfaced by the first publish or subscribe, not as an unhandled rejection.
  ready.catch(() => undefined);

  function lowestCommitted(): number {
    if (committedOffsets.size === 0) return log.start;
    return Math.max(log.start, Math.min(...committedOffsets.values()));
  }

  function backlog(): number {
    return log.end - lowestCommitted() + queuedMessages;
  }

  function notify(): void {
    for (const listener of [...listeners]) listener();
  }

  function scheduleFlush(): void {
    if (flushing) return;
    flushing = true;
    flushed = flushQueue();
  }

  async function flushQueue(): Promise<void> {
    try {
      while (queue.length > 0) {
        const group = queue.splice(0);
        const messages = group.flatMap((queued) => queued.messages);
        try {
          if (store) await store.append(messages);
          log.append(messages);
          if (options.retention === 'ring' && log.end - log.start > options.retentionMessages) {
            log.dropBefore(log.end - options.retentionMessages);
          }
          for (const queued of group) queued.resolve();
          notify();
        } catch (error) {
          const failure = new BusUnavailableError(`could not write to ${topic}: ${describe(error)}`, {
            cause: error,
          });
          for (const queued of group) queued.reject(failure);
        } finally {
          queuedMessages -= messages.length;
        }
      }
    } finally {
      flushing = false;
    }
  }

  async function releaseCommitted(): Promise<void> {
    if (options.retention !== 'until-committed') return;
    const lowest = lowestCommitted();
    if (store) log.dropBefore(await store.deleteBefore(lowest));
    // In memory, release in whole segment-sized steps too, so both modes retain alike.
    else log.dropBefore(lowest - (lowest % options.segmentMessages));
  }

  return {
    topic,
    ready,
    start: () => log.start,
    end: () => log.end,
    read(from, max) {
      return log.read(from, max).map(({ offset, message }) => ({
        topic,
        partition: 0,
        offset,
        key: message.key,
        value: message.value,
      }));
    },
    onAppend(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async publish(messages) {
      if (closed) throw new BusUnavailableError(`the bus is closed; ${topic} takes no messages`);
      try {
        await ready;
      } catch (error) {
        throw new BusUnavailableError(`${topic} could not be opened: ${describe(error)}`, { cause: error });
      }
      if (messages.length === 0) return;
      if (options.retention === 'until-committed' && backlog() + messages.length > options.maxBacklog) {
        throw new BusUnavailableError(
          `${topic} holds ${backlog()} uncommitted messages (limit ${options.maxBacklog}); consumers are behind`,
        );
      }
      queuedMessages += messages.length;
      const written = new Promise<void>((resolve, reject) => queue.push({ messages, resolve, reject }));
      scheduleFlush();
      return written;
    },
    committed: (group) => committedOffsets.get(group),
    join(group, position) {
      if (members.has(group)) throw new Error(`group ${group} already has a consumer on ${topic}`);
      members.add(group);
      // A new group holds back retention from where it starts reading.
      if (!committedOffsets.has(group)) committedOffsets.set(group, position);
    },
    leave(group) {
      members.delete(group);
    },
    async commit(group, offset) {
      committedOffsets.set(group, Math.max(offset, committedOffsets.get(group) ?? 0));
      // Segments go only after the offsets that release them are on disk.
      if (persistOffsets) await persistOffsets();
      await releaseCommitted();
    },
    pendingByKey(group) {
      const from = Math.max(committedOffsets.get(group) ?? 0, log.start);
      const pending = new Map<string, number>();
      for (const { message } of log.read(from, log.end - from)) {
        pending.set(message.key, (pending.get(message.key) ?? 0) + 1);
      }
      return pending;
    },
    async close() {
      closed = true;
      await ready.catch(() => undefined);
      while (flushing) await flushed;
      if (persistOffsets) await persistOffsets();
      await store?.close();
    },
  };
}
