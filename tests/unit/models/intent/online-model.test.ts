import { describe, expect, it } from 'vitest';
import { fixedWeightScore, plattProbability } from '../../../../ingest/models/intent/baseline';
import { FEATURE_COUNT } from '../../../../ingest/models/intent/features';
import {
  DEFAULT_START,
  initialIntentModel,
  learnIntent,
  parseIntentModel,
  predictIntent,
  serializeIntentModel,
} from '../../../../ingest/models/intent/online-model';

const features = (values: Record<number, number>): number[] =>
  Array.from({ length: FEATURE_COUNT }, (_, i) => values[i] ?? 0);

describe('online intent model', () => {
  it('starts where the fixed-weight score is: σ(b + a × score)', () => {
    const model = initialIntentModel();
    // 2 category views (3 each), one add (10), 4 page views (1 each), and an extra feature the score ignores.
    const x = features({ 0: 2, 1: 1, 4: 4, 14: 2 });
    expect(fixedWeightScore(x)).toBe(20);
    expect(predictIntent(model, x)).toBeCloseTo(plattProbability(DEFAULT_START, 20), 12);
  });

  it('moves towards the outcomes it learns, deterministically', () => {
    const run = () => {
      const model = initialIntentModel();
      const signal = features({ 14: 1 });
      const noise = features({ 4: 1 });
      for (let i = 0; i < 500; i++) {
        learnIntent(model, signal, 1);
        learnIntent(model, noise, 0);
      }
      return model;
    };
    const model = run();
    expect(predictIntent(model, features({ 14: 1 }))).toBeGreaterThan(0.4); // from 0.018 at the start
    expect(predictIntent(model, features({ 4: 1 }))).toBeLessThan(0.05);
    expect(model.updates).toBe(1000);
    expect(run()).toEqual(model);
  });

  it('round-trips through JSON and refuses a state for other features', () => {
    const model = initialIntentModel();
    learnIntent(model, features({ 0: 1 }), 1);
    const back = parseIntentModel(serializeIntentModel(model));
    expect(back).toEqual(model);
    expect(predictIntent(back, features({ 0: 3 }))).toBe(predictIntent(model, features({ 0: 3 })));
    expect(() =>
      parseIntentModel(
        JSON.stringify({
          ...model,
          featureNames: ['x'],
          weights: [1],
          priorWeights: [1],
          squaredGradients: [0, 0],
        }),
      ),
    ).toThrow(/other features/);
    expect(() => parseIntentModel('{"version":1}')).toThrow(TypeError);
  });

  it('refuses a feature vector of the wrong length', () => {
    expect(() => predictIntent(initialIntentModel(), [1, 2])).toThrow(RangeError);
  });
});
