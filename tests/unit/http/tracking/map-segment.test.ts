import { describe, expect, it } from 'vitest';
import { inboundEventSchema } from '../../../../src/lib/shared/events';
import { mapSegmentCall, type SegmentMappingMeta } from '../../../../ingest/http/tracking/map-segment';
import { parseSegmentCall } from '../../../../ingest/http/tracking/segment-schema';

const meta: SegmentMappingMeta = {
  brand_id: 'acme',
  event_id: 'evt-1',
  received_at: '2024-05-01T12:00:00.000Z',
  fallback_source_event_id: 'generated-1',
};

/** Validates like the endpoint does, then maps; the result must satisfy the bus contract. */
function map(call: Record<string, unknown>) {
  const parsed = parseSegmentCall(call);
  if (!parsed.ok) throw new Error(parsed.message);
  const event = mapSegmentCall(parsed.call, meta);
  expect(inboundEventSchema.parse(event)).toEqual(event);
  return event;
}

function invalid(call: Record<string, unknown>): string {
  const parsed = parseSegmentCall(call);
  if (parsed.ok) throw new Error('expected the call to be refused');
  return parsed.message;
}

describe('mapSegmentCall: event types', () => {
  it.each([
    ['Product Viewed', 'product_viewed'],
    ['Product Added', 'product_added'],
    ['Product Removed', 'product_removed'],
    ['Checkout Started', 'checkout_started'],
    ['Order Completed', 'order_completed'],
    ['Message Received', 'message_received'],
    ['Newsletter Signup', 'custom'],
    ['product viewed', 'custom'], // spec names are exact
    // Names of Object's own properties are names like any other, not lookups into Object.prototype.
    ['constructor', 'custom'],
    ['toString', 'custom'],
    ['__proto__', 'custom'],
  ])('track "%s" → %s, keeping the name', (name, type) => {
    const event = map({ type: 'track', event: name, anonymousId: 'anon-1' });
    expect(event.type).toBe(type);
    expect(event.name).toBe(name);
  });

  it('page → page_viewed with its name and category among the properties', () => {
    const event = map({
      type: 'page',
      anonymousId: 'a1',
      name: 'Home',
      category: 'Landing',
      properties: { url: 'https://acme.test/' },
    });
    expect(event).toMatchObject({
      type: 'page_viewed',
      name: 'Page Viewed',
      properties: { name: 'Home', category: 'Landing', url: 'https://acme.test/' },
    });
  });

  it('identify → identify with the traits; screen and group → custom; alias → identify', () => {
    expect(map({ type: 'identify', userId: 'u1', traits: { plan: 'gold' } })).toMatchObject({
      type: 'identify',
      name: 'Identify',
      traits: { plan: 'gold' },
    });
    expect(map({ type: 'screen', anonymousId: 'a1', name: 'Cart' })).toMatchObject({
      type: 'custom',
      name: 'Screen Viewed',
      properties: { name: 'Cart' },
    });
    expect(
      map({ type: 'group', userId: 'u1', groupId: 'g1', traits: { email: 'office@corp.test' } }),
    ).toMatchObject({
      type: 'custom',
      name: 'Group',
      properties: { group_id: 'g1', group_traits: { email: 'office@corp.test' } },
    });
    expect(map({ type: 'alias', userId: 'u1', previousId: 'anon-9' })).toMatchObject({
      type: 'identify',
      name: 'Alias',
      identifiers: { user_id: 'u1', anonymous_id: 'anon-9' },
    });
  });
});

