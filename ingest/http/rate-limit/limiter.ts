// Per-brand token buckets, in the ingest process's memory. Brands share bus
// partitions, so a brand's flood would queue ahead of every other brand's
// events; a bucket lets each brand put at most `events_per_second` on the bus
// over time, with up to `burst` at once.
//
// The rules:
// - A bucket holds up to `burst` tokens and refills continuously at
//   `events_per_second`. A request takes `cost` tokens (its number of events)
//   only if all of them are there: all or nothing, never half a batch.
// - A request costing more than the whole burst could never fit. It is
//   admitted from a full bucket and leaves it in debt, so it waits instead of
//   being refused for ever, and the rate over time still holds.
// - The limit is passed in at every call, so a brands-file edit applies at the
//   next request; a lower burst caps what a bucket holds at once.
// - A bucket idle for `idleMs` that has refilled to full is evicted. A new
//   bucket starts full, so eviction changes no answer, and memory stays
//   proportional to the brands sending now.
import type { BrandSettings } from '../../brands/types';

export type RateLimit = BrandSettings['rate_limit'];

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes `cost` tokens from the brand's bucket if they are all there, else none. */
  take(brandId: string, limit: RateLimit, cost: number): Admission;
  /** Buckets held in memory now. */
  bucketCount(): number;
}

export interface RateLimiterOptions {
  /** Monotonic milliseconds; default `performance.now`, so a wall-clock jump neither fills nor drains a bucket. */
  now?: () => number;
  /** How long a bucket sits unused before it may be evicted; default 60 s. */
  idleMs?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
  /** The limit of the last call, to tell at eviction time whether the bucket is full. */
  limit: RateLimit;
}

/** Refill arithmetic in floating point must not refuse a request that fits exactly. */
const EPSILON = 1e-9;

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? (() => performance.now());
  const idleMs = options.idleMs ?? 60_000;
  const buckets = new Map<string, Bucket>();
  let lastSweepMs = now();

  const tokensAt = (bucket: Bucket, limit: RateLimit, atMs: number): number => {
    const elapsedSeconds = Math.max(0, atMs - bucket.updatedMs) / 1000;
    return Math.min(limit.burst, bucket.tokens + elapsedSeconds * limit.events_per_second);
  };

  // At most once per idle period, so the cost is one pass over the active brands per `idleMs`.
  const sweep = (atMs: number): void => {
    if (atMs - lastSweepMs < idleMs) return;
    lastSweepMs = atMs;
    for (const [brandId, bucket] of buckets) {
      const idle = atMs - bucket.updatedMs >= idleMs;
      // Only a full bucket goes: a new one starts full, so a brand in debt is never forgiven.
      if (idle && tokensAt(bucket, bucket.limit, atMs) + EPSILON >= bucket.limit.burst) {
        buckets.delete(brandId);
      }
    }
  };

  return {
    take(brandId, limit, cost) {
      if (!Number.isInteger(cost) || cost < 1) {
        throw new RangeError(`cost must be a whole number ≥ 1, got ${cost}`);
      }
      const atMs = now();
      sweep(atMs);
      const bucket = buckets.get(brandId) ?? { tokens: limit.burst, updatedMs: atMs, limit };
      bucket.tokens = tokensAt(bucket, limit, atMs);
      bucket.updatedMs = atMs;
      bucket.limit = limit;
      buckets.set(brandId, bucket);

      const needed = Math.min(cost, limit.burst);
      if (bucket.tokens + EPSILON >= needed) {
        bucket.tokens -= cost;
        return { admitted: true };
      }
      const deficit = needed - bucket.tokens;
      return {
        admitted: false,
        retryAfterSeconds: Math.max(1, Math.ceil(deficit / limit.events_per_second - EPSILON)),
      };
    },
    bucketCount: () => buckets.size,
  };
}
