import { describe, expect, it } from 'vitest';
import {
  createRowMapper,
  MAX_ORDER_ROWS,
  type MappedRow,
  type MapOutput,
} from '../../../ingest/import/map-rows';
import { inboundEventSchema } from '../../../src/lib/shared/events';
import type { ImportKind } from '../../../src/lib/shared/imports';

const NOW = new Date('2026-01-15T12:00:00Z');

function mapper(kind: ImportKind, columns: Record<string, string> = {}) {
  let n = 0;
  return createRowMapper(kind, columns, {
    brand_id: 'acme',
    import_id: '00000000-0000-4000-8000-000000000001',
    file_name: 'file.csv',
    newId: () => `evt-${++n}`,
    now: () => NOW,
  });
}

let line = 1;
function row(cells: Record<string, string>): MappedRow {
  line += 1;
  return { row: line, cells, raw: Object.values(cells) };
}

/** Every event must pass the bus contract, as the processor parses it. */
function valid(output: MapOutput): MapOutput {
  for (const { event } of output.events) expect(inboundEventSchema.parse(event)).toEqual(event);
  return output;
}

describe('customers', () => {
  it('become identify events with traits, timed by their created column or now', () => {
    const m = mapper('customers');
    const out = valid(
      m.push(
        row({
          email: 'Ann@Example.com',
          phone: '+44 7700 900123',
          first_name: 'Ann',
          occurred_at: '2024-05-01',
        }),
      ),
    );
    expect(out.errors).toEqual([]);
    expect(out.events[0]!.event).toMatchObject({
      source: 'csv',
      type: 'identify',
      channel: 'server',
      timestamp: '2024-05-01T00:00:00.000Z',
      received_at: NOW.toISOString(),
      identifiers: { email: 'Ann@Example.com', phone: '+44 7700 900123' },
      traits: { first_name: 'Ann', email: 'Ann@Example.com', phone: '+44 7700 900123' },
    });
    const undated = valid(m.push(row({ user_id: 'c-1' }))).events[0]!.event!;
    expect(undated.timestamp).toBe(NOW.toISOString());
  });

  it('need an identifier', () => {
    const out = mapper('customers').push(row({ first_name: 'Nobody' }));
    expect(out.events).toEqual([]);
    expect(out.errors[0]!.error).toContain('no identifier');
  });

  it('get the same source id for the same values in any row, and another for other values', () => {
    const m = mapper('customers');
    const a = m.push(row({ email: 'a@x.com', city: 'Pune' })).events[0]!.event!;
    const again = m.push(row({ city: 'Pune', email: 'a@x.com' })).events[0]!.event!;
    const moved = m.push(row({ email: 'a@x.com', city: 'Goa' })).events[0]!.event!;
    expect(again.source_event_id).toBe(a.source_event_id);
    expect(moved.source_event_id).not.toBe(a.source_event_id);
    expect(again.event_id).not.toBe(a.event_id);
  });
});

