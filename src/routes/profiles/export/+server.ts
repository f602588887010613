// "Export CSV" of the Profiles page: every profile of the session's brand that
// the page's search matches, in its sort, streamed.
import { error } from '@sveltejs/kit';
import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import { exportProfilesCsv, profilesExportFileName } from '$lib/server/profiles-export';
import { parseProfilesApiQuery } from '$lib/server/profiles-list';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const parsed = parseProfilesApiQuery({
    sort: url.searchParams.get('sort') ?? undefined,
    search: url.searchParams.get('q') ?? undefined,
  });
  if (!parsed.ok) error(400, parsed.problem);
  const query = {
    sort: parsed.value.sort,
    search: parsed.value.search,
    country: brand.settings.default_country,
  };
  const body = await exportProfilesCsv(dashboardContext().warehouse, brand.brand_id, query);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${profilesExportFileName(brand.brand_id, query, new Date())}"`,
      'cache-control': 'no-store',
    },
  });
};
