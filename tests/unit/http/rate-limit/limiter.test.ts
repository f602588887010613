// The token buckets on an injected clock: no sleeps, every instant chosen.
import { describe, expect, it } from 'vitest';
import { createRateLimiter, type RateLimit } from '../../../../ingest/http/rate-limit';

function clock(startMs = 1_000) {
  let ms = startMs;
  return { now: () => ms, advance: (byMs: number) => (ms += byMs) };
}

const LIMIT: RateLimit = { events_per_second: 10, burst: 20 };

describe('rate limiter: one brand', () => {
  it('lets a steady rate under the limit through for as long as it lasts', () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now });
    // 8 events/s against 10/s, for a minute: never refused, even with the burst spent at the start.
    expect(limiter.take('acme', LIMIT, 20)).toEqual({ admitted: true });
    for (let second = 0; second < 60; second++) {
      t.advance(1000);
      expect(limiter.take('acme', LIMIT, 8)).toEqual({ admitted: true });
    }
  });

  it('refuses past the burst, with Retry-After from the deficit and the rate', () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now });
    for (let i = 0; i < 20; i++) expect(limiter.take('acme', LIMIT, 1).admitted).toBe(true);
    // Empty: 1 event is 0.1 s away, rounded up to the whole second HTTP can say.
    expect(limiter.take('acme', LIMIT, 1)).toEqual({ admitted: false, retryAfterSeconds: 1 });
    // 15 events at 10/s: 1.5 s → 2.
    expect(limiter.take('acme', LIMIT, 15)).toEqual({ admitted: false, retryAfterSeconds: 2 });
    t.advance(500); // 5 back
    // 20 needed, 5 there: 1.5 s → 2.
    expect(limiter.take('acme', LIMIT, 20)).toEqual({ admitted: false, retryAfterSeconds: 2 });
    // Exactly 3 s of deficit says 3, not 4.
    const slow = createRateLimiter({ now: t.now });
    expect(slow.take('acme', { events_per_second: 2, burst: 6 }, 6).admitted).toBe(true);
    expect(slow.take('acme', { events_per_second: 2, burst: 6 }, 6)).toEqual({
      admitted: false,
      retryAfterSeconds: 3,
    });
  });

  it('refills over time, but never beyond the burst', () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now });
    expect(limiter.take('acme', LIMIT, 20).admitted).toBe(true);
    t.advance(999);
    expect(limiter.take('acme', LIMIT, 10).admitted).toBe(false);
    t.advance(1); // 1 s: 10 back
    expect(limiter.take('acme', LIMIT, 10).admitted).toBe(true);
    t.advance(3_600_000); // an hour idle refills to 20, not 36,000
    expect(limiter.take('acme', LIMIT, 20).admitted).toBe(true);
    expect(limiter.take('acme', LIMIT, 1).admitted).toBe(false);
  });

  it('waiting the Retry-After it was given is enough', () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now });
    const limit = { events_per_second: 3, burst: 10 };
    expect(limiter.take('acme', limit, 10).admitted).toBe(true);
    const refused = limiter.take('acme', limit, 7);
    expect(refused).toEqual({ admitted: false, retryAfterSeconds: 3 }); // 7 / 3 = 2.33 s
    t.advance((refused.admitted ? 0 : refused.retryAfterSeconds) * 1000);
    expect(limiter.take('acme', limit, 7).admitted).toBe(true);
  });

  it('is all or nothing: a refused batch takes no tokens', () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now });
    expect(limiter.take('acme', LIMIT, 15).admitted).toBe(true); // 5 left
    // A batch of 6 does not fit and must not spend the 5 that are there...
    expect(limiter.take('acme', LIMIT, 6).admitted).toBe(false);
    expect(limiter.take('acme', LIMIT, 6).admitted).toBe(false);
    // ...so the 5 still fit afterwards, exactly.
    expect(limiter.take('acme', LIMIT, 5).admitted).toBe(true);
    expect(limiter.take('acme', LIMIT, 1).admitted).toBe(false);
  });

  it('admits a request bigger than the whole burst from a full bucket, then makes it wait off the debt', () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now });
    // 50 can never fit in 20; refusing it for ever would make a client retry for ever.
    expect(limiter.take('acme', LIMIT, 50).admitted).toBe(true);
    // 30 in debt: the next single event needs 3.1 s of refill.
    expect(limiter.take('acme', LIMIT, 1)).toEqual({ admitted: false, retryAfterSeconds: 4 });
    t.advance(3000);
    expect(limiter.take('acme', LIMIT, 1).admitted).toBe(false);
    t.advance(100);
    expect(limiter.take('acme', LIMIT, 1).admitted).toBe(true);
    // From a bucket that is not full, the big request waits for it to be.
    t.advance(1000); // 0 left after that event; a second later 10 of 20
    expect(limiter.take('acme', LIMIT, 50)).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });

  it('rejects a cost that is not a whole number of events (a caller bug, not a client error)', () => {
    const limiter = createRateLimiter({ now: clock().now });
    for (const cost of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => limiter.take('acme', LIMIT, cost)).toThrow(RangeError);
    }
  });
});

