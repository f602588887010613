// DuckDB's column primitives for the shared row decoders
// (../row-decoders.ts): the node API returns BIGINT as bigint, TIMESTAMP as
// Date, and this back-end stores string lists as JSON text.
import { createRowDecoders } from '../row-decoders';
import type { Row } from './session';

function wrongType(row: Row, column: string, expected: string): TypeError {
  return new TypeError(`column ${column}: expected ${expected}, got ${typeof row[column]}`);
}

export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw wrongType(row, column, 'text');
  return value;
}

export function num(row: Row, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw wrongType(row, column, 'number');
}

/** TIMESTAMP → ISO-8601 UTC with milliseconds. */
export function time(row: Row, column: string): string {
  const value = row[column];
  if (!(value instanceof Date)) throw wrongType(row, column, 'timestamp');
  return value.toISOString();
}

/** A JSON array of text, as this warehouse wrote it. */
function strings(row: Row, column: string): string[] {
  const value: unknown = JSON.parse(text(row, column));
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(`column ${column}: expected a JSON list of text, got ${text(row, column)}`);
  }
  return value;
}

/** A JSON array of numbers, as this warehouse wrote it. */
function numbers(row: Row, column: string): number[] {
  const value: unknown = JSON.parse(text(row, column));
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) {
    throw new TypeError(`column ${column}: expected a JSON list of numbers, got ${text(row, column)}`);
  }
  return value;
}

function flag(row: Row, column: string): boolean {
  const value = row[column];
  if (typeof value !== 'boolean') throw wrongType(row, column, 'boolean');
  return value;
}

export const {
  oneOf,
  optionalText,
  optionalTime,
  toProfile,
  toStoredEvent,
  toLink,
  toMergeRecord,
  toKpiMinute,
  toAlert,
  toSilence,
  toDelivery,
  toAdSpend,
  toCampaignMinute,
  toCampaignBucket,
  toTouch,
  toRejected,
  toCounters,
  toSourceHour,
  toSourceLast,
} = createRowDecoders<Row>({ text, num, time, strings, flag, numbers });
