// Typed SQL parameters. Every value reaches DuckDB as a bound parameter with
// an explicit type; none is ever spliced into SQL text.
import {
  BIGINT,
  LIST,
  TIMESTAMP,
  VARCHAR,
  listValue,
  timestampValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

export interface SqlParam {
  value: DuckDBValue;
  type: DuckDBType;
}

/** The column types the warehouse uses, by their SQL name. */
export type SqlTypeName = 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'TIMESTAMP' | 'BOOLEAN';

/** ISO-8601 → DuckDB TIMESTAMP (UTC, microseconds). Anything unparseable is a caller bug. */
export function toTimestamp(iso: string): DuckDBValue {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) throw new TypeError(`not an ISO-8601 time: ${JSON.stringify(iso)}`);
  return timestampValue(BigInt(millis) * 1000n);
}

/** Counts are integers; a fraction here is a caller bug, so BigInt's RangeError is the right answer. */
export function toBigInt(value: number): bigint {
  return BigInt(value);
}

export const varchar = (value: string): SqlParam => ({ value, type: VARCHAR });
export const bigint = (value: number): SqlParam => ({ value: toBigInt(value), type: BIGINT });
export const timestamp = (iso: string): SqlParam => ({ value: toTimestamp(iso), type: TIMESTAMP });
export const varcharList = (values: readonly string[]): SqlParam => ({
  value: listValue(values),
  type: LIST(VARCHAR),
});
