import { describe, expect, it } from 'vitest';
import {
  FIXED_WEIGHTS,
  fitPlatt,
  fixedWeightScore,
  plattProbability,
  sigmoid,
} from '../../../../ingest/models/intent/baseline';
import { FEATURE_COUNT } from '../../../../ingest/models/intent/features';
import { createRandom } from '../../../../ingest/demo/random';

describe('fixed-weight baseline', () => {
  it('applies INTENT_WEIGHTS to the category product events and the uncategorised profile events', () => {
    // category view, add, removal, checkout; profile page view, identify, message, custom
    expect(FIXED_WEIGHTS).toEqual([3, 10, -5, 20, 1, 2, 5, 1]);
    const x = Array.from({ length: FEATURE_COUNT }, () => 0);
    x[2] = 3; // three removals and nothing else: floored at 0
    expect(fixedWeightScore(x)).toBe(0);
  });

  it('Platt scaling recovers the slope and intercept that drew the outcomes', () => {
    const random = createRandom(7);
    const scores: number[] = [];
    const outcomes: (0 | 1)[] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = random.next() * 60;
      scores.push(s);
      outcomes.push(random.next() < sigmoid(0.08 * s - 3) ? 1 : 0);
    }
    const platt = fitPlatt(scores, outcomes);
    expect(platt.a).toBeCloseTo(0.08, 2);
    expect(platt.b).toBeCloseTo(-3, 0);
    expect(plattProbability(platt, 0)).toBeCloseTo(sigmoid(-3), 1);
  });

  it('stays finite on a perfectly separable sample', () => {
    const platt = fitPlatt([0, 1, 2, 10, 11, 12], [0, 0, 0, 1, 1, 1]);
    expect(Number.isFinite(platt.a) && Number.isFinite(platt.b)).toBe(true);
    expect(plattProbability(platt, 12)).toBeGreaterThan(0.5);
  });
});
