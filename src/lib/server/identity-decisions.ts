// An operator's identity decision, from a form post to a command for the bus.
// The form names only the merge-log record (merge_id); everything the command
// repeats (its profiles) comes from that record as the warehouse has it, read
// under the session's brand, so a post can decide only its own brand's
// records. The checks here answer the operator at once with what is wrong;
// the processor checks again when it applies the command, against its state
// at that moment, and refuses a stale one (it shows on the Rejected page).
//
//  unmerge        a `merge` record whose profiles are still merged (409 if undone since)
//  approve/reject a `review` record with no approve or reject on its profiles (409 if decided)
//  anything else  400; a merge id the brand does not have: 404
import { randomUUID } from 'node:crypto';
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import { identityCommandSchema, type IdentityCommand, type IdentityCommandType } from '../shared/events';
import type { MergeAction, MergeRecord } from '../shared/model';
import { reviewKey } from '../shared/reviews';

/** Merge ids are short hashes; anything much longer is not one. */
const MAX_MERGE_ID_LENGTH = 200;
/** How far back the decisions on reviews are looked for (the processor's own check has no horizon). */
export const DECISIONS_LOOKBACK = 2_000;

/** What each command decides on. */
const DECIDES: Record<IdentityCommandType, MergeAction> = {
  unmerge: 'merge',
  approve: 'review',
  reject: 'review',
};

export type DecisionResult =
  | { ok: true; command: IdentityCommand; record: MergeRecord }
  | { ok: false; status: 400 | 404 | 409; problem: string };

export interface DecisionRequest {
  brandId: string;
  /** The signed-in dashboard user: the command's `issued_by`. */
  username: string;
  type: IdentityCommandType;
  /** The form's `merge_id` field as posted: anything, or nothing. */
  mergeId: unknown;
}

export interface DecisionDeps {
  warehouse: WarehouseReader;
  clock?: () => Date;
  newId?: () => string;
}

export async function prepareDecision(deps: DecisionDeps, request: DecisionRequest): Promise<DecisionResult> {
  const { warehouse } = deps;
  const { brandId, type } = request;
  const mergeId = typeof request.mergeId === 'string' ? request.mergeId.trim() : '';
  if (mergeId === '') return problem(400, 'Say which merge-log record: merge_id is missing.');
  if (mergeId.length > MAX_MERGE_ID_LENGTH) return problem(400, 'merge_id is too long to be a merge id.');

  const record = await warehouse.findMerge(brandId, mergeId);
  if (!record) return problem(404, `No merge-log record ${mergeId}.`);
  const wanted = DECIDES[type];
  if (record.action !== wanted) {
    return problem(
      400,
      `${mergeId} is a ${record.action} record; only a ${wanted} record can be ${PAST[type]}.`,
    );
  }

  if (type === 'unmerge') {
    const merged = new Set(await warehouse.mergedInto(brandId, record.into_profile_id));
    const apart = record.from_profile_ids.filter((id) => !merged.has(id));
    if (apart.length > 0) {
      return problem(
        409,
        `Merge ${mergeId} is not in effect: ${apart.join(', ')} ${apart.length === 1 ? 'is' : 'are'} no longer merged into ${record.into_profile_id} (already unmerged?).`,
      );
    }
  } else {
    const key = reviewKey(record);
    const decisions = await warehouse.mergeLog(brandId, ['approve', 'reject'], DECISIONS_LOOKBACK);
    const decided = decisions.find((decision) => reviewKey(decision) === key);
    if (decided) {
      const outcome = decided.action === 'approve' ? 'approved' : 'rejected';
      return problem(409, `Review ${mergeId} was already ${outcome} (${decided.reason}).`);
    }
  }

  const command = identityCommandSchema.parse({
    brand_id: brandId,
    command_id: (deps.newId ?? randomUUID)(),
    type,
    merge_id: record.merge_id,
    into_profile_id: record.into_profile_id,
    from_profile_ids: record.from_profile_ids,
    issued_by: request.username,
    issued_at: (deps.clock?.() ?? new Date()).toISOString(),
  });
  return { ok: true, command, record };
}

const PAST: Record<IdentityCommandType, string> = {
  unmerge: 'unmerged',
  approve: 'approved',
  reject: 'rejected',
};

function problem(status: 400 | 404 | 409, message: string): DecisionResult {
  return { ok: false, status, problem: message };
}
