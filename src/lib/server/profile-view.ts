// The Customer-360 view of one profile, shared by the read API and the
// profile page. A merged (losing) id resolves to its survivor.
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import type { Identifier, IntentLevel, MergeRecord, Profile, StoredEvent } from '../shared/model';
import { decayedScore } from '../shared/intent';
import { averageOrderValue, topCategory } from '../shared/profile-display';
import { loadProfilePredictions, type ProfilePredictions } from './profile-predictions';

export const RECENT_EVENTS = 50;
export const MERGE_HISTORY = 50;

/** A profile as the read API and the pages show it: without its internal `own` part (an unmerge's bookkeeping). */
export type PublicProfile = Omit<Profile, 'own'>;

export function publicProfile(profile: Profile): PublicProfile {
  const { own: _own, ...shown } = profile;
  return shown;
}

export interface ProfileView {
  profile: PublicProfile & {
    /** Average order value: revenue / orders, 0 without orders. */
    aov: number;
    /**
     * Purchase frequency: orders per 30 days since first seen, over at least 30 days (two orders
     * on someone's first day are not 60 a month); 0 without orders.
     */
    orders_per_month: number;
  };
  identifiers: Identifier[];
  recent_events: StoredEvent[];
  /** Profiles merged into this one, directly or transitively. */
  merged_profiles: string[];
  merge_history: MergeRecord[];
  intent: {
    /** The score as of `updated_at`, and its level (the processor re-levels decayed profiles). */
    score: number;
    level: IntentLevel;
    updated_at: string;
    /** The score decayed to now with the brand's half-life. */
    current_score: number;
    top_category: string | null;
    /** Intent per category decayed to now, highest first. */
    categories_now: { category: string; score: number }[];
  };
  /** Scores of the latest scheduled prediction run, with their reasons. */
  predictions: ProfilePredictions;
}

const DAY_MS = 86_400_000;

export function ordersPerMonth(profile: Pick<Profile, 'orders' | 'first_seen'>, now: Date): number {
  if (profile.orders === 0) return 0;
  const days = Math.max(30, (now.getTime() - Date.parse(profile.first_seen)) / DAY_MS);
  return (profile.orders * 30) / days;
}

export async function loadProfileView(
  deps: { warehouse: WarehouseReader; halfLifeMinutes: number; now: Date },
  brandId: string,
  profileId: string,
): Promise<ProfileView | null> {
  const { warehouse } = deps;
  const profile = await warehouse.getProfile(brandId, profileId);
  if (!profile) return null;
  const merged = await warehouse.mergedInto(brandId, profile.profile_id);
  const all = [profile.profile_id, ...merged];
  const [recent, history, predictions] = await Promise.all([
    warehouse.recentEvents(brandId, all, RECENT_EVENTS),
    warehouse.mergeHistory(brandId, all, MERGE_HISTORY),
    loadProfilePredictions(warehouse, brandId, profile.profile_id),
  ]);
  const decayed = (score: number) =>
    decayedScore(score, Date.parse(profile.intent_updated_at), deps.now.getTime(), deps.halfLifeMinutes);
  return {
    profile: {
      ...publicProfile(profile),
      aov: averageOrderValue(profile),
      orders_per_month: ordersPerMonth(profile, deps.now),
    },
    identifiers: profile.identifiers,
    recent_events: recent,
    merged_profiles: merged,
    merge_history: history,
    intent: {
      score: profile.intent_score,
      level: profile.intent_level,
      updated_at: profile.intent_updated_at,
      current_score: decayed(profile.intent_score),
      top_category: topCategory(profile.categories),
      categories_now: Object.entries(profile.intent_categories)
        .map(([category, score]) => ({ category, score: decayed(score) }))
        .sort((a, b) => b.score - a.score || (a.category < b.category ? -1 : 1)),
    },
    predictions,
  };
}
