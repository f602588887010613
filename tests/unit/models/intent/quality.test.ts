import { describe, expect, it } from 'vitest';
import { forecastQuality, type Outcome } from '../../../../ingest/models/intent/metrics';
import {
  emptyQuality,
  mergeQuality,
  parseQuality,
  qualityOf,
  recordForecast,
} from '../../../../ingest/models/intent/quality';
import { seededRandom } from '../../../support/random';

/** Forecasts whose outcomes follow them (a useful model), skewed small like purchase probabilities. */
function forecasts(n: number, seed: number): { p: number[]; y: Outcome[] } {
  const random = seededRandom(seed);
  const p: number[] = [];
  const y: Outcome[] = [];
  for (let i = 0; i < n; i++) {
    const prediction = random() ** 3;
    p.push(prediction);
    y.push(random() < prediction * 0.8 + 0.02 ? 1 : 0);
  }
  return { p, y };
}

describe('accumulated forecast quality', () => {
  it('matches the exact figures of every prediction kept', () => {
    const { p, y } = forecasts(20_000, 7);
    const state = emptyQuality();
    p.forEach((prediction, i) => recordForecast(state, prediction, y[i]!));
    const binned = qualityOf(state);
    const exact = forecastQuality(p, y);
    expect(binned.count).toBe(exact.count);
    expect(binned.positives).toBe(exact.positives);
    expect(binned.brier).toBeCloseTo(exact.brier, 12);
    expect(binned.logLoss).toBeCloseTo(exact.logLoss, 12);
    expect(exact.auc).toBeGreaterThan(0.7);
    expect(Math.abs(binned.auc! - exact.auc!)).toBeLessThan(0.001);
    expect(binned.calibration).toHaveLength(10);
    binned.calibration.forEach((bin, i) => {
      const exactBin = exact.calibration[i]!;
      expect(bin.count).toBeCloseTo(exactBin.count, 6);
      expect(Math.abs(bin.meanPredicted - exactBin.meanPredicted)).toBeLessThan(0.01);
      expect(Math.abs(bin.observedRate - exactBin.observedRate)).toBeLessThan(0.02);
    });
  });

  it('merges two accumulators into what one would hold after both', () => {
    const { p, y } = forecasts(4_000, 11);
    const all = emptyQuality();
    const first = emptyQuality();
    const second = emptyQuality();
    p.forEach((prediction, i) => {
      recordForecast(all, prediction, y[i]!);
      recordForecast(i % 3 === 0 ? first : second, prediction, y[i]!);
    });
    const merged = mergeQuality(first, second);
    expect(merged.count).toBe(all.count);
    expect(merged.negatives).toEqual(all.negatives);
    expect(merged.positivesByBin).toEqual(all.positivesByBin);
    expect(qualityOf(merged).auc).toBeCloseTo(qualityOf(all).auc!, 12);
    expect(qualityOf(merged).brier).toBeCloseTo(qualityOf(all).brier, 12);
  });

  it('says nothing it cannot know: no AUC with one class, no means without forecasts', () => {
    const empty = qualityOf(emptyQuality());
    expect(empty.auc).toBeUndefined();
    expect(empty.brier).toBeNaN();
    expect(empty.calibration).toEqual([]);
    const onlyNegatives = emptyQuality();
    recordForecast(onlyNegatives, 0.2, 0);
    recordForecast(onlyNegatives, 0.4, 0);
    expect(qualityOf(onlyNegatives).auc).toBeUndefined();
    expect(qualityOf(onlyNegatives).brier).toBeCloseTo((0.04 + 0.16) / 2, 12);
  });

  it('counts 0 and 1 forecasts in the end bins with a finite log loss', () => {
    const state = emptyQuality();
    recordForecast(state, 0, 0);
    recordForecast(state, 1, 1);
    recordForecast(state, 1, 0);
    const quality = qualityOf(state);
    expect(Number.isFinite(quality.logLoss)).toBe(true);
    expect(quality.auc).toBe(0.75);
  });

  it('refuses a forecast that is not a probability', () => {
    for (const bad of [-0.01, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => recordForecast(emptyQuality(), bad, 1)).toThrow(/probability in \[0, 1\]/);
    }
  });

  it('survives JSON and refuses a state of another shape', () => {
    const { p, y } = forecasts(500, 3);
    const state = emptyQuality();
    p.forEach((prediction, i) => recordForecast(state, prediction, y[i]!));
    expect(parseQuality(JSON.parse(JSON.stringify(state)))).toEqual(state);
    const truncated = { ...state, negatives: state.negatives.slice(1) };
    for (const bad of [null, 'x', { ...state, version: 2 }, truncated, { ...state, count: '3' }]) {
      expect(() => parseQuality(bad)).toThrow(/not a forecast-quality state/);
    }
  });
});
