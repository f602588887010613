// Identity resolution: which profile an event belongs to, and which profiles
// it asks to merge. Pure: it decides, `applyResolution` changes the graph.
//
// The rules, in the order they are applied:
//  1. Look up every identifier of the event (junk was already dropped by
//     normalize). The profiles they point to are the candidates, ordered by
//     the highest-priority identifier that found them (IDENTIFIER_TYPES order).
//  2. Each candidate joins the event's person unless refused:
//     a. Conflicting customer ids: a candidate holding a user_id other than
//        the person's (the event's own, or one a joined candidate holds) is a
//        different person. Refused, recorded as `refuse`.
//     b. Weak link: a candidate found only through weak identifiers
//        (device_id, anonymous_id) that holds a strong identifier (user_id,
//        email, phone) while the person also holds one, and they share none,
//        is someone else on the same device (a family tablet, a store kiosk).
//        Refused, recorded as `refuse`; the weak identifier is not linked.
//     c. Split by an operator: an unmerge split the candidate from a profile
//        joined so far. Refused, recorded as `refuse`: a split holds.
//     loyalty_id is a medium identifier: it joins like a strong one, but does
//     not count as "holding a strong identifier".
//  3. By the number of joined candidates:
//     0    → a new profile, id 'p_' + hash(brand_id, event_id) (same on replay).
//     1    → the event goes to it.
//     2..3 → merge. The survivor is the oldest profile (first_seen, then id);
//            the others get merged_into = survivor. Recorded as `merge`.
//     > 3  → no merge: recorded as `review` for an operator (once per set of
//            profiles: evidence already asked about is not asked again), and
//            the event goes to the candidate found by the highest-priority identifier.
//  4. Identifiers of the event that pointed nowhere are linked to the event's
//     profile (not on review: an operator decides first). Identifiers of
//     refused candidates stay where they are.
//  Every record carries its reason, the identifiers that asked for it and the
//  event id; merge ids derive from the event id, so a replay writes the same rows.
import {
  IDENTIFIER_TYPES,
  STRONG_IDENTIFIER_TYPES,
  type IdentifierType,
} from '../../../src/lib/shared/events';
import type { Identifier, MergeRecord, Profile } from '../../../src/lib/shared/model';
import { mergeIdFor, profileIdFor, shortHash } from '../ids';
import { SHARED_PROFILE_PREFIX } from '../../../src/lib/shared/profile-display';
import { reviewKey } from '../../../src/lib/shared/reviews';
import type { IdentityDecisions } from './decisions';
import { isSharedProfile, type IdentityGraph } from './graph';

/** Up to this many profiles merge automatically; more go to review. */
export const MAX_AUTOMATIC_MERGE = 3;

export const WEAK_IDENTIFIER_TYPES: readonly IdentifierType[] = ['device_id', 'anonymous_id'];

export interface ResolveInput {
  brandId: string;
  eventId: string;
  /** When the decision is made (the event's received_at). */
  atIso: string;
  /** Normalized, junk-free identifiers. */
  identifiers: readonly Identifier[];
  /** At most this many identifiers of each type on one profile (brand settings `identity_limits`). */
  limits: Readonly<Record<IdentifierType, number>>;
  /** A device or cookie seen with more people than this becomes shared and links no one. */
  sharedAfter: number;
  /** Operators' splits and reviews; without them nothing was ever decided. */
  decisions?: IdentityDecisions;
}

export type ResolutionKind = 'new' | 'attach' | 'merge' | 'review';

export interface Resolution {
  kind: ResolutionKind;
  /** The profile the event belongs to (for merge: the survivor). */
  profileId: string;
  /** That profile, when it exists already (saves applyResolution a lookup by id). */
  profile?: Profile;
  /**
   * The part of `profile` the event belongs to: the profile (merged into it,
   * or itself) its best matching identifier was linked to. The event is that
   * part's, so an unmerge takes it along (identity/unmerge.ts). Undefined: the
   * profile itself.
   */
  part?: Profile;
  /** Profiles merged into `profileId` (kind 'merge' only). */
  mergedIds: readonly string[];
  /** Identifiers to link to `profileId`. */
  newLinks: readonly Identifier[];
  /** Weak identifiers refused as a link to someone else: noted on `profileId`, not linked. */
  noted: readonly Identifier[];
  /** Weak identifiers seen with too many people: from now on they link to their own shared profile. */
  shared: readonly Identifier[];
  records: readonly MergeRecord[];
}

