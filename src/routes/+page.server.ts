import { dashboardContext } from '$lib/server/context';
import { loadHighIntent } from '$lib/server/high-intent';
import { lastHour } from '$lib/server/kpi-range';
import { requireSession } from '$lib/server/page-session';
import { REVIEW_ACTIONS, REVIEW_LOOKBACK } from '$lib/server/review-queue';
import type { MergeAction } from '$lib/shared/model';
import type { PageServerLoad } from './$types';

/** How many rows the overview's live lists keep. */
const LIMITS = { highIntent: 15, alerts: 20, identity: 8 };
/** The identity panel shows what changes who is one person: merges, review requests, decisions. */
const IDENTITY_ACTIONS: MergeAction[] = ['merge', 'review', 'unmerge', 'approve', 'reject'];

export const load: PageServerLoad = async ({ locals }) => {
  const { brand } = requireSession(locals);
  const { warehouse } = dashboardContext();
  const now = new Date();
  const { from, to } = lastHour(now);
  const [kpis, highIntent, alerts, identity, reviewLog] = await Promise.all([
    warehouse.kpis(brand.brand_id, from, to),
    loadHighIntent(warehouse, brand.brand_id, LIMITS.highIntent),
    warehouse.alerts(brand.brand_id, LIMITS.alerts),
    warehouse.mergeLog(brand.brand_id, IDENTITY_ACTIONS, LIMITS.identity),
    // Reviews and their decisions, for the live count of reviews waiting.
    warehouse.mergeLog(brand.brand_id, REVIEW_ACTIONS, REVIEW_LOOKBACK),
  ]);
  return {
    kpis,
    highIntent,
    alerts,
    identity: { records: identity, actions: IDENTITY_ACTIONS },
    reviews: { records: reviewLog, actions: [...REVIEW_ACTIONS], lookback: REVIEW_LOOKBACK },
    limits: LIMITS,
    now: now.toISOString(),
  };
};
