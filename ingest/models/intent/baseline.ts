// The fixed-weight baseline: today's INTENT_WEIGHTS (ingest/processor/intent/score.ts) applied to
// a (profile, category)'s decayed counts, turned into a probability by Platt scaling.
//
//   score = max(0, Σ weight(type) × count(type))   over features 0–7 (features.ts)
//   P(buy) = 1 / (1 + exp(−(a·score + b)))          a, b fitted on the training part only
//
// The score floors at 0 once, when read, where score.ts floors after every event; the two differ
// only after removals outnumber what they remove. Platt scaling is monotone, so the baseline's
// AUC is the raw score's; it only makes the Brier score and the calibration comparable.
import { INTENT_WEIGHTS } from '../../processor/intent/score';
import { CATEGORY_TYPES, FIXED_WEIGHT_FEATURES, PROFILE_TYPES } from './features';
import type { Outcome } from './metrics';

/** The fixed weight of each of features 0 … FIXED_WEIGHT_FEATURES−1. */
export const FIXED_WEIGHTS: readonly number[] = [...CATEGORY_TYPES, ...PROFILE_TYPES]
  .slice(0, FIXED_WEIGHT_FEATURES)
  .map((type) => {
    const w = INTENT_WEIGHTS[type];
    return w === 'reset' ? 0 : w;
  });

export function fixedWeightScore(features: readonly number[]): number {
  let score = 0;
  for (let i = 0; i < FIXED_WEIGHTS.length; i++) score += FIXED_WEIGHTS[i]! * features[i]!;
  return Math.max(0, score);
}

export interface Platt {
  a: number;
  b: number;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function plattProbability(platt: Platt, score: number): number {
  return sigmoid(platt.a * score + platt.b);
}

/**
 * Fits P(y=1 | s) = σ(a·s + b) by Newton's method on the log-likelihood, with Platt's (1999)
 * smoothed targets (y=1 → (n₊+1)/(n₊+2), y=0 → 1/(n₋+2)) so a separable sample still has a finite
 * fit. Deterministic; converges in a handful of iterations.
 */
export function fitPlatt(scores: readonly number[], outcomes: readonly Outcome[], iterations = 50): Platt {
  if (scores.length !== outcomes.length) throw new RangeError('scores and outcomes differ in length');
  const positives = outcomes.reduce<number>((s, y) => s + y, 0);
  const negatives = outcomes.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  let a = 0;
  let b = Math.log((positives + 1) / (negatives + 1));
  for (let it = 0; it < iterations; it++) {
    let gA = 0;
    let gB = 0;
    let hAA = 1e-12;
    let hAB = 0;
    let hBB = 1e-12;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      const p = sigmoid(a * s + b);
      const d = p - (outcomes[i] === 1 ? hi : lo);
      const w = p * (1 - p);
      gA += d * s;
      gB += d;
      hAA += w * s * s;
      hAB += w * s;
      hBB += w;
    }
    const det = hAA * hBB - hAB * hAB;
    if (!(det > 0)) break;
    const stepA = (hBB * gA - hAB * gB) / det;
    const stepB = (hAA * gB - hAB * gA) / det;
    a -= stepA;
    b -= stepB;
    if (Math.abs(stepA) < 1e-10 && Math.abs(stepB) < 1e-10) break;
  }
  return { a, b };
}
