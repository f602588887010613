// Ingest flow control: a brand that sends faster than its `rate_limit`
// setting is answered 429 with Retry-After before anything of its request
// reaches the bus, so its backlog cannot delay the brands it shares
// partitions with. The check runs after authentication (the brand comes from
// the credential, never from the body) and before the publish.
//
// A refused request is NOT kept as a rejected event, unlike bad input: it is
// refused by flow control, not for what it says, and the client sends it
// again after Retry-After. Storing it would let a flood fill the warehouse
// with rejections — the very load the limit is there to keep out.
import type { Context, MiddlewareHandler } from 'hono';
import type { Brand } from '../../brands/types';
import type { IngestEnv } from '../context';
import { IngestError } from '../errors';
import type { RateLimit, RateLimiter } from './limiter';

export { createRateLimiter } from './limiter';
export type { Admission, RateLimit, RateLimiter, RateLimiterOptions } from './limiter';

export function rateLimitedError(brandId: string, limit: RateLimit, retryAfterSeconds: number): IngestError {
  return new IngestError(
    429,
    'rate_limited',
    `brand ${brandId} is over its limit of ${limit.events_per_second} events/s; retry after ${retryAfterSeconds} s`,
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

/**
 * Takes `cost` events from the brand's allowance or throws the 429. For
 * handlers that learn the brand and the cost only from the body (a tracking
 * batch); `brand` must be the registry's current record, so its settings are.
 */
export function admit(limiter: RateLimiter, brand: Brand, cost: number): void {
  const limit = brand.settings.rate_limit;
  const admission = limiter.take(brand.brand_id, limit, cost);
  if (!admission.admitted) throw rateLimitedError(brand.brand_id, limit, admission.retryAfterSeconds);
}

export interface RateLimitOptions {
  limiter: RateLimiter;
  /** Events the request would publish; default 1 (a webhook is one event). */
  cost?: (c: Context<IngestEnv>) => number;
}

/** Middleware for routes where earlier middleware authenticated the brand into `c.var.brand`. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<IngestEnv> {
  const cost = options.cost ?? (() => 1);
  return async (c, next) => {
    admit(options.limiter, c.var.brand, cost(c));
    await next();
  };
}