interface Candidate {
  profile: Profile;
  matchedBy: Identifier[];
  /** The profile the first (best) of `matchedBy` was linked to: `profile` or one merged into it. */
  part: Profile;
}

export function resolveIdentity(graph: IdentityGraph, input: ResolveInput): Resolution {
  return resolveOneProfile(graph, input) ?? resolveAnyProfiles(graph, input);
}

const NO_IDS: readonly string[] = Object.freeze([]);
const NO_RECORDS: readonly MergeRecord[] = Object.freeze([]);
const NO_IDENTIFIERS: readonly Identifier[] = Object.freeze([]);

/**
 * Most events, decided without the general machinery (the identity step's hot
 * path, bench/identity-step.ts): every identifier points to the same person's
 * profile or nowhere, and nothing needs a record. Undefined whenever any rule
 * could apply: a second profile, a shared device, a customer id the profile
 * does not hold, a weak-only match while the event names a strong identifier
 * the profile lacks, a type at its limit. resolveAnyProfiles then decides, and
 * gives the same answer in the cases decided here
 * (tests/unit/processor/identity/resolve-fast-path.test.ts).
 */
export function resolveOneProfile(graph: IdentityGraph, input: ResolveInput): Resolution | undefined {
  let found: Profile | undefined;
  let part: Profile | undefined;
  let matchedStrong = false;
  let unmatched: Identifier[] | undefined;
  let lastRank = -1;
  for (const identifier of input.identifiers) {
    // The part is the best identifier's: only decided here when they come in priority order.
    const identifierRank = rank(identifier.type);
    if (identifierRank < lastRank) return undefined;
    lastRank = identifierRank;
    const linked = graph.linked(identifier);
    if (linked === undefined) {
      (unmatched ??= []).push(identifier);
      continue;
    }
    const profile = linked.merged_into ? graph.follow(linked) : linked;
    if (found === undefined) {
      if (isSharedProfile(profile)) return undefined;
      found = profile;
      part = linked;
    } else if (profile !== found) {
      return undefined;
    }
    if (!isWeak(identifier)) matchedStrong = true;
  }
  if (found === undefined) {
    if (unmatched === undefined || !fitsEmpty(unmatched, input.limits)) return undefined;
    return oneProfile('new', profileIdFor(input.brandId, input.eventId), undefined, undefined, unmatched);
  }
  const eventUserId = userIdOf(input.identifiers);
  if (eventUserId !== undefined) {
    const heldUserId = userIdOf(found.identifiers);
    if (heldUserId !== undefined && heldUserId !== eventUserId) return undefined;
  }
  if (unmatched === undefined) return oneProfile('attach', found.profile_id, found, part, NO_IDENTIFIERS);
  for (let i = 0; i < unmatched.length; i++) {
    const identifier = unmatched[i]!;
    if (!matchedStrong && isStrong(identifier) && holdsStrong(found)) return undefined;
    let held = 1;
    for (const id of found.identifiers) if (id.type === identifier.type) held += 1;
    for (let j = 0; j < i; j++) if (unmatched[j]!.type === identifier.type) held += 1;
    if (held > input.limits[identifier.type]) return undefined;
  }
  return oneProfile('attach', found.profile_id, found, part, unmatched);
}

/** No two of a type beyond its limit on a new profile. */
function fitsEmpty(identifiers: readonly Identifier[], limits: ResolveInput['limits']): boolean {
  for (let i = 0; i < identifiers.length; i++) {
    let held = 1;
    for (let j = 0; j < i; j++) if (identifiers[j]!.type === identifiers[i]!.type) held += 1;
    if (held > limits[identifiers[i]!.type]) return false;
  }
  return true;
}

function holdsStrong(profile: Profile): boolean {
  for (const id of profile.identifiers) if (isStrong(id)) return true;
  return false;
}

function oneProfile(
  kind: 'new' | 'attach',
  profileId: string,
  profile: Profile | undefined,
  part: Profile | undefined,
  newLinks: readonly Identifier[],
): Resolution {
  return {
    kind,
    profileId,
    profile,
    part: part === profile ? undefined : part,
    mergedIds: NO_IDS,
    newLinks,
    noted: NO_IDENTIFIERS,
    shared: NO_IDENTIFIERS,
    records: NO_RECORDS,
  };
}