describe('orders', () => {
  const columns = { order_id: 'Name', occurred_at: 'Created at', price: 'Price', total: 'Total' };

  it('join consecutive rows of one order into one event with its line items', () => {
    const m = mapper('orders', columns);
    const first = row({
      order_id: '#1001',
      occurred_at: '2025-03-01 10:15:00 +0530',
      email: 'b@x.com',
      product_id: 'sku-1',
      quantity: '2',
      price: '500',
      category: 'Shoes',
      currency: 'inr',
      total: '1,250.00',
    });
    expect(m.push(first)).toEqual({ events: [], errors: [] });
    expect(m.openFrom()).toBe(first.row);
    expect(m.push(row({ order_id: '#1001', product_id: 'sku-2', price: '250', total: '1,250.00' }))).toEqual({
      events: [],
      errors: [],
    });
    expect(m.openRowCount()).toBe(2);
    const done = valid(
      m.push(row({ order_id: '#1002', occurred_at: '2025-03-02', product_id: 'sku-3', price: '10' })),
    );
    expect(done.events).toHaveLength(1);
    expect(done.events[0]!.rows).toBe(2);
    expect(done.events[0]!.event).toMatchObject({
      source: 'csv',
      source_event_id: 'order:#1001',
      type: 'order_completed',
      channel: 'web',
      timestamp: '2025-03-01T04:45:00.000Z',
      identifiers: { email: 'b@x.com' },
      commerce: {
        order_id: '#1001',
        revenue: 1250,
        currency: 'INR',
        category: 'Shoes',
        items: [
          { product_id: 'sku-1', category: 'Shoes', price: 500, quantity: 2 },
          { product_id: 'sku-2', price: 250, quantity: 1 },
        ],
      },
      properties: { import_id: '00000000-0000-4000-8000-000000000001', file: 'file.csv', rows: 2 },
    });
    const last = valid(m.end());
    // No total: the sum of the lines. No identifier: still an order (it counts for the brand).
    expect(last.events[0]!.event!.commerce).toMatchObject({ order_id: '#1002', revenue: 10 });
    expect(last.events[0]!.event!.identifiers).toEqual({});
    expect(m.openFrom()).toBeNull();
  });

  it('refuse an order whole when one of its rows is wrong, saying so on each row', () => {
    const m = mapper('orders', columns);
    const a = row({ order_id: '7', occurred_at: '2025-03-01', product_id: 's1', price: '5' });
    const b = row({ order_id: '7', product_id: 's2', price: '5', quantity: '1.5' });
    const c = row({ order_id: '7', product_id: 's3', price: '5' });
    m.push(a);
    m.push(b);
    m.push(c);
    const out = m.end();
    expect(out.events).toEqual([]);
    expect(out.errors.map((e) => [e.row, e.error])).toEqual([
      [a.row, `not imported: order 7 has an error in row ${b.row}`],
      [b.row, '"1.5" is not a whole number of units'],
      [c.row, `not imported: order 7 has an error in row ${b.row}`],
    ]);
    expect(out.errors[1]!.column).toBe('quantity');
    expect(out.errors[1]!.raw).toEqual(b.raw);
  });

  it.each([
    [{ order_id: '1', occurred_at: '03/04/2025', total: '5' }, 'Created at', 'day/month'],
    [{ order_id: '1', total: '5' }, 'Created at', 'order time is empty'],
    [{ order_id: '1', occurred_at: '2025-01-01' }, 'Total', 'no total and no line prices'],
    [{ order_id: '1', occurred_at: '2025-01-01', total: '12,50' }, 'Total', 'decimal comma'],
    [{ order_id: '1', occurred_at: '2025-01-01', total: '5', product_id: 'x' }, 'Price', 'has no unit price'],
    [{ occurred_at: '2025-01-01', total: '5' }, 'Name', 'order id is empty'],
  ])('refuse %j: %s %s', (cells, column, reason) => {
    const m = mapper('orders', columns);
    const out = [m.push(row(cells)), m.end()];
    const errors = out.flatMap((o) => o.errors);
    expect(out.flatMap((o) => o.events)).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.column).toBe(column);
    expect(errors[0]!.error).toContain(reason);
  });

  it(`refuse an order of more than ${MAX_ORDER_ROWS} rows without holding the extra rows`, () => {
    const m = mapper('orders', columns);
    let refusedEarly = 0;
    for (let i = 0; i < MAX_ORDER_ROWS + 5; i++) {
      const out = m.push(
        row({ order_id: 'same', occurred_at: '2025-01-01', product_id: `p${i}`, price: '1' }),
      );
      refusedEarly += out.errors.length;
    }
    expect(refusedEarly).toBe(5);
    expect(m.openRowCount()).toBe(MAX_ORDER_ROWS);
    const out = m.end();
    expect(out.events).toEqual([]);
    expect(out.errors).toHaveLength(MAX_ORDER_ROWS);
    expect(out.errors[0]!.error).toContain(`more than ${MAX_ORDER_ROWS} rows`);
  });
});

describe('events', () => {
  it.each([
    ['Product Viewed', 'product_viewed'],
    ['product_added', 'product_added'],
    ['Order Completed', 'order_completed'],
    ['identify', 'custom'],
    ['Newsletter Signup', 'custom'],
    ['constructor', 'custom'],
  ])('"%s" is typed %s and keeps its name', (name, type) => {
    const out = valid(
      mapper('events').push(row({ event: name, occurred_at: '2025-01-01T10:00:00Z', anonymous_id: 'c1' })),
    );
    expect(out.events[0]!.event).toMatchObject({ type, name });
  });

  it('carry commerce, campaign and a source id from the message id when mapped', () => {
    const out = valid(
      mapper('events').push(
        row({
          event: 'Order Completed',
          occurred_at: '2025-01-01',
          user_id: 'u1',
          revenue: '40',
          currency: 'eur',
          order_id: 'o9',
          message_id: 'm-77',
          channel: 'app',
          utm_source: 'google',
          utm_campaign: 'spring',
        }),
      ),
    );
    expect(out.events[0]!.event).toMatchObject({
      source_event_id: 'event:m-77',
      channel: 'app',
      commerce: { order_id: 'o9', revenue: 40, currency: 'EUR' },
      context: { campaign: { source: 'google', name: 'spring' } },
    });
  });

  it('need a name, a time and an identifier', () => {
    const out = mapper('events', { event: 'Event', occurred_at: 'When' }).push(row({ channel: 'fax' }));
    expect(out.events).toEqual([]);
    expect(out.errors.map((e) => e.error)).toEqual([
      expect.stringContaining('no identifier'),
      'the event name is empty',
      'the time is empty',
      expect.stringContaining('is not a channel'),
    ]);
  });
});
