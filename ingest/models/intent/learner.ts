// One brand's learned purchase intent, live: the pieces of this folder put together the way the
// processor runs them, event by event, with no I/O.
//
//   observe(event)  the profile's feature state takes the event; an event naming categories (not an
//                   order) is a prediction for each, held until its outcome is known; an order
//                   labels the profile's open predictions in its categories 1
//   advance(now)    predictions whose horizon passed are labelled 0
//   merge           feature states add (features.ts), open predictions follow the survivor
//
// Held back: a fixed share of profiles (by a hash of the profile id, so the same profiles across
// restarts) never train either model. Their outcomes score the learned model and the fixed-weight
// baseline, each as it stands when the outcome becomes known (applied to the features the
// profile had when the prediction was made), into two accumulators (quality.ts). Every other outcome is one AdaGrad step of the learned model and
// joins the sample the baseline's Platt scaling is refitted on.
//
// Bounded: at most `maxPending` open predictions (outcomes.ts; ~540 bytes each), at most one per
// (profile, category) per `minGapMs`, and at most `maxProfiles` feature states (~3 KB each with
// seven categories): a profile idle for `idleForgetMs`, or the longest idle past the cap, forgets
// its own and starts again from nothing at its next event.
import { fitPlatt, fixedWeightScore, plattProbability, type Platt } from './baseline';
import {
  DEFAULT_FEATURE_OPTIONS,
  FEATURE_DESCRIPTIONS,
  applyIntentEvent,
  emptyProfileState,
  forEachCategoryFeatures,
  intentFeatures,
  mergeIntentStates,
  type FeatureName,
  type FeatureOptions,
  type IntentEvent,
  type ProfileIntentState,
} from './features';
import type { ForecastQuality, Outcome } from './metrics';
import {
  DEFAULT_START,
  initialIntentModel,
  learnIntent,
  parseIntentModel,
  predictIntent,
  type IntentModelState,
} from './online-model';
import { createOutcomeTracker, type OutcomeOptions, type Resolved } from './outcomes';
import { emptyQuality, parseQuality, qualityOf, recordForecast, type QualityState } from './quality';
import type { IntentModelSummary, QualityFigures } from '../../../src/lib/shared/intent-model';

export interface IntentLearnerOptions {
  features: FeatureOptions;
  outcomes: OutcomeOptions;
  /** Share of profiles held back from training, 0 … 1. */
  holdoutShare: number;
  /** A profile with no event for this long forgets its feature state. */
  idleForgetMs: number;
  /** At most this many profiles keep a feature state; past it the longest idle forgets its own. */
  maxProfiles: number;
  /** Training outcomes the baseline's Platt scaling is fitted on (a uniform sample of all of them). */
  plattSample: number;
  /** Refit Platt after this many new training outcomes. */
  plattRefitEvery: number;
}

export const DEFAULT_LEARNER_OPTIONS: IntentLearnerOptions = {
  features: DEFAULT_FEATURE_OPTIONS,
  outcomes: { horizonMs: 7 * 24 * 3_600_000, maxPending: 100_000, minGapMs: 0 },
  holdoutShare: 0.2,
  idleForgetMs: 30 * 24 * 3_600_000,
  maxProfiles: 100_000,
  plattSample: 5_000,
  plattRefitEvery: 2_000,
};

/** What outlives the process: stored per brand, restored at the next start. */
export interface IntentLearnerState {
  version: 1;
  model: IntentModelState;
  platt: Platt;
  /** A uniform sample of the training outcomes: baseline score and outcome. */
  plattScores: number[];
  plattOutcomes: Outcome[];
  /** Training outcomes seen (the sample's denominator). */
  trained: number;
  /** Held-back outcomes, scored with each model's probability at prediction time. */
  learnedQuality: QualityState;
  baselineQuality: QualityState;
}

export function initialLearnerState(): IntentLearnerState {
  return {
    version: 1,
    model: initialIntentModel(),
    platt: { ...DEFAULT_START },
    plattScores: [],
    plattOutcomes: [],
    trained: 0,
    learnedQuality: emptyQuality(),
    baselineQuality: emptyQuality(),
  };
}

export interface CategoryForecast {
  category: string;
  /** P(order in the category within the horizon), learned model. */
  learned: number;
  /** The same from the fixed weights, Platt-scaled. */
  baseline: number;
}

export interface IntentLearner {
  observe(profileId: string, event: IntentEvent): void;
  /** `others` were merged into `survivorId` at `atMs`. */
  merge(survivorId: string, others: readonly string[], atMs: number): void;
  /** Labels expired predictions 0 and forgets idle profiles. */
  advance(nowMs: number): void;
  /** The profile's forecast in each category it has shown interest in, highest first. */
  forecast(profileId: string, atMs: number): CategoryForecast[];
  isHeldBack(profileId: string): boolean;
  readonly state: IntentLearnerState;
  /** Open predictions, and labelled ones waiting for their horizon's end to train. */
  readonly pending: number;
  /** Predictions dropped unlabelled (over maxPending). */
  readonly dropped: number;
  readonly profiles: number;
  /** Whether it has seen anything (an event, an outcome) since the last `markSaved`. */
  readonly dirty: boolean;
  markSaved(): void;
}

