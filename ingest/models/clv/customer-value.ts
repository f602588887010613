// Per-customer churn probability and predicted 12-month value from a brand's fitted models, and the
// naive baseline they are checked against (docs/customer-value.md has the figures).
//
//   churn probability         1 − P(alive | x, t_x, T)                       (BG/NBD, eq. 11)
//   no-purchase probability   P(no purchase in the next 12 months | x, t_x, T)  (BG/NBD, see bgnbd.ts)
//   expected purchases        E[Y(h) | x, t_x, T], h = 12 months             (BG/NBD, eq. 10)
//   expected average spend    E[M | x, m̄]                                    (Gamma-Gamma)
//   predicted 12-month value  expected purchases × expected average spend
//
// Why two "churn" figures: BG/NBD puts P(alive) = 1 for every customer without a repeat purchase
// (dropout happens only after a purchase), so 1 − P(alive) says nothing about one-time buyers, who
// are most customers. The no-purchase probability covers them and is the one to rank "at risk" by.
//
// No discounting: the value is the undiscounted sum of the next 12 months' expected repeat spend
// (at a 10 %/year rate, discounting would lower it by about 5 %, less than the model's own error).
// It is revenue, not margin; a brand's margin is applied where the figure is shown, if at all.
//
// Naive baseline (one, the usual "run rate"): every customer keeps buying at their own historical
// repeat rate x / T, as a Poisson process, and never drops out. Its expected purchases in h are
// h · x / T, its value that times the customer's own mean repeat spend; having no death, its churn
// probability can only be the chance of no purchase in h, exp(−h · x / T), so both are that. Customers without repeat purchases (or with T = 0)
// have rate 0: they are predicted to buy nothing and to have churned.

import { expectedPurchases, probabilityAlive, probabilityNoPurchase, type BgNbdParams } from './bgnbd';
import { expectedAverageSpend, type GammaGammaParams } from './gamma-gamma';
import { checkPositive, checkRfm, checkSpend, type CustomerRfm } from './input';

export const DAYS_PER_YEAR = 365.25;

export interface CustomerValueModel {
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
  /** Days in the time unit the models were fitted in (7 when x, t_x, T are in weeks). */
  unitDays: number;
}

export interface CustomerHistory extends CustomerRfm {
  /** Mean value of the repeat purchases (first purchase excluded); ignored when x = 0. */
  meanSpend: number;
}

export interface CustomerValue {
  churnProbability: number;
  /** Probability of no purchase within the horizon. */
  noPurchaseProbability: number;
  expectedPurchases: number;
  expectedAverageSpend: number;
  predictedValue: number;
}

export interface HorizonOptions {
  /** Prediction horizon in days. Default 365.25 (12 months). */
  horizonDays?: number;
}

/** The model's figures for one customer (history in the model's time unit). */
export function customerValue(
  model: CustomerValueModel,
  customer: CustomerHistory,
  options: HorizonOptions = {},
): CustomerValue {
  const h = horizonInUnits(model.unitDays, options);
  checkSpend(customer);
  const { x, t_x, T, meanSpend } = customer;
  const purchases = expectedPurchases(model.bgnbd, h, x, t_x, T);
  const spend = expectedAverageSpend(model.gammaGamma, x, meanSpend);
  return {
    churnProbability: 1 - probabilityAlive(model.bgnbd, x, t_x, T),
    noPurchaseProbability: probabilityNoPurchase(model.bgnbd, h, x, t_x, T),
    expectedPurchases: purchases,
    expectedAverageSpend: spend,
    predictedValue: purchases * spend,
  };
}

/** The naive run-rate baseline's figures for the same customer (see the header). */
export function naiveCustomerValue(
  unitDays: number,
  customer: CustomerHistory,
  options: HorizonOptions = {},
): CustomerValue {
  const h = horizonInUnits(unitDays, options);
  checkRfm(customer);
  checkSpend(customer);
  const { x, T, meanSpend } = customer;
  const rate = x > 0 && T > 0 ? x / T : 0;
  const spend = x > 0 ? meanSpend : 0;
  return {
    churnProbability: Math.exp(-rate * h),
    noPurchaseProbability: Math.exp(-rate * h),
    expectedPurchases: rate * h,
    expectedAverageSpend: spend,
    predictedValue: rate * h * spend,
  };
}

function horizonInUnits(unitDays: number, options: HorizonOptions): number {
  checkPositive('unitDays', unitDays);
  const horizonDays = options.horizonDays ?? DAYS_PER_YEAR;
  checkPositive('horizonDays', horizonDays);
  return horizonDays / unitDays;
}
