// The brand's learned intent model (ingest/models/intent/learner.ts) fed by the processor: every
// live event of a person (not CSV history, not a shared device) after identity resolution, merges
// as they happen, time on ticks. Restored from the warehouse with the brand; saved on ticks.
//
// What it does not follow: an unmerge. The survivor keeps the merged feature state and the freed
// profiles start empty (features cannot be split; they only steer forecasts, never stored totals).
import type { IntentModelRecord } from '../../../src/lib/shared/intent-model';
import { INTENT_FORECAST_MAX, type IntentForecast, type Profile } from '../../../src/lib/shared/model';
import {
  DEFAULT_LEARNER_OPTIONS,
  createIntentLearner,
  initialLearnerState,
  parseLearnerState,
  summarizeLearner,
  type IntentLearner,
  type IntentLearnerOptions,
} from '../../models/intent/learner';
import type { IntentEvent } from '../../models/intent/features';
import type { Brand } from '../../brands/types';
import type { NormalizedEvent } from '../normalize';

export interface BrandLearner {
  learner: IntentLearner;
  options: IntentLearnerOptions;
  /** Why the stored state was not used (unreadable, other features); null when it was, or none existed. */
  startedAfresh: string | null;
  /** When it was last saved (epoch ms); undefined until the first save. */
  savedAtMs: number | undefined;
}

export function learnerOptions(brand: Brand): IntentLearnerOptions {
  return {
    ...DEFAULT_LEARNER_OPTIONS,
    features: {
      ...DEFAULT_LEARNER_OPTIONS.features,
      halfLifeMinutes: brand.settings.intent.half_life_minutes,
    },
  };
}

/** The brand's learner from its stored state; a state that cannot be read starts afresh, saying why. */
export function restoreLearner(brand: Brand, stored: string | null): BrandLearner {
  const options = learnerOptions(brand);
  if (stored === null) {
    return {
      learner: createIntentLearner(initialLearnerState(), options),
      options,
      startedAfresh: null,
      savedAtMs: undefined,
    };
  }
  try {
    return {
      learner: createIntentLearner(parseLearnerState(stored), options),
      options,
      startedAfresh: null,
      savedAtMs: undefined,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      learner: createIntentLearner(initialLearnerState(), options),
      options,
      startedAfresh: `the stored model could not be used (${reason}); learning started again`,
      savedAtMs: undefined,
    };
  }
}

/** What the learner sees of an event: its categories (every line's for an order) and product. */
export function intentEventOf(normalized: NormalizedEvent): IntentEvent {
  const { event } = normalized;
  const lineCategories = (event.commerce.items ?? [])
    .map((item) => item.category?.trim())
    .filter((category): category is string => category !== undefined && category !== '');
  const categories =
    event.type === 'order_completed' && lineCategories.length > 0
      ? [...new Set(lineCategories)]
      : normalized.category === null
        ? []
        : [normalized.category];
  const productId = event.commerce.product_id ?? event.commerce.items?.[0]?.product_id;
  return {
    type: event.type,
    atMs: normalized.receivedAtMs,
    categories,
    ...(productId === undefined ? {} : { productId }),
  };
}

/**
 * One event of `profile` (the survivor), after `merged` were merged into it by that event. Merges
 * are always followed; the event itself only when `observe` (a person's live event: not CSV
 * history, whose orders would label today's predictions, nor a shared device's).
 */
export function learnFromEvent(
  learner: IntentLearner,
  normalized: NormalizedEvent,
  profile: Profile,
  merged: readonly Profile[],
  observe: boolean,
  intentEvent: IntentEvent = intentEventOf(normalized),
): void {
  if (merged.length > 0) {
    learner.merge(
      profile.profile_id,
      merged.map((other) => other.profile_id),
      normalized.receivedAtMs,
    );
  }
  if (!observe) return;
  learner.observe(profile.profile_id, intentEvent);
  profile.intent_forecast = forecastOf(learner, profile.profile_id, normalized.receivedAtMs);
}

/** The profile's forecast as the profile keeps it: the highest INTENT_FORECAST_MAX categories. */
export function forecastOf(learner: IntentLearner, profileId: string, atMs: number): IntentForecast[] {
  return learner
    .forecast(profileId, atMs)
    .slice(0, INTENT_FORECAST_MAX)
    .map(({ category, learned, baseline }) => ({ category, probability: learned, baseline }));
}

/** How often a brand's model is saved at most: it is ~100 KB, and a lost minute only costs learning. */
export const LEARNER_SAVE_INTERVAL_MS = 60_000;

/** The record to save, or null when nothing changed or the last save is too recent. */
export function learnerRecordDue(
  brandId: string,
  brandLearner: BrandLearner,
  nowMs: number,
): IntentModelRecord | null {
  const { learner, savedAtMs } = brandLearner;
  // A fresh start is saved once even before it learns anything, so the dashboard says why.
  const unsavedNote = brandLearner.startedAfresh !== null && savedAtMs === undefined;
  if (!learner.dirty && !unsavedNote) return null;
  if (savedAtMs !== undefined && nowMs - savedAtMs < LEARNER_SAVE_INTERVAL_MS) return null;
  const updatedAt = new Date(nowMs).toISOString();
  return {
    brand_id: brandId,
    updated_at: updatedAt,
    state: JSON.stringify(learner.state),
    summary: {
      ...summarizeLearner(brandId, learner, updatedAt, brandLearner.options),
      note: brandLearner.startedAfresh,
    },
  };
}

/** After the record from learnerRecordDue was stored. */
export function markLearnerSaved(brandLearner: BrandLearner, nowMs: number): void {
  brandLearner.learner.markSaved();
  brandLearner.savedAtMs = nowMs;
}
