// The production bus: Kafka's protocol through kafkajs (Redpanda in
// production, Apache Kafka in the tests). Topics are created at first use with
// `partitions` partitions; every message is keyed by brand id, so a brand stays
// on one partition and one group member owns it at a time (per-brand order).
//
// The parts, beside this file: publisher (idempotent producer, acks=all, bounded
// wait), subscription (a consumer-group member: slices, commit after onBatch,
// retries, positioning on assignment), lag (pending = high-water mark minus
// committed offset), topics (names and creation).
import type { Admin } from 'kafkajs';
import type { Topic } from '../../../src/lib/shared/topics';
import type { Logger } from '../../log';
import { createKafkaClient, QUICK_RETRY } from './client';
import { deadlineAfter } from './deadline';
import { toUnavailable } from './errors';
import { lagForKey, partitionLags } from './lag';
import { partitionForKey } from './partition-for-key';
import { createPublisher } from './publisher';
import { startKafkaSubscription, type GroupTimings } from './subscription';
import { brokerTopicName, createTopicEnsurer, type TopicSettings } from './topics';
import { retryDelayMs } from '../consumer';
import { BusUnavailableError, type Bus, type Subscription } from '../types';

export interface KafkaBusOptions {
  /** host:port of one or more brokers. */
  brokers: string[];
  clientId: string;
  /** Partitions per topic when the bus creates it: the most processors that can share the work. */
  partitions: number;
  /** Absent: the broker's default. */
  replicationFactor?: number;
  /**
   * Prepended to every topic name and consumer group id, so buses with
   * different prefixes never meet on one cluster (tests give each case its own).
   */
  topicPrefix?: string;
  logger?: Logger;
  /** Longest a publish may wait for the broker's acknowledgement (default 5 s). */
  publishTimeoutMs?: number;
  /** Consumer-group timings; the defaults suit production. */
  group?: Partial<GroupTimings>;
  /** How long `subscribe` keeps retrying while the broker cannot take a group member (default 2 min). */
  startupTimeoutMs?: number;
}

const DEFAULT_GROUP_TIMINGS: GroupTimings = {
  // After a broker restart kafkajs rejoins as a new member, and the coordinator waits for the
  // old one to time out before it assigns anything: with 30 s the processor sat idle for 30 s
  // (tests/faults/broker-down). Heartbeats go on during long batches (keep-alive.ts).
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 60_000,
  heartbeatIntervalMs: 1_000,
  maxWaitMs: 500,
  joinTimeoutMs: 60_000,
};

