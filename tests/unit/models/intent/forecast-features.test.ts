// The forecast computes the profile-wide features once for all of a profile's categories
// (forEachCategoryFeatures) instead of once per category (intentFeatures); both must give the
// same numbers, so stored forecasts do not change. Checked on generated journeys, with time
// passing between the state's last event and the forecast.
import { describe, expect, it } from 'vitest';
import { fixedWeightScore, plattProbability } from '../../../../ingest/models/intent/baseline';
import {
  DEFAULT_FEATURE_OPTIONS,
  applyIntentEvent,
  emptyProfileState,
  forEachCategoryFeatures,
  intentFeatures,
  type ProfileIntentState,
} from '../../../../ingest/models/intent/features';
import { generateJourneys } from '../../../../ingest/models/intent/journeys';
import { createIntentLearner } from '../../../../ingest/models/intent/learner';
import { predictIntent } from '../../../../ingest/models/intent/online-model';

const HOUR = 3_600_000;

describe('forEachCategoryFeatures', () => {
  it('gives every category exactly what intentFeatures gives it, at the state time and later', () => {
    const states = new Map<string, ProfileIntentState>();
    let checked = 0;
    for (const { profileId, ...event } of generateJourneys({ seed: 3, shoppers: 200, days: 14 })) {
      const state = states.get(profileId) ?? emptyProfileState();
      states.set(profileId, state);
      applyIntentEvent(state, event);
      for (const later of [0, 7 * 60_000, 5 * HOUR]) {
        const atMs = state.atMs + later;
        const seen: string[] = [];
        forEachCategoryFeatures(state, atMs, DEFAULT_FEATURE_OPTIONS, (category, features) => {
          seen.push(category);
          expect([...features]).toEqual(intentFeatures(state, category, atMs));
          checked += 1;
        });
        expect(seen).toEqual([...state.categories.keys()]);
      }
    }
    expect(checked).toBeGreaterThan(5_000);
  });
});

describe("the learner's forecast", () => {
  it('is each category scored on intentFeatures, highest first', () => {
    const learner = createIntentLearner(undefined, { holdoutShare: 0 });
    const states = new Map<string, ProfileIntentState>();
    let clock = 0;
    let checked = 0;
    for (const { profileId, ...event } of generateJourneys({ seed: 8, shoppers: 150, days: 21 })) {
      while (clock + HOUR <= event.atMs) learner.advance((clock += HOUR));
      learner.observe(profileId, event);
      const state = states.get(profileId) ?? emptyProfileState();
      states.set(profileId, state);
      applyIntentEvent(state, event);
      const atMs = event.atMs + 30 * 60_000;
      const expected = [...state.categories.keys()]
        .map((category) => {
          const features = intentFeatures(state, category, Math.max(atMs, state.atMs));
          return {
            category,
            learned: predictIntent(learner.state.model, features),
            baseline: plattProbability(learner.state.platt, fixedWeightScore(features)),
          };
        })
        .sort((a, b) => b.learned - a.learned || a.category.localeCompare(b.category));
      expect(learner.forecast(profileId, atMs)).toEqual(expected);
      checked += expected.length;
    }
    expect(learner.state.model.updates).toBeGreaterThan(100);
    expect(checked).toBeGreaterThan(2_000);
  });
});
