// How a profile is shown: its label, top category and high-intent row. The
// processor builds live rows with these and the dashboard builds snapshot rows
// with them, so a snapshot and the deltas after it look the same.
import type { HighIntentEntry } from './live';
import type { Profile } from './model';

// People read an email or phone more easily than a customer id.
const LABEL_ORDER = ['email', 'phone', 'user_id', 'loyalty_id', 'device_id', 'anonymous_id'] as const;

/** The best identifier to show for a profile, else its id. */
export function profileLabel(profile: Pick<Profile, 'identifiers' | 'profile_id'>): string {
  for (const type of LABEL_ORDER) {
    const found = profile.identifiers.find((id) => id.type === type);
    if (found) return found.value;
  }
  return profile.profile_id;
}

/** The most interacted category (ties: alphabetical), or null. */
export function topCategory(categories: Record<string, number>): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [category, count] of Object.entries(categories)) {
    if (count > bestCount || (count === bestCount && best !== null && category < best)) {
      best = category;
      bestCount = count;
    }
  }
  return best;
}

export function averageOrderValue(profile: Pick<Profile, 'orders' | 'revenue'>): number {
  return profile.orders === 0 ? 0 : profile.revenue / profile.orders;
}

export function highIntentEntry(profile: Profile): HighIntentEntry {
  return {
    profile_id: profile.profile_id,
    score: profile.intent_score,
    level: profile.intent_level,
    label: profileLabel(profile),
    top_category: topCategory(profile.categories),
    last_seen: profile.last_seen,
    scored_at: profile.intent_updated_at,
    categories: { ...profile.intent_categories },
    reasons: profile.intent_reasons.map((reason) => ({ ...reason })),
    forecast: (profile.intent_forecast ?? []).map((forecast) => ({ ...forecast })),
  };
}

/**
 * Profiles of shared devices and cookies (a store kiosk, a family tablet) have
 * ids with this prefix: their activity is several people's (identity
 * resolution makes them, ingest/processor/identity/resolve.ts).
 */
export const SHARED_PROFILE_PREFIX = 's_';

export function isSharedProfileId(profileId: string): boolean {
  return profileId.startsWith(SHARED_PROFILE_PREFIX);
}
