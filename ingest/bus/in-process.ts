// The embedded default bus: every topic is one partition (0) inside this
// process, so messages keep publish order, which is per-brand order.
//
// Durable topics (events.raw by default) keep a message until every known
// consumer group has committed past it; given a folder they are segment files
// under `<dir>/<topic>/` that survive a crash, and a publish resolves only
// after fdatasync. Other topics (live.updates) are a bounded in-memory ring.
import { join } from 'node:path';
import { TOPICS, type Topic } from '../../src/lib/shared/topics';
import { startConsumer } from './consumer';
import { openTopicPartition, type TopicPartition } from './topic-partition';
import { BusUnavailableError, type Bus, type Subscription } from './types';

export interface InProcessBusOptions {
  /** Folder for durable topics; without it everything stays in memory (tests). */
  dir?: string;
  durableTopics?: Topic[];
  /** Uncommitted messages on a durable topic beyond which publish refuses. */
  maxBacklog?: number;
  /** Messages a non-durable topic keeps. */
  retentionMessages?: number;
  /** Segment size limits; a segment rolls at whichever comes first. */
  segmentBytes?: number;
  segmentMessages?: number;
}

export function createInProcessBus(options: InProcessBusOptions = {}): Bus {
  const durableTopics = new Set<Topic>(options.durableTopics ?? [TOPICS.eventsRaw]);
  const partitions = new Map<Topic, TopicPartition>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  function partitionOf(topic: Topic): TopicPartition {
    let partition = partitions.get(topic);
    if (!partition) {
      const durable = durableTopics.has(topic);
      partition = openTopicPartition({
        topic,
        retention: durable ? 'until-committed' : 'ring',
        maxBacklog: options.maxBacklog ?? 1_000_000,
        retentionMessages: options.retentionMessages ?? 10_000,
        dir: durable && options.dir !== undefined ? join(options.dir, topic) : undefined,
        segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024,
        segmentMessages: options.segmentMessages ?? 100_000,
      });
      partitions.set(topic, partition);
    }
    return partition;
  }

  // Read durable topics back now, so unconsumed messages are ready before the first subscriber.
  for (const topic of durableTopics) partitionOf(topic);

  return {
    async publish(topic, messages) {
      if (closed) throw new BusUnavailableError(`the bus is closed; ${topic} takes no messages`);
      await partitionOf(topic).publish(messages);
    },
    async subscribe(subscribeOptions) {
      if (closed) throw new BusUnavailableError('the bus is closed');
      const partition = partitionOf(subscribeOptions.topic);
      try {
        await partition.ready;
      } catch (error) {
        throw new BusUnavailableError(`${subscribeOptions.topic} could not be opened`, { cause: error });
      }
      const subscription = await startConsumer(partition, subscribeOptions);
      const tracked: Subscription = {
        async stop() {
          subscriptions.delete(tracked);
          await subscription.stop();
        },
      };
      subscriptions.add(tracked);
      return tracked;
    },
    partitionForKey: async () => 0,
    async pendingForKey(topic, group, key) {
      const partition = partitionOf(topic);
      await partition.ready;
      return partition.pendingByKey(group).get(key) ?? 0;
    },
    async pendingByKey(topic, group) {
      const partition = partitionOf(topic);
      await partition.ready;
      return partition.pendingByKey(group);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      await Promise.all([...partitions.values()].map((partition) => partition.close()));
    },
  };
}
