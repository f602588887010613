import { describe, expect, it } from 'vitest';
import { generateJourneys } from '../../../../ingest/models/intent/journeys';
import {
  createIntentLearner,
  holdoutFraction,
  initialLearnerState,
  parseLearnerState,
  summarizeLearner,
  type IntentLearner,
} from '../../../../ingest/models/intent/learner';
import { initialIntentModel } from '../../../../ingest/models/intent/online-model';
import { qualityOf } from '../../../../ingest/models/intent/quality';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Feeds generated journeys to the learner as the processor would: in time order, advancing each hour. */
function run(learner: IntentLearner, events: ReturnType<typeof generateJourneys>, untilMs = Infinity): void {
  let clock = 0;
  for (const { profileId, ...event } of events) {
    if (event.atMs > untilMs) break;
    while (clock + HOUR <= event.atMs) {
      clock += HOUR;
      learner.advance(clock);
    }
    learner.observe(profileId, event);
  }
}

describe('live intent learner', () => {
  it('learns from outcomes as they arrive and beats the fixed weights on the profiles it held back', () => {
    for (const seed of [21, 22]) {
      const events = generateJourneys({ seed, shoppers: 500, days: 42 });
      const learner = createIntentLearner();
      run(learner, events);
      learner.advance(50 * DAY);
      const learned = qualityOf(learner.state.learnedQuality);
      const baseline = qualityOf(learner.state.baselineQuality);
      expect(learner.state.model.updates).toBeGreaterThan(2000);
      expect(learned.count).toBeGreaterThan(500);
      expect(learned.positives).toBeGreaterThan(50);
      expect(baseline.count).toBe(learned.count);
      expect(baseline.auc!).toBeGreaterThan(0.55);
      expect(learned.auc!).toBeGreaterThan(baseline.auc! + 0.05);
      expect(learned.brier).toBeLessThan(baseline.brier);
      expect(learner.pending).toBe(0);
    }
  });

  it('never trains on a held-back profile', () => {
    const events = generateJourneys({ seed: 5, shoppers: 100, days: 21 });
    const learner = createIntentLearner(undefined, { holdoutShare: 1 });
    run(learner, events);
    learner.advance(30 * DAY);
    expect(learner.state.model).toEqual(initialIntentModel());
    expect(learner.state.trained).toBe(0);
    expect(learner.state.learnedQuality.count).toBeGreaterThan(100);
  });

  it('holds back the same profiles every time, about the share asked for', () => {
    const learner = createIntentLearner();
    // Sequential ids (the generator's, a shop's numbering) and random-looking ones alike.
    for (const make of [
      (i: number) => `profile-${i}`,
      (i: number) => `s${i}`,
      (i: number) => `${i * 7919}`,
    ]) {
      for (const n of [300, 10_000]) {
        const ids = Array.from({ length: n }, (_, i) => make(i));
        const share = ids.filter((id) => learner.isHeldBack(id)).length / n;
        expect(share).toBeGreaterThan(n === 300 ? 0.13 : 0.185);
        expect(share).toBeLessThan(n === 300 ? 0.27 : 0.215);
      }
    }
    expect(holdoutFraction('profile-1')).toBe(holdoutFraction('profile-1'));
  });

  it("labels a prediction made before a merge by the survivor's order", () => {
    const learner = createIntentLearner(undefined, { holdoutShare: 0 });
    learner.observe('anon', { type: 'product_added', atMs: 0, categories: ['shoes'], productId: 's1' });
    learner.merge('ann', ['anon'], 1_000);
    expect(learner.forecast('ann', 1_000).map((f) => f.category)).toEqual(['shoes']);
    expect(learner.forecast('anon', 1_000)).toEqual([]);
    learner.observe('ann', { type: 'order_completed', atMs: 2_000, categories: ['shoes'] });
    // Labelled, and trained on once its horizon has ended.
    expect(learner.pending).toBe(1);
    expect(learner.state.model.updates).toBe(0);
    learner.advance(8 * DAY);
    expect(learner.pending).toBe(0);
    expect(learner.state.model.updates).toBe(1);
    expect(learner.state.plattOutcomes).toEqual([1]);
  });

  it('keeps at most maxProfiles feature states, forgetting the longest idle first', () => {
    const learner = createIntentLearner(undefined, { maxProfiles: 2 });
    learner.observe('a', { type: 'product_viewed', atMs: 0, categories: ['x'] });
    learner.observe('b', { type: 'product_viewed', atMs: 1, categories: ['x'] });
    learner.observe('a', { type: 'product_viewed', atMs: 2, categories: ['x'] });
    learner.observe('c', { type: 'product_viewed', atMs: 3, categories: ['x'] });
    expect(learner.profiles).toBe(2);
    expect(learner.forecast('b', 3)).toEqual([]);
    expect(learner.forecast('a', 3)).toHaveLength(1);
    expect(learner.forecast('c', 3)).toHaveLength(1);
  });

  it('forgets a profile idle longer than idleForgetMs', () => {
    const learner = createIntentLearner(undefined, { idleForgetMs: DAY });
    learner.observe('old', { type: 'page_viewed', atMs: 0, categories: [] });
    learner.observe('new', { type: 'page_viewed', atMs: DAY, categories: [] });
    learner.advance(DAY + HOUR);
    expect(learner.profiles).toBe(1);
    expect(learner.forecast('old', DAY)).toEqual([]);
  });

  it('continues after a restart from its stored state exactly as if it had not stopped', () => {
    const events = generateJourneys({ seed: 9, shoppers: 150, days: 21 });
    const straight = createIntentLearner();
    run(straight, events);
    straight.advance(40 * DAY);

    // A stop at day 10: every prediction is labelled before it (the horizon is shorter than the
    // gap), then a new learner starts from the JSON of the state, as the processor would.
    const options = { outcomes: { horizonMs: DAY, maxPending: 200_000, minGapMs: 0 } };
    const first = createIntentLearner(undefined, options);
    run(first, events, 10 * DAY);
    first.advance(12 * DAY);
    expect(first.pending).toBe(0);
    const restored = createIntentLearner(JSON.parse(JSON.stringify(first.state)), options);
    expect(restored.state).toEqual(first.state);
    expect(restored.dirty).toBe(false);
    // The stored state is a copy: the restored learner does not share it with the first.
    restored.observe('x', { type: 'order_completed', atMs: 13 * DAY, categories: [] });
    expect(first.state.model.updates).toBe(restored.state.model.updates);
  });

  it('starts from the fixed weights, so a new brand is scored as today', () => {
    const state = initialLearnerState();
    expect(state.model.updates).toBe(0);
    const learner = createIntentLearner(state);
    learner.observe('p', { type: 'product_added', atMs: 0, categories: ['bags'], productId: 'b' });
    const [bags] = learner.forecast('p', 0);
    expect(bags!.learned).toBeCloseTo(bags!.baseline, 12);
  });

  it('reads back its stored state and refuses anything else, naming the part', () => {
    const learner = createIntentLearner();
    run(learner, generateJourneys({ seed: 4, shoppers: 60, days: 14 }));
    learner.advance(30 * DAY);
    const json = JSON.stringify(learner.state);
    expect(parseLearnerState(json)).toEqual(learner.state);
    const state = JSON.parse(json) as Record<string, unknown>;
    const bad: [unknown, RegExp][] = [
      [null, /not an intent learner state/],
      [{ ...state, version: 2 }, /not an intent learner state/],
      [{ ...state, platt: { a: 'x', b: 1 } }, /platt/],
      [{ ...state, plattOutcomes: [2], plattScores: [1] }, /Platt outcome/],
      [{ ...state, plattScores: [1, 2] }, /Platt sample/],
      [{ ...state, trained: -1 }, /trained/],
      [{ ...state, learnedQuality: {} }, /forecast-quality/],
      [
        { ...state, model: { ...(state.model as object), featureNames: ['x'] } },
        /other features|not an intent model/,
      ],
    ];
    for (const [value, message] of bad)
      expect(() => parseLearnerState(JSON.stringify(value))).toThrow(message);
  });

  it('summarizes held-back quality beside the baseline, with the weights it learned', () => {
    const learner = createIntentLearner();
    run(learner, generateJourneys({ seed: 21, shoppers: 300, days: 28 }));
    learner.advance(40 * DAY);
    const summary = summarizeLearner('brand-a', learner, '2026-12-04T00:00:00.000Z');
    expect(summary.learned.count).toBe(summary.baseline.count);
    expect(summary.learned.auc).not.toBeNull();
    expect(summary.horizon_days).toBe(7);
    expect(summary.weights.find((w) => w.feature === summary.weights[1]!.feature)).toBeDefined();
    expect(summary.weights.some((w) => w.learned !== w.start)).toBe(true);
    // An empty learner has nothing to show yet: nulls, not NaN (which JSON cannot carry).
    const empty = summarizeLearner('brand-a', createIntentLearner(), '2026-12-04T00:00:00.000Z');
    expect(empty.learned).toEqual({
      count: 0,
      positives: 0,
      auc: null,
      brier: null,
      log_loss: null,
      calibration: [],
    });
    expect(JSON.parse(JSON.stringify(empty))).toEqual(empty);
  });
});
