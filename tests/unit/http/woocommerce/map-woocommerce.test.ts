import { describe, expect, it } from 'vitest';
import { inboundEventSchema, type InboundEvent } from '../../../../src/lib/shared/events';
import {
  decodeEntities,
  gmtMs,
  mapWooWebhook,
  PAYMENT_UPDATE_WINDOW_MS,
  siteOf,
  type WooMapping,
  type WooMappingMeta,
} from '../../../../ingest/http/woocommerce/map-woocommerce';
import {
  parseWooWebhook,
  type WooTopic,
  type WooWebhook,
} from '../../../../ingest/http/woocommerce/woocommerce-schema';
import { customer25, order723, order727 } from './fixtures';

const META: WooMappingMeta = {
  brand_id: 'acme',
  event_id: 'evt-1',
  received_at: '2024-05-01T12:00:00.000Z',
  delivery_id: 'd41d8cd98f00b204e9800998ecf8427e',
  source_url: 'https://shop.example.com/',
};

function webhook(topic: WooTopic, payload: unknown): WooWebhook {
  const parsed = parseWooWebhook(topic, payload);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.webhook;
}

function map(topic: WooTopic, payload: unknown, meta: Partial<WooMappingMeta> = {}): WooMapping {
  return mapWooWebhook(webhook(topic, payload), { ...META, ...meta });
}

/** The event of a mapping that must publish one, checked against the bus contract. */
function eventOf(mapping: WooMapping): InboundEvent {
  if (mapping.kind !== 'event') throw new Error(`ignored: ${mapping.reason}`);
  return inboundEventSchema.parse(mapping.event);
}

/** ISO time `minutes` after a *_gmt value, in WooCommerce's zoneless form. */
function gmtPlus(gmt: string, minutes: number): string {
  return new Date(Date.parse(`${gmt}Z`) + minutes * 60_000).toISOString().slice(0, 19);
}

