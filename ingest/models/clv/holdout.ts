// From purchases to model inputs, and the time-split check of a model against its baseline.
//
// rfmFromPurchases turns one customer's dated purchases into (x, t_x, T, mean repeat spend), the
// same way the papers summarize CDNOW: purchases on the same UTC day are one purchase occasion
// (their values summed), x counts the occasions after the first, t_x and T run from the first
// occasion's day to the last occasion's and to the end of the window (inclusive day indices).
// splitCalibrationHoldout does that over a calibration window for every customer first seen in it,
// and counts each one's purchase occasions (and spend) in the holdout window that follows.

import { checkNonNegative, checkPositive, ClvInputError } from './input';

const DAY_MS = 86_400_000;

export interface Purchase {
  customerId: string;
  /** When, in ms since the epoch (only the UTC day counts). */
  at: number;
  amount: number;
}

export interface PurchaseSummary {
  x: number;
  t_x: number;
  T: number;
  /** Mean value of the x repeat occasions; 0 when x = 0. */
  meanSpend: number;
}

/** Summarize one customer's purchases up to and including the UTC day of endAt, in units of unitDays. */
export function rfmFromPurchases(
  purchases: readonly Pick<Purchase, 'at' | 'amount'>[],
  endAt: number,
  unitDays: number,
): PurchaseSummary | undefined {
  checkPositive('unitDays', unitDays);
  checkNonNegative('endAt', endAt);
  const endDay = Math.floor(endAt / DAY_MS);
  const byDay = new Map<number, number>();
  purchases.forEach((p, i) => {
    checkNonNegative(`purchases[${i}].at`, p.at);
    checkNonNegative(`purchases[${i}].amount`, p.amount);
    const day = Math.floor(p.at / DAY_MS);
    if (day <= endDay) byDay.set(day, (byDay.get(day) ?? 0) + p.amount);
  });
  if (byDay.size === 0) return undefined;
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const first = days[0] as number;
  const last = days[days.length - 1] as number;
  const repeat = days.slice(1).map((d) => byDay.get(d) as number);
  return {
    x: repeat.length,
    t_x: (last - first) / unitDays,
    T: (endDay - first) / unitDays,
    meanSpend: repeat.length > 0 ? repeat.reduce((s, v) => s + v, 0) / repeat.length : 0,
  };
}

export interface SplitOptions {
  /** First day of calibration (ms; its UTC day). */
  startAt: number;
  calibrationDays: number;
  holdoutDays: number;
  /** Days per model time unit (7 for weeks). */
  unitDays: number;
}

export interface SplitCustomer extends PurchaseSummary {
  customerId: string;
  /** Purchase occasions (distinct UTC days) in the holdout window. */
  holdoutPurchases: number;
  holdoutSpend: number;
}

/** Calibration summaries and holdout outcomes for every customer whose first purchase is in calibration. */
export function splitCalibrationHoldout(
  purchases: readonly Purchase[],
  options: SplitOptions,
): SplitCustomer[] {
  checkPositive('calibrationDays', options.calibrationDays);
  checkNonNegative('holdoutDays', options.holdoutDays);
  const startDay = Math.floor(options.startAt / DAY_MS);
  const calibrationEnd = (startDay + options.calibrationDays - 1) * DAY_MS;
  const holdoutEndDay = startDay + options.calibrationDays + options.holdoutDays - 1;
  const byCustomer = new Map<string, Purchase[]>();
  for (const p of purchases) {
    const list = byCustomer.get(p.customerId);
    if (list) list.push(p);
    else byCustomer.set(p.customerId, [p]);
  }
  const out: SplitCustomer[] = [];
  for (const [customerId, list] of byCustomer) {
    const inWindow = list.filter((p) => Math.floor(p.at / DAY_MS) >= startDay);
    const summary = rfmFromPurchases(inWindow, calibrationEnd, options.unitDays);
    if (!summary) continue;
    const holdout = new Map<number, number>();
    for (const p of inWindow) {
      const day = Math.floor(p.at / DAY_MS);
      if (day > startDay + options.calibrationDays - 1 && day <= holdoutEndDay) {
        holdout.set(day, (holdout.get(day) ?? 0) + p.amount);
      }
    }
    out.push({
      customerId,
      ...summary,
      holdoutPurchases: holdout.size,
      holdoutSpend: [...holdout.values()].reduce((s, v) => s + v, 0),
    });
  }
  return out;
}

export interface HoldoutScore {
  /** Mean absolute error per customer. */
  mae: number;
  rmse: number;
  totalPredicted: number;
  totalActual: number;
}

/** Error of per-customer predictions against actual holdout figures. */
export function scorePredictions(predicted: readonly number[], actual: readonly number[]): HoldoutScore {
  if (predicted.length !== actual.length) {
    throw new ClvInputError('predicted', `has ${predicted.length} values for ${actual.length} actual ones`);
  }
  if (actual.length === 0) throw new ClvInputError('actual', 'must not be empty');
  let abs = 0;
  let sq = 0;
  let totalPredicted = 0;
  let totalActual = 0;
  predicted.forEach((p, i) => {
    const a = actual[i] as number;
    abs += Math.abs(p - a);
    sq += (p - a) ** 2;
    totalPredicted += p;
    totalActual += a;
  });
  return { mae: abs / actual.length, rmse: Math.sqrt(sq / actual.length), totalPredicted, totalActual };
}

/**
 * Area under the ROC curve of `score` for the binary `positive` (Mann–Whitney U, ties counted ½):
 * the chance that a random positive scores above a random negative. 0.5 is no better than chance.
 */
export function auc(score: readonly number[], positive: readonly boolean[]): number {
  if (score.length !== positive.length) {
    throw new ClvInputError('score', `has ${score.length} values for ${positive.length} labels`);
  }
  const order = score.map((s, i) => ({ s, pos: positive[i] as boolean })).sort((p, q) => p.s - q.s);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && (order[j] as { s: number }).s === (order[i] as { s: number }).s) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1 … j share their mean
    for (let k = i; k < j; k++) {
      if ((order[k] as { pos: boolean }).pos) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0)
    throw new ClvInputError('positive', 'needs both positive and negative labels');
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
