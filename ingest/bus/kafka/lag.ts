// What a consumer group has not yet committed, read from the broker: per
// partition, the high-water mark minus the group's committed offset (the log
// start when it never committed). Kafka does not count per key, so a key's
// pending count is the lag of the partition the key hashes to: an upper bound
// that is 0 exactly when nothing of that key is pending.
import type { Admin } from 'kafkajs';
import { partitionForKey } from './partition-for-key';

/** Lag per partition, in partition order. */
export async function partitionLags(admin: Admin, topic: string, group: string): Promise<number[]> {
  const [watermarks, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId: group, topics: [topic] }),
  ]);
  const committedByPartition = new Map<number, number>();
  for (const entry of committed.find((t) => t.topic === topic)?.partitions ?? []) {
    const offset = Number(entry.offset);
    // -1: the group never committed this partition.
    if (offset >= 0) committedByPartition.set(entry.partition, offset);
  }
  const lags: number[] = [];
  for (const { partition, high, low } of watermarks) {
    const from = Math.max(committedByPartition.get(partition) ?? Number(low), Number(low));
    lags[partition] = Math.max(0, Number(high) - from);
  }
  return lags;
}

export function lagForKey(lags: readonly number[], key: string): number {
  return lags[partitionForKey(key, lags.length)] ?? 0;
}
