import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import type { PageServerLoad } from './$types';

/** Runs shown beside the purchase model: its latest fit and the checks of the ones before. */
const RUNS_SHOWN = 10;

export const load: PageServerLoad = async ({ locals }) => {
  const { brand } = requireSession(locals);
  const { warehouse } = dashboardContext();
  const [intentModel, predictionRuns] = await Promise.all([
    warehouse.intentModel(brand.brand_id),
    warehouse.predictionRuns(brand.brand_id, RUNS_SHOWN),
  ]);
  return { intentModel, predictionRuns };
};
