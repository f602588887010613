// How the merge log's actions read on the dashboard.
import type { MergeAction } from '$lib/shared/model';

export const MERGE_ACTION_LABELS: Record<MergeAction, string> = {
  merge: 'merged',
  refuse: 'refused',
  review: 'held for review',
  demote: 'demoted',
  share: 'shared device',
  unmerge: 'unmerged',
  approve: 'review approved',
  reject: 'review rejected',
};
