import { describe, expect, it } from 'vitest';
import {
  parseAmount,
  parseChannel,
  parseCurrency,
  parsePrice,
  parseQuantity,
  parseTime,
} from '../../../ingest/import/values';

const NOW = Date.parse('2026-01-15T12:00:00Z');

describe('parseAmount', () => {
  it.each([
    ['1299', 1299],
    ['1299.50', 1299.5],
    ['1,299.50', 1299.5],
    ['12,345,678', 12345678],
    ['₹1,299.00', 1299],
    ['$ 12.50', 12.5],
    ['12.50 EUR', 12.5],
    ['INR 99', 99],
    ['-20.00', -20],
    ['  7 ', 7],
  ])('"%s" → %d', (raw, value) => {
    expect(parseAmount(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['12,50', 'decimal comma'],
    ['1,29', 'decimal comma'],
    ['12,3456', 'not an amount'],
    ['abc', 'not an amount'],
    ['1.2.3', 'not an amount'],
    ['', 'not an amount'],
    ['1e5', 'not an amount'],
    ['Infinity', 'not an amount'],
  ])('refuses "%s" (%s)', (raw, reason) => {
    const parsed = parseAmount(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it('refuses a negative price', () => {
    expect(parsePrice('-1')).toEqual({ ok: false, error: '"-1" is negative' });
    expect(parsePrice('0')).toEqual({ ok: true, value: 0 });
  });
});

describe('parseQuantity', () => {
  it('takes whole numbers from 1', () => {
    expect(parseQuantity('3')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('2.0')).toEqual({ ok: true, value: 2 });
    expect(parseQuantity('0')).toMatchObject({ ok: false, error: expect.stringContaining('at least 1') });
    expect(parseQuantity('1.5')).toMatchObject({ ok: false, error: expect.stringContaining('whole number') });
    expect(parseQuantity('-2')).toMatchObject({ ok: false });
    expect(parseQuantity('99999999999999999999')).toMatchObject({
      ok: false,
      error: expect.stringContaining('too large'),
    });
  });
});

describe('parseTime', () => {
  it.each([
    ['2025-03-01', '2025-03-01T00:00:00.000Z'],
    ['2025-03-01 10:15', '2025-03-01T10:15:00.000Z'],
    ['2025-03-01T10:15:30', '2025-03-01T10:15:30.000Z'],
    ['2025-03-01T10:15:30.25Z', '2025-03-01T10:15:30.250Z'],
    ['2025-03-01T10:15:30+05:30', '2025-03-01T04:45:30.000Z'],
    ['2025-03-01 10:15:00 +0530', '2025-03-01T04:45:00.000Z'], // Shopify's export
    ['2025-03-01T10:15:00-0800', '2025-03-01T18:15:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('"%s" → %s', (raw, iso) => {
    const parsed = parseTime(raw, NOW);
    expect(parsed.ok && new Date(parsed.value).toISOString()).toBe(iso);
  });

  it.each([
    ['03/04/2025', 'day/month or month/day'],
    ['3.4.25', 'day/month or month/day'],
    ['2025-02-30', 'not a real date'],
    ['2025-13-01', 'not a real date'],
    ['2025-03-01 24:00', 'not a real date'],
    ['1899-12-30', 'before 1990'],
    ['2026-01-17', 'in the future'],
    ['yesterday', 'not a date'],
    ['1700000000', 'not a date'],
  ])('refuses "%s" (%s)', (raw, reason) => {
    const parsed = parseTime(raw, NOW);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it('allows a day of clock skew', () => {
    expect(parseTime('2026-01-16', NOW).ok).toBe(true);
  });
});

describe('parseChannel and parseCurrency', () => {
  it('knows our channels and common names for them, and nothing from Object.prototype', () => {
    expect(parseChannel('Store')).toEqual({ ok: true, value: 'store' });
    expect(parseChannel('POS')).toEqual({ ok: true, value: 'store' });
    expect(parseChannel('Online')).toEqual({ ok: true, value: 'web' });
    expect(parseChannel('in-store')).toEqual({ ok: true, value: 'store' });
    expect(parseChannel('fax').ok).toBe(false);
    expect(parseChannel('constructor').ok).toBe(false);
    expect(parseChannel('toString').ok).toBe(false);
  });

  it('takes three-letter codes, upper-cased', () => {
    expect(parseCurrency(' inr ')).toEqual({ ok: true, value: 'INR' });
    expect(parseCurrency('₹')).toMatchObject({ ok: false, error: expect.stringContaining('three-letter') });
  });
});
