import { error, redirect } from '@sveltejs/kit';
import { dashboardContext } from '$lib/server/context';
import { decisionAction } from '$lib/server/decision-action';
import { requireSession } from '$lib/server/page-session';
import { loadProfileView } from '$lib/server/profile-view';
import { loadTimeline } from '$lib/server/profile-timeline';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const { brand } = requireSession(locals);
  const { warehouse } = dashboardContext();
  const now = new Date();
  const view = await loadProfileView(
    { warehouse, halfLifeMinutes: brand.settings.intent.half_life_minutes, now },
    brand.brand_id,
    params.id,
  );
  if (!view) error(404, 'No such profile');
  // A merged profile's page is its survivor's.
  if (view.profile.profile_id !== params.id)
    redirect(308, `/profiles/${encodeURIComponent(view.profile.profile_id)}`);
  const timeline = await loadTimeline(
    warehouse,
    brand.brand_id,
    [view.profile.profile_id, ...view.merged_profiles],
    view.merge_history,
    url.searchParams,
  );
  return { view, timeline, now: now.toISOString() };
};

export const actions: Actions = {
  unmerge: (event) => decisionAction(event, 'unmerge'),
};
