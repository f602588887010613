// Carries out a Resolution on the graph: creates the new profile, links new
// identifiers, marks merged profiles. Aggregates and scores are combined by
// the profile and intent steps, which get the survivor and the merged profiles.
import type { Identifier, Profile } from '../../../src/lib/shared/model';
import { emptyProfile } from '../profile/aggregates';
import type { IdentityGraph } from './graph';
import { sharedProfileId, type Resolution } from './resolve';

export interface Applied {
  profile: Profile;
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
  for (const identifier of resolution.newLinks) graph.link(identifier, profile.profile_id);
  for (const identifier of resolution.noted) graph.note(identifier, profile.profile_id);
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
  return { profile, created, merged, shared };
}
