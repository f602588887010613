import { dashboardContext } from '$lib/server/context';
import { loadIntegrations } from '$lib/server/integrations';
import { requireSession } from '$lib/server/page-session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  const { brand } = requireSession(locals);
  // The page carries the brand's webhook secrets: no cache keeps a copy.
  setHeaders({ 'cache-control': 'no-store' });
  const { warehouse, brands, publicUrl } = dashboardContext();
  return {
    integrations: await loadIntegrations({ warehouse, brands, publicUrl }, brand.brand_id, Date.now()),
  };
};
