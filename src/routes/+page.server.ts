import { dashboardContext } from '$lib/server/context';
import { loadHighIntent } from '$lib/server/high-intent';
import { lastHour } from '$lib/server/kpi-range';
import { requireSession } from '$lib/server/page-session';
import type { PageServerLoad } from './$types';

/** How many rows the overview's live lists keep. */
const LIMITS = { highIntent: 15, alerts: 20 };

export const load: PageServerLoad = async ({ locals }) => {
  const { brand } = requireSession(locals);
  const { warehouse } = dashboardContext();
  const now = new Date();
  const { from, to } = lastHour(now);
  const [kpis, highIntent, alerts] = await Promise.all([
    warehouse.kpis(brand.brand_id, from, to),
    loadHighIntent(warehouse, brand.brand_id, LIMITS.highIntent),
    warehouse.alerts(brand.brand_id, LIMITS.alerts),
  ]);
  return { kpis, highIntent, alerts, limits: LIMITS, now: now.toISOString() };
};
