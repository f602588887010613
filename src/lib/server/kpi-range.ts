// The time range of a KPI read. Rows are per minute and `from <= minute < to`;
// the default is the 60 minutes up to and including the current one.
export const MAX_RANGE_DAYS = 31;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface KpiRange {
  from: string;
  to: string;
}

export type KpiRangeQuery = { ok: true; range: KpiRange } | { ok: false; problem: string };

export function lastHour(now: Date): KpiRange {
  const nextMinute = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  return { from: new Date(nextMinute - HOUR_MS).toISOString(), to: new Date(nextMinute).toISOString() };
}

export function parseKpiRange(from: string | undefined, to: string | undefined, now: Date): KpiRangeQuery {
  const fromMs = from === undefined ? undefined : parseIso(from);
  const toMs = to === undefined ? undefined : parseIso(to);
  if (fromMs === null)
    return { ok: false, problem: `from "${from}" is not an ISO-8601 date-time with a time zone` };
  if (toMs === null)
    return { ok: false, problem: `to "${to}" is not an ISO-8601 date-time with a time zone` };
  if (fromMs === undefined && toMs === undefined) return { ok: true, range: lastHour(now) };
  // One end given: the other is an hour away from it (or from now).
  const end = toMs ?? Date.parse(lastHour(now).to);
  return checked(fromMs ?? end - HOUR_MS, end);
}

function checked(fromMs: number, toMs: number): KpiRangeQuery {
  if (fromMs > toMs) return { ok: false, problem: 'from is after to' };
  if (toMs - fromMs > MAX_RANGE_DAYS * 24 * 60 * MINUTE_MS) {
    return { ok: false, problem: `the range is longer than ${MAX_RANGE_DAYS} days` };
  }
  return { ok: true, range: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() } };
}

// Date.parse accepts many shapes ("1", "March 7"); the API takes ISO-8601 only.
// A time without a zone would be read in the server's local time, so one is required.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** Milliseconds of an ISO-8601 date or date-time with a zone, or null for anything else. */
export function parseIso(value: string): number | null {
  if (!ISO_DATE_TIME.test(value) || !isCalendarDate(value.slice(0, 10))) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Date.parse rolls 2026-02-30 over into March; a date that does not exist is refused. */
function isCalendarDate(ymd: string): boolean {
  const [year, month, day] = ymd.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
