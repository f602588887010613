import { describe, expect, it } from 'vitest';
import { inboundEventSchema } from '../../../../src/lib/shared/events';
import { parseBill, type Bill } from '../../../../ingest/http/pos/bill-schema';
import { billKey, mapBill } from '../../../../ingest/http/pos/map-bill';
import { anonymousBill, bill } from './fixtures';

const META = { brand_id: 'acme', event_id: 'evt-1', received_at: '2024-05-01T12:00:00.000Z' };

function parsed(value: unknown): Bill {
  const result = parseBill(value);
  if (!result.ok) throw new Error(result.message);
  return result.bill;
}

describe('mapBill', () => {
  it('maps a bill to an order_completed in the store, keyed for dedupe by store and bill', () => {
    const event = mapBill(parsed(bill()), META);
    expect(inboundEventSchema.parse(event)).toEqual(event);
    expect(event).toEqual({
      brand_id: 'acme',
      event_id: 'evt-1',
      source: 'pos',
      source_event_id: 'BLR01/BLR01-000123',
      type: 'order_completed',
      name: 'POS Bill',
      channel: 'store',
      timestamp: '2024-05-01T11:59:30.000Z',
      received_at: META.received_at,
      identifiers: { phone: '+91 98765 43210', loyalty_id: 'LOY-778' },
      traits: {},
      properties: {
        bill_id: 'BLR01-000123',
        store_id: 'BLR01',
        store_name: 'Bengaluru Indiranagar',
        bill_time: '2024-05-01T17:29:30+05:30',
        discount: 100,
        tax: 0,
        rounding: 0.5,
      },
      commerce: {
        order_id: 'BLR01-000123',
        revenue: 3698,
        currency: 'INR',
        items: [
          { product_id: 'SKU-SHIRT-M', name: 'Linen shirt', category: 'Shirts', price: 1499, quantity: 2 },
          {
            product_id: 'SKU-BELT',
            name: 'Leather belt',
            category: 'Accessories',
            price: 799.5,
            quantity: 1,
          },
        ],
      },
      context: {},
    });
  });

  it('sends the customer reference as user_id and an email as given (the processor normalizes)', () => {
    const event = mapBill(
      parsed(bill({ phone: null, loyalty_id: '', customer_ref: 42017, email: ' Priya@Shop.IN ' })),
      META,
    );
    expect(event.identifiers).toEqual({ user_id: '42017', email: 'Priya@Shop.IN' });
  });

  it('a bill without identifiers has none, and still carries its revenue', () => {
    const event = mapBill(parsed(anonymousBill()), META);
    expect(event.identifiers).toEqual({});
    expect(event.commerce.revenue).toBe(597);
    expect(event.properties).toEqual({
      bill_id: 'BLR01-000124',
      store_id: 'BLR01',
      bill_time: '2024-05-01T17:31:00+05:30',
    });
  });

  it('keys bills by store: the same bill number in two stores is two sales', () => {
    const a = parsed(bill({ store_id: 'BLR01', bill_id: 1001 }));
    const b = parsed(bill({ store_id: 'DEL02', bill_id: 1001 }));
    expect(billKey(a)).not.toBe(billKey(b));
    // and a store id with a slash cannot collide with another store's bill
    expect(billKey(parsed(bill({ store_id: 'A/B', bill_id: 'C' })))).not.toBe(
      billKey(parsed(bill({ store_id: 'A', bill_id: 'B/C' }))),
    );
  });
});

describe('parseBill', () => {
  it('accepts numeric ids and decimal-string money, and upper-cases the currency', () => {
    const result = parsed(bill({ bill_id: 123, store_id: 7, currency: 'inr', total: '3698.00' }));
    expect(result).toMatchObject({ bill_id: '123', store_id: '7', currency: 'INR', total: 3698 });
  });

  it.each([
    [{ bill_id: undefined }, 'bill_id: required'],
    [{ bill_id: '   ' }, 'bill_id: must not be blank'],
    [{ bill_id: { id: 1 } }, 'bill_id: expected a non-empty string or a whole number'],
    [{ store_id: undefined }, 'store_id: required'],
    [{ time: '2024-05-01T17:29:30' }, 'time: expected an ISO-8601 time with its UTC offset'],
    [{ time: '2024-02-30T10:00:00Z' }, 'time: expected an ISO-8601 time with its UTC offset'],
    [{ currency: 'RUPEES' }, 'currency: expected an ISO 4217 currency code'],
    [{ lines: [] }, 'lines: a bill has at least one line'],
    [{ lines: 'two shirts' }, 'lines: expected an array of lines'],
    [{ total: -5 }, 'total: must not be negative'],
    [{ total: '1e9' }, 'total: expected an amount'],
    [{ total: 1e300 }, 'total: must be at most'],
    [{ discount: -100 }, 'discount: must not be negative'],
    [{ phone: { number: '98765' } }, 'phone: expected a string'],
    [{ email: 'x'.repeat(300) }, 'email: Too big'],
  ])('refuses %j naming the field', (overrides, message) => {
    const result = parseBill(bill(overrides));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it.each([
    [{ quantity: -1 }, 'lines.0.quantity: must be a whole number ≥ 1'],
    [{ quantity: 0 }, 'lines.0.quantity: must be a whole number ≥ 1'],
    [{ quantity: 0.5 }, 'lines.0.quantity: must be a whole number ≥ 1'],
    [{ quantity: '2' }, 'lines.0.quantity: expected a number'],
    [{ unit_price: -1499 }, 'lines.0.unit_price: must not be negative'],
    [{ unit_price: '-1499' }, 'lines.0.unit_price: expected an amount'],
    [{ product_id: '' }, 'lines.0.product_id: must not be blank'],
  ])('refuses a line with %j naming the line and field', (line, message) => {
    const lines = [{ product_id: 'SKU-SHIRT-M', quantity: 2, unit_price: 1499, ...line }];
    const result = parseBill(bill({ lines, discount: 0, rounding: 0, total: 2998 }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('checks the total against lines − discount + tax + rounding, within a minor unit per line (+1)', () => {
    // Σ lines 3797.50 − 100 + 0 + 0.50 = 3698; two lines allow 0.03.
    expect(parseBill(bill({ total: 3698.03 })).ok).toBe(true);
    expect(parseBill(bill({ total: 3697.97 })).ok).toBe(true);
    const off = parseBill(bill({ total: 3698.04 }));
    expect(off).toEqual({
      ok: false,
      message: expect.stringMatching(/^total: 3698.04 does not match the lines: .* = 3698 INR/),
    });
    // A till sending paise where rupees were meant is caught, not booked as 100× the revenue.
    expect(parseBill(bill({ total: 369800 })).ok).toBe(false);
    // Tax on top of the lines is part of the sum.
    expect(parseBill(bill({ tax: 665.64, total: 4363.64 })).ok).toBe(true);
  });

  it("measures the tolerance in the currency's minor unit", () => {
    const yen = (total: number) =>
      parseBill(
        anonymousBill({
          currency: 'JPY',
          lines: [{ product_id: 'p', quantity: 1, unit_price: 1000 }],
          total,
        }),
      ).ok;
    expect(yen(1002)).toBe(true);
    expect(yen(1003)).toBe(false);
    const dinar = (total: number) =>
      parseBill(
        anonymousBill({ currency: 'KWD', lines: [{ product_id: 'p', quantity: 1, unit_price: 1.5 }], total }),
      ).ok;
    expect(dinar(1.502)).toBe(true);
    expect(dinar(1.51)).toBe(false);
  });
});
