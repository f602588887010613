// The Segments page's and API's reads: the brand's prediction runs, the run whose segments are
// shown (the newest ok one), a segment named in a request checked against that run, and one
// keyset page of a segment's members (segmentMembers reads one run id, so pages never mix runs).
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import type { CustomerPrediction, PredictionRun } from '../shared/predictions';
import { latestRuns } from '../shared/segment-display';

/** Runs read for the page's history (sizes over time). */
export const SEGMENT_RUNS_SHOWN = 30;
/** Members per page on the Segments page. */
export const SEGMENT_MEMBERS_PAGE = 50;
/** Members per warehouse read of the CSV export. */
export const SEGMENT_EXPORT_PAGE = 1_000;
const NAME_SHOWN = 200;

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: 400 | 404; problem: string };

/** The runs newest first, the newest, and the newest with segments. */
export async function loadSegmentRuns(warehouse: WarehouseReader, brandId: string, limit: number) {
  const runs = await warehouse.predictionRuns(brandId, limit);
  return { runs, ...latestRuns(runs) };
}

/** Why there are no segments to show, in the words of the newest run's record. */
export function noSegmentsReason(latest: PredictionRun | null): string {
  if (latest === null)
    return 'no prediction run yet for this brand: the first runs minutes after its first orders';
  if (latest.status === 'not_enough_buyers')
    return `the last prediction run (${latest.started_at}) was refused: ${latest.error ?? 'not enough buyers'}`;
  if (latest.status === 'failed')
    return `the last prediction run (${latest.started_at}) failed: ${latest.error ?? 'no reason stored'}`;
  return 'no prediction run with segments yet for this brand';
}

/**
 * A requested segment (absent or empty: every member) checked against the run's segments:
 * an unknown name is refused naming it and the valid ones.
 */
export function checkSegment(run: PredictionRun, raw: string | null | undefined): Outcome<string | null> {
  if (raw === null || raw === undefined || raw === '') return { ok: true, value: null };
  const names = run.segments.map((s) => s.name);
  if (names.includes(raw)) return { ok: true, value: raw };
  const shown = raw.length > NAME_SHOWN ? `${raw.slice(0, NAME_SHOWN)}…` : raw;
  return {
    ok: false,
    status: 400,
    problem: `unknown segment ${JSON.stringify(shown)}; run ${run.run_id} has: ${names.map((n) => JSON.stringify(n)).join(', ')}`,
  };
}

export interface MembersPage {
  rows: CustomerPrediction[];
  /** The `after` of the next page, or null on the last. */
  next: string | null;
}

/** One keyset page (by profile_id) of the run's members, of one segment or all. */
export async function loadSegmentMembers(
  warehouse: WarehouseReader,
  brandId: string,
  query: { runId: string; segment: string | null; after: string | null; limit: number },
): Promise<MembersPage> {
  // One more than asked tells whether another page follows without an empty last read.
  const rows = await warehouse.segmentMembers(brandId, { ...query, limit: query.limit + 1 });
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  return { rows: page, next: more ? (page[page.length - 1]?.profile_id ?? null) : null };
}
