// WooCommerce's own documented examples (tests/fixtures/webhooks/README.md says where each
// comes from), posted byte for byte and signed by an oracle outside this code base: the
// openssl command line. The expected values below are read off the fixture JSON by hand,
// not computed by our mapper.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBrandStates } from '../../../ingest/processor/brand-state';
import { drainToWarehouse, openWarehouse } from '../processor/harness';
import { NOW, split, type BrandFixture, type Harness, useHarness } from './harness';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/webhooks');
/** The documented "Retrieve an order" response: what an order.created webhook for order 727 carries. */
const ORDER_727 = readFileSync(resolve(FIXTURES, 'woocommerce-order-727.json'));
/** The documented "Retrieve a customer" response: what a customer.created webhook for customer 25 carries. */
const CUSTOMER_25 = readFileSync(resolve(FIXTURES, 'woocommerce-customer-25.json'));

/** base64 HMAC-SHA256 of the exact bytes, by `openssl dgst -sha256 -hmac <secret> -binary | openssl base64 -A`. */
function opensslSignature(body: Uint8Array, secret: string): string {
  const mac = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-binary'], { input: body });
  return execFileSync('openssl', ['base64', '-A'], { input: mac }).toString('utf8').trim();
}

let fixture: BrandFixture;
let h: Harness;
useHarness((current, shared) => {
  h = current;
  fixture = shared;
});

/** POSTs the bytes to acme as WC_Webhook::deliver does, under the given signature. */
function deliver(topic: string, body: Uint8Array, signature: string, deliveryId: string) {
  const [resource = '', event = ''] = topic.split('.');
  return h.app.request('/webhooks/woocommerce/acme', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/8.9.1 Hookshot (WordPress/6.5.3)',
      'x-wc-webhook-source': 'https://shop.example.com/',
      'x-wc-webhook-id': '142',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': resource,
      'x-wc-webhook-event': event,
      'x-wc-webhook-delivery-id': deliveryId,
      'x-wc-webhook-signature': signature,
    },
    body: new Uint8Array(body), // a copy on its own ArrayBuffer, as fetch's BodyInit wants
  });
}

const signedByOpenssl = (body: Uint8Array) => opensslSignature(body, h.acme.webhook_secrets.woocommerce);

describe('WooCommerce documented examples, signed by openssl', () => {
  it('order 727 as order.created → one order_completed with the documented order, exactly', async () => {
    const response = await deliver('order.created', ORDER_727, signedByOpenssl(ORDER_727), 'delivery-727');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true });

    const { events, rejected, keys } = split(await h.envelopes());
    expect(rejected).toEqual([]);
    expect(keys).toEqual(['acme']);
    expect(events).toEqual([
      {
        brand_id: 'acme',
        event_id: expect.any(String),
        source: 'woocommerce',
        // The order, not the delivery: order.created and the order.updated of its payment are one purchase.
        source_event_id: 'order:shop.example.com:727:paid',
        type: 'order_completed',
        name: 'order.created',
        channel: 'web', // created_via "rest-api"
        timestamp: '2017-03-22T19:28:08.000Z', // date_paid_gmt, UTC without a zone
        received_at: NOW,
        // customer_id 0 is a guest: no user_id.
        identifiers: { email: 'john.doe@example.com', phone: '(555) 555-5555' },
        traits: { first_name: 'John', last_name: 'Doe' },
        properties: {
          order_id: '727',
          order_number: '727',
          status: 'processing',
          payment_method: 'bacs',
          created_via: 'rest-api',
          site: 'shop.example.com',
        },
        commerce: {
          order_id: '727',
          revenue: 29.35, // total: 6.00 + 12.00 + 10.00 shipping + 1.35 tax
          currency: 'USD',
          items: [
            { product_id: '93', name: 'Woo Single #1', price: 3, quantity: 2 },
            // The parent product of variation 23; "&ndash;" decoded.
            {
              product_id: '22',
              name: 'Ship Your Idea \u2013 Color: Black, Size: M Test',
              price: 12,
              quantity: 1,
            },
          ],
        },
        // customer_ip_address and customer_user_agent are "", and no attribution meta.
        context: {},
      },
    ]);
  });

  it('customer 25 as customer.created → one identify with the documented customer', async () => {
    const response = await deliver(
      'customer.created',
      CUSTOMER_25,
      signedByOpenssl(CUSTOMER_25),
      'delivery-25',
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true });

    const { events, rejected } = split(await h.envelopes());
    expect(rejected).toEqual([]);
    expect(events).toEqual([
      {
        brand_id: 'acme',
        event_id: expect.any(String),
        source: 'woocommerce',
        source_event_id: 'delivery-25:customer.created:25',
        type: 'identify',
        name: 'customer.created',
        channel: 'web',
        timestamp: '2017-03-21T19:09:28.000Z', // date_created_gmt
        received_at: NOW,
        identifiers: { user_id: '25', email: 'john.doe@example.com', phone: '(555) 555-5555' },
        traits: { first_name: 'John', last_name: 'Doe' },
        properties: { username: 'john.doe', role: 'customer', site: 'shop.example.com' },
        commerce: {},
        context: {},
      },
    ]);
  });

  it('one byte of the body changed under the same openssl signature → 401, nothing published', async () => {
    const signature = signedByOpenssl(ORDER_727);
    const at = ORDER_727.indexOf('"total": "29.35"') + '"total": "'.length;
    expect(at).toBeGreaterThan(0);
    const tampered = Buffer.from(ORDER_727);
    tampered[at] = '9'.charCodeAt(0); // "29.35" → "99.35"
    expect(tampered.equals(ORDER_727)).toBe(false);

    const response = await deliver('order.created', tampered, signature, 'delivery-tampered');
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('invalid_signature');
    const { events, rejected } = split(await h.envelopes());
    expect(events).toEqual([]);
    expect(rejected.map((r) => [r.brand_id, r.source, r.reason])).toEqual([
      ['acme', 'woocommerce', 'invalid_signature'],
    ]);
  });

  it('the same delivery twice: both answered 200, one source_event_id, counted once by the processor', async () => {
    const signature = signedByOpenssl(ORDER_727);
    const first = await deliver('order.created', ORDER_727, signature, 'delivery-again');
    const again = await deliver('order.created', ORDER_727, signature, 'delivery-again');
    expect([first.status, again.status]).toEqual([200, 200]);

    // Ingest keeps no dedupe state: both reach events.raw under the source's own id ...
    const { events } = split(await h.envelopes());
    expect(events.map((event) => event.source_event_id)).toEqual([
      'order:shop.example.com:727:paid',
      'order:shop.example.com:727:paid',
    ]);

    // ... and the processor keeps one (DESIGN.md, invariant 3).
    const warehouse = await openWarehouse();
    try {
      const states = createBrandStates({ warehouse, brands: fixture.brands, clock: () => new Date(NOW) });
      await drainToWarehouse({ bus: h.bus, warehouse, states, clock: () => new Date(NOW) });
      expect(await warehouse.counters('acme')).toEqual({
        brand_id: 'acme',
        processed: 1,
        duplicates: 1,
        rejected: 0,
      });
      const minuteTo = new Date(Date.parse(NOW) + 60_000).toISOString();
      const [minute] = await warehouse.kpis('acme', NOW, minuteTo);
      expect(minute).toMatchObject({ brand_id: 'acme', purchases: 1 });
      expect(minute?.revenue).toBeCloseTo(29.35, 6);
    } finally {
      await warehouse.close();
    }
  });
});
