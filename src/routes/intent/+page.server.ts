import { dashboardContext } from '$lib/server/context';
import { INTENT_PAGE_LIMIT, loadIntentList, parseIntentFilter } from '$lib/server/intent-list';
import { requireSession } from '$lib/server/page-session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const now = new Date();
  const parsed = parseIntentFilter(url.searchParams);
  const filter = parsed.ok ? parsed.value : { level: 'high' as const, category: null };
  const intent = brand.settings.intent;
  return {
    filter,
    problem: parsed.ok ? null : parsed.problem,
    intent: {
      half_life_minutes: intent.half_life_minutes,
      medium_threshold: intent.medium_threshold,
      high_threshold: intent.high_threshold,
    },
    limit: INTENT_PAGE_LIMIT,
    entries: await loadIntentList(dashboardContext().warehouse, brand.brand_id, intent, filter, now),
    now: now.toISOString(),
  };
};
