import { describe, expect, it } from 'vitest';
import { num, oneOf, optionalTime, text, time, toCounters } from '../../../ingest/warehouse/duckdb/rows';

describe('row getters', () => {
  it('read the JS types DuckDB returns', () => {
    const row = { s: "it's", n: 3.5, b: 7n, t: new Date('2024-05-01T10:00:00.000Z'), none: null };
    expect(text(row, 's')).toBe("it's");
    expect(num(row, 'n')).toBe(3.5);
    expect(num(row, 'b')).toBe(7);
    expect(time(row, 't')).toBe('2024-05-01T10:00:00.000Z');
    expect(optionalTime(row, 'none')).toBeNull();
  });

  it('fail loudly on a column of the wrong type or an unknown enum value', () => {
    const row = { s: 'x', n: 1, missing: null };
    expect(() => text(row, 'n')).toThrow(/column n: expected text/);
    expect(() => num(row, 's')).toThrow(/column s: expected number/);
    expect(() => time(row, 's')).toThrow(/expected timestamp/);
    expect(() => text(row, 'absent')).toThrow(TypeError);
    expect(oneOf({ level: 'high' }, 'level', ['low', 'high'] as const)).toBe('high');
    expect(() => oneOf({ level: 'extreme' }, 'level', ['low', 'high'] as const)).toThrow(
      /unexpected value "extreme"/,
    );
  });

  it('counts zero for a brand without a counters row, for that brand only', () => {
    expect(toCounters('brand-b', undefined)).toEqual({
      brand_id: 'brand-b',
      processed: 0,
      duplicates: 0,
      rejected: 0,
    });
    expect(
      toCounters('brand-a', { brand_id: 'brand-a', processed: 5n, duplicates: 1n, rejected: 0n }),
    ).toEqual({
      brand_id: 'brand-a',
      processed: 5,
      duplicates: 1,
      rejected: 0,
    });
  });
});
