import { dashboardContext } from '$lib/server/context';
import { decisionAction } from '$lib/server/decision-action';
import { requireSession } from '$lib/server/page-session';
import { loadReviewQueue, REVIEW_ACTIONS, REVIEW_LOOKBACK } from '$lib/server/review-queue';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const { brand } = requireSession(locals);
  const queue = await loadReviewQueue(dashboardContext().warehouse, brand.brand_id);
  return { ...queue, actions: [...REVIEW_ACTIONS], lookback: REVIEW_LOOKBACK };
};

export const actions: Actions = {
  approve: (event) => decisionAction(event, 'approve'),
  reject: (event) => decisionAction(event, 'reject'),
};
