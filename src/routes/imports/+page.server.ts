import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const { brand } = requireSession(locals);
  // The page keeps this list live from the importer's `import` pushes.
  return { imports: await dashboardContext().importer.list(brand.brand_id) };
};
