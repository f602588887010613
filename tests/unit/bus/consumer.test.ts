import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../ingest/bus/consumer';

describe('retry backoff', () => {
  it('starts at 50 ms, doubles, and stays at 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(retryDelayMs)).toEqual([
      50, 100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });
});
