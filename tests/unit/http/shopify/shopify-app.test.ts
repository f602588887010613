import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrandFixture, createHarness, NOW, split, type BrandFixture, type Harness } from '../harness';
import { checkoutPayload, customerPayload, orderPayload, shopifyJson } from './fixtures';

let fixture: BrandFixture;
let h: Harness;
beforeAll(async () => {
  fixture = await createBrandFixture();
});
afterAll(async () => {
  await fixture.remove();
});
beforeEach(async () => {
  h = await createHarness(fixture);
});
afterEach(async () => {
  await h.close();
});

const sign = (body: string, secret: string) =>
  createHmac('sha256', secret).update(body, 'utf8').digest('base64');

function deliver(
  brandId: string,
  body: string,
  headers: { topic?: string; secret?: string; signature?: string | null; webhookId?: string } = {},
) {
  const all: Record<string, string> = { 'content-type': 'application/json' };
  if (headers.topic !== undefined) all['x-shopify-topic'] = headers.topic;
  if (headers.webhookId !== undefined) all['x-shopify-webhook-id'] = headers.webhookId;
  const signature = headers.signature === undefined ? sign(body, headers.secret ?? '') : headers.signature;
  if (signature !== null) all['x-shopify-hmac-sha256'] = signature;
  return h.app.request(`/webhooks/shopify/${brandId}`, { method: 'POST', headers: all, body });
}

/** A correctly signed delivery to acme. */
function deliverToAcme(topic: string, body: string, webhookId = 'wh-1') {
  return deliver('acme', body, { topic, secret: h.acme.webhook_secrets.shopify, webhookId });
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

describe('Shopify webhooks: signatures and tenancy', () => {
  it('unknown brand → 404 unknown_brand, nothing kept', async () => {
    const response = await deliver('nobody', '{}', {
      topic: 'orders/create',
      secret: h.acme.webhook_secrets.shopify,
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'unknown_brand', message: 'no brand with this id' },
    });
    expect(await h.envelopes()).toEqual([]);
  });

  it('missing, wrong, truncated or re-encoded signatures → 401 and a rejection for that brand', async () => {
    const body = shopifyJson(orderPayload());
    const good = sign(body, h.acme.webhook_secrets.shopify);
    const signatures = [
      null,
      '',
      good.slice(0, 20),
      good.slice(0, -1),
      sign(body, 'guessed-secret'),
      Buffer.from(good, 'base64').toString('hex'),
      sign(body + ' ', h.acme.webhook_secrets.shopify),
    ];
    for (const signature of signatures) {
      const response = await deliver('acme', body, { topic: 'orders/create', signature });
      expect(response.status, String(signature)).toBe(401);
      expect((await response.json()).error.code).toBe('invalid_signature');
    }
    const read = await h.envelopes();
    expect(split(read).events).toEqual([]);
    expect(split(read).keys.every((key) => key === 'acme')).toBe(true);
    expect(split(read).rejected.map((r) => r.reason)).toEqual(signatures.map(() => 'invalid_signature'));
    expect(split(read).rejected[0]).toMatchObject({
      source: 'shopify',
      detail: 'missing x-shopify-hmac-sha256 header',
      payload: body.slice(0, 4096),
    });
  });

  it("globex's secret does not verify acme's webhook, nor acme's globex's", async () => {
    const body = shopifyJson(orderPayload());
    const signedByGlobex = await deliver('acme', body, {
      topic: 'orders/create',
      secret: h.globex.webhook_secrets.shopify,
    });
    const acmeSignedToGlobex = await deliver('globex', body, {
      topic: 'orders/create',
      secret: h.acme.webhook_secrets.shopify,
    });
    expect([signedByGlobex.status, acmeSignedToGlobex.status]).toEqual([401, 401]);
    const read = await h.envelopes();
    expect(split(read).events).toEqual([]);
    // Each rejection belongs to the brand whose URL was called, and only to it.
    expect(split(read).rejected.map((r) => r.brand_id)).toEqual(['acme', 'globex']);
    expect(split(read).keys).toEqual(['acme', 'globex']);
  });

  it('verifies the raw bytes: the same JSON re-serialized does not pass', async () => {
    const body = shopifyJson(customerPayload());
    const reserialized = JSON.stringify(JSON.parse(body), null, 1);
    const response = await deliver('acme', reserialized, {
      topic: 'customers/create',
      signature: sign(body, h.acme.webhook_secrets.shopify),
    });
    expect(response.status).toBe(401);
  });
});

describe('Shopify webhooks: bad payloads with a valid signature', () => {
  it('malformed JSON → 400 invalid_json and a rejection', async () => {
    const response = await deliverToAcme('orders/create', '{"id": 1, ');
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_json');
    expect(split(await h.envelopes()).rejected).toEqual([
      expect.objectContaining({
        brand_id: 'acme',
        source: 'shopify',
        reason: 'invalid_json',
        payload: '{"id": 1, ',
      }),
    ]);
  });

  it('wrong types → 400 invalid_event naming the topic and path', async () => {
    const response = await deliverToAcme('orders/create', shopifyJson(orderPayload({ total_price: 'free' })));
    expect(response.status).toBe(400);
    const error = (await response.json()).error;
    expect(error).toEqual({
      code: 'invalid_event',
      message: expect.stringContaining('orders/create: total_price'),
    });
    expect(split(await h.envelopes()).rejected[0]?.reason).toBe('invalid_event');
  });

  it('no topic header → 400 missing_topic and a rejection', async () => {
    const body = shopifyJson(orderPayload());
    const response = await deliver('acme', body, { secret: h.acme.webhook_secrets.shopify });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('missing_topic');
    expect(split(await h.envelopes()).rejected[0]?.reason).toBe('missing_topic');
  });

  it('a body over 2 MB → 413 before any signature check', async () => {
    const body = JSON.stringify({ id: 1, note: 'x'.repeat(2 * 1024 * 1024) });
    const response = await deliverToAcme('orders/create', body);
    expect(response.status).toBe(413);
    const rejected = split(await h.envelopes()).rejected;
    expect(rejected.map((r) => r.reason)).toEqual(['payload_too_large']);
    expect(Buffer.byteLength(rejected[0]!.payload)).toBeLessThanOrEqual(4096);
  });

  it('answers 503 with Retry-After when the bus is down', async () => {
    await h.bus.close();
    const response = await deliverToAcme('orders/create', shopifyJson(orderPayload()));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect((await response.json()).error.code).toBe('bus_unavailable');
  });
});
