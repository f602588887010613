import { describe, expect, it } from 'vitest';
import { batchRequest, CATALOG_NAMES } from '../../../ingest/demo';
import { generateActions, segmentMessages } from './generate';
import { batchBodySchema, segmentMessageSchema } from './segment-schema';

describe('generated Segment calls', () => {
  it.each(CATALOG_NAMES)('all pass the tracking API shape (%s catalog)', (catalog) => {
    const messages = segmentMessages(generateActions(11, 4000, catalog));
    expect(messages.length).toBeGreaterThan(3500);
    for (const message of messages) {
      const parsed = segmentMessageSchema.safeParse(message);
      if (!parsed.success) throw new Error(`${JSON.stringify(message)}\n${parsed.error.message}`);
    }
  });

  it('have unique messageIds', () => {
    const ids = segmentMessages(generateActions(12, 5000)).map((message) => message.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('travel in a batch body authenticated with the brand write key as Basic user', () => {
    const messages = segmentMessages(generateActions(13, 20));
    const request = batchRequest('http://localhost:3000/', 'wk_acme_secret', messages);
    expect(request.url).toBe('http://localhost:3000/v1/batch');
    const [scheme, encoded] = request.headers.authorization!.split(' ');
    expect(scheme).toBe('Basic');
    expect(Buffer.from(encoded!, 'base64').toString('utf8')).toBe('wk_acme_secret:');
    expect(batchBodySchema.parse(JSON.parse(request.body)).batch).toHaveLength(messages.length);
  });
});

// The schema above is the yardstick; prove it rejects what ingest must reject.
describe('the Segment shape used as yardstick', () => {
  const valid = segmentMessages(generateActions(14, 2000));
  const order = valid.find((m) => m.event === 'Order Completed' && m.context.channel !== 'store')!;

  it('rejects a call without userId and anonymousId', () => {
    const { anonymousId: _a, userId: _u, ...anonymous } = valid[0]!;
    expect(segmentMessageSchema.safeParse(anonymous).success).toBe(false);
  });

  it('rejects a track call without event, an unknown type and a bad timestamp', () => {
    const track = valid.find((m) => m.type === 'track')!;
    const { event: _event, ...nameless } = track;
    expect(segmentMessageSchema.safeParse(nameless).success).toBe(false);
    expect(segmentMessageSchema.safeParse({ ...track, type: 'bogus' }).success).toBe(false);
    expect(segmentMessageSchema.safeParse({ ...track, timestamp: 'yesterday' }).success).toBe(false);
  });

  it('rejects an order whose revenue is not the sum of its items', () => {
    expect(order).toBeDefined();
    const revenue = (order.properties!.revenue as number) + 1;
    const tampered = { ...order, properties: { ...order.properties, revenue } };
    expect(segmentMessageSchema.safeParse(order).success).toBe(true);
    expect(segmentMessageSchema.safeParse(tampered).success).toBe(false);
  });

  it('rejects a batch with extra top-level keys or no calls', () => {
    expect(batchBodySchema.safeParse({ batch: [] }).success).toBe(false);
    expect(batchBodySchema.safeParse({ batch: [order], writeKey: 'x' }).success).toBe(false);
  });
});
