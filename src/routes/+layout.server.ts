import { dashboardContext } from '$lib/server/context';
import { OPEN_ALERTS_LIMIT } from '$lib/client/open-alerts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => ({
  brand: locals.brand ? { id: locals.brand.brand_id, name: locals.brand.name } : null,
  username: locals.session?.username ?? null,
  // Every signed-in page shows what is firing, live from here on.
  openAlerts: locals.brand
    ? await dashboardContext().warehouse.alerts(locals.brand.brand_id, OPEN_ALERTS_LIMIT, [
        'pending',
        'firing',
      ])
    : [],
});
