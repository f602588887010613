// Customer-360 aggregates, updated per event and combined exactly on merge:
// every aggregate is a min, max, sum, set union or per-key sum, so combining
// two profiles gives what one profile would hold had it seen all their events.
// Average order value is derived (revenue / orders), never stored.
import { IDENTIFIER_TYPES, type Channel } from '../../../src/lib/shared/events';
import type { Identifier, Profile } from '../../../src/lib/shared/model';
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
    version: 0,
  };
}

/** Adds one event. Times are the event's own `timestamp`. Mutates `profile`. */
export function applyProfileEvent(profile: Profile, normalized: NormalizedEvent): void {
  const { event } = normalized;
  const seen = new Date(normalized.timestampMs).toISOString();
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

/** Folds `others` into `survivor` (aggregates and identifiers). Mutates `survivor` only. */
export function absorbProfiles(survivor: Profile, others: readonly Profile[]): void {
  for (const other of others) {
    if (other.event_count > 0) {
      if (survivor.event_count === 0 || other.first_seen < survivor.first_seen)
        survivor.first_seen = other.first_seen;
      if (survivor.event_count === 0 || other.last_seen > survivor.last_seen)
        survivor.last_seen = other.last_seen;
    }
    survivor.event_count += other.event_count;
    survivor.orders += other.orders;
    survivor.revenue += other.revenue;
    survivor.channels = unionChannels(survivor.channels, other.channels);
    for (const [category, count] of Object.entries(other.categories)) {
      survivor.categories[category] = (survivor.categories[category] ?? 0) + count;
    }
    survivor.identifiers = unionIdentifiers(survivor.identifiers, other.identifiers);
  }
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
