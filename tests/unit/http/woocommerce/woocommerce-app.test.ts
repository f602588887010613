import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BrandRegistry } from '../../../../ingest/brands/types';
import { computeSignature } from '../../../../ingest/http/verify-signature';
import { createHarness, NOW, split, type BrandFixture, type Harness, useHarness } from '../harness';
import { describeHmacWebhook, sign, type SignedDelivery } from '../hmac-webhook.shared';
import { customer25, order723, order727, wooJson } from './fixtures';

let fixture: BrandFixture;
let h: Harness;
useHarness((current, shared) => {
  h = current;
  fixture = shared;
});

interface Delivery extends SignedDelivery {
  contentType?: string | null;
}

/** A request as WooCommerce's WC_Webhook::deliver sends it. */
function deliver(brandId: string, body: string, d: Delivery = {}) {
  const headers: Record<string, string> = {
    'user-agent': 'WooCommerce/8.9.1 Hookshot (WordPress/6.5.3)',
    'x-wc-webhook-source': 'https://shop.example.com/',
    'x-wc-webhook-id': '142',
  };
  if (d.contentType !== null) headers['content-type'] = d.contentType ?? 'application/json';
  if (d.topic !== undefined) {
    headers['x-wc-webhook-topic'] = d.topic;
    const [resource, event] = d.topic.split('.');
    headers['x-wc-webhook-resource'] = resource ?? '';
    headers['x-wc-webhook-event'] = event ?? '';
  }
  if (d.deliveryId !== undefined) headers['x-wc-webhook-delivery-id'] = d.deliveryId;
  const signature = d.signature === undefined ? sign(body, d.secret ?? '') : d.signature;
  if (signature !== null) headers['x-wc-webhook-signature'] = signature;
  return h.app.request(`/webhooks/woocommerce/${brandId}`, { method: 'POST', headers, body });
}

/** A correctly signed delivery to acme. */
function deliverToAcme(topic: string, body: string, deliveryId = 'delivery-1') {
  return deliver('acme', body, { topic, secret: h.acme.webhook_secrets.woocommerce, deliveryId });
}

/** WC_Webhook::deliver_ping: `webhook_id=<id>`, form-encoded, no X-WC-Webhook-* headers. */
function ping(brandId: string, body = 'webhook_id=142', contentType = 'application/x-www-form-urlencoded') {
  return h.app.request(`/webhooks/woocommerce/${brandId}`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'user-agent': 'WooCommerce/8.9.1 Hookshot (WordPress/6.5.3)' },
    body,
  });
}

describe('WooCommerce webhooks: signatures against an independent oracle', () => {
  // The documented order 727 as WooCommerce's wp_json_encode writes it, and its signature
  // computed outside this code base, with OpenSSL:
  //   openssl dgst -sha256 -hmac wc_secret_docs_example -binary order727.json | openssl base64 -A
  const ORACLE_SECRET = 'wc_secret_docs_example';
  const ORACLE_BODY_SHA256 = 'b2b808a696ec46562dc77f34575ed587c65a328e2f927a8463e799583b0c2879';
  const ORACLE_SIGNATURE = 'HoA65x/uXBeVyduCz6pJmQ5GPNb+c9SlgET2x+7yDGI=';
  const body = wooJson(order727());

  it('the fixture is byte for byte the body the oracle signed', () => {
    expect(createHash('sha256').update(body, 'utf8').digest('hex')).toBe(ORACLE_BODY_SHA256);
    expect(body).toContain('"name":"Ship Your Idea &ndash; Color: Black, Size: M Test"');
  });

  it("our HMAC equals OpenSSL's, and the app accepts that signature for the brand holding the secret", async () => {
    expect(computeSignature(new TextEncoder().encode(body), ORACLE_SECRET, 'base64')).toBe(ORACLE_SIGNATURE);

    // acme's WooCommerce secret is the oracle's; every other lookup is the real registry's.
    const real = fixture.brands;
    const brands: BrandRegistry = {
      ...real,
      webhookSecret: (brandId, source) =>
        brandId === 'acme' && source === 'woocommerce' ? ORACLE_SECRET : real.webhookSecret(brandId, source),
    };
    await h.close();
    h = await createHarness({ ...fixture, brands });
    const response = await deliver('acme', body, {
      topic: 'order.created',
      signature: ORACLE_SIGNATURE,
      deliveryId: 'delivery-oracle',
    });
    expect(response.status).toBe(200);
    expect(split(await h.envelopes()).events).toEqual([
      expect.objectContaining({
        brand_id: 'acme',
        type: 'order_completed',
        commerce: expect.objectContaining({ revenue: 29.35 }),
      }),
    ]);
  });
});