/** Every rule (the header's), for any number of candidate profiles. */
export function resolveAnyProfiles(graph: IdentityGraph, input: ResolveInput): Resolution {
  const { candidates, unmatched, sharedProfiles } = findCandidates(graph, input.identifiers);

  let personUserId = userIdOf(input.identifiers);
  /**
   * The person's strong identifiers: the event's and those of the candidates
   * joined so far. Built only when a weak-only candidate needs the check.
   */
  let personStrong: Set<string> | undefined;
  const joined: Candidate[] = [];
  const refused: { candidate: Candidate; reason: string }[] = [];
  const demoted: { candidate: Candidate; reason: string }[] = [];

  for (const candidate of candidates) {
    const candidateUserId = userIdOf(candidate.profile.identifiers);
    if (personUserId !== undefined && candidateUserId !== undefined && candidateUserId !== personUserId) {
      refused.push({
        candidate,
        reason: `conflicting customer ids: ${candidateUserId} and ${personUserId} are different people`,
      });
      continue;
    }
    const split = input.decisions && splitFrom(graph, input.decisions, candidate, joined);
    if (split) {
      refused.push({ candidate, reason: split });
      continue;
    }
    if (candidate.matchedBy.every(isWeak)) {
      personStrong ??= strongKeys([input.identifiers, ...joined.map((c) => c.profile.identifiers)]);
      if (personStrong.size > 0 && sharesNoStrong(candidate.profile.identifiers, personStrong)) {
        refused.push({
          candidate,
          reason: `weak identifier (${types(candidate.matchedBy)}) would join two people with different strong identifiers`,
        });
        continue;
      }
    }
    const over = joined.length > 0 ? overLimit(input.limits, joined, candidate) : undefined;
    if (over) {
      demoted.push({
        candidate,
        reason: `joining would give one profile ${over.count} ${over.type} identifiers (limit ${over.limit}); ${types(candidate.matchedBy)} not used to link`,
      });
      continue;
    }
    joined.push(candidate);
    personUserId ??= candidateUserId;
    if (personStrong)
      for (const id of candidate.profile.identifiers) if (isStrong(id)) personStrong.add(key(id));
  }

  let kind: ResolutionKind;
  let profile: Profile | undefined;
  let part: Profile | undefined;
  let mergedIds: string[] = [];
  if (joined.length === 0 && unmatched.length === 0 && sharedProfiles.length > 0) {
    // Only shared devices or cookies: the activity is the device's, nobody's in particular.
    kind = 'attach';
    profile = sharedProfiles[0]!;
  } else if (joined.length === 0) {
    kind = 'new';
  } else if (joined.length === 1) {
    kind = 'attach';
    ({ profile, part } = joined[0]!);
  } else if (joined.length <= MAX_AUTOMATIC_MERGE) {
    kind = 'merge';
    const [survivor, ...others] = [...joined].sort((a, b) => olderFirst(a.profile, b.profile));
    ({ profile, part } = survivor!);
    mergedIds = others.map((c) => c.profile.profile_id);
  } else {
    kind = 'review';
    ({ profile, part } = joined[0]!);
  }
  // Hashed only for a new profile: most events go to one that exists.
  const profileId = profile?.profile_id ?? profileIdFor(input.brandId, input.eventId);

  const records: MergeRecord[] = [];
  if (kind === 'merge') {
    record(input, records, {
      action: 'merge',
      into_profile_id: profileId,
      from_profile_ids: mergedIds,
      reason: `one event carries identifiers of ${joined.length} profiles (${types(joined.flatMap((c) => c.matchedBy))}); the oldest survives`,
      identifiers: joined.flatMap((c) => c.matchedBy),
    });
  }
  const reviewed = kind === 'review' ? askedBefore(input, profileId, joined) : false;
  if (kind === 'review' && !reviewed) {
    record(input, records, {
      action: 'review',
      into_profile_id: profileId,
      from_profile_ids: joined.slice(1).map((c) => c.profile.profile_id),
      reason: `one event carries identifiers of ${joined.length} profiles, more than ${MAX_AUTOMATIC_MERGE} merge automatically; held for review`,
      identifiers: joined.flatMap((c) => c.matchedBy),
    });
  }
  const noted: Identifier[] = [];
  const shared: Identifier[] = [];
  for (const { candidate, reason } of refused) {
    record(input, records, {
      action: 'refuse',
      into_profile_id: profileId,
      from_profile_ids: [candidate.profile.profile_id],
      reason,
      identifiers: candidate.matchedBy,
    });
    // The device or cookie was seen with this person too; with enough people it is shared.
    for (const identifier of candidate.matchedBy) {
      if (!isWeak(identifier)) continue;
      noted.push(identifier);
      const people = new Set([candidate.profile.profile_id, profileId]);
      for (const id of graph.sightings(identifier)) {
        const survivor = graph.survivor(id);
        if (survivor && !isSharedProfile(survivor)) people.add(survivor.profile_id);
      }
      if (people.size <= input.sharedAfter) continue;
      shared.push(identifier);
      record(input, records, {
        action: 'share',
        into_profile_id: sharedProfileId(input.brandId, identifier),
        from_profile_ids: [...people].sort(),
        reason: `${identifier.type} seen with ${people.size} people, more than ${input.sharedAfter}: shared (a family device, a store kiosk); it links no one from now on`,
        identifiers: [identifier],
      });
    }
  }

  for (const { candidate, reason } of demoted) {
    record(input, records, {
      action: 'demote',
      into_profile_id: profileId,
      from_profile_ids: [candidate.profile.profile_id],
      reason,
      identifiers: candidate.matchedBy,
    });
  }

  // New identifiers link to the profile while its type has room; the rest are demoted.
  const newLinks: Identifier[] = [];
  if (kind !== 'review') {
    for (const identifier of unmatched) {
      const held = countOfType(identifier.type, joined) + countOfType(identifier.type, newLinks);
      const limit = input.limits[identifier.type];
      if (held < limit) {
        newLinks.push(identifier);
        continue;
      }
      record(input, records, {
        action: 'demote',
        into_profile_id: profileId,
        from_profile_ids: [],
        reason: `the profile already holds ${held} ${identifier.type} identifiers (limit ${limit}); this one is not linked`,
        identifiers: [identifier],
      });
    }
  }

  return {
    kind,
    profileId,
    profile,
    part: part === profile ? undefined : part,
    mergedIds,
    newLinks,
    noted,
    shared,
    records,
  };
}

