// What the source sub-apps share: their dependencies and the Hono env
// (variables middleware sets for the handlers after it).
import type { Brand, BrandRegistry } from '../brands/types';
import type { RateLimiter } from './rate-limit';
import type { RawPublisher } from './raw-publisher';

export interface IngestContext {
  brands: BrandRegistry;
  publisher: RawPublisher;
  /** Per-brand flow control, checked after authentication and before anything is published. */
  rateLimiter: RateLimiter;
  clock: () => Date;
  newId: () => string;
  /**
   * The base URL providers are configured with (config `publicUrl`). Twilio signs the URL
   * it called, which behind a proxy is not the one this server sees.
   */
  publicUrl: string;
}

export interface IngestEnv {
  Variables: {
    /** The brand the request's credential (or signed URL) belongs to; never taken from the body. */
    brand: Brand;
    /** The request body exactly as received, read once under a size cap. */
    rawBody: Uint8Array;
  };
}
