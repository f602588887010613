import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ShopifyWebhook } from '../../../ingest/demo';
import { shopifyRequest } from '../../../ingest/demo';
import { generateActions } from './generate';

const webhooks: ShopifyWebhook[] = generateActions(77, 40_000).flatMap((a) =>
  a.kind === 'shopify' ? [a.webhook] : [],
);

/** Verifies as a Shopify receiver does, with node:crypto only. */
function verifies(body: string, header: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const money = z.string().regex(/^\d+\.\d{2}$/);
const orderSchema = z.looseObject({
  id: z.number().int().positive(),
  email: z.string().includes('@'),
  phone: z.string().nullable(),
  created_at: z.iso.datetime({ offset: true }),
  total_price: money,
  currency: z.literal('INR'),
  source_name: z.literal('web'),
  line_items: z
    .array(
      z.looseObject({
        product_id: z.number().int().positive(),
        title: z.string().min(1),
        price: money,
        quantity: z.number().int().positive(),
        product_type: z.string().min(1),
      }),
    )
    .min(1),
  customer: z.looseObject({
    id: z.number().int().positive(),
    email: z.string().includes('@'),
    phone: z.string(),
  }),
});

describe('Shopify orders/create webhooks', () => {
  it('are generated for some web orders', () => {
    expect(webhooks.length).toBeGreaterThan(20);
    expect(new Set(webhooks.map((w) => w.webhookId)).size).toBe(webhooks.length);
  });

  it('carry a realistic order whose total is the sum of its line items', () => {
    for (const webhook of webhooks) {
      const order = orderSchema.parse(JSON.parse(webhook.body));
      const sum = order.line_items.reduce((total, item) => total + Number(item.price) * item.quantity, 0);
      expect(order.total_price).toBe(sum.toFixed(2));
      expect(order.customer.phone).toMatch(/^\+91[6-9]\d{9}$/);
      expect(order.email).toBe(order.customer.email);
    }
  });

  it('are signed so that a receiver holding the brand secret verifies them, and only that receiver', () => {
    const webhook = webhooks[0]!;
    const request = shopifyRequest('http://localhost:3000', 'acme', 'shpss_acme', webhook);
    expect(request.url).toBe('http://localhost:3000/webhooks/shopify/acme');
    expect(request.body).toBe(webhook.body);
    expect(request.headers['x-shopify-topic']).toBe('orders/create');
    expect(request.headers['x-shopify-webhook-id']).toBe(webhook.webhookId);
    const signature = request.headers['x-shopify-hmac-sha256']!;
    expect(verifies(request.body, signature, 'shpss_acme')).toBe(true);
    // Another brand's secret, a tampered body or a truncated signature must not verify.
    expect(verifies(request.body, signature, 'shpss_zenith')).toBe(false);
    expect(
      verifies(request.body.replace(/"total_price":"/, '"total_price":"1'), signature, 'shpss_acme'),
    ).toBe(false);
    expect(verifies(request.body, signature.slice(0, 20), 'shpss_acme')).toBe(false);
  });

  it('sign every body byte for byte, including non-ASCII text', () => {
    const webhook = { ...webhooks[0]!, body: JSON.stringify({ note: 'दिवाली ऑफ़र ✓', total_price: '10.00' }) };
    const request = shopifyRequest('http://x.test', 'acme', 'secret', webhook);
    expect(verifies(request.body, request.headers['x-shopify-hmac-sha256']!, 'secret')).toBe(true);
  });
});
