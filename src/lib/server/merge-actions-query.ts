// Parses the `action=merge,refuse` filter of the merge log (read API and the
// Merge log page): a comma-separated list of merge actions, or absent for all.
import { MERGE_ACTIONS, type MergeAction } from '../shared/model';

export type MergeActionsQuery =
  { ok: true; actions: MergeAction[] | undefined } | { ok: false; problem: string };

export function parseMergeActions(raw: string | null | undefined): MergeActionsQuery {
  if (raw === null || raw === undefined || raw.trim() === '') return { ok: true, actions: undefined };
  const actions: MergeAction[] = [];
  for (const part of raw.split(',')) {
    const action = part.trim();
    if (!isMergeAction(action)) {
      return {
        ok: false,
        problem: `action "${action.slice(0, 40)}" is not one of ${MERGE_ACTIONS.join(', ')}`,
      };
    }
    if (!actions.includes(action)) actions.push(action);
  }
  return { ok: true, actions };
}

function isMergeAction(value: string): value is MergeAction {
  return (MERGE_ACTIONS as readonly string[]).includes(value);
}
