// One brand's identity graph in memory: every profile (merged ones included)
// and the identifier → profile links. Rebuilt from a BrandSnapshot; lookups
// follow `merged_into` to the surviving profile.
import type { IdentifierType } from '../../../src/lib/shared/events';
import type { Identifier, Profile } from '../../../src/lib/shared/model';
import type { IdentityLink } from '../../warehouse/types';

export interface IdentityGraph {
  /** The surviving profile an identifier belongs to, if any. */
  lookup(identifier: Identifier): Profile | undefined;
  /** A profile by id, as stored (may be merged). */
  get(profileId: string): Profile | undefined;
  /** A profile by id, following merges to the survivor. */
  survivor(profileId: string): Profile | undefined;
  add(profile: Profile): void;
  /** Points `identifier` at `profileId` and records it on the profile. */
  link(identifier: Identifier, profileId: string): void;
  profiles(): IterableIterator<Profile>;
}

export function createIdentityGraph(
  profiles: readonly Profile[],
  links: readonly IdentityLink[],
): IdentityGraph {
  const byId = new Map<string, Profile>();
  // Per type, value → profile id: no key string is built per lookup (the identity step's hot path).
  const linkIndex = new Map<IdentifierType, Map<string, string>>();
  const indexOf = (type: IdentifierType) => {
    let index = linkIndex.get(type);
    if (!index) linkIndex.set(type, (index = new Map()));
    return index;
  };
  for (const profile of profiles) byId.set(profile.profile_id, profile);
  for (const link of links) indexOf(link.type).set(link.value, link.profile_id);

  function survivor(profileId: string): Profile | undefined {
    let profile = byId.get(profileId);
    // A merge chain is short; the bound only guards against a corrupt cycle.
    for (let hops = 0; profile?.merged_into && hops < 1000; hops++) {
      const next = byId.get(profile.merged_into);
      if (!next) break;
      profile = next;
    }
    return profile;
  }

  return {
    lookup(identifier) {
      const profileId = linkIndex.get(identifier.type)?.get(identifier.value);
      return profileId === undefined ? undefined : survivor(profileId);
    },
    get: (profileId) => byId.get(profileId),
    survivor,
    add(profile) {
      byId.set(profile.profile_id, profile);
    },
    link(identifier, profileId) {
      indexOf(identifier.type).set(identifier.value, profileId);
      const profile = byId.get(profileId);
      if (
        profile &&
        !profile.identifiers.some((id) => id.type === identifier.type && id.value === identifier.value)
      ) {
        profile.identifiers.push({ ...identifier });
      }
    },
    profiles: () => byId.values(),
  };
}
