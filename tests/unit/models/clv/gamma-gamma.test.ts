import { describe, expect, it } from 'vitest';
import {
  expectedAverageSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
} from '../../../../ingest/models/clv/gamma-gamma';
import { ClvInputError } from '../../../../ingest/models/clv/input';
import { cdnowSummary } from '../../../fixtures/cdnow/load';

// Published (Fader & Hardie's Gamma-Gamma note; lifetimes' docs): p = 6.25, q = 3.74, γ = 15.44 on the
// 946 repeat customers of the CDNOW sample's calibration period.
describe('Gamma-Gamma on CDNOW', () => {
  const customers = cdnowSummary();
  const fit = fitGammaGamma(customers);

  // Published to 2 decimals: agreement within ±0.01 (the rounding, plus a flat likelihood).
  it('fits the published parameters', () => {
    expect(fit.customers).toBe(946);
    expect(fit.skippedZeroSpend).toBe(0);
    expect(Math.abs(fit.params.p - 6.25)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.q - 3.74)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.gamma - 15.44)).toBeLessThan(0.01);
    expect(gammaGammaLogLikelihood(fit.params, customers)).toBeCloseTo(fit.logLikelihood, 6);
  });

  it('shrinks a customer mean towards the population mean, less so with more purchases', () => {
    const population = expectedAverageSpend(fit.params, 0, 0);
    expect(population).toBeCloseTo((fit.params.p * fit.params.gamma) / (fit.params.q - 1), 10);
    const one = expectedAverageSpend(fit.params, 1, 100);
    const ten = expectedAverageSpend(fit.params, 10, 100);
    expect(one).toBeGreaterThan(population);
    expect(one).toBeLessThan(ten);
    expect(ten).toBeLessThan(100);
  });

  it('leaves out (and counts) repeat customers whose spend is only free orders', () => {
    const withFree = [...customers, { x: 2, meanSpend: 0 }];
    expect(fitGammaGamma(withFree).skippedZeroSpend).toBe(1);
  });
});

describe('Gamma-Gamma refuses bad input', () => {
  it('an empty population and one without repeat spend', () => {
    expect(() => fitGammaGamma([])).toThrow(/customers must not be empty/);
    expect(() => fitGammaGamma([{ x: 0, meanSpend: 0 }])).toThrow(ClvInputError);
  });

  it('negative or NaN spend and frequency, naming the field', () => {
    expect(() => fitGammaGamma([{ x: 2, meanSpend: -3 }])).toThrow(/customers\[0\]\.meanSpend must be ≥ 0/);
    expect(() =>
      fitGammaGamma([
        { x: 2, meanSpend: 3 },
        { x: Number.NaN, meanSpend: 3 },
      ]),
    ).toThrow(/customers\[1\]\.x must be a finite number/);
  });

  it('q ≤ 1, where the expected spend is infinite', () => {
    expect(() => expectedAverageSpend({ p: 6, q: 0.9, gamma: 15 }, 2, 20)).toThrow(/params\.q must be > 1/);
  });
});
