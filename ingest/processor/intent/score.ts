// Purchase intent, scored incrementally per profile:
//
//   score_now = score_prev × 2^(−Δt / half_life) + weight(event type)
//
// Δt runs on `received_at` (the processor's time axis, like the KPI minutes);
// an event older than the profile's last update adds its weight without
// decay (Δt is never negative). Decay is linear, so merging two profiles is
// exact: decay both to the merge time and add them.
//
// Per category the same, on the same time base (every category is decayed to
// the event with the total): an event with categories adds its weight to each
// (one for a product event; an order names every line's, as
// ingest/models/intent/features.ts does), an order resets the categories it
// names, events without a category move only the total. Categories are bounded
// (src/lib/shared/intent.ts): a merge adds before it bounds.
//
// Reasons: the latest events that added to the score. When the score they
// raised resets (an order: its categories, and the total, so uncategorised
// ones), they go; a merge keeps the latest of both.
import type { EventType } from '../../../src/lib/shared/events';
import type { IntentLevel, IntentReason, Profile } from '../../../src/lib/shared/model';
import {
  INTENT_CATEGORIES_MAX,
  INTENT_CATEGORY_EPSILON,
  INTENT_REASONS_MAX,
  INTENT_REASON_TEXT_MAX,
  boundCategories,
  compareReasons,
  decayedScore,
  intentLevelOf,
  latestReasons,
} from '../../../src/lib/shared/intent';
import type { BrandSettings } from '../../brands/types';

export type IntentSettings = BrandSettings['intent'];

/** What an event says beyond its type: its categories and product. */
export interface IntentDetail {
  /** One for a product event, every line's for an order, none otherwise. */
  categories: readonly string[];
  productId: string | null;
  productName: string | null;
}

export const NO_DETAIL: IntentDetail = { categories: [], productId: null, productName: null };

/**
 * What each event type adds. `reset`: an order completed, the purchase the
 * score predicted happened, so the score starts again from 0.
 * product_removed subtracts, with the score floored at 0.
 */
export const INTENT_WEIGHTS: Record<EventType, number | 'reset'> = {
  page_viewed: 1,
  product_viewed: 3,
  product_added: 10,
  checkout_started: 20,
  message_received: 5,
  identify: 2,
  custom: 1,
  product_removed: -5,
  order_completed: 'reset',
};

type ScoreFields = Pick<
  Profile,
  'intent_score' | 'intent_updated_at' | 'intent_categories' | 'intent_reasons'
>;
type IntentFields = ScoreFields & Pick<Profile, 'intent_level'>;

export function decayed(score: number, fromMs: number, toMs: number, halfLifeMinutes: number): number {
  return decayedScore(score, fromMs, toMs, halfLifeMinutes);
}

export function levelOf(score: number, settings: IntentSettings): IntentLevel {
  return intentLevelOf(score, settings);
}

/** The profile's score decayed to `atMs` (never before its last update). */
export function scoreAt(
  profile: Pick<Profile, 'intent_score' | 'intent_updated_at'>,
  atMs: number,
  settings: IntentSettings,
): number {
  return decayed(
    profile.intent_score,
    Date.parse(profile.intent_updated_at),
    atMs,
    settings.half_life_minutes,
  );
}

/** Adds one event to the profile's score (and to its own part's, if it has one). Mutates `profile`. */
export function applyIntentEvent(
  profile: IntentFields & { own?: Profile['own'] },
  type: EventType,
  atMs: number,
  settings: IntentSettings,
  detail: IntentDetail = NO_DETAIL,
): void {
  addToScore(profile, type, atMs, settings, detail);
  profile.intent_level = levelOf(profile.intent_score, settings);
  if (profile.own) addToScore(profile.own, type, atMs, settings, detail);
}

/** Adds one event to the profile's total score only (not its own part's). Mutates `profile`. */
export function applyIntentEventToTotals(
  profile: IntentFields,
  type: EventType,
  atMs: number,
  settings: IntentSettings,
  detail: IntentDetail = NO_DETAIL,
): void {
  addToScore(profile, type, atMs, settings, detail);
  profile.intent_level = levelOf(profile.intent_score, settings);
}

function addToScore(
  fields: ScoreFields,
  type: EventType,
  atMs: number,
  settings: IntentSettings,
  detail: IntentDetail,
): void {
  const fromMs = Date.parse(fields.intent_updated_at);
  const updatedMs = Math.max(atMs, fromMs);
  const weight = INTENT_WEIGHTS[type];
  const atIso = new Date(atMs).toISOString();
  const named = detail.categories.length === 0 ? [] : [...new Set(detail.categories)];
  const categories: Record<string, number> = {};
  let hasCategories = named.length > 0;
  for (const category in fields.intent_categories) {
    categories[category] = decayed(
      fields.intent_categories[category]!,
      fromMs,
      updatedMs,
      settings.half_life_minutes,
    );
    hasCategories = true;
  }
  if (weight === 'reset') {
    for (const category of named) delete categories[category];
    const reset = new Set(named);
    fields.intent_reasons = fields.intent_reasons.filter(
      (reason) => reason.category !== null && !reset.has(reason.category),
    );
  } else {
    for (const category of named) categories[category] = Math.max(0, (categories[category] ?? 0) + weight);
    if (weight > 0) {
      fields.intent_reasons = withReason(fields.intent_reasons, reasonOf(type, weight, atIso, named, detail));
    }
  }
  fields.intent_score =
    weight === 'reset'
      ? 0
      : Math.max(0, decayed(fields.intent_score, fromMs, updatedMs, settings.half_life_minutes) + weight);
  // An event naming no category, of a profile with none, leaves them as they are.
  if (hasCategories) fields.intent_categories = bounded(categories);
  fields.intent_updated_at = updatedMs === atMs ? atIso : new Date(updatedMs).toISOString();
}

