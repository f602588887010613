import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  probabilityNoPurchase,
} from '../../../../ingest/models/clv/bgnbd';
import { ClvInputError } from '../../../../ingest/models/clv/input';
import { cdnowSummary } from '../../../fixtures/cdnow/load';

// Published: Fader, Hardie & Lee (2005), CDNOW 1/10 sample, 2357 customers, 39-week calibration, weeks.
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const customers = cdnowSummary();

describe('BG/NBD on CDNOW', () => {
  const fit = fitBgNbd(customers);

  // The paper prints 3 decimals; the likelihood is flat near the optimum, so we ask for agreement to
  // that rounding (±0.0015 absolute, a little over half a unit in the last place) and 0.1 in LL.
  it('fits the published parameters and log-likelihood', () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] - PUBLISHED[key]), key).toBeLessThan(0.0015);
    }
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(bgNbdLogLikelihood(fit.params, customers)).toBeCloseTo(fit.logLikelihood, 6);
  });

  // Paper, §5: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks.
  it("reproduces the paper's worked example", () => {
    expect(expectedPurchases(PUBLISHED, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
    expect(expectedPurchases(fit.params, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 2);
    // mpmath with the published parameters: 1.22602817476714, P(alive) 0.726578570080673
    expect(expectedPurchases(PUBLISHED, 39, 2, 30.43, 38.86)).toBeCloseTo(1.22602817476714, 10);
    expect(probabilityAlive(PUBLISHED, 2, 30.43, 38.86)).toBeCloseTo(0.726578570080673, 12);
  });

  it('behaves like the model says it should', () => {
    const p = fit.params;
    expect(probabilityAlive(p, 0, 0, 38.86)).toBe(1);
    expect(probabilityAlive(p, 5, 38, 38.86)).toBeGreaterThan(probabilityAlive(p, 5, 10, 38.86));
    expect(expectedPurchases(p, 0, 3, 20, 38)).toBe(0);
    expect(expectedPurchases(p, 52, 3, 20, 38)).toBeGreaterThan(expectedPurchases(p, 26, 3, 20, 38));
    const noPurchase = probabilityNoPurchase(p, 39, 2, 30.43, 38.86);
    expect(noPurchase).toBeGreaterThan(1 - probabilityAlive(p, 2, 30.43, 38.86));
    expect(noPurchase).toBeLessThan(1);
  });

  it('stays finite for heavy buyers and long horizons (Euler-transformed series)', () => {
    const heavy = expectedPurchases(PUBLISHED, 520, 400, 38.8, 38.86);
    expect(Number.isFinite(heavy)).toBe(true);
    expect(heavy).toBeGreaterThan(100);
  });

  it('takes the a → 1 limit', () => {
    const at = (a: number) => expectedPurchases({ ...PUBLISHED, a }, 39, 2, 30.43, 38.86);
    expect(at(1)).toBeCloseTo((at(1 - 1e-3) + at(1 + 1e-3)) / 2, 5);
  });
});

describe('BG/NBD refuses bad input', () => {
  const ok = { x: 1, t_x: 2, T: 5 };
  const refused = (f: () => unknown, field: string) => {
    expect(f).toThrow(ClvInputError);
    try {
      f();
    } catch (error) {
      expect((error as ClvInputError).field).toBe(field);
      expect((error as Error).message).toContain(field);
    }
  };

  it('an empty population and one without repeat purchases', () => {
    refused(() => fitBgNbd([]), 'customers');
    refused(
      () =>
        fitBgNbd([
          { x: 0, t_x: 0, T: 3 },
          { x: 0, t_x: 0, T: 9 },
        ]),
      'customers',
    );
  });

  it('negative, NaN and fractional values, naming the field', () => {
    refused(() => fitBgNbd([ok, { x: -1, t_x: 0, T: 3 }]), 'customers[1].x');
    refused(() => fitBgNbd([ok, { x: 1, t_x: Number.NaN, T: 3 }]), 'customers[1].t_x');
    refused(() => fitBgNbd([ok, { x: 1, t_x: 1, T: Number.POSITIVE_INFINITY }]), 'customers[1].T');
    refused(() => fitBgNbd([{ x: 1.5, t_x: 1, T: 3 }]), 'customers[0].x');
    refused(() => fitBgNbd([{ x: 0, t_x: 1, T: 3 }]), 'customers[0].t_x');
  });

  it('T < t_x', () => {
    refused(() => fitBgNbd([ok, { x: 2, t_x: 7, T: 6 }]), 'customers[1].T');
    refused(() => probabilityAlive(PUBLISHED, 2, 7, 6), 'customer.T');
  });

  it('bad parameters and horizons', () => {
    refused(() => expectedPurchases({ ...PUBLISHED, r: -1 }, 39, 1, 2, 5), 'params.r');
    refused(() => expectedPurchases(PUBLISHED, Number.NaN, 1, 2, 5), 't');
  });
});