describe('orders', () => {
  it("order.created of the documented paid order → order_completed with WooCommerce's totals and lines", () => {
    const event = eventOf(map('order.created', order727()));
    expect(event).toEqual({
      brand_id: 'acme',
      event_id: 'evt-1',
      source: 'woocommerce',
      source_event_id: 'order:shop.example.com:727:paid',
      type: 'order_completed',
      name: 'order.created',
      channel: 'web',
      // date_paid_gmt, read as UTC (the site's own clock was 3 h behind)
      timestamp: '2017-03-22T19:28:08.000Z',
      received_at: META.received_at,
      // A guest (customer_id 0): no user_id.
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
        revenue: 29.35,
        currency: 'USD',
        items: [
          { product_id: '93', name: 'Woo Single #1', price: 3, quantity: 2 },
          { product_id: '22', name: 'Ship Your Idea – Color: Black, Size: M Test', price: 12, quantity: 1 },
        ],
      },
      context: {},
    });
  });

  it("a registered customer's order carries the customer id as user_id, and the order's IP and browser", () => {
    const event = eventOf(map('order.created', order723()));
    expect(event.identifiers).toEqual({
      user_id: '26',
      email: 'joao.silva@example.com',
      phone: '(11) 1111-1111',
    });
    expect(event.traits).toEqual({ first_name: 'João', last_name: 'Silva' });
    expect(event.context).toEqual({
      ip: '127.0.0.1',
      user_agent: 'mozilla/5.0 (x11; ubuntu; linux x86_64; rv:52.0) gecko/20100101 firefox/52.0',
    });
    // Refunds do not change the revenue of the purchase: it is the order's total.
    expect(event.commerce.revenue).toBe(39);
  });

  it('order.created awaiting payment (pending, on-hold) → checkout_started, never revenue', () => {
    for (const status of ['pending', 'on-hold']) {
      const event = eventOf(map('order.created', order727({ status, date_paid_gmt: null })));
      expect(event).toMatchObject({
        type: 'checkout_started',
        source_event_id: 'order:shop.example.com:727:placed',
        timestamp: '2017-03-22T19:28:02.000Z',
        commerce: { revenue: 29.35, currency: 'USD' },
      });
      expect(event.commerce.order_id).toBeUndefined();
    }
  });

  it('order.created failed or cancelled publishes nothing', () => {
    expect(map('order.created', order727({ status: 'failed' }))).toEqual({
      kind: 'ignored',
      reason: 'order 727: created with status failed',
    });
    expect(map('order.created', order727({ status: 'cancelled' })).kind).toBe('ignored');
  });

  it('the order.updated that paid the order is the purchase, under the same id as a paid order.created', () => {
    const created = eventOf(map('order.created', order727(), { delivery_id: 'delivery-a' }));
    const updated = eventOf(map('order.updated', order727(), { delivery_id: 'delivery-b' }));
    expect(updated.type).toBe('order_completed');
    expect(updated.name).toBe('order.updated');
    expect(updated.source_event_id).toBe(created.source_event_id);
  });

  it('an order.updated modified minutes after payment (stock reduced, emails) is still the payment', () => {
    const modified = gmtPlus('2017-03-22T19:28:08', PAYMENT_UPDATE_WINDOW_MS / 60_000 - 1);
    expect(eventOf(map('order.updated', order727({ date_modified_gmt: modified }))).type).toBe(
      'order_completed',
    );
  });

  it('later saves of a paid order (shipped and completed, refunded, edited) publish nothing', () => {
    const twoDaysLater = gmtPlus('2017-03-22T19:28:08', 2 * 24 * 60);
    for (const status of ['completed', 'processing', 'refunded']) {
      expect(map('order.updated', order727({ status, date_modified_gmt: twoDaysLater }))).toEqual({
        kind: 'ignored',
        reason: 'order 727: this update is not its payment',
      });
    }
    const justOutside = gmtPlus('2017-03-22T19:28:08', PAYMENT_UPDATE_WINDOW_MS / 60_000 + 1);
    expect(map('order.updated', order727({ date_modified_gmt: justOutside })).kind).toBe('ignored');
  });

  it('order.updated of an unpaid order publishes nothing, whatever its dates say', () => {
    for (const status of ['pending', 'on-hold', 'failed', 'cancelled']) {
      expect(map('order.updated', order727({ status })).kind, status).toBe('ignored');
    }
  });

  it('without date_paid_gmt the completion date is the payment (documented order 723)', () => {
    const event = eventOf(map('order.updated', order723()));
    expect(event).toMatchObject({
      type: 'order_completed',
      source_event_id: 'order:shop.example.com:723:paid',
      timestamp: '2017-03-21T19:54:51.000Z',
    });
    // With neither date, an update cannot be told from any later save: nothing.
    expect(map('order.updated', order723({ date_completed_gmt: null })).kind).toBe('ignored');
  });

  it("two shops of one brand have two order 727s; the same shop's URL written differently is one", () => {
    const a = eventOf(map('order.created', order727(), { source_url: 'https://a.example.com/' }));
    const b = eventOf(map('order.created', order727(), { source_url: 'https://b.example.com/' }));
    const aAgain = eventOf(map('order.updated', order727(), { source_url: 'http://A.example.com' }));
    expect(a.source_event_id).not.toBe(b.source_event_id);
    expect(aAgain.source_event_id).toBe(a.source_event_id);
    expect(eventOf(map('order.created', order727(), { source_url: undefined })).source_event_id).toBe(
      'order:727:paid',
    );
  });

  it("WooCommerce's order attribution becomes the event's campaign", () => {
    const meta_data = [
      { id: 1, key: '_wc_order_attribution_source_type', value: 'utm' },
      { id: 2, key: '_wc_order_attribution_utm_source', value: 'google' },
      { id: 3, key: '_wc_order_attribution_utm_medium', value: 'cpc' },
      { id: 4, key: '_wc_order_attribution_utm_campaign', value: 'spring-sale' },
      { id: 5, key: '_wc_order_attribution_utm_content', value: '(none)' },
    ];
    expect(eventOf(map('order.created', order727({ meta_data }))).context.campaign).toEqual({
      source: 'google',
      medium: 'cpc',
      name: 'spring-sale',
    });
  });

  it('lines: a deleted product falls back to SKU then name; a missing price is total ÷ quantity; empty lines are dropped', () => {
    const line = (overrides: Record<string, unknown>) => ({
      name: 'Gift wrap',
      product_id: 0,
      quantity: 1,
      total: '5.00',
      sku: '',
      price: 5,
      ...overrides,
    });
    const event = eventOf(
      map(
        'order.created',
        order727({
          line_items: [
            line({ sku: 'GIFT-WRAP' }),
            line({}),
            line({ product_id: 7, quantity: 4, total: '10.00', price: null }),
            line({ quantity: 0 }),
          ],
        }),
      ),
    );
    expect(event.commerce.items).toEqual([
      { product_id: 'GIFT-WRAP', name: 'Gift wrap', price: 5, quantity: 1 },
      { product_id: 'Gift wrap', name: 'Gift wrap', price: 5, quantity: 1 },
      { product_id: '7', name: 'Gift wrap', price: 2.5, quantity: 4 },
    ]);
  });

  it("a POS plugin's order is a store sale", () => {
    expect(eventOf(map('order.created', order727({ created_via: 'woocommerce-pos' }))).channel).toBe('store');
  });
});

