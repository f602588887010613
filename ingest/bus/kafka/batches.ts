// Turning what kafkajs fetched for one partition into our batches: offsets as
// numbers, keys and values as strings, at most maxBatchSize messages each, and
// nothing before the position this member is at (a fetch may start earlier).
import type { Topic } from '../../../src/lib/shared/topics';
import type { ConsumedBatch, ConsumedMessage } from '../types';

/** The part of a kafkajs message we read. */
export interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export function toConsumedBatches(
  topic: Topic,
  partition: number,
  fetched: readonly FetchedMessage[],
  from: number,
  maxBatchSize: number,
): ConsumedBatch[] {
  const messages: ConsumedMessage[] = [];
  for (const message of fetched) {
    const offset = Number(message.offset);
    if (offset < from) continue;
    messages.push({
      topic,
      partition,
      offset,
      // Our producer always sets both; a null (tombstone, foreign producer) reads as empty.
      key: message.key?.toString('utf8') ?? '',
      value: message.value?.toString('utf8') ?? '',
    });
  }
  const batches: ConsumedBatch[] = [];
  for (let start = 0; start < messages.length; start += maxBatchSize) {
    const slice = messages.slice(start, start + maxBatchSize);
    batches.push({ topic, partition, messages: slice, nextOffset: slice.at(-1)!.offset + 1 });
  }
  return batches;
}
