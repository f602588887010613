import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import type { PageServerLoad } from './$types';

const ROWS = 200;

export const load: PageServerLoad = async ({ locals }) => {
  const { brand } = requireSession(locals);
  return { rejected: await dashboardContext().warehouse.rejected(brand.brand_id, ROWS), limit: ROWS };
};
