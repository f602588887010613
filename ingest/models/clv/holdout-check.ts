// The time-split check the issue asks for: fit both models on the calibration window, predict each
// customer's holdout purchase occasions (and spend), and score the model against the naive run-rate
// baseline of customer-value.ts on the same customers. Pure: the caller loads and splits the data.

import { fitBgNbd, probabilityAlive, type BgNbdFit } from './bgnbd';
import { customerValue, naiveCustomerValue, type CustomerValue } from './customer-value';
import { fitGammaGamma, type GammaGammaFit } from './gamma-gamma';
import type { MinimizeOptions } from './optimize';
import { auc, scorePredictions, type HoldoutScore, type SplitCustomer } from './holdout';

export interface HoldoutCheck {
  bgnbd: BgNbdFit;
  gammaGamma: GammaGammaFit;
  customers: number;
  /** Per-customer holdout purchase occasions. */
  purchases: { model: HoldoutScore; naive: HoldoutScore };
  /** Per-customer holdout spend (the value prediction over the holdout horizon). */
  spend: { model: HoldoutScore; naive: HoldoutScore };
  /**
   * AUC for "made any holdout purchase", over all customers and over repeat customers (x > 0): the
   * model scored by P(alive) and by 1 − P(no purchase in the holdout), the baseline by 1 − its churn
   * probability. P(alive) is 1 for every x = 0 customer, so over all customers it ranks badly.
   */
  activeAuc: {
    all: { modelAlive: number; modelAnyPurchase: number; naive: number };
    repeaters: { modelAlive: number; modelAnyPurchase: number; naive: number };
  };
}

export function checkOnHoldout(
  split: readonly SplitCustomer[],
  options: { unitDays: number; holdoutDays: number; fit?: MinimizeOptions },
): HoldoutCheck {
  const bgnbd = fitBgNbd(split, options.fit);
  const gammaGamma = fitGammaGamma(split, options.fit);
  const model = { bgnbd: bgnbd.params, gammaGamma: gammaGamma.params, unitDays: options.unitDays };
  const horizon = { horizonDays: options.holdoutDays };
  const modelValues: CustomerValue[] = split.map((c) => customerValue(model, c, horizon));
  const naiveValues: CustomerValue[] = split.map((c) => naiveCustomerValue(options.unitDays, c, horizon));
  const actualPurchases = split.map((c) => c.holdoutPurchases);
  const actualSpend = split.map((c) => c.holdoutSpend);
  return {
    bgnbd,
    gammaGamma,
    customers: split.length,
    purchases: {
      model: scorePredictions(
        modelValues.map((v) => v.expectedPurchases),
        actualPurchases,
      ),
      naive: scorePredictions(
        naiveValues.map((v) => v.expectedPurchases),
        actualPurchases,
      ),
    },
    spend: {
      model: scorePredictions(
        modelValues.map((v) => v.predictedValue),
        actualSpend,
      ),
      naive: scorePredictions(
        naiveValues.map((v) => v.predictedValue),
        actualSpend,
      ),
    },
    activeAuc: {
      all: activeAuc(split, bgnbd, modelValues, naiveValues),
      repeaters: activeAuc(
        split.filter((c) => c.x > 0),
        bgnbd,
        modelValues.filter((_, i) => (split[i] as SplitCustomer).x > 0),
        naiveValues.filter((_, i) => (split[i] as SplitCustomer).x > 0),
      ),
    },
  };
}

function activeAuc(
  split: readonly SplitCustomer[],
  bgnbd: BgNbdFit,
  modelValues: readonly CustomerValue[],
  naiveValues: readonly CustomerValue[],
) {
  const active = split.map((c) => c.holdoutPurchases > 0);
  return {
    modelAlive: auc(
      split.map((c) => probabilityAlive(bgnbd.params, c.x, c.t_x, c.T)),
      active,
    ),
    modelAnyPurchase: auc(
      modelValues.map((v) => 1 - v.noPurchaseProbability),
      active,
    ),
    naive: auc(
      naiveValues.map((v) => 1 - v.noPurchaseProbability),
      active,
    ),
  };
}
