import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import {
  SEGMENT_MEMBERS_PAGE,
  SEGMENT_RUNS_SHOWN,
  checkSegment,
  loadSegmentMembers,
  loadSegmentRuns,
  noSegmentsReason,
  type MembersPage,
} from '$lib/server/segments';
import { sizesOverTime, topMoves } from '$lib/shared/segment-display';
import type { PageServerLoad } from './$types';

/** Moves shown under the drift; the API has them all. */
const MOVES_SHOWN = 8;
const CURSOR_MAX = 1_000;

export const load: PageServerLoad = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const warehouse = dashboardContext().warehouse;
  const { runs, latest, current } = await loadSegmentRuns(warehouse, brand.brand_id, SEGMENT_RUNS_SHOWN);
  // The newest run when it has no segments: its refusal or failure is said above the last ok run.
  const notice = latest === null || latest.status !== 'ok' ? noSegmentsReason(latest) : null;
  let members: (MembersPage & { segment: string | null; after: string | null }) | null = null;
  let problem: string | null = null;

  const wantsAll = url.searchParams.get('all') === '1';
  const requested = url.searchParams.get('segment');
  const after = url.searchParams.get('after');
  if (current !== null && (wantsAll || requested !== null)) {
    const checked = wantsAll ? ({ ok: true, value: null } as const) : checkSegment(current, requested);
    if (!checked.ok) problem = checked.problem;
    else if (after !== null && (after === '' || after.length > CURSOR_MAX))
      problem = `after must be a profile id of at most ${CURSOR_MAX} characters; start again from the first page`;
    else {
      const page = await loadSegmentMembers(warehouse, brand.brand_id, {
        runId: current.run_id,
        segment: checked.value,
        after,
        limit: SEGMENT_MEMBERS_PAGE,
      });
      members = { ...page, segment: checked.value, after };
    }
  }

  return {
    latest,
    current,
    notice,
    history: sizesOverTime(runs),
    moves: current?.drift ? topMoves(current.drift.moves, MOVES_SHOWN) : [],
    members,
    problem,
  };
};
