import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
  brand: locals.brand ? { id: locals.brand.brand_id, name: locals.brand.name } : null,
  username: locals.session?.username ?? null,
});