interface PendingForecast {
  features: number[];
  baselineScore: number;
}

/**
 * FNV-1a of the id with murmur3's finalizer, as a fraction in [0, 1): the same profile is always
 * on the same side. (FNV-1a alone leaves the high bits of ids that differ only in their last
 * characters nearly equal: 300 sequential ids once all fell above 0.2.)
 */
export function holdoutFraction(profileId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < profileId.length; i++) {
    hash ^= profileId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

export function createIntentLearner(
  restored: IntentLearnerState = initialLearnerState(),
  overrides: Partial<IntentLearnerOptions> = {},
): IntentLearner {
  const options = { ...DEFAULT_LEARNER_OPTIONS, ...overrides };
  const state = structuredClone(restored);
  const profiles = new Map<string, ProfileIntentState>();
  const lastSeen = new Map<string, number>();
  const tracker = createOutcomeTracker<PendingForecast>(options.outcomes);
  let sinceRefit = 0;
  let dirty = false;

  /** Moves the profile to the end of `lastSeen`, which stays in order of last touch. */
  const touch = (profileId: string, atMs: number): void => {
    const seen = Math.max(lastSeen.get(profileId) ?? 0, atMs);
    lastSeen.delete(profileId);
    lastSeen.set(profileId, seen);
    while (lastSeen.size > options.maxProfiles) {
      const idlest = lastSeen.keys().next().value;
      if (idlest === undefined) break;
      lastSeen.delete(idlest);
      profiles.delete(idlest);
    }
  };

  const isHeldBack = (profileId: string): boolean => holdoutFraction(profileId) < options.holdoutShare;

  const sampleForPlatt = (score: number, outcome: Outcome): void => {
    state.trained += 1;
    if (state.plattScores.length < options.plattSample) {
      state.plattScores.push(score);
      state.plattOutcomes.push(outcome);
    } else {
      // Reservoir sampling (Vitter's R) with a deterministic draw: the slot is a hash of the count.
      const slot = Math.floor(holdoutFraction(`platt:${state.trained}`) * state.trained);
      if (slot < options.plattSample) {
        state.plattScores[slot] = score;
        state.plattOutcomes[slot] = outcome;
      }
    }
    sinceRefit += 1;
    if (sinceRefit >= options.plattRefitEvery) {
      sinceRefit = 0;
      state.platt = fitPlatt(state.plattScores, state.plattOutcomes);
    }
  };

  /** Training outcomes labelled 1 before their horizon ended, waiting for it (see `train`). */
  let waiting: Resolved<PendingForecast>[] = [];

  const settle = (resolved: readonly Resolved<PendingForecast>[]): void => {
    for (const r of resolved) {
      dirty = true;
      if (isHeldBack(r.profileId)) {
        recordForecast(state.learnedQuality, predictIntent(state.model, r.payload.features), r.outcome);
        recordForecast(
          state.baselineQuality,
          plattProbability(state.platt, r.payload.baselineScore),
          r.outcome,
        );
      } else waiting.push(r);
    }
  };

  /**
   * Trains on every outcome whose horizon has ended by `nowMs`, in the order the predictions were
   * made. A 1 is known at the order, a 0 only when the horizon ends; training on each as soon as
   * known would feed the model a week of positives ahead of their negatives and make it
   * over-predict (docs/intent-model.md saw that in the split evaluation). Held to the horizon's
   * end, both reach the model in prediction order.
   */
  const train = (nowMs: number): void => {
    const ripe = waiting.filter((r) => r.predictedAtMs + options.outcomes.horizonMs < nowMs);
    if (ripe.length === 0) return;
    waiting = waiting.filter((r) => r.predictedAtMs + options.outcomes.horizonMs >= nowMs);
    ripe.sort((a, b) => a.predictedAtMs - b.predictedAtMs);
    for (const { outcome, payload } of ripe) {
      learnIntent(state.model, payload.features, outcome);
      sampleForPlatt(payload.baselineScore, outcome);
    }
  };

  const pendingOf = (profile: ProfileIntentState, category: string, atMs: number): PendingForecast => {
    const features = intentFeatures(profile, category, Math.max(atMs, profile.atMs), options.features);
    return { features, baselineScore: fixedWeightScore(features) };
  };

  return {
    observe(profileId, event) {
      dirty = true;
      let profile = profiles.get(profileId);
      if (!profile) profiles.set(profileId, (profile = emptyProfileState()));
      touch(profileId, event.atMs);
      if (event.type === 'order_completed') {
        settle(tracker.order(profileId, event.categories, event.atMs));
      }
      applyIntentEvent(profile, event, options.features);
      if (event.type === 'order_completed') return;
      for (const category of new Set(event.categories)) {
        tracker.predict(profileId, category, event.atMs, pendingOf(profile, category, event.atMs));
      }
    },
    merge(survivorId, others, atMs) {
      const parts = [survivorId, ...others]
        .map((id) => profiles.get(id))
        .filter((p): p is ProfileIntentState => p !== undefined);
      if (parts.length > 0) profiles.set(survivorId, mergeIntentStates(parts, atMs, options.features));
      for (const other of others) {
        profiles.delete(other);
        const seen = lastSeen.get(other);
        lastSeen.delete(other);
        if (seen !== undefined) touch(survivorId, seen);
        tracker.reassign(other, survivorId);
      }
    },
    advance(nowMs) {
      settle(tracker.advance(nowMs));
      train(nowMs);
      // lastSeen is in order of last touch, so the idle ones come first.
      for (const [profileId, seen] of lastSeen) {
        if (nowMs - seen <= options.idleForgetMs) break;
        profiles.delete(profileId);
        lastSeen.delete(profileId);
      }
    },
    forecast(profileId, atMs) {
      const profile = profiles.get(profileId);
      if (!profile) return [];
      // Asked at every live event, for every category the profile has.
      const forecasts: CategoryForecast[] = [];
      forEachCategoryFeatures(
        profile,
        Math.max(atMs, profile.atMs),
        options.features,
        (category, features) => {
          forecasts.push({
            category,
            learned: predictIntent(state.model, features),
            baseline: plattProbability(state.platt, fixedWeightScore(features)),
          });
        },
      );
      return forecasts.sort((a, b) => b.learned - a.learned || a.category.localeCompare(b.category));
    },
    isHeldBack,
    get state() {
      return state;
    },
    get pending() {
      return tracker.pending + waiting.length;
    },
    get dropped() {
      return tracker.dropped;
    },
    get profiles() {
      return profiles.size;
    },
    get dirty() {
      return dirty;
    },
    markSaved() {
      dirty = false;
    },
  };
}

const finiteOrNull = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : value;

function figures(quality: ForecastQuality): QualityFigures {
  return {
    count: quality.count,
    positives: quality.positives,
    auc: finiteOrNull(quality.auc),
    brier: finiteOrNull(quality.brier),
    log_loss: finiteOrNull(quality.logLoss),
    calibration: quality.calibration,
  };
}

/** What the dashboard shows of the learner (held-back quality of both models, learned weights). */
export function summarizeLearner(
  brandId: string,
  learner: IntentLearner,
  updatedAt: string,
  options: Pick<IntentLearnerOptions, 'holdoutShare' | 'outcomes'> = DEFAULT_LEARNER_OPTIONS,
): IntentModelSummary {
  const { model } = learner.state;
  return {
    brand_id: brandId,
    updated_at: updatedAt,
    trained: learner.state.trained,
    holdout_share: options.holdoutShare,
    horizon_days: options.outcomes.horizonMs / 86_400_000,
    learned: figures(qualityOf(learner.state.learnedQuality)),
    baseline: figures(qualityOf(learner.state.baselineQuality)),
    bias: model.bias,
    weights: model.featureNames.map((feature, i) => ({
      feature,
      description: FEATURE_DESCRIPTIONS[feature as FeatureName] ?? feature,
      learned: model.weights[i]!,
      start: model.priorWeights[i]!,
    })),
    pending: learner.pending,
    dropped: learner.dropped,
    note: null,
  };
}

/**
 * Reads a stored learner state; throws (naming the part) on anything else, and on a model
 * trained on another feature list, so the caller can start afresh rather than run on garbage.
 */
export function parseLearnerState(json: string): IntentLearnerState {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || !('version' in value) || value.version !== 1) {
    throw new TypeError('not an intent learner state (version 1)');
  }
  const { model, platt, plattScores, plattOutcomes, trained, learnedQuality, baselineQuality } =
    value as Record<string, unknown>;
  const numbers = (x: unknown): x is number[] =>
    Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (
    typeof platt !== 'object' ||
    platt === null ||
    !numbers([(platt as Record<string, unknown>).a, (platt as Record<string, unknown>).b])
  ) {
    throw new TypeError('intent learner state: platt is not {a, b}');
  }
  if (!numbers(plattScores) || !numbers(plattOutcomes) || plattScores.length !== plattOutcomes.length) {
    throw new TypeError('intent learner state: the Platt sample is not two equal lists of numbers');
  }
  if (!plattOutcomes.every((y) => y === 0 || y === 1)) {
    throw new TypeError('intent learner state: a Platt outcome is not 0 or 1');
  }
  if (typeof trained !== 'number' || !Number.isInteger(trained) || trained < 0) {
    throw new TypeError('intent learner state: trained is not a count');
  }
  const { a, b } = platt as Platt;
  return {
    version: 1,
    model: parseIntentModel(JSON.stringify(model)),
    platt: { a, b },
    plattScores,
    plattOutcomes: plattOutcomes as Outcome[],
    trained,
    learnedQuality: parseQuality(learnedQuality),
    baselineQuality: parseQuality(baselineQuality),
  };
}
