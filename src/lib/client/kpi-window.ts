// Turns the per-minute KPI rows of the last hour into what the overview shows:
// one row per minute (zeros where nothing happened), the current minute, and
// the hour's totals.
import type { KpiMinute } from '$lib/shared/model';
import { emptyKpiMinute } from '$lib/shared/kpi';

export const WINDOW_MINUTES = 60;
const MINUTE_MS = 60_000;

export interface KpiTotals {
  events: number;
  /** Active users of the busiest minute (people are not additive across minutes). */
  peak_active_users: number;
  carts: number;
  purchases: number;
  revenue: number;
  /** Purchasers over active users, weighted by each minute's active users. */
  conversion_rate: number;
  /** High-intent profiles at the end of the latest minute with data. */
  high_intent_profiles: number;
}

export const minuteKey = (minute: string | number): string =>
  String(Math.floor((typeof minute === 'number' ? minute : Date.parse(minute)) / MINUTE_MS));

/** The last `WINDOW_MINUTES` minutes up to and including `now`'s, oldest first. */
export function fillWindow(rows: Iterable<KpiMinute>, now: Date, brandId: string): KpiMinute[] {
  const byMinute = new Map<string, KpiMinute>();
  for (const row of rows) byMinute.set(minuteKey(row.minute), row);
  const current = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const window: KpiMinute[] = [];
  for (let i = WINDOW_MINUTES - 1; i >= 0; i--) {
    const at = current - i * MINUTE_MS;
    window.push(byMinute.get(minuteKey(at)) ?? emptyKpiMinute(brandId, new Date(at).toISOString()));
  }
  return window;
}

export function totals(window: readonly KpiMinute[]): KpiTotals {
  let events = 0,
    carts = 0,
    purchases = 0,
    revenue = 0,
    active = 0,
    converted = 0,
    peak = 0,
    highIntent = 0;
  for (const row of window) {
    events += row.events;
    carts += row.carts;
    purchases += row.purchases;
    revenue += row.revenue;
    active += row.active_users;
    converted += row.conversion_rate * row.active_users;
    peak = Math.max(peak, row.active_users);
    if (row.events > 0) highIntent = row.high_intent_profiles;
  }
  return {
    events,
    peak_active_users: peak,
    carts,
    purchases,
    revenue,
    conversion_rate: active > 0 ? converted / active : 0,
    high_intent_profiles: highIntent,
  };
}
