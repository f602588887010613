// Kafka and ClickHouse for tests that run Signalroom on its production
// back-ends: the addresses the integration project's global setup exported,
// a fresh topic prefix and a fresh database per run, and their removal after.
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { openConnection } from '../../clickhouse/connection';
import { identifier, sql } from '../../clickhouse/sql';

export interface ProductionServices {
  kafkaBrokers: string;
  clickHouseUrl: string;
}

/** The running services, or an error naming how to start them (these tests never skip themselves). */
export function productionServices(env: Record<string, string | undefined>): ProductionServices {
  const { KAFKA_BROKERS: kafkaBrokers, CLICKHOUSE_URL: clickHouseUrl } = env;
  if (!kafkaBrokers || !clickHouseUrl) {
    throw new Error(
      'KAFKA_BROKERS and CLICKHOUSE_URL must be set: run with `npx vitest run --project integration` ' +
        '(its global setup starts both), or start them with infra/kafka/up.sh and infra/clickhouse/up.sh.',
    );
  }
  return { kafkaBrokers, clickHouseUrl };
}

/** Names no other run uses: a topic prefix (also prefixes consumer groups) and a database. */
export function freshNames(label: string): { topicPrefix: string; database: string } {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  return { topicPrefix: `it-${label}-${id}-`, database: `signalroom_it_${label}_${id}` };
}

/** The env entries that put a Signalroom process on Kafka and ClickHouse under `names`. */
export function productionEnv(
  services: ProductionServices,
  names: { topicPrefix: string; database: string },
): Record<string, string> {
  return {
    BUS: 'kafka',
    KAFKA_BROKERS: services.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: names.topicPrefix,
    WAREHOUSE: 'clickhouse',
    CLICKHOUSE_URL: services.clickHouseUrl,
    CLICKHOUSE_DATABASE: names.database,
  };
}

/** Deletes the run's topics and consumer groups and drops its database; each step runs even if another fails. */
export async function removeRunData(
  services: ProductionServices,
  names: { topicPrefix: string; database: string },
): Promise<void> {
  const results = await Promise.allSettled([
    deleteTopics(services.kafkaBrokers, names.topicPrefix),
    dropDatabase(services.clickHouseUrl, names.database),
  ]);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

async function deleteTopics(brokers: string, prefix: string): Promise<void> {
  const admin = new kafkajs.Kafka({
    brokers: brokers.split(','),
    clientId: 'signalroom-tests-cleanup',
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    // Groups first: a group whose topic is gone may vanish on its own meanwhile (not found is fine).
    // The processor's and every dashboard's consumer group carry the prefix too.
    const groups = (await admin.listGroups()).groups
      .map((group) => group.groupId)
      .filter((groupId) => groupId.startsWith(prefix));
    if (groups.length > 0) {
      await admin.deleteGroups(groups).catch((error: unknown) => {
        const failed = (
          (error as { groups?: Array<{ groupId: string; error: { type?: string } }> }).groups ?? []
        ).filter((group) => group.error.type !== 'GROUP_ID_NOT_FOUND');
        if (failed.length > 0 || !(error as { groups?: unknown }).groups)
          throw new Error(
            `could not delete consumer groups ${failed.map((group) => group.groupId).join(', ')}`,
            {
              cause: error,
            },
          );
      });
    }
    const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
}

async function dropDatabase(url: string, database: string): Promise<void> {
  const server = openConnection({ url });
  try {
    await server.run(sql`DROP DATABASE IF EXISTS ${identifier(database)}`, 'drop test database');
  } finally {
    await server.close();
  }
}
