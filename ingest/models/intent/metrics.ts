// Quality of probability forecasts against 0/1 outcomes: ROC AUC, Brier score, log loss and
// calibration by decile. Pure functions over parallel arrays (predictions[i] is the forecast for
// outcomes[i]); no I/O.
//
// ROC AUC is the exact Mann–Whitney statistic: rank all predictions (ties share their average
// rank), then AUC = (R₁ − n₁(n₁+1)/2) / (n₁·n₀), where R₁ is the rank sum of the positives. A tie
// between a positive and a negative counts one half. With only one class present the AUC is
// undefined; `rocAuc` then returns `undefined` (never 0.5), and reports print it as "n/a".

import type { CalibrationBin } from '../../../src/lib/shared/intent-model';

export type { CalibrationBin };
export type Outcome = 0 | 1;

export interface ForecastQuality {
  count: number;
  positives: number;
  /** `undefined` when only one class is present. */
  auc: number | undefined;
  brier: number;
  logLoss: number;
  calibration: CalibrationBin[];
}

function checkPaired(predictions: readonly number[], outcomes: readonly Outcome[]): void {
  if (predictions.length !== outcomes.length) {
    throw new RangeError(`${predictions.length} predictions but ${outcomes.length} outcomes`);
  }
}

/** Exact rank-based ROC AUC, ties by average rank; `undefined` when only one class is present. */
export function rocAuc(predictions: readonly number[], outcomes: readonly Outcome[]): number | undefined {
  checkPaired(predictions, outcomes);
  const n = predictions.length;
  const positives = outcomes.reduce<number>((sum, y) => sum + y, 0);
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return undefined;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => predictions[a]! - predictions[b]!);
  let positiveRankSum = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && predictions[order[end]!] === predictions[order[start]!]) end++;
    // Ranks start+1 … end share their average.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (outcomes[order[k]!] === 1) positiveRankSum += averageRank;
    start = end;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared error of the probabilities: 0 is perfect, 0.25 is a constant 0.5. */
export function brierScore(predictions: readonly number[], outcomes: readonly Outcome[]): number {
  checkPaired(predictions, outcomes);
  if (predictions.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < predictions.length; i++) sum += (predictions[i]! - outcomes[i]!) ** 2;
  return sum / predictions.length;
}

/** A probability clipped to [ε, 1 − ε], so its log and its logit are finite. */
export function clampProbability(p: number, epsilon = 1e-15): number {
  return Math.min(1 - epsilon, Math.max(epsilon, p));
}

/** Mean negative log-likelihood (natural log); probabilities are clipped to [ε, 1 − ε]. */
export function logLoss(
  predictions: readonly number[],
  outcomes: readonly Outcome[],
  epsilon = 1e-15,
): number {
  checkPaired(predictions, outcomes);
  if (predictions.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = clampProbability(predictions[i]!, epsilon);
    sum -= outcomes[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / predictions.length;
}

/**
 * Calibration by decile of the predictions: sort by predicted probability, cut into `bins`
 * groups of equal size (the first `n mod bins` groups get one more), and report each group's
 * mean prediction beside its observed positive rate. Equal-count deciles, not fixed [0, 0.1)
 * … bins: purchase probabilities are mostly small, and fixed bins would put nearly every
 * prediction in the first one. Equal predictions may straddle a cut (kept in input order).
 * Fewer predictions than bins gives fewer, non-empty groups.
 */
export function calibrationByDecile(
  predictions: readonly number[],
  outcomes: readonly Outcome[],
  bins = 10,
): CalibrationBin[] {
  checkPaired(predictions, outcomes);
  const n = predictions.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => predictions[a]! - predictions[b]! || a - b,
  );
  const out: CalibrationBin[] = [];
  let start = 0;
  for (let b = 0; b < bins; b++) {
    const size = Math.floor(n / bins) + (b < n % bins ? 1 : 0);
    if (size === 0) continue;
    let predicted = 0;
    let observed = 0;
    for (let k = start; k < start + size; k++) {
      predicted += predictions[order[k]!]!;
      observed += outcomes[order[k]!]!;
    }
    out.push({
      decile: out.length + 1,
      count: size,
      meanPredicted: predicted / size,
      observedRate: observed / size,
    });
    start += size;
  }
  return out;
}

export function forecastQuality(
  predictions: readonly number[],
  outcomes: readonly Outcome[],
): ForecastQuality {
  return {
    count: predictions.length,
    positives: outcomes.reduce<number>((sum, y) => sum + y, 0),
    auc: rocAuc(predictions, outcomes),
    brier: brierScore(predictions, outcomes),
    logLoss: logLoss(predictions, outcomes),
    calibration: calibrationByDecile(predictions, outcomes),
  };
}
