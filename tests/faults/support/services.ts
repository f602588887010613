// The fault tests' private Kafka broker and ClickHouse server: where they
// listen and live, and the infra/ scripts that stop and start them. Ports and
// run dirs differ from the shared test services (19092, 18123/19000), so the
// faults project can kill its own without touching anyone else's.
import { runInfraScript as runScript } from '../../support/infra-scripts';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');

export const PRIVATE_SERVICES = {
  kafka: { port: 19192, controllerPort: 19193, runDir: '.cache/kafka/faults' },
  clickhouse: { httpPort: 18223, tcpPort: 19100, runDir: '.cache/clickhouse/faults' },
} as const;

export const KAFKA_BROKERS = `127.0.0.1:${PRIVATE_SERVICES.kafka.port}`;
export const CLICKHOUSE_URL = `http://127.0.0.1:${PRIVATE_SERVICES.clickhouse.httpPort}`;

/** What the infra/ scripts read to act on the private services rather than the shared ones. */
export const serviceEnv = {
  kafka: {
    KAFKA_RUN_DIR: PRIVATE_SERVICES.kafka.runDir,
    KAFKA_PORT: String(PRIVATE_SERVICES.kafka.port),
    KAFKA_CONTROLLER_PORT: String(PRIVATE_SERVICES.kafka.controllerPort),
  },
  clickhouse: {
    CLICKHOUSE_RUN_DIR: PRIVATE_SERVICES.clickhouse.runDir,
    CLICKHOUSE_HTTP_PORT: String(PRIVATE_SERVICES.clickhouse.httpPort),
    CLICKHOUSE_TCP_PORT: String(PRIVATE_SERVICES.clickhouse.tcpPort),
  },
};

/** Stops the private broker, keeping its topics, messages and offsets. */
export const stopBroker = () => runScript('infra/kafka/stop-broker.sh', serviceEnv.kafka);
/** Starts it again on the same data; resolves once it answers metadata requests. */
export const startBroker = () => runScript('infra/kafka/start-broker.sh', serviceEnv.kafka);
/** Stops the private ClickHouse server, keeping its data. */
export const stopClickHouse = () => runScript('infra/clickhouse/stop-server.sh', serviceEnv.clickhouse);
/** Starts it again on the same data; resolves once it answers /ping. */
export const startClickHouse = () => runScript('infra/clickhouse/start-server.sh', serviceEnv.clickhouse);

export { runScript };
