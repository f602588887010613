// ClickHouse's column primitives for the shared row decoders
// (ingest/warehouse/row-decoders.ts). ClickHouse's JSONEachRow output quotes
// 64-bit integers ("5"), writes DateTime as 'YYYY-MM-DD hh:mm:ss' (UTC
// columns) and Array(String) as a JSON array.
import { createRowDecoders } from '../ingest/warehouse/row-decoders';
import type { Row } from './connection';

function wrongType(row: Row, column: string, expected: string): TypeError {
  return new TypeError(`column ${column}: expected ${expected}, got ${JSON.stringify(row[column])}`);
}

export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw wrongType(row, column, 'text');
  return value;
}

/** A number, or a 64-bit integer ClickHouse sent as a decimal string. */
export function num(row: Row, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw wrongType(row, column, 'number');
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;

/** DateTime('UTC') text → ISO-8601 UTC with milliseconds. */
export function time(row: Row, column: string): string {
  const match = DATE_TIME.exec(text(row, column));
  if (!match) throw wrongType(row, column, 'YYYY-MM-DD hh:mm:ss');
  return `${match[1]}T${match[2]}.000Z`;
}

function strings(row: Row, column: string): string[] {
  const value = row[column];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw wrongType(row, column, 'Array(String)');
  }
  return value;
}

function numbers(row: Row, column: string): number[] {
  const value = row[column];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) {
    throw wrongType(row, column, 'Array(Float64)');
  }
  return value;
}

/** UInt8 0/1. */
function flag(row: Row, column: string): boolean {
  const value = row[column];
  if (value !== 0 && value !== 1) throw wrongType(row, column, 'UInt8 0 or 1');
  return value === 1;
}

export const {
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
