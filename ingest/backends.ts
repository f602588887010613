// The seam back-ends chosen by configuration: the only module that knows them all.
import { join } from 'node:path';
import type { Config } from '../src/lib/shared/config';
import { createClickHouseWarehouse } from '../clickhouse/warehouse';
import { createInProcessBus } from './bus/in-process';
import { createKafkaBus } from './bus/kafka/index';
import type { Bus } from './bus/types';
import type { Logger } from './log';
import { createDuckDbWarehouse } from './warehouse/duckdb/index';
import type { Warehouse } from './warehouse/types';

/** `log` gets the Kafka client's warnings (broker lost, rebalances, retries). */
export function openBus(config: Config, dataDir: string, log: Logger): Bus {
  switch (config.BUS) {
    case 'inprocess':
      return createInProcessBus({ dir: join(dataDir, 'bus') });
    case 'kafka':
      return createKafkaBus({
        // loadConfig guarantees KAFKA_BROKERS with BUS=kafka.
        brokers: config.KAFKA_BROKERS!.split(','),
        clientId: `${config.KAFKA_CLIENT_ID}-${config.role}`,
        partitions: config.KAFKA_PARTITIONS,
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        logger: log,
      });
  }
}

export async function openWarehouse(config: Config, dataDir: string): Promise<Warehouse> {
  switch (config.WAREHOUSE) {
    case 'duckdb':
      return createDuckDbWarehouse({ path: join(dataDir, 'warehouse.duckdb') });
    case 'clickhouse':
      return createClickHouseWarehouse({
        url: config.CLICKHOUSE_URL!,
        database: config.CLICKHOUSE_DATABASE,
        username: config.CLICKHOUSE_USER,
        password: config.CLICKHOUSE_PASSWORD,
      });
  }
}
