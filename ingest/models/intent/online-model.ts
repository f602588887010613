// An online logistic regression of "buys in this category within the horizon" per brand:
//
//   P(buy | x) = σ(bias + w · x)        x: features.ts's vector for a (profile, category)
//
// Learning: one AdaGrad step per resolved outcome (per-coordinate step η / √(Σ g²), so rare
// features such as checkouts still move), with an L2 pull towards the prior — the initial weights
// — rather than towards 0: a brand with few outcomes stays near today's score. Deterministic: the
// same outcomes in the same order give the same weights.
//
// Initialisation: the first eight weights are INTENT_WEIGHTS × `scale` and every other is 0, so a
// new brand predicts σ(bias + scale × fixed-weight score): today's score through a logistic link.
// The default scale and bias put the score's `high` threshold (50) at 50 % and a score of 0 at
// about 2 %; a brand with a Platt fit of its own can start from that instead (`initialIntentModel`).
//
// The state is plain JSON (numbers and arrays) so it can be stored per brand.
import { FIXED_WEIGHTS, sigmoid, type Platt } from './baseline';
import { FEATURE_COUNT, FEATURE_NAMES } from './features';
import type { Outcome } from './metrics';

export interface OnlineModelOptions {
  /** AdaGrad base step. */
  learningRate: number;
  /** L2 strength towards the prior weights (per update). */
  l2: number;
}

export const DEFAULT_MODEL_OPTIONS: OnlineModelOptions = { learningRate: 0.05, l2: 1e-4 };

export const DEFAULT_START: Platt = { a: 0.08, b: -4 };

export interface IntentModelState {
  version: 1;
  featureNames: string[];
  options: OnlineModelOptions;
  bias: number;
  weights: number[];
  priorBias: number;
  priorWeights: number[];
  /** AdaGrad's running Σ g² per weight, bias last. */
  squaredGradients: number[];
  /** Outcomes learned from. */
  updates: number;
}

export function initialIntentModel(
  start: Platt = DEFAULT_START,
  options: OnlineModelOptions = DEFAULT_MODEL_OPTIONS,
): IntentModelState {
  const weights = Array.from({ length: FEATURE_COUNT }, (_, i) => start.a * (FIXED_WEIGHTS[i] ?? 0));
  return {
    version: 1,
    featureNames: [...FEATURE_NAMES],
    options: { ...options },
    bias: start.b,
    weights,
    priorBias: start.b,
    priorWeights: [...weights],
    squaredGradients: Array.from({ length: FEATURE_COUNT + 1 }, () => 0),
    updates: 0,
  };
}

function checkFeatures(model: IntentModelState, features: readonly number[]): void {
  if (features.length !== model.weights.length) {
    throw new RangeError(`expected ${model.weights.length} features, got ${features.length}`);
  }
}

export function predictIntent(model: IntentModelState, features: readonly number[]): number {
  checkFeatures(model, features);
  let z = model.bias;
  for (let i = 0; i < features.length; i++) z += model.weights[i]! * features[i]!;
  return sigmoid(z);
}

/** One AdaGrad step on the log loss of this outcome (mutates `model`); returns the prediction before the step. */
export function learnIntent(model: IntentModelState, features: readonly number[], outcome: Outcome): number {
  const p = predictIntent(model, features);
  const error = p - outcome;
  const { learningRate, l2 } = model.options;
  for (let i = 0; i <= features.length; i++) {
    const isBias = i === features.length;
    const x = isBias ? 1 : features[i]!;
    const w = isBias ? model.bias : model.weights[i]!;
    const prior = isBias ? model.priorBias : model.priorWeights[i]!;
    const g = error * x + (isBias ? 0 : l2 * (w - prior));
    if (g === 0) continue;
    const g2 = model.squaredGradients[i]! + g * g;
    model.squaredGradients[i] = g2;
    const next = w - (learningRate / Math.sqrt(g2)) * g;
    if (isBias) model.bias = next;
    else model.weights[i] = next;
  }
  model.updates += 1;
  return p;
}

export function serializeIntentModel(model: IntentModelState): string {
  return JSON.stringify(model);
}

/** Reads a stored model; refuses one built for other features (the feature list changed). */
export function parseIntentModel(json: string): IntentModelState {
  const value: unknown = JSON.parse(json);
  if (!isModelState(value)) throw new TypeError('not an intent model state');
  if (value.featureNames.join(',') !== FEATURE_NAMES.join(',')) {
    throw new TypeError('intent model was trained on other features; start a new one');
  }
  return value;
}

function isNumbers(v: unknown, length: number): v is number[] {
  return (
    Array.isArray(v) && v.length === length && v.every((x) => typeof x === 'number' && Number.isFinite(x))
  );
}

function isModelState(v: unknown): v is IntentModelState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const options = s.options as Record<string, unknown> | undefined;
  return (
    s.version === 1 &&
    Array.isArray(s.featureNames) &&
    s.featureNames.every((n) => typeof n === 'string') &&
    typeof options === 'object' &&
    options !== null &&
    typeof options.learningRate === 'number' &&
    typeof options.l2 === 'number' &&
    typeof s.bias === 'number' &&
    typeof s.priorBias === 'number' &&
    typeof s.updates === 'number' &&
    isNumbers(s.weights, s.featureNames.length) &&
    isNumbers(s.priorWeights, s.featureNames.length) &&
    isNumbers(s.squaredGradients, s.featureNames.length + 1)
  );
}
