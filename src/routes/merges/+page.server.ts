import { error } from '@sveltejs/kit';
import { dashboardContext } from '$lib/server/context';
import { decisionAction } from '$lib/server/decision-action';
import { parseMergeActions } from '$lib/server/merge-actions-query';
import { requireSession } from '$lib/server/page-session';
import type { Actions, PageServerLoad } from './$types';

const ROWS = 200;

export const load: PageServerLoad = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const query = parseMergeActions(url.searchParams.get('action'));
  if (!query.ok) error(400, query.problem);
  const { warehouse } = dashboardContext();
  const [merges, unmerges] = await Promise.all([
    warehouse.mergeLog(brand.brand_id, query.actions, ROWS),
    // What was undone already, whatever the filter shows: those merges get no Unmerge button.
    warehouse.mergeLog(brand.brand_id, ['unmerge'], ROWS),
  ]);
  return { merges, unmerges, actions: query.actions ?? null, limit: ROWS };
};

export const actions: Actions = {
  unmerge: (event) => decisionAction(event, 'unmerge'),
};
