// What Segment's browser library (analytics.js, @segment/analytics-next) needs
// that the server SDKs do not, read from its segmentio plugin (1.84):
// - it posts each call to `<apiHost>/<first letter of the type>` (`/t`, `/i`,
//   `/p`, `/s`, `/a`, `/g`), and a batch to `<apiHost>/b` as
//   `{ writeKey, batch, sentAt }`;
// - with `Content-Type: text/plain` and a JSON body carrying `writeKey`;
// - from the shop's own origin, with `Authorization: Basic base64(writeKey:)`
//   (so the browser sends a CORS preflight), `X-Retry-Count` on retries, and
//   reads `Retry-After` of a 429.
// Write keys are public in browsers (they only let someone send as the brand,
// as with Segment) and no cookie is read, so any origin may call, without credentials.
import { cors } from 'hono/cors';
import type { SegmentCallType } from './segment-schema';

/** analytics.js's short paths for the single-call endpoints. */
export const SHORT_PATHS: Readonly<Record<SegmentCallType, string>> = {
  track: 't',
  identify: 'i',
  page: 'p',
  screen: 's',
  alias: 'a',
  group: 'g',
};
/** analytics.js's short path for a batch (its `batching` delivery strategy). */
export const SHORT_BATCH_PATH = 'b';

/** Chromium caps a preflight's cache at 2 hours; asking longer buys nothing. */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/** CORS for the tracking endpoints: `*`, POST only, the headers analytics.js sends. */
export function trackingCors() {
  return cors({
    origin: '*',
    allowMethods: ['POST'],
    allowHeaders: ['Content-Type', 'Authorization', 'X-Retry-Count'],
    exposeHeaders: ['Retry-After'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    credentials: false,
  });
}

/** The media types a tracking body may be sent as; both are read as JSON. */
export type TrackingMediaType = 'json' | 'text' | 'other';

export function trackingMediaType(header: string | undefined): TrackingMediaType {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') return 'json';
  // What analytics.js sends, so that a simple form of the request needs no preflight.
  if (mediaType === 'text/plain') return 'text';
  return 'other';
}
