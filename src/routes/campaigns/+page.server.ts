import { loadCampaignSnapshot } from '$lib/server/campaign-data';
import { parseCampaignRange } from '$lib/server/campaign-query';
import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import type { PageServerLoad } from './$types';

const DAY_MS = 86_400_000;

export const load: PageServerLoad = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const now = new Date();
  const from = url.searchParams.get('from') ?? undefined;
  const to = url.searchParams.get('to') ?? undefined;
  const preset = url.searchParams.get('range') ?? (from || to ? 'custom' : 'today');
  // Without a range the page starts on today in UTC; the browser moves it to its own today.
  const todayUtc = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const parsed = parseCampaignRange(
    from ?? new Date(todayUtc).toISOString(),
    to ?? new Date(todayUtc + DAY_MS).toISOString(),
    now,
  );
  const range = parsed.ok
    ? parsed.value
    : { from: new Date(todayUtc).toISOString(), to: new Date(todayUtc + DAY_MS).toISOString() };
  return {
    preset,
    explicit: from !== undefined && to !== undefined,
    problem: parsed.ok ? null : parsed.problem,
    snapshot: await loadCampaignSnapshot(dashboardContext().warehouse, brand.brand_id, range, now),
  };
};
