// Shopify webhooks: POST /webhooks/shopify/:brand_id
// (https://shopify.dev/docs/apps/build/webhooks/subscribe/https).
// The brand comes from the URL and is proven by the signature: only a sender
// holding that brand's Shopify secret can produce X-Shopify-Hmac-Sha256.
// Shopify retries any non-2xx, so topics we do not map are answered 200.
import { Hono } from 'hono';
import { parseJsonBody } from '../body/read-capped';
import type { IngestContext, IngestEnv } from '../context';
import { brandFromUrl } from '../brand-from-url';
import { IngestError } from '../errors';
import { rateLimit } from '../rate-limit';
import { eventEnvelope } from '../raw-publisher';
import { verifySignature } from '../verify-signature';
import { mapShopifyWebhook } from './map-shopify';
import { isSupportedTopic, parseShopifyWebhook } from './shopify-schema';

/** Large orders run to a few hundred KB; nothing legitimate comes near this. */
export const SHOPIFY_MAX_BYTES = 2 * 1024 * 1024;

export function createShopifyApp(ctx: IngestContext): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();

  app.post(
    '/:brand_id',
    brandFromUrl(ctx),
    verifySignature({
      header: 'x-shopify-hmac-sha256',
      encoding: 'base64',
      maxBytes: SHOPIFY_MAX_BYTES,
      secret: (c) => ctx.brands.webhookSecret(c.var.brand.brand_id, 'shopify'),
      // Kept for the brand: a misconfigured secret shows up in its dashboard, not only in Shopify's retry log.
      onFailure: (c, error, payload) =>
        ctx.publisher.rejectRequest({
          brandId: c.var.brand.brand_id,
          source: 'shopify',
          receivedAt: ctx.clock().toISOString(),
          error,
          payload,
        }),
    }),
    // After the signature: only the brand's own sender can spend its allowance.
    rateLimit({ limiter: ctx.rateLimiter }),
    async (c) => {
      const brandId = c.var.brand.brand_id;
      const receivedAt = ctx.clock().toISOString();
      const refuse = (error: IngestError) =>
        ctx.publisher.rejectRequest({
          brandId,
          source: 'shopify',
          receivedAt,
          error,
          payload: c.var.rawBody,
        });

      const topic = c.req.header('x-shopify-topic');
      if (!topic) return refuse(new IngestError(400, 'missing_topic', 'missing X-Shopify-Topic header'));
      if (!isSupportedTopic(topic)) return c.json({ ignored: true, reason: 'unsupported topic' });

      const json = parseJsonBody(c.var.rawBody, { largeIntegersAsStrings: true });
      if (!json.ok) return refuse(new IngestError(400, 'invalid_json', json.message));
      const parsed = parseShopifyWebhook(topic, json.value);
      if (!parsed.ok) return refuse(new IngestError(400, 'invalid_event', `${topic}: ${parsed.message}`));

      const event = mapShopifyWebhook(parsed.webhook, {
        brand_id: brandId,
        event_id: ctx.newId(),
        received_at: receivedAt,
        webhook_id: c.req.header('x-shopify-webhook-id') || undefined,
      });
      await ctx.publisher.publish(brandId, [eventEnvelope(event)]);
      return c.json({ success: true });
    },
  );

  return app;
}