describe('mapSegmentCall: identifiers', () => {
  it('takes each identifier from where the brief says', () => {
    const event = map({
      type: 'track',
      event: 'Product Viewed',
      userId: 'u-42',
      anonymousId: 'anon-7',
      context: {
        device: { id: 'device-1' },
        traits: { email: 'Ana@Example.com', phone: '+1 (415) 555-0100', loyalty_id: 'L-1' },
      },
    });
    // Passed through untouched: the processor normalizes.
    expect(event.identifiers).toEqual({
      user_id: 'u-42',
      anonymous_id: 'anon-7',
      email: 'Ana@Example.com',
      phone: '+1 (415) 555-0100',
      device_id: 'device-1',
      loyalty_id: 'L-1',
    });
  });

  it('prefers identify traits over context.traits, and reads loyalty_id from properties', () => {
    const identify = map({
      type: 'identify',
      userId: 'u1',
      traits: { email: 'new@example.com' },
      context: { traits: { email: 'old@example.com', phone: '555' } },
    });
    expect(identify.identifiers).toEqual({ user_id: 'u1', email: 'new@example.com', phone: '555' });
    const track = map({ type: 'track', event: 'x', anonymousId: 'a', properties: { loyalty_id: 9001 } });
    expect(track.identifiers).toEqual({ anonymous_id: 'a', loyalty_id: '9001' });
  });

  it("does not take a group's email for the person's", () => {
    const event = map({ type: 'group', userId: 'u1', groupId: 'g', traits: { email: 'billing@corp.test' } });
    expect(event.identifiers).toEqual({ user_id: 'u1' });
  });

  it('passes numeric ids as strings and leaves out empty or non-text values', () => {
    const event = map({
      type: 'track',
      event: 'x',
      userId: 12345,
      context: { traits: { email: '', phone: { nested: true } } },
    });
    expect(event.identifiers).toEqual({ user_id: '12345' });
  });
});

describe('mapSegmentCall: channel', () => {
  it.each([
    [{ context: { channel: 'store' } }, 'track', 'store'],
    [{ context: { channel: 'whatsapp' } }, 'track', 'whatsapp'],
    [{ context: { channel: 'browser' } }, 'track', 'web'],
    [{ context: { channel: 'mobile' } }, 'page', 'app'],
    [{ channel: 'mobile' }, 'track', 'app'], // Segment's own top-level field
    [{ context: { channel: 'fax' } }, 'page', 'web'],
    [{ context: { channel: 'fax' } }, 'track', 'server'],
    [{ context: { channel: 'constructor' } }, 'track', 'server'], // not Object.prototype's
    // Segment's browser library names itself instead of stating a channel.
    [{ context: { library: { name: 'analytics.js', version: 'npm:next-1.84.3' } } }, 'track', 'web'],
    [{ context: { library: { name: 'analytics.js' }, channel: 'store' } }, 'track', 'store'],
    [{ context: { library: { name: 'analytics-node', version: '3.1.0' } } }, 'track', 'server'],
    [{ context: { library: 'analytics.js' } }, 'identify', 'server'],
    [{}, 'page', 'web'],
    [{}, 'track', 'server'],
    [{}, 'identify', 'server'],
  ])('%j on %s → %s', (extra, type, channel) => {
    const event = map({ type, event: 'x', anonymousId: 'a', ...extra });
    expect(event.channel).toBe(channel);
  });
});

describe('mapSegmentCall: commerce', () => {
  const products = [
    { product_id: 'sku-1', name: 'Boot', category: 'Shoes', price: 19.99, quantity: 3 },
    { product_id: 77, price: 5 },
  ];

  it('extracts order facts and items; revenue wins over total', () => {
    const event = map({
      type: 'track',
      event: 'Order Completed',
      userId: 'u1',
      properties: { order_id: 5001, revenue: 64.97, total: 70, currency: 'EUR', products },
    });
    expect(event.commerce).toEqual({
      order_id: '5001',
      revenue: 64.97,
      currency: 'EUR',
      items: [
        { product_id: 'sku-1', name: 'Boot', category: 'Shoes', price: 19.99, quantity: 3 },
        { product_id: '77', price: 5, quantity: 1 },
      ],
    });
  });

  it('falls back to total, then (for orders only) to the sum of the items', () => {
    expect(
      map({ type: 'track', event: 'Order Completed', userId: 'u1', properties: { total: 12 } }).commerce
        .revenue,
    ).toBe(12);
    expect(
      map({ type: 'track', event: 'Order Completed', userId: 'u1', properties: { products } }).commerce
        .revenue,
    ).toBe(64.97); // 19.99 × 3 + 5, without float noise
    expect(
      map({ type: 'track', event: 'Checkout Started', userId: 'u1', properties: { products } }).commerce
        .revenue,
    ).toBeUndefined();
    expect(map({ type: 'track', event: 'Order Completed', userId: 'u1' }).commerce).toEqual({});
  });

  it('gives product events the category of their first item when they state none', () => {
    const viewed = map({
      type: 'track',
      event: 'Product Viewed',
      anonymousId: 'a',
      properties: { products },
    });
    expect(viewed.commerce.category).toBe('Shoes');
    const own = map({
      type: 'track',
      event: 'Product Added',
      anonymousId: 'a',
      properties: { category: 'Hats', product_id: 'p9', products },
    });
    expect(own.commerce).toMatchObject({ category: 'Hats', product_id: 'p9' });
    const order = map({
      type: 'track',
      event: 'Order Completed',
      anonymousId: 'a',
      properties: { products },
    });
    expect(order.commerce.category).toBeUndefined();
  });
});

