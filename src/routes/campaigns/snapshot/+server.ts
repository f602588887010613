// The Campaigns page's live snapshot for a range (fetched again on every reconnect).
import { error, json } from '@sveltejs/kit';
import { loadCampaignSnapshot } from '$lib/server/campaign-data';
import { parseCampaignRange } from '$lib/server/campaign-query';
import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const now = new Date();
  const range = parseCampaignRange(
    url.searchParams.get('from') ?? undefined,
    url.searchParams.get('to') ?? undefined,
    now,
  );
  if (!range.ok) error(400, range.problem);
  return json(await loadCampaignSnapshot(dashboardContext().warehouse, brand.brand_id, range.value, now));
};