describe('customers', () => {
  it('customer.updated → identify: WooCommerce id as user_id, e-mail, billing phone, billing names', () => {
    const event = eventOf(map('customer.updated', customer25()));
    expect(event).toEqual({
      brand_id: 'acme',
      event_id: 'evt-1',
      source: 'woocommerce',
      source_event_id: 'd41d8cd98f00b204e9800998ecf8427e:customer.updated:25',
      type: 'identify',
      name: 'customer.updated',
      channel: 'web',
      timestamp: '2017-03-21T19:12:28.000Z',
      received_at: META.received_at,
      identifiers: { user_id: '25', email: 'john.doe@example.com', phone: '(555) 555-5555' },
      traits: { first_name: 'James', last_name: 'Doe' },
      properties: { username: 'john.doe', role: 'customer', site: 'shop.example.com' },
      commerce: {},
      context: {},
    });
  });

  it('customer.created is stamped with its creation; without a delivery id the key is topic, id and modification', () => {
    const event = eventOf(map('customer.created', customer25(), { delivery_id: undefined }));
    expect(event.timestamp).toBe('2017-03-21T19:09:28.000Z');
    expect(event.source_event_id).toBe('customer.created:25:2017-03-21T19:12:28');
  });

  it('two customers delivered in the same second share a delivery id but not a source_event_id', () => {
    const a = eventOf(map('customer.created', customer25()));
    const b = eventOf(map('customer.created', customer25({ id: 26 })));
    expect(a.source_event_id).not.toBe(b.source_event_id);
  });

  it('the billing e-mail and account names fill in for missing ones', () => {
    const event = eventOf(
      map(
        'customer.created',
        customer25({
          email: '',
          billing: { first_name: '', last_name: '', email: 'bill@example.com', phone: '' },
        }),
      ),
    );
    expect(event.identifiers).toEqual({ user_id: '25', email: 'bill@example.com' });
    expect(event.traits).toEqual({ first_name: 'James', last_name: 'Doe' });
  });
});

describe('parsing', () => {
  it('names the bad field', () => {
    expect(parseWooWebhook('order.created', order727({ total: 'free' }))).toEqual({
      ok: false,
      message: expect.stringContaining('total'),
    });
    expect(parseWooWebhook('customer.created', { email: 'x@example.com' })).toEqual({
      ok: false,
      message: expect.stringContaining('id'),
    });
    expect(parseWooWebhook('order.updated', [])).toMatchObject({ ok: false });
  });
});

describe('helpers', () => {
  it('gmtMs reads zoneless *_gmt dates as UTC and keeps an explicit zone', () => {
    expect(gmtMs('2017-03-22T19:28:02')).toBe(Date.UTC(2017, 2, 22, 19, 28, 2));
    expect(gmtMs('2017-03-22T19:28:02Z')).toBe(Date.UTC(2017, 2, 22, 19, 28, 2));
    expect(gmtMs('2017-03-22T21:28:02+02:00')).toBe(Date.UTC(2017, 2, 22, 19, 28, 2));
    expect(gmtMs('not a date')).toBeUndefined();
    expect(gmtMs(null)).toBeUndefined();
  });

  it('siteOf keeps host and path, drops scheme and trailing slash', () => {
    expect(siteOf('https://Shop.Example.com/')).toBe('shop.example.com');
    expect(siteOf('https://example.com/store/')).toBe('example.com/store');
    expect(siteOf(' ')).toBeUndefined();
  });

  it('decodeEntities decodes what WooCommerce escapes, and leaves the rest alone', () => {
    expect(decodeEntities('Tom &amp; Jerry &#8211; &#x2019;s &times; 2')).toBe('Tom & Jerry – ’s × 2');
    expect(decodeEntities('&bogus; &#0; &#xD800; 5 & 6')).toBe('&bogus; &#0; &#xD800; 5 & 6');
  });
});
