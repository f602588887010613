import { error } from '@sveltejs/kit';
import { dashboardContext } from '$lib/server/context';
import { parseMergeActions } from '$lib/server/merge-actions-query';
import { requireSession } from '$lib/server/page-session';
import type { PageServerLoad } from './$types';

const ROWS = 200;

export const load: PageServerLoad = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const query = parseMergeActions(url.searchParams.get('action'));
  if (!query.ok) error(400, query.problem);
  return {
    merges: await dashboardContext().warehouse.mergeLog(brand.brand_id, query.actions, ROWS),
    actions: query.actions ?? null,
    limit: ROWS,
  };
};
