// Following merged_into to the survivor, for every warehouse back-end: each
// supplies how to load one profile by id (within one brand).
import type { Profile } from '../../src/lib/shared/model';

/** A chain is short; the bound only guards against corrupt data. */
export const MAX_MERGE_HOPS = 64;

/**
 * The profile `profileId` resolves to. A pointer to a missing profile stops at
 * the last one found; a cycle (corrupt data) stops where it closes.
 */
export async function followMerges(
  load: (profileId: string) => Promise<Profile | null>,
  profileId: string,
): Promise<Profile | null> {
  let current = await load(profileId);
  const visited = new Set<string>();
  while (current?.merged_into && !visited.has(current.profile_id) && visited.size < MAX_MERGE_HOPS) {
    visited.add(current.profile_id);
    const next = await load(current.merged_into);
    if (!next) break;
    current = next;
  }
  return current;
}
