// The Campaigns page's ranges in the viewer's time zone: today, the last 7 or
// 30 days (today included), or chosen dates; each ends at the next midnight,
// so the minutes still to come today fall inside it.
export const RANGE_PRESETS = [
  { value: 'today', label: 'Today', days: 1 },
  { value: '7d', label: '7 days', days: 7 },
  { value: '30d', label: '30 days', days: 30 },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['value'] | 'custom';

const midnight = (date: Date, addDays = 0) =>
  new Date(date.getFullYear(), date.getMonth(), date.getDate() + addDays);

export function presetRange(
  preset: Exclude<RangePreset, 'custom'>,
  now = new Date(),
): { from: string; to: string } {
  const days = RANGE_PRESETS.find((option) => option.value === preset)!.days;
  return { from: midnight(now, 1 - days).toISOString(), to: midnight(now, 1).toISOString() };
}

/** From the start of `fromDate` to the end of `toDate` (YYYY-MM-DD, both included), local time. */
export function customRange(fromDate: string, toDate: string): { from: string; to: string } | null {
  const parse = (ymd: string) => {
    const [year, month, day] = ymd.split('-').map(Number);
    return year && month && day ? new Date(year, month - 1, day) : null;
  };
  const from = parse(fromDate);
  const to = parse(toDate);
  if (!from || !to || to < from) return null;
  return { from: from.toISOString(), to: midnight(to, 1).toISOString() };
}

/** YYYY-MM-DD of an instant in local time, for date inputs. */
export function localDate(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The query string of a range on the Campaigns page. */
export const rangeQuery = (name: RangePreset, range: { from: string; to: string }) =>
  `?range=${name}&from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;
