// Customer-360 aggregates, updated per event and combined exactly on merge:
// every aggregate is a min, max, sum, set union or per-key sum, so combining
// two profiles gives what one profile would hold had it seen all their events.
// Average order value is derived (revenue / orders), never stored.
//
// Min, max and union cannot be subtracted, so a merge cannot be undone from
// the totals. A survivor therefore keeps its own part (`Profile.own`, set on
// its first merge and updated with every event after) next to the totals; the
// merged profiles keep theirs, frozen, since nothing reaches a merged profile.
// An unmerge rebuilds the totals from the parts that remain (identity/unmerge.ts).
import { IDENTIFIER_TYPES, type Channel } from '../../../src/lib/shared/events';
import type { Identifier, Profile, ProfileParts } from '../../../src/lib/shared/model';
import type { NormalizedEvent } from '../normalize';

/** A profile that has seen nothing yet; the first event sets its times. */
export function emptyProfile(brandId: string, profileId: string, atIso: string): Profile {
  return {
    brand_id: brandId,
    profile_id: profileId,
    merged_into: null,
    identifiers: [],
    first_seen: atIso,
    last_seen: atIso,
    event_count: 0,
    orders: 0,
    revenue: 0,
    channels: [],
    categories: {},
    intent_score: 0,
    intent_level: 'low',
    intent_updated_at: atIso,
    intent_categories: {},
    intent_reasons: [],
    version: 0,
    own: null,
    intent_forecast: [],
  };
}

/** A copy of the parts an unmerge restores (a Profile is one too), sharing nothing with it. */
export function partsOf(from: ProfileParts): ProfileParts {
  return {
    identifiers: from.identifiers.map((id) => ({ ...id })),
    first_seen: from.first_seen,
    last_seen: from.last_seen,
    event_count: from.event_count,
    orders: from.orders,
    revenue: from.revenue,
    channels: [...from.channels],
    categories: { ...from.categories },
    intent_score: from.intent_score,
    intent_updated_at: from.intent_updated_at,
    intent_categories: { ...from.intent_categories },
    intent_reasons: from.intent_reasons.map((reason) => ({ ...reason })),
  };
}

/** Overwrites the profile's parts (not its id, merge pointer, level or version) with a copy of `parts`. */
export function setParts(profile: Profile, parts: ProfileParts): void {
  Object.assign(profile, partsOf(parts));
}

/** Adds one event, to the totals and to the profile's own part. Times are the event's own `timestamp`. */
export function applyProfileEvent(profile: Profile, normalized: NormalizedEvent): void {
  const seen = new Date(normalized.timestampMs).toISOString();
  addEvent(profile, normalized, seen);
  if (profile.own) addEvent(profile.own, normalized, seen);
}

/**
 * Adds one event to the totals only: a profile the event's part is merged
 * into (the part's own part took it; see identity/apply.ts).
 */
export function applyProfileEventToTotals(profile: Profile, normalized: NormalizedEvent): void {
  addEvent(profile, normalized, new Date(normalized.timestampMs).toISOString());
}

function addEvent(profile: ProfileParts, normalized: NormalizedEvent, seen: string): void {
  const { event } = normalized;
  if (profile.event_count === 0 || seen < profile.first_seen) profile.first_seen = seen;
  if (profile.event_count === 0 || seen > profile.last_seen) profile.last_seen = seen;
  profile.event_count += 1;
  if (event.type === 'order_completed') {
    profile.orders += 1;
    profile.revenue += normalized.revenue;
  }
  profile.channels = unionChannels(profile.channels, [event.channel]);
  if (normalized.category) {
    profile.categories[normalized.category] = (profile.categories[normalized.category] ?? 0) + 1;
  }
}

/**
 * Folds `others` into `survivor` (aggregates and identifiers). The survivor's
 * own part is kept first, if it has none yet. Mutates `survivor` only.
 */
export function absorbProfiles(survivor: Profile, others: readonly Profile[]): void {
  survivor.own ??= partsOf(survivor);
  for (const other of others) combineInto(survivor, other);
}

/** Adds `other`'s aggregates and identifiers to `target` (not the score: intent/score.ts merges that). */
export function combineInto(target: ProfileParts, other: ProfileParts): void {
  if (other.event_count > 0) {
    if (target.event_count === 0 || other.first_seen < target.first_seen)
      target.first_seen = other.first_seen;
    if (target.event_count === 0 || other.last_seen > target.last_seen) target.last_seen = other.last_seen;
  }
  target.event_count += other.event_count;
  target.orders += other.orders;
  target.revenue += other.revenue;
  target.channels = unionChannels(target.channels, other.channels);
  for (const [category, count] of Object.entries(other.categories)) {
    target.categories[category] = (target.categories[category] ?? 0) + count;
  }
  target.identifiers = unionIdentifiers(target.identifiers, other.identifiers);
}

export function unionIdentifiers(a: readonly Identifier[], b: readonly Identifier[]): Identifier[] {
  const seen = new Set(a.map((id) => `${id.type}:${id.value}`));
  const out = [...a];
  for (const id of b) {
    const key = `${id.type}:${id.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(id);
    }
  }
  const rank = (id: Identifier) => IDENTIFIER_TYPES.indexOf(id.type);
  return out.sort((x, y) => rank(x) - rank(y) || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
}

function unionChannels(a: readonly Channel[], b: readonly Channel[]): Channel[] {
  return [...new Set([...a, ...b])].sort();
}
