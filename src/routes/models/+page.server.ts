import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const { brand } = requireSession(locals);
  return { intentModel: await dashboardContext().warehouse.intentModel(brand.brand_id) };
};
