// Our topic names on the broker, and creating them at first use. Topics are
// created explicitly (brokers run with auto.create.topics.enable=false) with
// the configured partition count; one that already exists is left as it is.
import type { Admin, ITopicConfig } from 'kafkajs';
import { TOPICS, type Topic } from '../../../src/lib/shared/topics';

export interface TopicSettings {
  /** Prepended to every topic name (tests give each run its own). */
  prefix: string;
  partitions: number;
  /** Absent: the broker's default.replication.factor. */
  replicationFactor?: number;
}

/** live.updates feeds browsers that take a snapshot first: an hour of deltas is plenty. */
const LIVE_RETENTION_MS = 60 * 60 * 1000;
/** Retention deletes whole closed segments, so a short retention needs segments that close. */
const LIVE_SEGMENT_MS = 10 * 60 * 1000;

export function brokerTopicName(settings: TopicSettings, topic: Topic): string {
  return `${settings.prefix}${topic}`;
}

export function topicConfig(settings: TopicSettings, topic: Topic): ITopicConfig {
  const configEntries: { name: string; value: string }[] = [];
  if (topic === TOPICS.liveUpdates) {
    configEntries.push(
      { name: 'retention.ms', value: String(LIVE_RETENTION_MS) },
      { name: 'segment.ms', value: String(LIVE_SEGMENT_MS) },
    );
  }
  // With three or more replicas an ack from "all in-sync replicas" means at least two copies.
  if (settings.replicationFactor !== undefined && settings.replicationFactor >= 3) {
    configEntries.push({ name: 'min.insync.replicas', value: '2' });
  }
  return {
    topic: brokerTopicName(settings, topic),
    numPartitions: settings.partitions,
    replicationFactor: settings.replicationFactor ?? -1,
    configEntries,
  };
}

/**
 * `ensure(topic)` resolves once the topic exists with leaders elected. The first
 * call per topic creates it; a failed attempt is forgotten so the next call tries again.
 */
export function createTopicEnsurer(settings: TopicSettings, admin: () => Promise<Admin>) {
  const ready = new Map<Topic, Promise<void>>();

  async function create(topic: Topic): Promise<void> {
    const client = await admin();
    // Resolves false when the topic already exists; other errors reject.
    await client.createTopics({ topics: [topicConfig(settings, topic)], waitForLeaders: true });
  }

  return {
    ensure(topic: Topic): Promise<void> {
      let promise = ready.get(topic);
      if (!promise) {
        promise = create(topic).catch((error: unknown) => {
          ready.delete(topic);
          throw error;
        });
        ready.set(topic, promise);
      }
      return promise;
    },
  };
}
