import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keepAlive } from '../../../../ingest/bus/kafka/keep-alive';

describe('keepAlive', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('heartbeats every interval until stopped', async () => {
    let beats = 0;
    const alive = keepAlive(async () => {
      beats++;
    }, 100);
    await vi.advanceTimersByTimeAsync(350);
    expect(beats).toBe(3);
    alive.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(beats).toBe(3);
    expect(alive.failure).toBeUndefined();
  });

  it('keeps the first failure (the rebalance the caller must rejoin for) and goes on beating', async () => {
    let beats = 0;
    const alive = keepAlive(async () => {
      beats++;
      throw new Error(`rebalancing ${beats}`);
    }, 100);
    await vi.advanceTimersByTimeAsync(250);
    alive.stop();
    expect(beats).toBe(2);
    expect((alive.failure?.error as Error).message).toBe('rebalancing 1');
  });
});
