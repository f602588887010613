// An operator's identity decision through the brand's state: unmerge a merge,
// approve or reject a review. Commands arrive on events.raw between the
// brand's events, so they apply in stream order and commit with the batch,
// effectively once like everything else. A command names the merge-log
// record it decides on and repeats its profiles; it applies only if the
// graph still agrees (a command sent twice, or about a merge already undone,
// is refused with a reason the brand sees on its Rejected page).
import type { IdentityCommand } from '../../src/lib/shared/events';
import type { MergeRecord, Profile } from '../../src/lib/shared/model';
import { reviewKey } from '../../src/lib/shared/reviews';
import type { BrandState } from './brand-state';
import type { Changes } from './changes';
import { isSharedProfile } from './identity/graph';
import { olderFirst } from './identity/resolve';
import { unmergeProfiles } from './identity/unmerge';
import { mergeIdFor } from './ids';
import { syncLevel } from './intent/levels';
import { mergeIntent } from './intent/score';
import { absorbProfiles } from './profile/aggregates';

export type CommandResult = { ok: true } | { ok: false; detail: string };

export function applyCommand(
  state: BrandState,
  command: IdentityCommand,
  atMs: number,
  changes: Changes,
): CommandResult {
  switch (command.type) {
    case 'unmerge':
      return unmerge(state, command, atMs, changes);
    case 'approve':
      return approve(state, command, atMs, changes);
    case 'reject':
      return reject(state, command, atMs, changes);
  }
}

function unmerge(state: BrandState, command: IdentityCommand, atMs: number, changes: Changes): CommandResult {
  const survivorId = command.into_profile_id;
  if (!state.graph.get(survivorId)) return refused(`profile ${survivorId} does not exist`);
  const notMerged = command.from_profile_ids.filter((id) => state.graph.get(id)?.merged_into !== survivorId);
  if (notMerged.length > 0) {
    return refused(
      `${notMerged.join(', ')} ${notMerged.length === 1 ? 'is' : 'are'} not merged into ${survivorId} (already unmerged?); merge ${command.merge_id} is not in effect`,
    );
  }
  // Profiles merged before parts were kept (an older release) hold only totals: no exact undo.
  for (
    let node = state.graph.get(survivorId);
    node;
    node = node.merged_into ? state.graph.get(node.merged_into) : undefined
  ) {
    if (!node.own)
      return refused(
        `profile ${node.profile_id} keeps no part of its own (merged by an older release); it cannot be unmerged exactly`,
      );
    if (!node.merged_into) break;
  }
  const top = state.graph.survivor(survivorId)!;
  changes.beforeIntent(state, top);
  for (const id of command.from_profile_ids) changes.beforeIntent(state, state.graph.get(id)!);

  const { freed, rebuilt } = unmergeProfiles(
    state.graph,
    survivorId,
    command.from_profile_ids,
    atMs,
    state.brand.settings.intent,
  );
  for (const profile of [...freed, ...rebuilt]) {
    syncLevel(state, profile);
    changes.profile(state, profile);
  }
  for (const profile of freed) state.decisions.addSplit(profile.profile_id, survivorId, command.merge_id);
  changes.merge(
    decision(state, command, atMs, 0, {
      action: 'unmerge',
      into_profile_id: survivorId,
      from_profile_ids: freed.map((p) => p.profile_id),
      reason: `merge ${command.merge_id} undone by ${command.issued_by}; the profiles stay apart from now on`,
    }),
  );
  return { ok: true };
}

function approve(state: BrandState, command: IdentityCommand, atMs: number, changes: Changes): CommandResult {
  const pending = pendingReview(state, command);
  if (!pending.ok) return pending;
  const survivors = distinctSurvivors(state, command);
  if (!survivors.ok) return survivors;
  if (survivors.profiles.length < 2) {
    return refused(`the profiles of review ${command.merge_id} are one profile already`);
  }
  // The oldest survives, as for every merge (identity/resolve.ts).
  const [survivor, ...others] = survivors.profiles.sort(olderFirst);
  changes.beforeIntent(state, survivor!);
  for (const other of others) changes.beforeIntent(state, other);
  for (const other of others) other.merged_into = survivor!.profile_id;
  absorbProfiles(survivor!, others);
  mergeIntent(survivor!, others, atMs, state.brand.settings.intent);
  for (const profile of [survivor!, ...others]) {
    syncLevel(state, profile);
    changes.profile(state, profile);
  }
  state.decisions.setReview(reviewKey(command), 'approve');
  changes.merge(
    decision(state, command, atMs, 0, {
      action: 'approve',
      into_profile_id: command.into_profile_id,
      from_profile_ids: command.from_profile_ids,
      reason: `review ${command.merge_id} approved by ${command.issued_by}`,
    }),
  );
  changes.merge(
    decision(state, command, atMs, 1, {
      action: 'merge',
      into_profile_id: survivor!.profile_id,
      from_profile_ids: others.map((p) => p.profile_id),
      reason: `review ${command.merge_id} approved by ${command.issued_by}; the oldest survives`,
    }),
  );
  return { ok: true };
}

function reject(state: BrandState, command: IdentityCommand, atMs: number, changes: Changes): CommandResult {
  const pending = pendingReview(state, command);
  if (!pending.ok) return pending;
  state.decisions.setReview(reviewKey(command), 'reject');
  changes.merge(
    decision(state, command, atMs, 0, {
      action: 'reject',
      into_profile_id: command.into_profile_id,
      from_profile_ids: command.from_profile_ids,
      reason: `review ${command.merge_id} rejected by ${command.issued_by}; the same profiles are not asked about again`,
    }),
  );
  return { ok: true };
}

function pendingReview(state: BrandState, command: IdentityCommand): CommandResult {
  const review = state.decisions.review(reviewKey(command));
  if (review === undefined) return refused(`no review of these profiles (${command.merge_id}) was asked for`);
  if (review !== 'pending') return refused(`review ${command.merge_id} was already decided: ${review}`);
  return { ok: true };
}

/** The surviving profiles the command's ids resolve to now, each once. */
function distinctSurvivors(
  state: BrandState,
  command: IdentityCommand,
): { ok: true; profiles: Profile[] } | { ok: false; detail: string } {
  const profiles = new Set<Profile>();
  for (const id of [command.into_profile_id, ...command.from_profile_ids]) {
    const survivor = state.graph.survivor(id);
    if (!survivor) return refused(`profile ${id} does not exist`);
    if (isSharedProfile(survivor))
      return refused(`profile ${id} is a shared device's; it merges with no one`);
    profiles.add(survivor);
  }
  return { ok: true, profiles: [...profiles] };
}

function decision(
  state: BrandState,
  command: IdentityCommand,
  atMs: number,
  index: number,
  fields: Pick<MergeRecord, 'action' | 'into_profile_id' | 'from_profile_ids' | 'reason'>,
): MergeRecord {
  return {
    brand_id: state.brand.brand_id,
    merge_id: mergeIdFor(state.brand.brand_id, command.command_id, index),
    ...fields,
    identifiers: [],
    event_id: command.command_id,
    at: new Date(atMs).toISOString(),
  };
}

const refused = (detail: string) => ({ ok: false as const, detail });
