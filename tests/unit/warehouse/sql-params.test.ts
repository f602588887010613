import { describe, expect, it } from 'vitest';
import { DuckDBTimestampValue } from '@duckdb/node-api';
import { toBigInt, toTimestamp } from '../../../ingest/warehouse/duckdb/sql-params';

describe('SQL parameters', () => {
  it('turns ISO-8601 times into UTC microseconds, whatever the offset', () => {
    const utc = toTimestamp('2024-05-01T10:00:00.123Z');
    expect(utc).toBeInstanceOf(DuckDBTimestampValue);
    expect((utc as DuckDBTimestampValue).micros).toBe(1714557600123000n);
    expect((toTimestamp('2024-05-01T12:00:00.123+02:00') as DuckDBTimestampValue).micros).toBe(
      1714557600123000n,
    );
  });

  it('refuses what is not a time instead of storing a wrong one', () => {
    for (const junk of ['', 'yesterday', "'; DROP TABLE events; --", '2024-13-45T99:00:00Z']) {
      expect(() => toTimestamp(junk)).toThrow(TypeError);
    }
  });

  it('refuses fractional counts', () => {
    expect(toBigInt(42)).toBe(42n);
    expect(() => toBigInt(1.5)).toThrow(RangeError);
    expect(() => toBigInt(Number.NaN)).toThrow(RangeError);
  });
});
