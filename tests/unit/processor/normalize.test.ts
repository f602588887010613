import { describe, expect, it } from 'vitest';
import {
  JUNK_IDENTIFIERS,
  categoryOf,
  normalizeEmail,
  normalizeEvent,
  normalizeIdentifier,
  normalizePhone,
} from '../../../ingest/processor/normalize';
import { makeEvent } from './fixtures';

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Priya.Shah@Gmail.COM ')).toEqual({ ok: true, value: 'priya.shah@gmail.com' });
  });

  it.each(['not-an-email', 'a@b', '@gmail.com', 'priya@', 'two@@signs.com', 'sp ace@x.com', 'x@.com'])(
    'refuses %s as invalid',
    (raw) => {
      expect(normalizeEmail(raw)).toEqual({ ok: false, reason: 'invalid_email' });
    },
  );

  it.each([
    'test@test.com',
    'TEST@TEST.COM',
    'noreply@shop.in',
    'no-reply@brand.com',
    'someone@example.com',
    'x@mail.example.org',
    'y@example.net',
    'a@a.a',
    'b@c.d',
    'null@gmail.com',
    'undefined@gmail.com',
  ])('drops placeholder %s as junk', (raw) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, reason: 'junk' });
  });
});

describe('normalizePhone', () => {
  it.each([
    ['whatsapp:+919876543210', 'IN'],
    ['WhatsApp:+91 98765 43210', 'US'],
    ['+91-98765-43210', 'US'],
    ['098765 43210', 'IN'],
    ['98765 43210', 'IN'],
    ['tel:+91 9876543210', 'GB'],
  ])('%s (default %s) becomes +919876543210', (raw, country) => {
    expect(normalizePhone(raw, country)).toEqual({ ok: true, value: '+919876543210' });
  });

  it('uses the default country for national numbers with a leading 0', () => {
    expect(normalizePhone('07911 123456', 'GB')).toEqual({ ok: true, value: '+447911123456' });
    expect(normalizePhone('(415) 555-2671', 'US')).toEqual({ ok: true, value: '+14155552671' });
  });

  it('keeps an explicit country code over the default', () => {
    expect(normalizePhone('+1 415 555 2671', 'IN')).toEqual({ ok: true, value: '+14155552671' });
  });

  it.each([
    '0000000000',
    '+91 99999 99999',
    '1111111111',
    '+1 (555) 555-5555',
    '1234567890',
    '+91 0123456789',
  ])('drops placeholder %s as junk', (raw) => {
    expect(normalizePhone(raw, 'IN')).toEqual({ ok: false, reason: 'junk' });
  });

  it.each(['12', 'call me', '+', 'whatsapp:', '+91 12345 12345 12345 12345'])(
    'refuses %s as invalid',
    (raw) => {
      expect(normalizePhone(raw, 'IN')).toEqual({ ok: false, reason: 'invalid_phone' });
    },
  );
});

describe('normalizeIdentifier', () => {
  it.each(JUNK_IDENTIFIERS.values.map((v) => [v]))(
    'never accepts the junk value "%s" for any type',
    (junk) => {
      for (const type of ['user_id', 'email', 'phone', 'loyalty_id', 'device_id', 'anonymous_id'] as const) {
        const padded = `  ${junk.toUpperCase()} `;
        expect(normalizeIdentifier(type, padded, { defaultCountry: 'US' }).ok).toBe(false);
      }
    },
  );

  it('trims other identifiers but keeps their case', () => {
    expect(normalizeIdentifier('user_id', '  Cust-42 ', { defaultCountry: 'US' })).toEqual({
      ok: true,
      value: 'Cust-42',
    });
  });

  it('drops absurdly long values', () => {
    expect(normalizeIdentifier('device_id', 'x'.repeat(300), { defaultCountry: 'US' })).toEqual({
      ok: false,
      reason: 'too_long',
    });
  });

  it('takes a brand-specific junk list', () => {
    const junk = { ...JUNK_IDENTIFIERS, values: [...JUNK_IDENTIFIERS.values, 'kiosk-1'] };
    expect(normalizeIdentifier('device_id', 'KIOSK-1', { defaultCountry: 'US', junk }).ok).toBe(false);
    expect(normalizeIdentifier('device_id', 'KIOSK-1', { defaultCountry: 'US' }).ok).toBe(true);
  });
});

describe('normalizeEvent', () => {
  it('keeps usable identifiers in priority order and reports the dropped ones', () => {
    const event = makeEvent({
      identifiers: {
        anonymous_id: 'anon-1',
        phone: 'whatsapp:+919876543210',
        email: 'null',
        user_id: ' u-7 ',
        device_id: 'undefined',
      },
    });
    const result = normalizeEvent(event, { defaultCountry: 'IN' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.identifiers).toEqual([
      { type: 'user_id', value: 'u-7' },
      { type: 'phone', value: '+919876543210' },
      { type: 'anonymous_id', value: 'anon-1' },
    ]);
    expect(result.value.dropped).toEqual([
      { type: 'email', value: 'null', reason: 'junk' },
      { type: 'device_id', value: 'undefined', reason: 'junk' },
    ]);
  });

  it('counts revenue only for completed orders and never negative', () => {
    const order = normalizeEvent(makeEvent({ type: 'order_completed', commerce: { revenue: 120.5 } }), {
      defaultCountry: 'US',
    });
    const cart = normalizeEvent(makeEvent({ type: 'product_added', commerce: { revenue: 99 } }), {
      defaultCountry: 'US',
    });
    const refund = normalizeEvent(makeEvent({ type: 'order_completed', commerce: { revenue: -40 } }), {
      defaultCountry: 'US',
    });
    expect(order.ok && order.value.revenue).toBe(120.5);
    expect(cart.ok && cart.value.revenue).toBe(0);
    expect(refund.ok && refund.value.revenue).toBe(0);
  });

  it('refuses an event whose received_at is not a date, and falls back for a bad timestamp', () => {
    expect(normalizeEvent(makeEvent({ received_at: 'yesterday' }), { defaultCountry: 'US' })).toMatchObject({
      ok: false,
      reason: 'invalid_received_at',
    });
    const result = normalizeEvent(makeEvent({ timestamp: 'soon', received_at: '2025-03-01T10:00:00.000Z' }), {
      defaultCountry: 'US',
    });
    expect(result.ok && result.value.timestampMs).toBe(Date.parse('2025-03-01T10:00:00.000Z'));
  });
});

describe('categoryOf', () => {
  it("takes the event's category, else the first item's, and treats blank as none", () => {
    const item = { product_id: 'p1', category: 'Shoes', price: 10, quantity: 1 };
    expect(categoryOf(makeEvent({ commerce: { category: 'Bags', items: [item] } }))).toBe('Bags');
    expect(categoryOf(makeEvent({ commerce: { items: [item] } }))).toBe('Shoes');
    expect(categoryOf(makeEvent({ commerce: { category: '   ' } }))).toBeNull();
    expect(categoryOf(makeEvent({}))).toBeNull();
  });
});
