// Keeps a brand's high-intent set and decay schedule in step with a profile's
// level after any change to its score (event, merge, decay).
import type { Profile } from '../../../src/lib/shared/model';
import type { BrandState } from '../brand-state';
import { levelDropsAt, levelOf, scoreAt } from './score';

export function syncLevel(state: BrandState, profile: Profile): void {
  const id = profile.profile_id;
  if (profile.merged_into || profile.intent_level !== 'high') state.high.delete(id);
  else state.high.add(id);
  state.levels.set(id, profile.merged_into ? null : levelDropsAt(profile, state.brand.settings.intent));
}

/**
 * Re-levels the profiles whose score decayed past a threshold by `nowMs`.
 * The stored score and its time stay as they are (readers decay from them);
 * only the level changes. Returns the profiles whose level changed.
 */
export function relevelDue(state: BrandState, nowMs: number, beforeChange: (p: Profile) => void): Profile[] {
  const settings = state.brand.settings.intent;
  const changed: Profile[] = [];
  for (const id of state.levels.takeDue(nowMs)) {
    const profile = state.graph.get(id);
    if (!profile || profile.merged_into) continue;
    const level = levelOf(scoreAt(profile, nowMs, settings), settings);
    if (level !== profile.intent_level) {
      beforeChange(profile);
      profile.intent_level = level;
      changed.push(profile);
    }
    syncLevel(state, profile);
    // Float rounding can put the next drop at or before now: never loop on it.
    const next = levelDropsAt(profile, settings);
    if (next !== null && next <= nowMs) state.levels.set(id, nowMs + 1);
  }
  return changed;
}
