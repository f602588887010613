import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../../../ingest/http/body/read-capped';
import { inboundEventSchema } from '../../../../src/lib/shared/events';
import { mapShopifyWebhook, type ShopifyMappingMeta } from '../../../../ingest/http/shopify/map-shopify';
import { parseShopifyWebhook, type ShopifyTopic } from '../../../../ingest/http/shopify/shopify-schema';
import { checkoutPayload, customerPayload, orderPayload, shopifyJson } from './fixtures';

const meta: ShopifyMappingMeta = {
  brand_id: 'acme',
  event_id: 'evt-1',
  received_at: '2024-05-01T12:00:00.000Z',
  webhook_id: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
};

/** Sends the payload through the same JSON reading the endpoint uses (64-bit ids kept exact). */
function map(topic: ShopifyTopic, payload: unknown, overrides: Partial<ShopifyMappingMeta> = {}) {
  const json = parseJsonBody(new TextEncoder().encode(shopifyJson(payload)), {
    largeIntegersAsStrings: true,
  });
  if (!json.ok) throw new Error(json.message);
  const parsed = parseShopifyWebhook(topic, json.value);
  if (!parsed.ok) throw new Error(parsed.message);
  const event = mapShopifyWebhook(parsed.webhook, { ...meta, ...overrides });
  expect(inboundEventSchema.parse(event)).toEqual(event);
  return event;
}

describe('mapShopifyWebhook', () => {
  it('orders/create → order_completed with revenue, items, identifiers and campaign', () => {
    const event = map('orders/create', orderPayload());
    expect(event).toEqual({
      brand_id: 'acme',
      event_id: 'evt-1',
      source: 'shopify',
      source_event_id: meta.webhook_id,
      type: 'order_completed',
      name: 'orders/create',
      channel: 'web',
      timestamp: '2024-04-30T17:00:00.000Z',
      received_at: meta.received_at,
      identifiers: { email: 'jon@example.com', phone: '+16135551111' },
      traits: { first_name: 'John' },
      properties: {
        order_id: '820982911946154508',
        order_number: 1234,
        source_name: 'web',
        shopify_customer_id: '115310627314723958',
      },
      commerce: {
        order_id: '820982911946154508',
        revenue: 403,
        currency: 'USD',
        items: [
          {
            product_id: '632910392',
            name: 'IPod Nano - 8GB',
            category: 'Cult Products',
            price: 199,
            quantity: 2,
          },
          { product_id: 'GIFT-WRAP', name: 'Gift wrap', price: 5, quantity: 1 },
        ],
      },
      context: {
        ip: '198.51.100.7',
        user_agent: 'Mozilla/5.0 (Macintosh)',
        campaign: { name: 'spring-sale', source: 'google', medium: 'cpc' },
      },
    });
  });

  it('takes the phone from the order, else the customer, else the billing address', () => {
    expect(map('orders/create', orderPayload({ phone: '+441234' })).identifiers.phone).toBe('+441234');
    const noCustomerPhone = orderPayload({ customer: { id: 1, email: null, phone: null } });
    expect(map('orders/create', noCustomerPhone).identifiers.phone).toBe('555-555-5555');
    const guest = map('orders/create', orderPayload({ customer: null, billing_address: null, email: null }));
    expect(guest.identifiers).toEqual({});
  });

  it('uses the vendor as category when there is no product type', () => {
    const event = map('orders/create', orderPayload());
    const checkout = map('checkouts/create', checkoutPayload());
    expect(event.commerce.items?.[0]?.category).toBe('Cult Products');
    expect(checkout.commerce.items?.[0]?.category).toBe('Apple');
  });

  it('point-of-sale orders happened in the store; other sources are web', () => {
    expect(map('orders/create', orderPayload({ source_name: 'pos' })).channel).toBe('store');
    expect(map('orders/create', orderPayload({ source_name: 'shopify_draft_order' })).channel).toBe('web');
    expect(map('orders/create', orderPayload({ source_name: null })).channel).toBe('web');
  });

  it('checkouts/create and checkouts/update → checkout_started with revenue and items, no order id', () => {
    for (const topic of ['checkouts/create', 'checkouts/update'] as const) {
      const event = map(topic, checkoutPayload());
      expect(event).toMatchObject({
        type: 'checkout_started',
        name: topic,
        timestamp: '2024-04-30T16:05:00.000Z',
        identifiers: { email: 'john@example.com' },
        commerce: {
          revenue: 398,
          currency: 'USD',
          items: [{ product_id: '632910392', price: 199, quantity: 2 }],
        },
      });
      expect(event.commerce.order_id).toBeUndefined();
    }
  });

  it('customers/create and customers/update → identify, phone from the default address', () => {
    const event = map('customers/update', customerPayload());
    expect(event).toMatchObject({
      type: 'identify',
      channel: 'web',
      timestamp: '2024-04-30T13:00:00.000Z',
      identifiers: { email: 'bob@biller.com', phone: '+16135550199' },
      traits: { first_name: 'Bob', last_name: 'Biller' },
      commerce: {},
    });
  });

  it('keeps every digit of 64-bit ids, so neighbouring customers stay apart', () => {
    const a = map('customers/create', customerPayload({ id: 'bigint:9007199254740993' }));
    const b = map('customers/create', customerPayload({ id: 'bigint:9007199254740992' }));
    expect(a.properties.shopify_customer_id).toBe('9007199254740993');
    expect(b.properties.shopify_customer_id).toBe('9007199254740992');
  });

  it('keeps the Shopify customer id out of the identifiers, so it never conflicts with the brand user id', () => {
    const event = map('customers/create', customerPayload({ id: 42 }));
    expect(event.identifiers.user_id).toBeUndefined();
    expect(event.properties.shopify_customer_id).toBe('42');
  });

  it('without a webhook id, identifies a retry by topic, id and update time', () => {
    const first = map('customers/update', customerPayload(), { webhook_id: undefined });
    const retry = map('customers/update', customerPayload(), { webhook_id: undefined });
    const later = map('customers/update', customerPayload({ updated_at: '2024-05-01T00:00:00Z' }), {
      webhook_id: undefined,
    });
    expect(first.source_event_id).toBe('customers/update:706405506930370084:2024-04-30T09:00:00-04:00');
    expect(retry.source_event_id).toBe(first.source_event_id);
    expect(later.source_event_id).not.toBe(first.source_event_id);
  });

  it('falls back to the arrival time when the payload has no usable time', () => {
    expect(map('orders/create', orderPayload({ created_at: 'soon' })).timestamp).toBe(meta.received_at);
  });
});

describe('parseShopifyWebhook: hostile input', () => {
  function invalid(topic: ShopifyTopic, payload: unknown): string {
    const parsed = parseShopifyWebhook(topic, payload);
    if (parsed.ok) throw new Error('expected a refusal');
    return parsed.message;
  }

  it('names bad fields by path', () => {
    expect(invalid('orders/create', orderPayload({ total_price: 'free' }))).toContain(
      'total_price: expected a decimal amount',
    );
    expect(invalid('orders/create', orderPayload({ total_price: '-5.00' }))).toContain('total_price');
    expect(
      invalid('orders/create', orderPayload({ line_items: [{ title: 'x', price: '1.00', quantity: 0 }] })),
    ).toContain('line_items.0.quantity');
    expect(invalid('orders/create', orderPayload({ line_items: undefined }))).toContain('line_items');
    expect(invalid('customers/create', { email: 'no-id@example.com' })).toContain('id:');
    expect(invalid('checkouts/update', [])).toContain('(root)');
  });
});
