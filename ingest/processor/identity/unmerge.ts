// Undoing a merge. The profiles it merged leave their survivor with what
// they hold: their own events, and the events that arrived after the merge
// through their identifiers (apply-event.ts gives each event to the part of
// the survivor its best identifier was linked to, updating the totals above
// that part). The survivor, and every profile it has been merged into since,
// is rebuilt bottom up from its own part (profile/aggregates.ts) and the
// profiles still merged into it. Identifiers need no re-linking: the link
// index keeps the profile each was linked to (graph.ts), which is the freed
// profile or one merged into it, and so are stored events.
//
// The score is not an aggregate but is rebuilt the same way: each part's
// score decayed to the unmerge and summed. A purchase after the merge reset
// the survivor's total, but only the buying part's own score after the split.
import type { Profile } from '../../../src/lib/shared/model';
import type { IntentSettings } from '../intent/score';
import { levelOf, mergeIntent, scoreAt } from '../intent/score';
import { combineInto, setParts } from '../profile/aggregates';
import type { IdentityGraph } from './graph';
import { olderFirst } from './resolve';

export interface Unmerged {
  /** The profiles split off, surviving again. */
  freed: Profile[];
  /** The survivor and the profiles above it, rebuilt (bottom up; the last one survives). */
  rebuilt: Profile[];
}

/** A merge chain is short; the bound only guards against a corrupt cycle. */
const MAX_CHAIN = 1000;

/**
 * Splits `fromIds` (each merged directly into `survivorId`; the caller checks)
 * off their survivor. Mutates the profiles in the graph.
 */
export function unmergeProfiles(
  graph: IdentityGraph,
  survivorId: string,
  fromIds: readonly string[],
  atMs: number,
  settings: IntentSettings,
): Unmerged {
  const chain: Profile[] = [];
  for (let node = graph.get(survivorId); node && chain.length < MAX_CHAIN;) {
    chain.push(node);
    node = node.merged_into ? graph.get(node.merged_into) : undefined;
  }
  const freed: Profile[] = [];
  for (const id of fromIds) {
    const profile = graph.get(id);
    if (profile?.merged_into !== survivorId) continue;
    profile.merged_into = null;
    freed.push(profile);
  }
  const children = mergedChildren(graph, new Set(chain.map((p) => p.profile_id)));
  for (const node of chain) rebuild(node, children.get(node.profile_id) ?? [], atMs, settings);
  return { freed, rebuilt: chain };
}

/** The profiles merged directly into each of `parents` (one pass over the brand's profiles). */
function mergedChildren(graph: IdentityGraph, parents: ReadonlySet<string>): Map<string, Profile[]> {
  const children = new Map<string, Profile[]>();
  for (const profile of graph.profiles()) {
    const parent = profile.merged_into;
    if (parent === null || !parents.has(parent)) continue;
    const list = children.get(parent);
    if (list) list.push(profile);
    else children.set(parent, [profile]);
  }
  return children;
}

/** The profile's totals from its own part and the profiles still merged into it. */
function rebuild(node: Profile, children: readonly Profile[], atMs: number, settings: IntentSettings): void {
  if (!node.own) return; // it never absorbed anyone: its totals are its own
  const own = node.own;
  setParts(node, own);
  // In merge order (oldest first), as the totals were first built.
  const ordered = [...children].sort(olderFirst);
  for (const child of ordered) combineInto(node, child);
  if (ordered.length > 0) {
    mergeIntent(node, ordered, atMs, settings);
    return;
  }
  // Nobody is merged into it any more: it is what it was on its own.
  node.own = null;
  node.intent_level = levelOf(scoreAt(node, atMs, settings), settings);
}
