// The fits find parameters they are known to have generated (simulate.ts), say they converged, and
// converge too on populations with no heterogeneity to find (one purchase rate, one dropout
// probability for everyone), where the likelihood keeps rising towards a limit: stopped at MAX_SHAPE,
// with finite predictions there.
import { describe, expect, it } from 'vitest';
import {
  expectedPurchases,
  fitBgNbd,
  MAX_SHAPE,
  probabilityNoPurchase,
} from '../../../../ingest/models/clv/bgnbd';
import { expectedAverageSpend, fitGammaGamma } from '../../../../ingest/models/clv/gamma-gamma';
import { minimizePositive } from '../../../../ingest/models/clv/optimize';
import { simulateBgNbd, simulateGammaGamma } from './simulate';

const within = (actual: number, expected: number, relative: number) =>
  expect(Math.abs(actual / expected - 1), `${actual} vs ${expected}`).toBeLessThan(relative);

describe('BG/NBD on simulated customers', () => {
  const truth = { r: 0.5, alpha: 8, a: 0.8, b: 2.5 };

  it('recovers known parameters from 10,000 customers and converges', { timeout: 30_000 }, () => {
    const fit = fitBgNbd(simulateBgNbd(truth, 10_000, 1));
    expect(fit.converged).toBe(true);
    expect(fit.atBound).toEqual([]);
    within(fit.params.r, truth.r, 0.05);
    within(fit.params.alpha, truth.alpha, 0.05);
    // a and b are the least determined (dropout is seen only through gaps): sampling error ~20 %.
    within(fit.params.a, truth.a, 0.25);
    within(fit.params.b, truth.b, 0.25);
    within(fit.params.a / (fit.params.a + fit.params.b), truth.a / (truth.a + truth.b), 0.1);
    // Customers pool on (x, t_x, T): whole-week ages, so x = 0 customers share one row per age.
    expect(fit.groups).toBeLessThan(10_000);
  });

  it(
    'converges at the shape bound when everyone buys at one rate and drops out with one probability',
    { timeout: 30_000 },
    () => {
      const fit = fitBgNbd(simulateBgNbd(truth, 10_000, 2, { rate: 0.2, dropout: 0.1 }));
      expect(fit.converged).toBe(true);
      expect(fit.atBound).toContain('r');
      expect(fit.params.r).toBeLessThanOrEqual(MAX_SHAPE);
      // At the bound the fit is the limit model: the planted rate and dropout probability.
      within(fit.params.r / fit.params.alpha, 0.2, 0.05);
      within(fit.params.a / (fit.params.a + fit.params.b), 0.1, 0.1);
      const { params } = fit;
      const expected = expectedPurchases(params, 52, 5, 30, 40);
      expect(Number.isFinite(expected)).toBe(true);
      expect(expected).toBeGreaterThan(0);
      expect(expected).toBeLessThan(0.2 * 52);
      const none = probabilityNoPurchase(params, 52, 5, 30, 40);
      expect(none).toBeGreaterThan(0);
      expect(none).toBeLessThan(1);
    },
  );

  it('predicts at the bound with a long horizon, where the series alone leaves a double', () => {
    // ₂F₁(a+b−1−r, a−1; …; z) with a = 1000 and z = 0.93 is about 10¹¹⁵⁰; (1−z)^(a−1) brings it back.
    const params = { r: 1, alpha: 1, a: MAX_SHAPE, b: MAX_SHAPE };
    const year = expectedPurchases(params, 52, 3, 30, 40);
    const decade = expectedPurchases(params, 520, 3, 30, 40);
    expect(Number.isFinite(decade)).toBe(true);
    expect(decade).toBeGreaterThan(year);
    // p = 1/2 per purchase: a living customer makes 1/p = 2 more purchases on average, at most.
    expect(decade).toBeLessThan(2);
  });
});

describe('Gamma-Gamma on simulated customers', () => {
  it('recovers known parameters from 5,000 repeat customers and converges', { timeout: 30_000 }, () => {
    const truth = { p: 6, q: 4, gamma: 15 };
    const fit = fitGammaGamma(simulateGammaGamma(truth, 5_000, 1));
    expect(fit.converged).toBe(true);
    expect(fit.atBound).toEqual([]);
    within(fit.params.q, truth.q, 0.05);
    within(fit.params.p, truth.p, 0.1);
    within(fit.params.gamma, truth.gamma, 0.1);
    within(expectedAverageSpend(fit.params, 0, 0), (truth.p * truth.gamma) / (truth.q - 1), 0.03);
  });

  it('converges at the shape bound when every customer has the same spend rate', { timeout: 30_000 }, () => {
    const fit = fitGammaGamma(simulateGammaGamma({ p: 6, q: 1e9, gamma: 1e9 * 0.2 }, 5_000, 3));
    expect(fit.converged).toBe(true);
    expect(fit.atBound).toContain('q');
    // Mean spend p/ν with ν = 5: 1.2 per purchase.
    within(expectedAverageSpend(fit.params, 0, 0), 1.2, 0.02);
  });
});

describe('minimizePositive with an upper bound', () => {
  it('stops at the bound of a function that keeps falling towards infinity, and says it converged', () => {
    const f = ([x, y]: readonly number[]) => 1 / (x as number) + ((y as number) - 3) ** 2;
    const result = minimizePositive(f, [1, 1], { upper: [100, Infinity] });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(100, 4);
    expect(result.x[1]).toBeCloseTo(3, 4);
    expect(result.evaluations).toBeGreaterThan(result.iterations);
  });

  it('refuses a start beyond the bound, naming the coordinate', () => {
    expect(() => minimizePositive(() => 0, [1, 200], { upper: [10, 100] })).toThrow(/x0\[1\]/);
  });
});
