// WooCommerce webhooks: POST /webhooks/woocommerce/:brand_id
// (https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks).
// The brand comes from the URL and is proven by the signature: only a sender
// holding that brand's WooCommerce secret can produce X-WC-Webhook-Signature
// (base64 HMAC-SHA256 of the raw body). The one unsigned request answered 200
// is WooCommerce's ping (ping.ts), which publishes nothing.
//
// WooCommerce does not retry a failed delivery, and disables a webhook after
// 5 failures in a row, so everything we cannot use but that is genuinely the
// brand's (other topics, order saves that are not a purchase) is answered 200.
import { Hono, type Context } from 'hono';
import { parseJsonBody, readCappedBody } from '../body/read-capped';
import type { IngestContext, IngestEnv } from '../context';
import { brandFromUrl } from '../brand-from-url';
import { IngestError } from '../errors';
import { rateLimit } from '../rate-limit';
import { eventEnvelope } from '../raw-publisher';
import { verifySignature } from '../verify-signature';
import { mapWooWebhook } from './map-woocommerce';
import { isWooCommercePing, PING_MAX_BYTES } from './ping';
import { isSupportedTopic, parseWooWebhook } from './woocommerce-schema';

/** Orders with hundreds of lines and their meta stay well under this. */
export const WOOCOMMERCE_MAX_BYTES = 2 * 1024 * 1024;

const SIGNATURE_HEADER = 'x-wc-webhook-signature';

function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

export function createWooCommerceApp(ctx: IngestContext): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();

  // Kept for the brand: a wrong secret shows up in its dashboard, not only in WooCommerce's delivery log.
  const refuse = (c: Context<IngestEnv>, error: IngestError, payload: Uint8Array) =>
    ctx.publisher.rejectRequest({
      brandId: c.var.brand.brand_id,
      source: 'woocommerce',
      receivedAt: ctx.clock().toISOString(),
      error,
      payload,
    });

  app.post(
    '/:brand_id',
    brandFromUrl(ctx),
    // Unsigned: WooCommerce's ping, or refused. Read only a few KB of it either way.
    async (c, next) => {
      if (c.req.header(SIGNATURE_HEADER) !== undefined) return next();
      const body = await readCappedBody(c.req.raw, PING_MAX_BYTES);
      if (body.ok && isWooCommercePing(c.req.header('content-type'), body.bytes)) {
        return c.json({ success: true, ping: true });
      }
      return refuse(
        c,
        new IngestError(401, 'invalid_signature', `missing ${SIGNATURE_HEADER} header`),
        body.ok ? body.bytes : body.head,
      );
    },
    verifySignature({
      header: SIGNATURE_HEADER,
      encoding: 'base64',
      maxBytes: WOOCOMMERCE_MAX_BYTES,
      secret: (c) => ctx.brands.webhookSecret(c.var.brand.brand_id, 'woocommerce'),
      onFailure: refuse,
    }),
    // After the signature: only the brand's own sender can spend its allowance.
    rateLimit({ limiter: ctx.rateLimiter }),
    async (c) => {
      const brandId = c.var.brand.brand_id;
      const receivedAt = ctx.clock().toISOString();
      const payload = c.var.rawBody;

      const contentType = c.req.header('content-type');
      if (!isJsonContentType(contentType)) {
        const message = `expected application/json, got ${contentType || 'no content type'}`;
        return refuse(c, new IngestError(415, 'unsupported_media_type', message), payload);
      }
      const topic = c.req.header('x-wc-webhook-topic');
      if (!topic) {
        return refuse(c, new IngestError(400, 'missing_topic', 'missing X-WC-Webhook-Topic header'), payload);
      }
      if (!isSupportedTopic(topic)) return c.json({ ignored: true, reason: 'unsupported topic' });

      const json = parseJsonBody(payload, { largeIntegersAsStrings: true });
      if (!json.ok) return refuse(c, new IngestError(400, 'invalid_json', json.message), payload);
      const parsed = parseWooWebhook(topic, json.value);
      if (!parsed.ok) {
        return refuse(c, new IngestError(400, 'invalid_event', `${topic}: ${parsed.message}`), payload);
      }

      const mapped = mapWooWebhook(parsed.webhook, {
        brand_id: brandId,
        event_id: ctx.newId(),
        received_at: receivedAt,
        delivery_id: c.req.header('x-wc-webhook-delivery-id') || undefined,
        source_url: c.req.header('x-wc-webhook-source') || undefined,
      });
      if (mapped.kind === 'ignored') return c.json({ ignored: true, reason: mapped.reason });
      await ctx.publisher.publish(brandId, [eventEnvelope(mapped.event)]);
      return c.json({ success: true });
    },
  );

  return app;
}
