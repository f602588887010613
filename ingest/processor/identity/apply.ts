// Carries out a Resolution on the graph: creates the new profile, links new
// identifiers, marks merged profiles. Aggregates and scores are combined by
// the profile and intent steps, which get the survivor and the merged profiles.
import type { Identifier, Profile } from '../../../src/lib/shared/model';
import { emptyProfile } from '../profile/aggregates';
import { holdIn, type IdentityGraph } from './graph';
import { sharedProfileId, type Resolution } from './resolve';

export interface Applied {
  profile: Profile;
  /**
   * From the part the event belongs to up to `profile`, each merged into the
   * next: the part takes the event as its own, the rest in their totals.
   * Just `[profile]` when the event is the survivor's own.
   */
  path: Profile[];
  created: boolean;
  /** Profiles that now have merged_into = profile.profile_id. */
  merged: Profile[];
  /** Shared profiles a device or cookie now links to (created or re-linked by this event). */
  shared: { profile: Profile; identifier: Identifier }[];
}

export function applyResolution(
  graph: IdentityGraph,
  resolution: Resolution,
  brandId: string,
  atIso: string,
): Applied {
  let profile = resolution.profile ?? graph.get(resolution.profileId);
  const created = profile === undefined;
  if (!profile) {
    profile = emptyProfile(brandId, resolution.profileId, atIso);
    graph.add(profile);
  }
  const merged: Profile[] = [];
  for (const id of resolution.mergedIds) {
    const other = graph.get(id);
    if (!other || other.merged_into) continue;
    other.merged_into = profile.profile_id;
    merged.push(other);
  }
  const path = pathUp(graph, resolution.part ?? profile, profile);
  const part = path[0]!;
  // New identifiers go with the event's part (an unmerge takes them along); the totals above hold them too.
  for (const identifier of resolution.newLinks) {
    graph.link(identifier, part.profile_id);
    for (let i = 1; i < path.length; i++) holdIn(path[i]!.identifiers, identifier);
  }
  for (const identifier of resolution.noted) {
    graph.note(identifier, part.profile_id);
    for (let i = 1; i < path.length; i++) holdIn(path[i]!.identifiers, identifier);
  }
  const shared: Applied['shared'] = [];
  for (const identifier of resolution.shared) {
    const id = sharedProfileId(brandId, identifier);
    let device = graph.get(id);
    if (!device) {
      device = emptyProfile(brandId, id, atIso);
      graph.add(device);
    }
    graph.link(identifier, id);
    shared.push({ profile: device, identifier });
  }
  return { profile, path, created, merged, shared };
}

/** `part` and the profiles it is merged into, up to `survivor`; `[survivor]` if part is not below it. */
function pathUp(graph: IdentityGraph, part: Profile, survivor: Profile): Profile[] {
  const path = [part];
  for (let node = part; node !== survivor;) {
    const next = node.merged_into ? graph.get(node.merged_into) : undefined;
    if (!next || path.length > 1000) return [survivor];
    path.push(next);
    node = next;
  }
  return path;
}
