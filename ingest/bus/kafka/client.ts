// The kafkajs client every part of the Kafka bus shares, with kafkajs's own
// log lines routed into ours (its info is our debug: joins and rebalances are
// routine; its errors are our warnings: the bus reports real failures to its
// callers as errors they must handle).
import kafkajs, { type Kafka, type logCreator } from 'kafkajs';
import type { LogFields, Logger } from '../../log';

const { Kafka: KafkaClient, logLevel } = kafkajs;

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger?: Logger;
  /** Time to open a TCP connection to a broker. */
  connectionTimeoutMs: number;
  /** Time a broker has to answer one request. */
  requestTimeoutMs: number;
}

/**
 * Connecting and admin requests retry briefly: their callers (a publish, a
 * status request) answer "unavailable, try later" rather than hang. Consumers
 * pass CONSUMER_RETRY, which rides out a broker restart without rejoining.
 */
export const QUICK_RETRY = { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 };
export const CONSUMER_RETRY = { retries: 5, initialRetryTime: 300, maxRetryTime: 30_000 };

export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const { logger } = options;
  return new KafkaClient({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    retry: QUICK_RETRY,
    logLevel: logger ? logLevel.INFO : logLevel.NOTHING,
    logCreator: logger ? toLogCreator(logger) : undefined,
  });
}

function toLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const fields: LogFields = { namespace };
      for (const [key, value] of Object.entries(extra)) {
        if (key === 'timestamp' || key === 'logger') continue;
        fields[key] =
          value === null || ['string', 'number', 'boolean'].includes(typeof value)
            ? (value as string | number | boolean | null)
            : JSON.stringify(value);
      }
      const text = `kafkajs: ${message}`;
      if (level <= logLevel.WARN) logger.warn(text, fields);
      else logger.debug(text, fields);
    };
}
