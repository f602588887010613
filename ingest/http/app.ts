// The ingest edge: one sub-app per source, one error handler, JSON 404s.
//   /v1/*                     Segment-compatible tracking API (write key)
//   /v1/pos/bills             POS bills, one or a batch (write key)
//   /v1/spend                 ad spend reports, one or a batch, all or nothing (write key)
//   /webhooks/shopify/:brand  Shopify webhooks (HMAC signature)
//   /webhooks/whatsapp/:brand WhatsApp via Twilio (X-Twilio-Signature over PUBLIC_URL + path)
//   /webhooks/woocommerce/:brand WooCommerce webhooks (HMAC signature; its unsigned ping answered)
// Every accepted event goes to `events.raw` keyed by brand, and the 2xx is
// sent only after the bus acknowledged it; a bus outage answers 503 + Retry-After,
// and a brand over its rate limit 429 + Retry-After (rate-limit/).
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { BrandRegistry } from '../brands/types';
import type { Bus } from '../bus/types';
import type { IngestContext, IngestEnv } from './context';
import { createErrorHandler, notFound } from './errors';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { createPosApp } from './pos/app';
import { createRawPublisher } from './raw-publisher';
import { createShopifyApp } from './shopify/app';
import { createSpendApp } from './spend/app';
import { createTrackingApp } from './tracking/app';
import { createWhatsAppApp } from './whatsapp/app';
import { createWooCommerceApp } from './woocommerce/app';

export interface IngestDeps {
  bus: Bus;
  brands: BrandRegistry;
  /** The base URL providers are configured with (config `publicUrl`); Twilio signatures cover it. */
  publicUrl: string;
  clock?: () => Date;
  newId?: () => string;
  /** Per-brand token buckets; default one in this process's memory on the monotonic clock. */
  rateLimiter?: RateLimiter;
  /** Receives unexpected errors (bugs) after the client got a 500; defaults to stderr. */
  reportError?: (error: unknown) => void;
}

export function createIngestApp(deps: IngestDeps): Hono<IngestEnv> {
  const newId = deps.newId ?? randomUUID;
  const ctx: IngestContext = {
    brands: deps.brands,
    publisher: createRawPublisher({ bus: deps.bus, newId }),
    rateLimiter: deps.rateLimiter ?? createRateLimiter(),
    clock: deps.clock ?? (() => new Date()),
    newId,
    publicUrl: deps.publicUrl,
  };
  const reportError =
    deps.reportError ??
    ((error: unknown) =>
      process.stderr.write(
        `ingest: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      ));

  const app = new Hono<IngestEnv>();
  app.route('/v1', createTrackingApp(ctx));
  app.route('/v1/pos', createPosApp(ctx));
  app.route('/v1/spend', createSpendApp(ctx));
  app.route('/webhooks/shopify', createShopifyApp(ctx));
  app.route('/webhooks/whatsapp', createWhatsAppApp(ctx));
  app.route('/webhooks/woocommerce', createWooCommerceApp(ctx));
  // Explicit JSON 404s under our prefixes, so they hold when this app is mounted inside another.
  app.all('/v1/*', notFound);
  app.all('/webhooks/*', notFound);
  app.notFound(notFound);
  app.onError(createErrorHandler(reportError));
  return app;
}
