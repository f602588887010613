import { describe, expect, it } from 'vitest';
import { NOW, split, type Harness, useHarness } from '../harness';
import { describeHmacWebhook, sign, type SignedDelivery } from '../hmac-webhook.shared';
import { checkoutPayload, customerPayload, orderPayload, shopifyJson } from './fixtures';

let h: Harness;
useHarness((current) => (h = current));

function deliver(brandId: string, body: string, headers: SignedDelivery = {}) {
  const all: Record<string, string> = { 'content-type': 'application/json' };
  if (headers.topic !== undefined) all['x-shopify-topic'] = headers.topic;
  if (headers.deliveryId !== undefined) all['x-shopify-webhook-id'] = headers.deliveryId;
  const signature = headers.signature === undefined ? sign(body, headers.secret ?? '') : headers.signature;
  if (signature !== null) all['x-shopify-hmac-sha256'] = signature;
  return h.app.request(`/webhooks/shopify/${brandId}`, { method: 'POST', headers: all, body });
}

/** A correctly signed delivery to acme. */
function deliverToAcme(topic: string, body: string, webhookId = 'wh-1') {
  return deliver('acme', body, { topic, secret: h.acme.webhook_secrets.shopify, deliveryId: webhookId });
}

describe('Shopify webhooks: accepted deliveries', () => {
  it('orders/create → order_completed for the brand in the URL, after the bus has it', async () => {
    const response = await deliverToAcme('orders/create', shopifyJson(orderPayload()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true });

    const read = await h.envelopes();
    expect(split(read).keys).toEqual(['acme']);
    expect(split(read).events).toEqual([
      expect.objectContaining({
        brand_id: 'acme',
        source: 'shopify',
        source_event_id: 'wh-1',
        type: 'order_completed',
        received_at: NOW,
        commerce: expect.objectContaining({ order_id: '820982911946154508', revenue: 403, currency: 'USD' }),
        properties: expect.objectContaining({ shopify_customer_id: '115310627314723958' }),
      }),
    ]);
  });

  it.each([
    ['checkouts/create', checkoutPayload(), 'checkout_started'],
    ['checkouts/update', checkoutPayload(), 'checkout_started'],
    ['customers/create', customerPayload(), 'identify'],
    ['customers/update', customerPayload(), 'identify'],
  ])('%s → %s', async (topic, payload, type) => {
    const response = await deliverToAcme(topic, shopifyJson(payload));
    expect(response.status).toBe(200);
    expect(split(await h.envelopes()).events.map((event) => [event.type, event.name])).toEqual([
      [type, topic],
    ]);
  });

  it('a replayed webhook is accepted again under the same source_event_id, for the processor to drop', async () => {
    const body = shopifyJson(orderPayload());
    const first = await deliverToAcme('orders/create', body, 'wh-replay');
    const again = await deliverToAcme('orders/create', body, 'wh-replay');
    expect([first.status, again.status]).toEqual([200, 200]);
    const { events } = split(await h.envelopes());
    expect(events.map((event) => event.source_event_id)).toEqual(['wh-replay', 'wh-replay']);
    expect(events[0]!.event_id).not.toBe(events[1]!.event_id);
  });

  it('answers 200 and publishes nothing for topics it does not map (Shopify retries anything else)', async () => {
    const response = await deliverToAcme('products/update', '{"id":1}');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ignored: true, reason: 'unsupported topic' });
    expect(await h.envelopes()).toEqual([]);
  });
});

describeHmacWebhook({
  source: 'shopify',
  name: 'Shopify',
  harness: () => h,
  signatureHeader: 'x-shopify-hmac-sha256',
  deliver,
  order: { topic: 'orders/create', body: (overrides) => shopifyJson(orderPayload(overrides)) },
  customer: { topic: 'customers/create', body: () => shopifyJson(customerPayload()) },
  wrongTypes: { overrides: { total_price: 'free' }, message: 'orders/create: total_price' },
});
