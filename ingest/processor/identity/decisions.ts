// What operators decided about a brand's identities, as identity resolution
// needs it: profiles split by an unmerge (never joined again, whatever later
// events carry) and review evidence already asked about (not asked again,
// whether it is still pending, approved or rejected). Rebuilt from the merge
// log's decision records on load, so a restart decides the same.
import type { MergeRecord, Profile } from '../../../src/lib/shared/model';
import { reviewKey } from '../../../src/lib/shared/reviews';

export type ReviewState = 'pending' | 'approve' | 'reject';

export interface IdentityDecisions {
  /** Two profiles an operator split: profile ids as unmerged, and the unmerge's merge-log id. */
  addSplit(a: string, b: string, mergeId: string): void;
  /**
   * The unmerge that split these two surviving profiles, if any: some pair it
   * split now survives as exactly these two (`survivor` follows merges).
   */
  splitBetween(
    x: Profile,
    y: Profile,
    survivor: (profileId: string) => Profile | undefined,
  ): string | undefined;
  /** How the review of this evidence (reviewKey) stands; undefined if never asked. */
  review(key: string): ReviewState | undefined;
  setReview(key: string, state: ReviewState): void;
}

interface Split {
  a: string;
  b: string;
  mergeId: string;
}

export function createIdentityDecisions(records: readonly MergeRecord[]): IdentityDecisions {
  const splits: Split[] = [];
  const reviews = new Map<string, ReviewState>();
  // Decisions come after the reviews they decide, whatever order the records are given in.
  for (const record of records) {
    if (record.action === 'review' && !reviews.has(reviewKey(record)))
      reviews.set(reviewKey(record), 'pending');
    if (record.action === 'approve' || record.action === 'reject')
      reviews.set(reviewKey(record), record.action);
    if (record.action === 'unmerge') {
      for (const from of record.from_profile_ids) {
        splits.push({ a: from, b: record.into_profile_id, mergeId: record.merge_id });
      }
    }
  }
  return {
    addSplit(a, b, mergeId) {
      splits.push({ a, b, mergeId });
    },
    splitBetween(x, y, survivor) {
      // Operators split rarely: a scan of every split is cheap, and it sees merges made since.
      for (const split of splits) {
        const a = survivor(split.a);
        const b = survivor(split.b);
        if ((a === x && b === y) || (a === y && b === x)) return split.mergeId;
      }
      return undefined;
    },
    review: (key) => reviews.get(key),
    setReview(key, state) {
      reviews.set(key, state);
    },
  };
}