/**
 * `boundCategories(categories)`, without sorting a copy when `categories` already is what it
 * would return: every score at least the epsilon, within the cap, listed in its order (decay
 * keeps the order; mostly only the event's own category moves).
 */
function bounded(categories: Record<string, number>): Record<string, number> {
  let count = 0;
  let previousName = '';
  let previousScore = 0;
  for (const name in categories) {
    const score = categories[name]!;
    if (!(score >= INTENT_CATEGORY_EPSILON) || ++count > INTENT_CATEGORIES_MAX)
      return boundCategories(categories);
    if (count > 1 && (score > previousScore || (score === previousScore && name < previousName))) {
      return boundCategories(categories);
    }
    previousName = name;
    previousScore = score;
  }
  return categories;
}

/**
 * `latestReasons([...reasons, reason])` without re-sorting and copying the kept ones at every
 * event: kept reasons are always in that order (they came from it), so the new one goes in at
 * its place; after any that compare equal, as the stable sort puts it. Reasons are never changed
 * in place, so the kept objects are shared by the old and new lists.
 */
export function withReason(reasons: readonly IntentReason[], reason: IntentReason): IntentReason[] {
  if (reasons.length > INTENT_REASONS_MAX) return latestReasons([...reasons, reason]);
  let at = reasons.length;
  for (let i = 0; i < reasons.length; i++) {
    if (i > 0 && compareReasons(reasons[i - 1]!, reasons[i]!) > 0) return latestReasons([...reasons, reason]);
    if (at === reasons.length && compareReasons(reasons[i]!, reason) > 0) at = i;
  }
  const kept = reasons.slice(0, at);
  kept.push(reason);
  for (let i = at; i < reasons.length; i++) kept.push(reasons[i]!);
  if (kept.length > INTENT_REASONS_MAX) kept.length = INTENT_REASONS_MAX;
  return kept;
}

const clip = (text: string | null) => (text === null ? null : text.slice(0, INTENT_REASON_TEXT_MAX));

function reasonOf(
  type: EventType,
  weight: number,
  atIso: string,
  categories: readonly string[],
  detail: IntentDetail,
): IntentReason {
  return {
    type,
    category: clip(categories[0] ?? null),
    product_id: clip(detail.productId),
    product_name: clip(detail.productName),
    at: atIso,
    weight,
  };
}

/**
 * The survivor's score (total and per category) becomes the sum of every
 * merged profile's decayed to `atMs`; its reasons the latest of all of theirs.
 */
export function mergeIntent(
  survivor: IntentFields,
  others: readonly ScoreFields[],
  atMs: number,
  settings: IntentSettings,
): void {
  const all = [survivor, ...others];
  const mergeMs = Math.max(atMs, ...all.map((p) => Date.parse(p.intent_updated_at)));
  const score = all.reduce((sum, p) => sum + scoreAt(p, mergeMs, settings), 0);
  const categories: Record<string, number> = {};
  for (const p of all) {
    const fromMs = Date.parse(p.intent_updated_at);
    for (const [category, value] of Object.entries(p.intent_categories)) {
      categories[category] =
        (categories[category] ?? 0) + decayed(value, fromMs, mergeMs, settings.half_life_minutes);
    }
  }
  survivor.intent_score = score;
  survivor.intent_categories = boundCategories(categories);
  survivor.intent_reasons = latestReasons(all.flatMap((p) => p.intent_reasons));
  survivor.intent_updated_at = new Date(mergeMs).toISOString();
  survivor.intent_level = levelOf(score, settings);
}

/**
 * When the decayed score falls below the threshold of the profile's current
 * level, or null for a low profile (it cannot fall further).
 */
export function levelDropsAt(
  profile: Pick<Profile, 'intent_score' | 'intent_level' | 'intent_updated_at'>,
  settings: IntentSettings,
): number | null {
  const threshold =
    profile.intent_level === 'high'
      ? settings.high_threshold
      : profile.intent_level === 'medium'
        ? settings.medium_threshold
        : null;
  if (threshold === null || profile.intent_score <= 0) return null;
  const updatedMs = Date.parse(profile.intent_updated_at);
  if (profile.intent_score < threshold) return updatedMs;
  const halfLives = Math.log2(profile.intent_score / threshold);
  // +1 ms: at the computed instant the score equals the threshold and still counts.
  return updatedMs + Math.floor(halfLives * settings.half_life_minutes * 60_000) + 1;
}