export function createKafkaBus(options: KafkaBusOptions): Bus {
  if (options.brokers.length === 0) throw new RangeError('createKafkaBus needs at least one broker');
  if (!Number.isSafeInteger(options.partitions) || options.partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${options.partitions}`);
  }
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const startupTimeoutMs = options.startupTimeoutMs ?? 120_000;
  const timings: GroupTimings = { ...DEFAULT_GROUP_TIMINGS, ...options.group };
  const kafka = createKafkaClient({
    brokers: options.brokers,
    clientId: options.clientId,
    logger: options.logger,
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: Math.max(publishTimeoutMs, 5_000),
  });
  const topicSettings: TopicSettings = {
    prefix: options.topicPrefix ?? '',
    partitions: options.partitions,
    replicationFactor: options.replicationFactor,
  };
  const brokerTopic = (topic: Topic) => brokerTopicName(topicSettings, topic);
  const brokerGroup = (group: string) => `${topicSettings.prefix}${group}`;

  // One admin client for topic creation and offset reads, connected on first use.
  // Few, quick retries: its callers (publish, a status request) must not hang.
  const admin: Admin = kafka.admin({ retry: QUICK_RETRY });
  let adminConnected: Promise<Admin> | undefined;
  function connectedAdmin(): Promise<Admin> {
    adminConnected ??= admin.connect().then(
      () => admin,
      (error: unknown) => {
        adminConnected = undefined;
        throw error;
      },
    );
    return adminConnected;
  }

  const topics = createTopicEnsurer(topicSettings, connectedAdmin);
  const publisher = createPublisher({
    kafka,
    ensureTopic: topics.ensure,
    brokerTopic,
    timeoutMs: publishTimeoutMs,
    maxRequestBytes: 512 * 1024,
  });
  /** Keys this bus published or delivered, per topic: all pendingByKey can name on Kafka. */
  const knownKeys = new Map<Topic, Set<string>>();
  function remember(topic: Topic, key: string) {
    let keys = knownKeys.get(topic);
    if (!keys) knownKeys.set(topic, (keys = new Set()));
    keys.add(key);
  }
  const subscriptions = new Set<Subscription>();
  let closed = false;

  /** Lag per partition, or BusUnavailableError within publishTimeoutMs (a status request waits on it). */
  async function lags(topic: Topic, group: string): Promise<number[]> {
    if (closed) throw new BusUnavailableError('the bus is closed');
    const what = `the lag of ${group} on ${brokerTopic(topic)}`;
    const { promise: deadline, cancel } = deadlineAfter(
      publishTimeoutMs,
      () => new BusUnavailableError(`Kafka did not tell ${what} within ${publishTimeoutMs} ms`),
    );
    const read = async () => {
      await topics.ensure(topic);
      return partitionLags(await connectedAdmin(), brokerTopic(topic), brokerGroup(group));
    };
    try {
      return await Promise.race([read(), deadline]);
    } catch (error) {
      throw toUnavailable(`could not read ${what}`, error);
    } finally {
      cancel();
    }
  }

  /** Partitions per topic, read once: a topic's partitions only grow by an operator's hand, and keys move then anyway. */
  const partitionCounts = new Map<Topic, Promise<number>>();
  function partitionCount(topic: Topic): Promise<number> {
    let count = partitionCounts.get(topic);
    if (!count) {
      count = (async () => {
        await topics.ensure(topic);
        return (await (await connectedAdmin()).fetchTopicOffsets(brokerTopic(topic))).length;
      })();
      count.catch(() => partitionCounts.delete(topic)); // asked again next time
      partitionCounts.set(topic, count);
    }
    return count;
  }

  return {
    async publish(topic, messages) {
      await publisher.publish(topic, messages);
      for (const message of messages) remember(topic, message.key);
    },
    async subscribe(subscribeOptions) {
      const { topic } = subscribeOptions;
      const start = async () => {
        try {
          await topics.ensure(topic);
        } catch (error) {
          throw toUnavailable(`could not create ${brokerTopic(topic)}`, error);
        }
        return startKafkaSubscription(
          {
            kafka,
            admin: connectedAdmin,
            brokerTopic: brokerTopic(topic),
            timings,
            onKey: (key) => remember(topic, key),
            logger: options.logger,
          },
          { ...subscribeOptions, group: brokerGroup(subscribeOptions.group) },
        );
      };
      // A broker that has just started may not have a group coordinator yet
      // ("Failed to find group coordinator"): a role started beside it (docker
      // compose up) keeps trying for a while instead of exiting.
      const giveUpAt = Date.now() + startupTimeoutMs;
      let subscription: Subscription | undefined;
      for (let attempt = 1; !subscription; attempt++) {
        if (closed) throw new BusUnavailableError('the bus is closed');
        try {
          subscription = await start();
        } catch (error) {
          if (!(error instanceof BusUnavailableError) || Date.now() >= giveUpAt) throw error;
          subscribeOptions.onRetry?.(error, attempt);
          options.logger?.warn('kafka subscribe failed; retrying', { attempt, error: String(error) });
          await new Promise((done) => setTimeout(done, retryDelayMs(attempt)));
        }
      }
      const tracked: Subscription = {
        async stop() {
          subscriptions.delete(tracked);
          await subscription.stop();
        },
      };
      subscriptions.add(tracked);
      return tracked;
    },
    async pendingForKey(topic, group, key) {
      return lagForKey(await lags(topic, group), key);
    },
    async partitionForKey(topic, key) {
      return partitionForKey(key, await partitionCount(topic));
    },
    async pendingByKey(topic, group) {
      const partitionLag = await lags(topic, group);
      const pending = new Map<string, number>();
      for (const key of knownKeys.get(topic) ?? []) {
        const lag = lagForKey(partitionLag, key);
        if (lag > 0) pending.set(key, lag);
      }
      return pending;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      await publisher.close();
      await admin.disconnect();
    },
  };
}
