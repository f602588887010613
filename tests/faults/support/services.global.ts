// vitest globalSetup of the faults project: a PRIVATE Kafka broker and
// ClickHouse server, on their own ports and run dirs (./services.ts), because
// the fault tests stop and start them and must never disturb the services
// other test projects use. Started here, removed (data and all) at teardown.
import { announced } from '../../support/infra-scripts';
import { CLICKHOUSE_URL, KAFKA_BROKERS, runScript, serviceEnv } from './services';

async function stopAll(): Promise<void> {
  // Each down script is harmless when its service never started; one failing must not skip the other.
  const results = await Promise.allSettled([
    runScript('infra/kafka/down.sh', serviceEnv.kafka),
    runScript('infra/clickhouse/down.sh', serviceEnv.clickhouse),
  ]);
  const failed = results.filter((result) => result.status === 'rejected');
  if (failed.length > 0) throw new AggregateError(failed.map((result) => result.reason));
}

export default async function setup(): Promise<() => Promise<void>> {
  try {
    // One at a time: on two cores, starting the JVM and ClickHouse together only slows both.
    const brokers = announced(await runScript('infra/kafka/up.sh', serviceEnv.kafka), 'KAFKA_BROKERS');
    const url = announced(await runScript('infra/clickhouse/up.sh', serviceEnv.clickhouse), 'CLICKHOUSE_URL');
    if (brokers !== KAFKA_BROKERS || url !== CLICKHOUSE_URL) {
      throw new Error(`the private services came up at ${brokers} and ${url}, not where asked`);
    }
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
  // FAULTS_KEEP=1 leaves the services (and each failed test's database) up for a look afterwards.
  return process.env.FAULTS_KEEP === '1' ? async () => {} : stopAll;
}