/** Why an operator's split keeps the candidate apart from a profile joined so far, if one does. */
function splitFrom(
  graph: IdentityGraph,
  decisions: IdentityDecisions,
  candidate: Candidate,
  joined: readonly Candidate[],
): string | undefined {
  for (const other of joined) {
    const mergeId = decisions.splitBetween(candidate.profile, other.profile, graph.survivor);
    if (mergeId) {
      return `an operator split ${candidate.profile.profile_id} from ${other.profile.profile_id} (${mergeId}); a split holds`;
    }
  }
  return undefined;
}

/** The same profiles were held for review before (pending or decided): not asked again. */
function askedBefore(input: ResolveInput, profileId: string, joined: readonly Candidate[]): boolean {
  if (!input.decisions) return false;
  const key = reviewKey({
    into_profile_id: profileId,
    from_profile_ids: joined.slice(1).map((c) => c.profile.profile_id),
  });
  return input.decisions.review(key) !== undefined;
}

/**
 * The first identifier type whose distinct values, over the joined profiles
 * and the candidate together, pass its limit. Joined profiles are within
 * their limits and share no value with one another (a value links to one
 * profile), so only the candidate's values can push a type over.
 */
function overLimit(
  limits: Readonly<Record<IdentifierType, number>>,
  joined: readonly Candidate[],
  candidate: Candidate,
): { type: IdentifierType; count: number; limit: number } | undefined {
  for (const type of IDENTIFIER_TYPES) {
    const adds = countOfType(type, [candidate]);
    if (adds === 0) continue;
    const count = countOfType(type, joined) + adds;
    if (count > limits[type]) return { type, count, limit: limits[type] };
  }
  return undefined;
}

/** Identifiers of `type` held by the candidates' profiles (or in a list of identifiers). */
function countOfType(type: IdentifierType, from: readonly (Candidate | Identifier)[]): number {
  let count = 0;
  for (const item of from) {
    if ('profile' in item) {
      for (const id of item.profile.identifiers) if (id.type === type) count += 1;
    } else if (item.type === type) count += 1;
  }
  return count;
}

