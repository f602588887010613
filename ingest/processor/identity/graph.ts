// One brand's identity graph in memory: every profile (merged ones included)
// and the identifier → profile links. Rebuilt from a BrandSnapshot; lookups
// follow `merged_into` to the surviving profile.
//
// Sightings: a device or cookie refused as a link between two people is
// noted on the other person's profile (in its identifiers, not linked). Who
// has been seen with a weak identifier is rebuilt from those notes, so the
// rule that makes a device shared (resolve.ts) decides the same after a
// restart. A shared identifier links to its own profile, `s_…`.
import type { IdentifierType } from '../../../src/lib/shared/events';
import type { Identifier, Profile } from '../../../src/lib/shared/model';
import type { IdentityLink } from '../../warehouse/types';
import { isSharedProfileId } from '../../../src/lib/shared/profile-display';

export interface IdentityGraph {
  /** The surviving profile an identifier belongs to, if any. */
  lookup(identifier: Identifier): Profile | undefined;
  /**
   * The profile the identifier was linked to, merged or not: the part of its
   * survivor the identifier belongs to (an event it brings is that part's).
   */
  linked(identifier: Identifier): Profile | undefined;
  /** Follows merges from a profile to its survivor. */
  follow(profile: Profile): Profile;
  /** A profile by id, as stored (may be merged). */
  get(profileId: string): Profile | undefined;
  /** A profile by id, following merges to the survivor. */
  survivor(profileId: string): Profile | undefined;
  add(profile: Profile): void;
  /** Points `identifier` at `profileId` and records it on the profile. */
  link(identifier: Identifier, profileId: string): void;
  /** Records `identifier` on the profile without linking it: the person was seen with it. */
  note(identifier: Identifier, profileId: string): void;
  /** Profiles other than the linked one that were seen with the identifier (as noted; may be merged). */
  sightings(identifier: Identifier): ReadonlySet<string>;
  profiles(): IterableIterator<Profile>;
}

/** The profile a shared device or cookie links to: its own, never a person's. */
export const isSharedProfile = (profile: Profile) => isSharedProfileId(profile.profile_id);

const NO_SIGHTINGS: ReadonlySet<string> = new Set();

/**
 * The link's value as the profile holds it: the index keys on that string, so
 * the link row's own copy (decoded separately from the profile's) can go. A
 * fifth of the graph's memory (bench/identity-step.ts).
 */
function heldValue(profile: Profile, link: IdentityLink): string {
  for (const id of profile.identifiers) if (id.type === link.type && id.value === link.value) return id.value;
  return link.value;
}

/** Records the identifier on the profile (and its own part, if it has one), once. */
export function hold(profile: Profile, identifier: Identifier): void {
  holdIn(profile.identifiers, identifier);
  if (profile.own) holdIn(profile.own.identifiers, identifier);
}

export function holdIn(identifiers: Identifier[], identifier: Identifier): void {
  if (!identifiers.some((id) => id.type === identifier.type && id.value === identifier.value)) {
    identifiers.push({ ...identifier });
  }
}

export function createIdentityGraph(
  profiles: readonly Profile[],
  links: readonly IdentityLink[],
): IdentityGraph {
  const byId = new Map<string, Profile>();
  // Per type, value → the profile itself: no key string is built and no id looked up again per
  // lookup (the identity step's hot path). A link to a profile that does not exist links nothing.
  const linkIndex = new Map<IdentifierType, Map<string, Profile>>();
  const indexOf = (type: IdentifierType) => {
    let index = linkIndex.get(type);
    if (!index) linkIndex.set(type, (index = new Map()));
    return index;
  };
  for (const profile of profiles) byId.set(profile.profile_id, profile);
  for (const link of links) {
    const profile = byId.get(link.profile_id);
    if (profile) indexOf(link.type).set(heldValue(profile, link), profile);
  }
  const seen = new Map<IdentifierType, Map<string, Set<string>>>();
  const sightingsOf = (identifier: Identifier) => {
    let byValue = seen.get(identifier.type);
    if (!byValue) seen.set(identifier.type, (byValue = new Map()));
    let ids = byValue.get(identifier.value);
    if (!ids) byValue.set(identifier.value, (ids = new Set()));
    return ids;
  };
  // A weak identifier on a surviving profile that links elsewhere was noted there: a sighting.
  for (const profile of byId.values()) {
    if (profile.merged_into) continue;
    for (const identifier of profile.identifiers) {
      if (identifier.type !== 'device_id' && identifier.type !== 'anonymous_id') continue;
      const linked = linkIndex.get(identifier.type)?.get(identifier.value);
      if (linked !== undefined && linked !== profile) sightingsOf(identifier).add(profile.profile_id);
    }
  }

  function follow(start: Profile): Profile {
    let profile = start;
    // A merge chain is short; the bound only guards against a corrupt cycle.
    for (let hops = 0; profile.merged_into && hops < 1000; hops++) {
      const next = byId.get(profile.merged_into);
      if (!next) break;
      profile = next;
    }
    return profile;
  }

  function survivor(profileId: string): Profile | undefined {
    const profile = byId.get(profileId);
    return profile && follow(profile);
  }

  return {
    lookup(identifier) {
      const linked = linkIndex.get(identifier.type)?.get(identifier.value);
      // No path compression: the index keeps the profile each identifier was linked to, so an
      // unmerge (unmerge.ts) needs no re-linking: a freed profile's identifiers find it again.
      return linked === undefined || !linked.merged_into ? linked : follow(linked);
    },
    linked: (identifier) => linkIndex.get(identifier.type)?.get(identifier.value),
    follow,
    get: (profileId) => byId.get(profileId),
    survivor,
    add(profile) {
      byId.set(profile.profile_id, profile);
    },
    link(identifier, profileId) {
      const profile = byId.get(profileId);
      if (!profile) return;
      indexOf(identifier.type).set(identifier.value, profile);
      hold(profile, identifier);
    },
    note(identifier, profileId) {
      const profile = byId.get(profileId);
      if (profile) hold(profile, identifier);
      sightingsOf(identifier).add(profileId);
    },
    sightings: (identifier) => seen.get(identifier.type)?.get(identifier.value) ?? NO_SIGHTINGS,
    profiles: () => byId.values(),
  };
}