describe('rate limiter: tenancy', () => {
  it("keeps each brand's bucket apart: a flood from one makes no other brand wait", () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now });
    // acme floods: 1,000 attempts, of which only the burst gets through.
    let admitted = 0;
    for (let i = 0; i < 1000; i++) if (limiter.take('acme', LIMIT, 1).admitted) admitted++;
    expect(admitted).toBe(20);
    // globex, same instant, same limit: its full burst is there.
    expect(limiter.take('globex', LIMIT, 20)).toEqual({ admitted: true });
    // And acme's refused attempts did not eat into what it gets back.
    t.advance(1000);
    expect(limiter.take('acme', LIMIT, 10).admitted).toBe(true);
    expect(limiter.take('acme', LIMIT, 1).admitted).toBe(false);
  });

  it('applies each brand its own limit', () => {
    const limiter = createRateLimiter({ now: clock().now });
    const small = { events_per_second: 1, burst: 2 };
    const large = { events_per_second: 1000, burst: 5000 };
    expect(limiter.take('small', small, 2).admitted).toBe(true);
    expect(limiter.take('large', large, 2).admitted).toBe(true);
    expect(limiter.take('small', small, 2)).toEqual({ admitted: false, retryAfterSeconds: 2 });
    expect(limiter.take('large', large, 2).admitted).toBe(true);
  });
});

describe('rate limiter: settings and memory', () => {
  it('uses the limit of each call, so a settings change applies at the next request', () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now });
    expect(limiter.take('acme', LIMIT, 20).admitted).toBe(true);
    t.advance(1000);
    // Raised to 100/s: the same second refilled 10 under the old rate; from now on 100/s counts.
    const raised = { events_per_second: 100, burst: 200 };
    expect(limiter.take('acme', raised, 10).admitted).toBe(true);
    t.advance(1000);
    expect(limiter.take('acme', raised, 100).admitted).toBe(true);
    t.advance(10_000);
    // Lowered: the 200 the bucket holds are capped at the new burst of 5 at once.
    const lowered = { events_per_second: 1, burst: 5 };
    expect(limiter.take('acme', lowered, 5).admitted).toBe(true);
    expect(limiter.take('acme', lowered, 1)).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });

  it('evicts buckets idle past idleMs once they have refilled, and no answer changes', () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now, idleMs: 60_000 });
    for (let i = 0; i < 500; i++) limiter.take(`brand-${i}`, LIMIT, 1);
    expect(limiter.bucketCount()).toBe(500);

    t.advance(30_000);
    limiter.take('active', LIMIT, 1);
    expect(limiter.bucketCount()).toBe(501); // not idle long enough yet

    t.advance(30_000);
    limiter.take('active', LIMIT, 1);
    expect(limiter.bucketCount()).toBe(1); // only the brand still sending

    // An evicted brand comes back to a full bucket, as it would have had anyway.
    expect(limiter.take('brand-0', LIMIT, 20).admitted).toBe(true);
    expect(limiter.take('brand-0', LIMIT, 1).admitted).toBe(false);
  });

  it('keeps an idle bucket that is still paying off debt, so eviction cannot forgive it', () => {
    const t = clock();
    const limiter = createRateLimiter({ now: t.now, idleMs: 1_000 });
    const slow = { events_per_second: 1, burst: 5 };
    expect(limiter.take('debtor', slow, 100).admitted).toBe(true); // 95 in debt: full again after 100 s
    t.advance(50_000);
    limiter.take('other', slow, 1); // sweeps
    expect(limiter.bucketCount()).toBe(2);
    expect(limiter.take('debtor', slow, 1).admitted).toBe(false); // still 45 in debt
    t.advance(100_000);
    limiter.take('other', slow, 1);
    expect(limiter.bucketCount()).toBe(1);
  });
});
