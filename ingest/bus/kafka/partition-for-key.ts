// Which partition a key lands on: the producer's own partitioner (kafkajs's
// default, murmur2 like the Java client), asked with a made-up partition list
// of the right length, so this can never disagree with where publish put it.
import kafkajs, { type PartitionMetadata } from 'kafkajs';

const partitioner = kafkajs.Partitioners.DefaultPartitioner();

export function partitionForKey(key: string, partitionCount: number): number {
  if (!Number.isSafeInteger(partitionCount) || partitionCount < 1) {
    throw new RangeError(`partitionCount must be a positive integer, got ${partitionCount}`);
  }
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitionCount }, (_, id) => ({
    partitionId: id,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
