// The high-intent list as the dashboard shows it: the same `HighIntentEntry`
// rows the processor pushes on `live.updates` (same label, same top category,
// ties alphabetical), so a snapshot and the deltas that follow it upsert into
// one list by profile_id without a row changing its face.
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import type { HighIntentEntry } from '../shared/live';
import type { Identifier, Profile } from '../shared/model';

/** Display order for a profile's label: what a person would recognise first (as the processor's). */
const LABEL_ORDER: readonly Identifier['type'][] = [
  'email',
  'phone',
  'user_id',
  'loyalty_id',
  'device_id',
  'anonymous_id',
];

export async function loadHighIntent(
  warehouse: WarehouseReader,
  brandId: string,
  limit: number,
): Promise<HighIntentEntry[]> {
  const profiles = await warehouse.highIntent(brandId, limit);
  return profiles.map(toHighIntentEntry);
}

export function toHighIntentEntry(profile: Profile): HighIntentEntry {
  return {
    profile_id: profile.profile_id,
    score: profile.intent_score,
    level: profile.intent_level,
    label: profileLabel(profile),
    top_category: topCategory(profile.categories),
    last_seen: profile.last_seen,
  };
}

export function profileLabel(profile: Profile): string {
  for (const type of LABEL_ORDER) {
    const found = profile.identifiers.find((identifier) => identifier.type === type);
    if (found) return found.value;
  }
  return profile.profile_id;
}

export function topCategory(categories: Record<string, number>): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [category, count] of Object.entries(categories)) {
    if (count > bestCount || (count === bestCount && best !== null && category < best)) {
      [best, bestCount] = [category, count];
    }
  }
  return best;
}
