// Purchase intent, scored incrementally per profile:
//
//   score_now = score_prev × 2^(−Δt / half_life) + weight(event type)
//
// Δt runs on `received_at` (the processor's time axis, like the KPI minutes);
// an event older than the profile's last update adds its weight without
// decay (Δt is never negative). Decay is linear, so merging two profiles is
// exact: decay both to the merge time and add them.
import type { EventType } from '../../../src/lib/shared/events';
import type { IntentLevel, Profile } from '../../../src/lib/shared/model';
import type { BrandSettings } from '../../brands/types';

export type IntentSettings = BrandSettings['intent'];

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

type IntentFields = Pick<Profile, 'intent_score' | 'intent_level' | 'intent_updated_at'>;

export function decayed(score: number, fromMs: number, toMs: number, halfLifeMinutes: number): number {
  const elapsed = Math.max(0, toMs - fromMs);
  return score * 2 ** (-elapsed / (halfLifeMinutes * 60_000));
}

export function levelOf(score: number, settings: IntentSettings): IntentLevel {
  if (score >= settings.high_threshold) return 'high';
  if (score >= settings.medium_threshold) return 'medium';
  return 'low';
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
): void {
  addToScore(profile, type, atMs, settings);
  profile.intent_level = levelOf(profile.intent_score, settings);
  if (profile.own) addToScore(profile.own, type, atMs, settings);
}

/** Adds one event to the profile's total score only (not its own part's). Mutates `profile`. */
export function applyIntentEventToTotals(
  profile: IntentFields,
  type: EventType,
  atMs: number,
  settings: IntentSettings,
): void {
  addToScore(profile, type, atMs, settings);
  profile.intent_level = levelOf(profile.intent_score, settings);
}

function addToScore(
  fields: Pick<Profile, 'intent_score' | 'intent_updated_at'>,
  type: EventType,
  atMs: number,
  settings: IntentSettings,
): void {
  const updatedMs = Math.max(atMs, Date.parse(fields.intent_updated_at));
  const weight = INTENT_WEIGHTS[type];
  fields.intent_score = weight === 'reset' ? 0 : Math.max(0, scoreAt(fields, updatedMs, settings) + weight);
  fields.intent_updated_at = new Date(updatedMs).toISOString();
}

/** The survivor's score becomes the sum of every merged profile's score decayed to `atMs`. */
export function mergeIntent(
  survivor: IntentFields,
  others: readonly Pick<Profile, 'intent_score' | 'intent_updated_at'>[],
  atMs: number,
  settings: IntentSettings,
): void {
  const all = [survivor, ...others];
  const mergeMs = Math.max(atMs, ...all.map((p) => Date.parse(p.intent_updated_at)));
  const score = all.reduce((sum, p) => sum + scoreAt(p, mergeMs, settings), 0);
  survivor.intent_score = score;
  survivor.intent_updated_at = new Date(mergeMs).toISOString();
  survivor.intent_level = levelOf(score, settings);
}

/**
 * When the decayed score falls below the threshold of the profile's current
 * level, or null for a low profile (it cannot fall further).
 */
export function levelDropsAt(profile: IntentFields, settings: IntentSettings): number | null {
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