describe('WooCommerce webhooks: accepted deliveries', () => {
  it('order.created (paid) → order_completed for the brand in the URL, after the bus has it', async () => {
    const response = await deliverToAcme('order.created', wooJson(order727()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true });

    const read = await h.envelopes();
    expect(split(read).keys).toEqual(['acme']);
    expect(split(read).events).toEqual([
      expect.objectContaining({
        brand_id: 'acme',
        source: 'woocommerce',
        source_event_id: 'order:shop.example.com:727:paid',
        type: 'order_completed',
        received_at: NOW,
        identifiers: { email: 'john.doe@example.com', phone: '(555) 555-5555' },
        commerce: expect.objectContaining({ order_id: '727', revenue: 29.35, currency: 'USD' }),
      }),
    ]);
  });

  it("reads PHP's escapes: \\/ and \\u00e3 arrive as / and ã", async () => {
    const body = wooJson(order723());
    expect(body).toContain('Jo\\u00e3o');
    expect((await deliverToAcme('order.created', body)).status).toBe(200);
    expect(split(await h.envelopes()).events[0]).toMatchObject({
      identifiers: { user_id: '26', email: 'joao.silva@example.com' },
      traits: { first_name: 'João' },
    });
  });

  it.each([
    ['customer.created', customer25(), 'identify'],
    ['customer.updated', customer25(), 'identify'],
    ['order.created', order727({ status: 'pending', date_paid_gmt: null }), 'checkout_started'],
    ['order.updated', order727(), 'order_completed'],
  ])('%s → %s', async (topic, payload, type) => {
    const response = await deliverToAcme(topic, wooJson(payload));
    expect(response.status).toBe(200);
    expect(split(await h.envelopes()).events.map((event) => [event.type, event.name])).toEqual([
      [type, topic],
    ]);
  });

  it('an order.updated that is not the payment is answered 200 and published not at all', async () => {
    const shipped = order727({ status: 'completed', date_modified_gmt: '2017-03-24T10:00:00' });
    const response = await deliverToAcme('order.updated', wooJson(shipped));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ignored: true,
      reason: 'order 727: this update is not its payment',
    });
    expect(await h.envelopes()).toEqual([]);
  });

  it('a redelivery is accepted again under the same source_event_id, for the processor to drop', async () => {
    const body = wooJson(customer25());
    const first = await deliverToAcme('customer.updated', body, 'delivery-replay');
    const again = await deliverToAcme('customer.updated', body, 'delivery-replay');
    expect([first.status, again.status]).toEqual([200, 200]);
    const { events } = split(await h.envelopes());
    expect(events.map((event) => event.source_event_id)).toEqual([
      'delivery-replay:customer.updated:25',
      'delivery-replay:customer.updated:25',
    ]);
    expect(events[0]!.event_id).not.toBe(events[1]!.event_id);
  });

  it('order.created and the order.updated of its payment, two delivery ids, carry one purchase id', async () => {
    await deliverToAcme('order.created', wooJson(order727()), 'delivery-created');
    await deliverToAcme('order.updated', wooJson(order727()), 'delivery-updated');
    const ids = split(await h.envelopes()).events.map((event) => event.source_event_id);
    expect(ids).toEqual(['order:shop.example.com:727:paid', 'order:shop.example.com:727:paid']);
  });

  it('answers 200 and publishes nothing for topics it does not map (a failure would count toward disabling the webhook)', async () => {
    for (const topic of ['product.updated', 'order.deleted', 'action.woocommerce_add_to_cart']) {
      const response = await deliverToAcme(topic, '{"id":1}');
      expect(response.status, topic).toBe(200);
      expect(await response.json()).toEqual({ ignored: true, reason: 'unsupported topic' });
    }
    expect(await h.envelopes()).toEqual([]);
  });
});

describe('WooCommerce webhooks: the ping sent when a webhook is saved', () => {
  it('is answered exactly 200 without a signature, and publishes nothing', async () => {
    const response = await ping('acme');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, ping: true });
    expect(
      (await ping('acme', 'webhook_id=7', 'application/x-www-form-urlencoded; charset=UTF-8')).status,
    ).toBe(200);
    expect(await h.envelopes()).toEqual([]);
  });

  it('to an unknown brand → 404, so a mistyped URL fails when the webhook is saved', async () => {
    expect((await ping('nobody')).status).toBe(404);
    expect(await h.envelopes()).toEqual([]);
  });

  it('anything else unsigned → 401 and a rejection, even if it looks almost like a ping', async () => {
    const attempts: [string, string][] = [
      ['webhook_id=142&topic=order.created', 'application/x-www-form-urlencoded'],
      ['webhook_id=abc', 'application/x-www-form-urlencoded'],
      ['webhook_id=142', 'application/json'],
      [wooJson(order727()), 'application/json'],
      ['x'.repeat(64 * 1024), 'application/x-www-form-urlencoded'],
    ];
    for (const [body, contentType] of attempts) {
      const response = await ping('acme', body, contentType);
      expect(response.status, body.slice(0, 40)).toBe(401);
      expect((await response.json()).error).toEqual({
        code: 'invalid_signature',
        message: 'missing x-wc-webhook-signature header',
      });
    }
    const { events, rejected } = split(await h.envelopes());
    expect(events).toEqual([]);
    expect(rejected.map((r) => [r.brand_id, r.source, r.reason])).toEqual(
      attempts.map(() => ['acme', 'woocommerce', 'invalid_signature']),
    );
    expect(Buffer.byteLength(rejected[4]!.payload)).toBeLessThanOrEqual(4096);
  });
});

describeHmacWebhook({
  source: 'woocommerce',
  name: 'WooCommerce',
  harness: () => h,
  signatureHeader: 'x-wc-webhook-signature',
  deliver,
  order: { topic: 'order.created', body: (overrides) => wooJson(order727(overrides)) },
  customer: { topic: 'customer.created', body: () => wooJson(customer25()) },
  wrongTypes: { overrides: { total: 'free' }, message: 'order.created: total' },
});

describe('WooCommerce webhooks: bad requests with a valid signature', () => {
  it('a content type other than JSON → 415 and a rejection', async () => {
    const body = wooJson(order727());
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', null]) {
      const response = await deliver('acme', body, {
        topic: 'order.created',
        secret: h.acme.webhook_secrets.woocommerce,
        contentType,
      });
      expect(response.status, String(contentType)).toBe(415);
      expect((await response.json()).error.code).toBe('unsupported_media_type');
    }
    const { events, rejected } = split(await h.envelopes());
    expect(events).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual(Array(3).fill('unsupported_media_type'));
  });
});