describe('mapSegmentCall: context, ids and time', () => {
  it('maps ip, user agent and campaign', () => {
    const event = map({
      type: 'page',
      anonymousId: 'a',
      context: {
        ip: '203.0.113.9',
        userAgent: 'Mozilla/5.0',
        campaign: { name: 'spring', source: 'google', medium: 'cpc', term: 'boots', content: 'ad-1', id: 42 },
      },
    });
    expect(event.context).toEqual({
      ip: '203.0.113.9',
      user_agent: 'Mozilla/5.0',
      campaign: { name: 'spring', source: 'google', medium: 'cpc', term: 'boots', content: 'ad-1', id: '42' },
    });
  });

  it('uses messageId as source_event_id, else the generated one', () => {
    expect(map({ type: 'track', event: 'x', anonymousId: 'a', messageId: 'm-1' }).source_event_id).toBe(
      'm-1',
    );
    expect(map({ type: 'track', event: 'x', anonymousId: 'a' }).source_event_id).toBe('generated-1');
  });

  it('takes the timestamp from the body in UTC, else the arrival time', () => {
    const stamped = map({
      type: 'track',
      event: 'x',
      anonymousId: 'a',
      timestamp: '2024-04-30T10:00:00+02:00',
    });
    expect(stamped).toMatchObject({ timestamp: '2024-04-30T08:00:00.000Z', received_at: meta.received_at });
    const zoneless = map({ type: 'track', event: 'x', anonymousId: 'a', timestamp: '2024-04-30 10:00:00' });
    expect(zoneless.timestamp).toBe('2024-04-30T10:00:00.000Z');
    expect(map({ type: 'track', event: 'x', anonymousId: 'a' }).timestamp).toBe(meta.received_at);
  });

  it('carries the brand, ids and source it is given', () => {
    const event = map({ type: 'track', event: 'x', anonymousId: 'a', brand_id: 'someone-else' });
    expect(event).toMatchObject({ brand_id: 'acme', event_id: 'evt-1', source: 'track' });
  });
});

describe('parseSegmentCall: hostile input', () => {
  it('names the path and the expected type', () => {
    expect(
      invalid({ type: 'track', event: 'Order Completed', userId: 'u', properties: { revenue: '10' } }),
    ).toContain('properties.revenue: expected number');
    expect(
      invalid({
        type: 'track',
        event: 'x',
        userId: 'u',
        properties: { products: [{ product_id: 'p', price: -1 }] },
      }),
    ).toContain('properties.products.0.price');
    expect(invalid({ type: 'track', userId: 'u' })).toContain('event:');
    expect(invalid({ type: 'track', event: 'x', userId: 'u', timestamp: 'yesterday' })).toContain(
      'timestamp: expected an ISO-8601 date',
    );
    expect(invalid({ type: 'alias', userId: 'u' })).toContain('previousId');
    expect(invalid({ type: 'group', userId: 'u' })).toContain('groupId');
  });

  it('requires userId or anonymousId, as Segment does', () => {
    expect(invalid({ type: 'track', event: 'x', context: { traits: { email: 'a@b.test' } } })).toContain(
      'userId: userId or anonymousId is required',
    );
    expect(invalid({ type: 'identify', userId: null, anonymousId: null })).toContain('userId or anonymousId');
  });

  it('refuses unknown call types and non-object fields', () => {
    expect(invalid({ type: 'delete', userId: 'u' })).toContain('type:');
    expect(invalid({ type: 'identify', userId: 'u', traits: 'vip' })).toContain('traits:');
    expect(invalid({ type: 'track', event: 'x', userId: { $gt: '' } })).toContain('userId');
  });
});
