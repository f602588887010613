// Which answers are retried, and the exact delays.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKOFF,
  classifyResponse,
  parseRetryAfter,
  retryDelayMs,
} from '../../../ingest/alerts/retry-policy';

const NOW = Date.parse('2026-03-01T10:00:00Z');

describe('classifyResponse', () => {
  it('delivers on any 2xx', () => {
    expect(classifyResponse(200, null, '', NOW)).toEqual({ kind: 'delivered', status: 200 });
    expect(classifyResponse(204, null, '', NOW)).toEqual({ kind: 'delivered', status: 204 });
  });

  it('retries 408, 429 and 5xx, with Retry-After when given', () => {
    expect(classifyResponse(503, null, 'down', NOW)).toEqual({
      kind: 'retriable',
      status: 503,
      error: 'HTTP 503: down',
      retryAfterMs: null,
    });
    expect(classifyResponse(429, '30', '', NOW)).toEqual({
      kind: 'retriable',
      status: 429,
      error: 'HTTP 429',
      retryAfterMs: 30_000,
    });
    expect(classifyResponse(408, null, '', NOW).kind).toBe('retriable');
    expect(classifyResponse(500, null, '', NOW).kind).toBe('retriable');
  });

  it('gives up on other 4xx and on redirects, which the same request would meet again', () => {
    expect(classifyResponse(400, null, 'invalid_payload', NOW)).toEqual({
      kind: 'permanent',
      status: 400,
      error: 'HTTP 400: invalid_payload',
    });
    expect(classifyResponse(404, null, 'no_service', NOW).kind).toBe('permanent');
    expect(classifyResponse(410, null, '', NOW).kind).toBe('permanent');
    expect(classifyResponse(301, null, '', NOW).kind).toBe('permanent');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:00:45 GMT', NOW)).toBe(45_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-5', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});

describe('retryDelayMs', () => {
  it('doubles from 1 s and stops at 5 min', () => {
    const delays = Array.from({ length: 11 }, (_, i) => retryDelayMs(i + 1, null, DEFAULT_BACKOFF) / 1000);
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
  });

  it('waits at least as long as Retry-After asks, within the cap, never less than the backoff', () => {
    expect(retryDelayMs(1, 30_000, DEFAULT_BACKOFF)).toBe(30_000);
    expect(retryDelayMs(1, 86_400_000, DEFAULT_BACKOFF)).toBe(300_000);
    expect(retryDelayMs(4, 0, DEFAULT_BACKOFF)).toBe(8_000);
  });

  it('with the defaults, 20 attempts fit in the hour a notification is retried for', () => {
    let at = 0;
    let attempts = 1;
    while (at + retryDelayMs(attempts, null, DEFAULT_BACKOFF) <= DEFAULT_BACKOFF.giveUpAfterMs) {
      at += retryDelayMs(attempts, null, DEFAULT_BACKOFF);
      attempts += 1;
    }
    expect({ attempts, lastAttemptAtS: at / 1000 }).toEqual({ attempts: 20, lastAttemptAtS: 3511 });
  });
});
