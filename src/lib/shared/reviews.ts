// Review requests and the decisions on them, as the merge log records them.
// A `review` record asks about a set of profiles (its into + from ids); an
// `approve` or `reject` record repeats that set. The set is the evidence: the
// processor does not ask about the same set twice, and the review queue shows
// each set still undecided once. Shared by the processor and the dashboard.
import type { MergeRecord } from './model';

/** The profiles a review asks about (or a decision answers), as one key: sorted ids. */
export function reviewKey(record: Pick<MergeRecord, 'into_profile_id' | 'from_profile_ids'>): string {
  return [record.into_profile_id, ...record.from_profile_ids].sort().join(' ');
}

export interface PendingReview {
  /** The latest review record for this evidence (it carries the identifiers and the reason). */
  record: MergeRecord;
  /** How many review records asked about the same profiles. */
  requests: number;
  first_at: string;
}

/**
 * Reviews with no approve or reject on their profiles yet, newest first.
 * `records` is any mix of merge-log records; only review/approve/reject count.
 */
export function pendingReviews(records: readonly MergeRecord[]): PendingReview[] {
  const decided = new Set<string>();
  for (const record of records) {
    if (record.action === 'approve' || record.action === 'reject') decided.add(reviewKey(record));
  }
  const pending = new Map<string, PendingReview>();
  for (const record of records) {
    if (record.action !== 'review') continue;
    const key = reviewKey(record);
    if (decided.has(key)) continue;
    const seen = pending.get(key);
    if (!seen) {
      pending.set(key, { record, requests: 1, first_at: record.at });
      continue;
    }
    seen.requests += 1;
    if (record.at > seen.record.at) seen.record = record;
    if (record.at < seen.first_at) seen.first_at = record.at;
  }
  return [...pending.values()].sort((a, b) =>
    a.record.at !== b.record.at
      ? a.record.at < b.record.at
        ? 1
        : -1
      : a.record.merge_id < b.record.merge_id
        ? -1
        : 1,
  );
}
