import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { toPublishError } from '../../../../ingest/bus/kafka/errors';
import { BusUnavailableError } from '../../../../ingest/bus/types';

/** A broker error as kafkajs builds it from a response's error code. */
function protocolError(type: string, retriable: boolean) {
  return new kafkajs.KafkaJSProtocolError(
    Object.assign(new Error(`broker says ${type}`), { type, retriable }),
  );
}

describe('toPublishError', () => {
  it.each([
    ['no broker answers', new kafkajs.KafkaJSConnectionError('Connection error: connect ECONNREFUSED')],
    ['not enough in-sync replicas', protocolError('NOT_ENOUGH_REPLICAS', true)],
    ['a leader moving', protocolError('NOT_LEADER_FOR_PARTITION', true)],
    ['a request timing out', new kafkajs.KafkaJSRequestTimeoutError('Request produce(key: 0) timed out')],
    [
      'retries running out on a connection error',
      new kafkajs.KafkaJSNumberOfRetriesExceeded(new kafkajs.KafkaJSConnectionError('refused'), {
        retryCount: 2,
        retryTime: 1000,
      }),
    ],
    ['something unknown', new Error('socket hang up')],
  ])('turns %s into a retriable BusUnavailableError naming the topic', (_, error) => {
    const result = toPublishError(error, 'events.raw');
    expect(result).toBeInstanceOf(BusUnavailableError);
    expect(result).toMatchObject({ retriable: true, cause: error });
    expect(result.message).toContain('events.raw');
  });

  it.each(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'TOPIC_AUTHORIZATION_FAILED'])(
    'leaves %s as the error it is: retrying the same records cannot help',
    (type) => {
      const refused = protocolError(type, false);
      expect(toPublishError(refused, 'events.raw')).toBe(refused);
      // Also when kafkajs wrapped it after its retries.
      const wrapped = new kafkajs.KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 1, retryTime: 10 });
      expect(toPublishError(wrapped, 'events.raw')).toBe(wrapped);
      expect(toPublishError(wrapped, 'events.raw')).not.toBeInstanceOf(BusUnavailableError);
    },
  );

  it('passes a BusUnavailableError through unchanged', () => {
    const unavailable = new BusUnavailableError('closed');
    expect(toPublishError(unavailable, 'events.raw')).toBe(unavailable);
  });
});
