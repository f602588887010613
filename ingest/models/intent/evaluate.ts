// The time-split evaluation of the learned intent model against the fixed-weight baseline, on
// one generated brand (journeys.ts):
//
//   1. Replay the brand's events in time order through features.ts. After each event that names a
//      category (not an order), predict for (profile, category), as the processor scores at
//      every event (`minGapMs` > 0 keeps at most one per (profile, category) per gap instead).
//   2. Outcomes (outcomes.ts): 1 if the profile orders in the category within the horizon.
//   3. Training part, [0, split): every outcome known before the split is learned online, in the
//      order it became known (the online model, one AdaGrad step each); the same outcomes fit the
//      baseline's Platt scaling. Predictions made before the split but resolved after it are used
//      by neither (they would leak the test period).
//   4. Test part: predictions made in [split, end − horizon], so every one has its full horizon.
//      Both models are frozen at the split and scored on them: AUC, Brier, log loss, deciles.
import {
  applyIntentEvent,
  DEFAULT_FEATURE_OPTIONS,
  emptyProfileState,
  intentFeatures,
  PROFILE_TYPES,
  CATEGORY_TYPES,
  type FeatureOptions,
  type ProfileIntentState,
} from './features';
import { FIXED_WEIGHTS, fitPlatt, fixedWeightScore, plattProbability, type Platt } from './baseline';
import { generateJourneys, type JourneyOptions } from './journeys';
import { forecastQuality, rocAuc, type ForecastQuality, type Outcome } from './metrics';
import {
  DEFAULT_MODEL_OPTIONS,
  initialIntentModel,
  learnIntent,
  predictIntent,
  type IntentModelState,
  type OnlineModelOptions,
} from './online-model';
import { createOutcomeTracker, type Resolved } from './outcomes';

export interface EvaluationOptions {
  journeys: Partial<JourneyOptions>;
  /** Share of the timeline used for training. */
  trainShare: number;
  horizonMs: number;
  minGapMs: number;
  features: FeatureOptions;
  model: OnlineModelOptions;
}

export const DEFAULT_EVALUATION: EvaluationOptions = {
  journeys: {},
  trainShare: 0.6,
  horizonMs: 7 * 24 * 3_600_000,
  minGapMs: 0,
  features: DEFAULT_FEATURE_OPTIONS,
  model: DEFAULT_MODEL_OPTIONS,
};

export interface EvaluationResult {
  events: number;
  trainOutcomes: number;
  trainPositives: number;
  learned: ForecastQuality;
  baseline: ForecastQuality;
  /** Today's profile-wide score (score.ts, no category) on the same test predictions. */
  profileScoreAuc: number | undefined;
  platt: Platt;
  model: IntentModelState;
}

interface Pending {
  features: number[];
  test: boolean;
}

const PROFILE_WEIGHT_OFFSET = CATEGORY_TYPES.length;

/** score.ts's profile-wide score from the profile block of the features (unfloored sum, floored). */
function profileScore(features: readonly number[]): number {
  let score = 0;
  PROFILE_TYPES.forEach((type, i) => {
    const c = CATEGORY_TYPES.indexOf(type as (typeof CATEGORY_TYPES)[number]);
    const weight = c >= 0 ? FIXED_WEIGHTS[c]! : FIXED_WEIGHTS[PROFILE_WEIGHT_OFFSET + i]!;
    score += weight * features[PROFILE_WEIGHT_OFFSET + i]!;
  });
  return Math.max(0, score);
}

export function evaluateIntentModel(options: Partial<EvaluationOptions> = {}): EvaluationResult {
  const o = { ...DEFAULT_EVALUATION, ...options };
  const events = generateJourneys(o.journeys);
  const endMs = (o.journeys.days ?? 56) * 24 * 3_600_000;
  const splitMs = o.trainShare * endMs;
  const lastTestMs = endMs - o.horizonMs;
  const tracker = createOutcomeTracker<Pending>({ horizonMs: o.horizonMs, minGapMs: o.minGapMs });
  const model = initialIntentModel(undefined, o.model);
  const profiles = new Map<string, ProfileIntentState>();
  const trainScores: number[] = [];
  const trainOutcomes: Outcome[] = [];
  const test: Resolved<Pending>[] = [];

  const settle = (resolved: readonly Resolved<Pending>[]): void => {
    for (const r of resolved) {
      if (r.payload.test) test.push(r);
      else if (r.resolvedAtMs < splitMs) {
        learnIntent(model, r.payload.features, r.outcome);
        trainScores.push(fixedWeightScore(r.payload.features));
        trainOutcomes.push(r.outcome);
      }
    }
  };

  for (const event of events) {
    settle(tracker.advance(event.atMs));
    let state = profiles.get(event.profileId);
    if (!state) profiles.set(event.profileId, (state = emptyProfileState()));
    applyIntentEvent(state, event, o.features);
    if (event.type === 'order_completed') {
      settle(tracker.order(event.profileId, event.categories, event.atMs));
      continue;
    }
    const isTest = event.atMs >= splitMs;
    if (isTest && event.atMs > lastTestMs) continue;
    for (const category of event.categories) {
      const features = intentFeatures(state, category, event.atMs, o.features);
      tracker.predict(event.profileId, category, event.atMs, { features, test: isTest });
    }
  }
  settle(tracker.advance(Number.POSITIVE_INFINITY));

  const platt = fitPlatt(trainScores, trainOutcomes);
  const outcomes = test.map((r) => r.outcome);
  const learned = forecastQuality(
    test.map((r) => predictIntent(model, r.payload.features)),
    outcomes,
  );
  const baseline = forecastQuality(
    test.map((r) => plattProbability(platt, fixedWeightScore(r.payload.features))),
    outcomes,
  );
  return {
    events: events.length,
    trainOutcomes: trainOutcomes.length,
    trainPositives: trainOutcomes.reduce<number>((s, y) => s + y, 0),
    learned,
    baseline,
    profileScoreAuc: rocAuc(
      test.map((r) => profileScore(r.payload.features)),
      outcomes,
    ),
    platt,
    model,
  };
}
