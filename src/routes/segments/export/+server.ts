// "Export CSV" of the Segments page: one segment, or every member, of the session's brand's
// newest ok run, streamed (the read API's /v1/segments/export does the same for a read key).
import { error } from '@sveltejs/kit';
import { dashboardContext } from '$lib/server/context';
import { csvHeaders } from '$lib/server/csv-export';
import { requireSession } from '$lib/server/page-session';
import { exportSegmentCsv, resolveSegmentExport, segmentExportFileName } from '$lib/server/segments-export';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const warehouse = dashboardContext().warehouse;
  const wanted = await resolveSegmentExport(warehouse, brand.brand_id, url.searchParams.get('segment'));
  if (!wanted.ok) error(wanted.status, wanted.problem);
  const body = await exportSegmentCsv(warehouse, brand.brand_id, wanted.value);
  return new Response(body, {
    headers: csvHeaders(segmentExportFileName(brand.brand_id, wanted.value, new Date())),
  });
};
