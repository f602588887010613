import { describe, expect, it } from 'vitest';
import {
  brierScore,
  calibrationByDecile,
  forecastQuality,
  logLoss,
  rocAuc,
} from '../../../../ingest/models/intent/metrics';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking and 0 for an inverted one', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('counts a tie between a positive and a negative as one half', () => {
    // Pairs (pos, neg): (0.5,0.5) tie → ½, (0.5,0.1) → 1, (0.9,0.5) → 1, (0.9,0.1) → 1. 3.5 / 4.
    expect(rocAuc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1])).toBe(0.875);
    // Every prediction equal: every pair is a tie.
    expect(rocAuc([0.3, 0.3, 0.3], [1, 0, 0])).toBe(0.5);
  });

  it('matches the pair count on a hand-computed mixed case', () => {
    // positives 0.8, 0.4; negatives 0.6, 0.4, 0.2
    // 0.8 beats all 3 → 3; 0.4 beats 0.2, ties 0.4 → 1.5. (3 + 1.5) / 6 = 0.75.
    expect(rocAuc([0.8, 0.6, 0.4, 0.4, 0.2], [1, 0, 1, 0, 0])).toBe(0.75);
  });

  it('is undefined with only one class', () => {
    expect(rocAuc([0.1, 0.9], [1, 1])).toBeUndefined();
    expect(rocAuc([0.1, 0.9], [0, 0])).toBeUndefined();
    expect(rocAuc([], [])).toBeUndefined();
  });

  it('refuses unpaired arrays', () => {
    expect(() => rocAuc([0.1], [0, 1])).toThrow(RangeError);
  });
});

describe('brierScore and logLoss', () => {
  it('Brier is the mean squared error', () => {
    // (0.9−1)² + (0.2−0)² + (0.5−1)² = 0.01 + 0.04 + 0.25 = 0.30, /3 = 0.1
    expect(brierScore([0.9, 0.2, 0.5], [1, 0, 1])).toBeCloseTo(0.1, 12);
    expect(brierScore([1, 0], [1, 0])).toBe(0);
  });

  it('log loss is the mean negative log-likelihood, clipped', () => {
    expect(logLoss([0.5, 0.5], [1, 0])).toBeCloseTo(Math.log(2), 12);
    expect(logLoss([0.8, 0.25], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.75)) / 2, 12);
    expect(Number.isFinite(logLoss([0], [1]))).toBe(true);
  });
});

describe('calibrationByDecile', () => {
  it('cuts sorted predictions into equal-count groups', () => {
    const predictions = Array.from({ length: 20 }, (_, i) => (19 - i) / 20);
    const outcomes = predictions.map((p) => (p >= 0.5 ? 1 : 0) as 0 | 1);
    const bins = calibrationByDecile(predictions, outcomes);
    expect(bins).toHaveLength(10);
    expect(bins.map((b) => b.count)).toEqual(Array(10).fill(2));
    expect(bins[0]).toEqual({ decile: 1, count: 2, meanPredicted: 0.025, observedRate: 0 });
    expect(bins[9]).toEqual({ decile: 10, count: 2, meanPredicted: 0.925, observedRate: 1 });
  });

  it('gives the remainder to the first groups and never an empty one', () => {
    expect(
      calibrationByDecile([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99], Array(11).fill(0)).map(
        (b) => b.count,
      ),
    ).toEqual([2, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(calibrationByDecile([0.2, 0.4, 0.6], [0, 1, 1])).toEqual([
      { decile: 1, count: 1, meanPredicted: 0.2, observedRate: 0 },
      { decile: 2, count: 1, meanPredicted: 0.4, observedRate: 1 },
      { decile: 3, count: 1, meanPredicted: 0.6, observedRate: 1 },
    ]);
  });
});

describe('forecastQuality', () => {
  it('bundles the measures and reports an undefined AUC for one class', () => {
    const q = forecastQuality([0.2, 0.4], [0, 0]);
    expect(q.count).toBe(2);
    expect(q.positives).toBe(0);
    expect(q.auc).toBeUndefined();
    expect(q.brier).toBeCloseTo(0.1, 12);
  });
});