/**
 * Surviving profiles the identifiers point to, in order of the best identifier
 * that found each, and the identifiers that point nowhere (one lookup each).
 */
function findCandidates(
  graph: IdentityGraph,
  identifiers: readonly Identifier[],
): { candidates: Candidate[]; unmatched: Identifier[]; sharedProfiles: Profile[] } {
  const byProfile = new Map<string, Candidate>();
  const unmatched: Identifier[] = [];
  const sharedProfiles: Profile[] = [];
  // normalize hands identifiers over in priority order; anything else is put in it.
  const inOrder = isInPriorityOrder(identifiers);
  const ordered = inOrder ? identifiers : [...identifiers].sort((a, b) => rank(a.type) - rank(b.type));
  for (const identifier of ordered) {
    const linked = graph.linked(identifier);
    if (!linked) {
      unmatched.push(identifier);
      continue;
    }
    const profile = linked.merged_into ? graph.follow(linked) : linked;
    if (isSharedProfile(profile)) {
      sharedProfiles.push(profile);
      continue;
    }
    const existing = byProfile.get(profile.profile_id);
    if (existing) existing.matchedBy.push(identifier);
    else byProfile.set(profile.profile_id, { profile, matchedBy: [identifier], part: linked });
  }
  // Unmatched identifiers keep the event's order.
  if (!inOrder) unmatched.sort((a, b) => identifiers.indexOf(a) - identifiers.indexOf(b));
  return { candidates: [...byProfile.values()], unmatched, sharedProfiles };
}

function isInPriorityOrder(identifiers: readonly Identifier[]): boolean {
  for (let i = 1; i < identifiers.length; i++) {
    if (rank(identifiers[i - 1]!.type) > rank(identifiers[i]!.type)) return false;
  }
  return true;
}

/** Appends a record; its id derives from the event and its place, so a replay writes the same rows. */
function record(
  input: ResolveInput,
  records: MergeRecord[],
  fields: Omit<MergeRecord, 'brand_id' | 'merge_id' | 'event_id' | 'at'>,
): void {
  records.push({
    brand_id: input.brandId,
    merge_id: mergeIdFor(input.brandId, input.eventId, records.length),
    ...fields,
    event_id: input.eventId,
    at: input.atIso,
  });
}

/** The shared profile of a device or cookie: one per identifier, the same id on every replay. */
export function sharedProfileId(brandId: string, identifier: Identifier): string {
  return `${SHARED_PROFILE_PREFIX}${shortHash(brandId, identifier.type, identifier.value)}`;
}

/** The survivor of a merge comes first: the oldest profile (first seen, then id). */
export function olderFirst(
  a: Pick<Profile, 'first_seen' | 'profile_id'>,
  b: Pick<Profile, 'first_seen' | 'profile_id'>,
): number {
  if (a.first_seen !== b.first_seen) return a.first_seen < b.first_seen ? -1 : 1;
  return a.profile_id < b.profile_id ? -1 : a.profile_id > b.profile_id ? 1 : 0;
}

const rank = (type: IdentifierType) => IDENTIFIER_TYPES.indexOf(type);
const isStrong = (id: Identifier) => STRONG_IDENTIFIER_TYPES.includes(id.type);
const isWeak = (id: Identifier) => WEAK_IDENTIFIER_TYPES.includes(id.type);

function userIdOf(identifiers: readonly Identifier[]): string | undefined {
  for (const id of identifiers) if (id.type === 'user_id') return id.value;
  return undefined;
}

function strongKeys(lists: readonly (readonly Identifier[])[]): Set<string> {
  const keys = new Set<string>();
  for (const list of lists) for (const id of list) if (isStrong(id)) keys.add(key(id));
  return keys;
}

/** The profile holds a strong identifier, and none of them is among `strong`. */
function sharesNoStrong(identifiers: readonly Identifier[], strong: ReadonlySet<string>): boolean {
  let holdsStrong = false;
  for (const id of identifiers) {
    if (!isStrong(id)) continue;
    if (strong.has(key(id))) return false;
    holdsStrong = true;
  }
  return holdsStrong;
}
const key = (id: Identifier) => `${id.type}:${id.value}`;
const types = (ids: readonly Identifier[]) => [...new Set(ids.map((id) => id.type))].join(', ');
