// The High-intent page's live snapshot for its filter (fetched again on every reconnect).
import { error, json } from '@sveltejs/kit';
import { dashboardContext } from '$lib/server/context';
import { loadIntentList, parseIntentFilter } from '$lib/server/intent-list';
import { requireSession } from '$lib/server/page-session';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const parsed = parseIntentFilter(url.searchParams);
  if (!parsed.ok) error(400, parsed.problem);
  const now = new Date();
  const entries = await loadIntentList(
    dashboardContext().warehouse,
    brand.brand_id,
    brand.settings.intent,
    parsed.value,
    now,
  );
  return json({ entries, now: now.toISOString() });
};
