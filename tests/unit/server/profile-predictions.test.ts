// The reasons the Customer-360 view gives for each prediction: from the profile's own numbers,
// its segment’s typical member, and the run’s refusal when the purchase model was not fitted; and
// the purchase frequency shown beside them.
import { describe, expect, it } from 'vitest';
import { explainPrediction, type RunOutline } from '../../../src/lib/server/profile-predictions';
import { ordersPerMonth } from '../../../src/lib/server/profile-view';
import { predictionRecord } from '../../support/prediction-records';

const AT = '2026-03-01T06:00:00.000Z';
const run = (fields: Partial<RunOutline> = {}): RunOutline => ({
  run_id: 'run-1',
  status: 'ok',
  error: null,
  finished_at: AT,
  buyers: 40,
  clv_refused: null,
  ...fields,
});

describe('explainPrediction', () => {
  it('reads RFM scores as quintiles of the brand’s buyers', () => {
    const scores = predictionRecord('brand-a', 'p1', AT, { r: 1, f: 3, m: 5, orders: 1, recency_days: 1 });
    expect(explainPrediction(scores, run(), null).rfm).toBe(
      'Recency 1: last order 1 day ago (bottom 20% of the brand’s buyers); frequency 3: 1 order ' +
        '(middle 40–60%); monetary 5: 120.50 spent (top 20%).',
    );
  });

  it('says one order gives little to go on for spend, and repeat buyers are pulled toward the brand', () => {
    const once = predictionRecord('brand-a', 'p1', AT, {
      orders: 1,
      expected_purchases_12m: 0.5,
      predicted_value_12m: 30,
    });
    expect(explainPrediction(once, run(), null).value).toBe(
      '0.50 expected orders in 12 months × 60.00 expected per order (Gamma-Gamma: one order says little ' +
        'about the next, so mostly the brand’s typical spend).',
    );
    const repeat = predictionRecord('brand-a', 'p2', AT, { orders: 4, revenue: 200 });
    expect(explainPrediction(repeat, run(), null).value).toContain('this customer’s average of 50.00 pulled');
  });

  it('names the run’s refusal when churn and value were not predicted', () => {
    const scores = predictionRecord('brand-a', 'p1', AT, {
      churn_probability: null,
      p_alive: null,
      expected_purchases_12m: null,
      predicted_value_12m: null,
    });
    const reasons = explainPrediction(
      scores,
      run({ clv_refused: 'too few repeat customers (3 < 10).' }),
      null,
    );
    expect(reasons.churn).toBe('Not predicted: too few repeat customers (3 < 10).');
    expect(reasons.value).toBe('Not predicted: too few repeat customers (3 < 10).');
    // The run that scored it is gone from the stored runs: still a reason, not a crash.
    expect(explainPrediction(scores, null, null).churn).toBe(
      'Not predicted: the brand’s purchase model was not fitted in that run.',
    );
  });

  it('compares with the segment’s typical member, or says what segments group by', () => {
    const scores = predictionRecord('brand-a', 'p1', AT, { segment: 'at risk' });
    const typical = { recency: 182.4, frequency: 2.04, monetary: 95.5, tenure: 400 };
    expect(explainPrediction(scores, run(), typical).segment).toBe(
      'Grouped with buyers like it: the typical member of “at risk” last ordered 182 days ago, ' +
        'has 2.0 orders and spent 95.50 over 400 days.',
    );
    expect(explainPrediction(scores, run(), null).segment).toContain('In “at risk” by its recency');
  });

  it('explains that profiles without orders are not ranked', () => {
    const scores = predictionRecord('brand-a', 'p1', AT, {
      orders: 0,
      revenue: 0,
      r: null,
      f: null,
      m: null,
      recency_days: null,
      segment: 'no orders',
      churn_probability: null,
      predicted_value_12m: null,
    });
    const reasons = explainPrediction(scores, run(), null);
    expect(reasons.rfm).toBe('No orders yet: RFM scores rank buyers only.');
    expect(reasons.churn).toMatch(/^No orders/);
  });
});

describe('ordersPerMonth', () => {
  const now = new Date('2026-03-01T00:00:00.000Z');
  it('counts orders per 30 days since first seen, over at least 30 days', () => {
    expect(ordersPerMonth({ orders: 0, first_seen: '2025-03-01T00:00:00.000Z' }, now)).toBe(0);
    expect(ordersPerMonth({ orders: 2, first_seen: '2026-02-28T23:00:00.000Z' }, now)).toBe(2);
    expect(ordersPerMonth({ orders: 12, first_seen: '2025-12-01T00:00:00.000Z' }, now)).toBeCloseTo(
      (12 * 30) / 90,
      10,
    );
  });
});
