import { describe, expect, it } from 'vitest';
import { expectedPurchases } from '../../../../ingest/models/clv/bgnbd';
import { customerValue, naiveCustomerValue } from '../../../../ingest/models/clv/customer-value';

const model = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
  unitDays: 7,
};

describe('customerValue', () => {
  it('is expected 12-month purchases × expected spend, undiscounted', () => {
    const v = customerValue(model, { x: 2, t_x: 30.43, T: 38.86, meanSpend: 22.35 });
    expect(v.expectedPurchases).toBeCloseTo(expectedPurchases(model.bgnbd, 365.25 / 7, 2, 30.43, 38.86), 12);
    expect(v.predictedValue).toBeCloseTo(v.expectedPurchases * v.expectedAverageSpend, 12);
    expect(v.churnProbability).toBeCloseTo(1 - 0.726578570080673, 10);
    expect(v.noPurchaseProbability).toBeGreaterThan(v.churnProbability);
  });

  it('takes a horizon in days', () => {
    const v = customerValue(model, { x: 2, t_x: 30.43, T: 38.86, meanSpend: 22.35 }, { horizonDays: 273 });
    expect(v.expectedPurchases).toBeCloseTo(1.226, 3);
  });

  it('refuses bad input naming the field', () => {
    expect(() => customerValue(model, { x: 2, t_x: 30, T: 20, meanSpend: 5 })).toThrow(
      /customer\.T must be ≥ t_x/,
    );
    expect(() => customerValue(model, { x: 2, t_x: 3, T: 20, meanSpend: Number.NaN })).toThrow(
      /customer\.meanSpend/,
    );
    expect(() => customerValue({ ...model, unitDays: 0 }, { x: 0, t_x: 0, T: 1, meanSpend: 0 })).toThrow(
      /unitDays/,
    );
  });
});

describe('naiveCustomerValue (own run rate, no dropout)', () => {
  it('extrapolates x / T over the horizon', () => {
    const v = naiveCustomerValue(7, { x: 4, t_x: 10, T: 20, meanSpend: 30 }, { horizonDays: 140 });
    expect(v.expectedPurchases).toBeCloseTo(4, 12);
    expect(v.predictedValue).toBeCloseTo(120, 10);
    expect(v.churnProbability).toBeCloseTo(Math.exp(-4), 12);
  });

  it('predicts nothing for one-time buyers and brand-new customers', () => {
    expect(naiveCustomerValue(7, { x: 0, t_x: 0, T: 20, meanSpend: 0 }).expectedPurchases).toBe(0);
    expect(naiveCustomerValue(7, { x: 0, t_x: 0, T: 0, meanSpend: 0 }).churnProbability).toBe(1);
  });
});
