// Which Kafka failures mean "the bus cannot take this now, try later" (the
// ingest answers 503 + Retry-After) and which mean "never, as sent".
import kafkajs from 'kafkajs';
import { BusUnavailableError } from '../types';

/** Broker answers about the records themselves: retrying the same request cannot help. */
const REFUSED_AS_SENT = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
]);

/** The protocol error codes of an error and of every error it wraps. */
function errorTypes(error: unknown, seen = new Set<unknown>()): string[] {
  if (!(error instanceof Error) || seen.has(error)) return [];
  seen.add(error);
  const types: string[] = [];
  if (error instanceof kafkajs.KafkaJSProtocolError) types.push(error.type);
  if (error instanceof kafkajs.KafkaJSAggregateError) {
    for (const inner of error.errors) types.push(...errorTypes(inner, seen));
  }
  // kafkajs wraps the last attempt's error as `cause` when retries run out.
  if (error.cause !== undefined) types.push(...errorTypes(error.cause, seen));
  return types;
}

/**
 * A publish failure as the caller should see it: refused records stay the
 * error they are (not retriable); everything else (no broker, timeouts,
 * leaders moving, not enough in-sync replicas) becomes a `BusUnavailableError`.
 */
export function toPublishError(error: unknown, topic: string): Error {
  if (error instanceof BusUnavailableError) return error;
  if (errorTypes(error).some((type) => REFUSED_AS_SENT.has(type)) && error instanceof Error) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new BusUnavailableError(`Kafka did not accept the messages for ${topic}: ${reason}`, {
    cause: error,
  });
}

export function toUnavailable(what: string, error: unknown): BusUnavailableError {
  if (error instanceof BusUnavailableError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new BusUnavailableError(`${what}: ${reason}`, { cause: error });
}
