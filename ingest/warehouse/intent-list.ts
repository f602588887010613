// The High-intent page's query (WarehouseReader.intentList), checked once for
// both back-ends. A profile is listed at a level when its score, decayed to
// the query's time, reaches that level's threshold: its total score, or with
// a category, that category's score (Profile.intent_categories). Survivors
// only; the compared score descending, then profile_id.
import { levelThreshold, type IntentThresholds } from '../../src/lib/shared/intent';

export const INTENT_LIST_LEVELS = ['medium', 'high'] as const;
export type IntentListLevel = (typeof INTENT_LIST_LEVELS)[number];
export const INTENT_LIST_MAX_LIMIT = 500;
export const INTENT_CATEGORY_MAX_LENGTH = 256;

export interface IntentListQuery {
  /** This level or above. */
  level: IntentListLevel;
  /** Only profiles at the level in this category; null (or blank) for the total score. */
  category: string | null;
  /** 1..INTENT_LIST_MAX_LIMIT. */
  limit: number;
  /** Scores are decayed to this time (ISO-8601). */
  at: string;
  /** The brand's intent settings (BrandSettings['intent']). */
  intent: IntentThresholds;
}

/** A checked query: what the back-ends' SQL builders take. */
export interface IntentListPlan {
  category: string | null;
  limit: number;
  atMs: number;
  threshold: number;
  halfLifeMinutes: number;
}

/** Validates a query; RangeError naming the problem. */
export function planIntentList(query: IntentListQuery): IntentListPlan {
  if (!INTENT_LIST_LEVELS.includes(query.level)) {
    throw new RangeError(`level must be one of ${INTENT_LIST_LEVELS.join(', ')}, got ${String(query.level)}`);
  }
  if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > INTENT_LIST_MAX_LIMIT) {
    throw new RangeError(
      `limit must be a whole number from 1 to ${INTENT_LIST_MAX_LIMIT}, got ${String(query.limit)}`,
    );
  }
  if (query.category !== null && typeof query.category !== 'string') {
    throw new RangeError('category must be text');
  }
  const category = query.category?.trim() || null;
  if (category !== null && category.length > INTENT_CATEGORY_MAX_LENGTH) {
    throw new RangeError(`category is longer than ${INTENT_CATEGORY_MAX_LENGTH} characters`);
  }
  const atMs = Date.parse(query.at);
  if (!Number.isFinite(atMs))
    throw new RangeError(`at must be an ISO-8601 time, got ${JSON.stringify(query.at)}`);
  const { half_life_minutes, medium_threshold, high_threshold } = query.intent;
  for (const [name, value] of Object.entries({ half_life_minutes, medium_threshold, high_threshold })) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`intent ${name} must be a number above 0, got ${String(value)}`);
    }
  }
  return {
    category,
    limit: query.limit,
    atMs,
    threshold: levelThreshold(query.level, query.intent),
    halfLifeMinutes: half_life_minutes,
  };
}
