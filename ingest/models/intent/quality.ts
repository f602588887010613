// Forecast quality accumulated as outcomes arrive, for a model that runs forever: the same figures
// as metrics.ts (ROC AUC, Brier, log loss, calibration by decile) without keeping every prediction.
//
// Predictions fall into BINS bins evenly spaced on the logit scale over [−LOGIT_RANGE, LOGIT_RANGE]
// (purchase probabilities are mostly small; logit bins keep 0.001 apart from 0.002 as well as 0.5
// from 0.6). Each bin counts its positives and negatives and sums its predictions. From that:
//   - Brier and log loss are exact (running sums);
//   - AUC is the Mann–Whitney statistic with predictions in one bin counted as ties, so it can only
//     differ from the exact AUC by pairs that fall in one bin (bins are 0.012 logits wide);
//   - calibration by decile cuts the cumulative count at each tenth, taking a straddling bin's
//     share proportionally.
// Two accumulators add bin by bin (merge), and the state is plain JSON, so it is stored per brand.
import { clampProbability, type CalibrationBin, type ForecastQuality, type Outcome } from './metrics';

export const QUALITY_BINS = 2000;
const LOGIT_RANGE = 12;

export interface QualityState {
  version: 1;
  count: number;
  positives: number;
  brierSum: number;
  logLossSum: number;
  /** Per bin: negatives, positives, Σ prediction. */
  negatives: number[];
  positivesByBin: number[];
  predictedSum: number[];
}

export function emptyQuality(): QualityState {
  return {
    version: 1,
    count: 0,
    positives: 0,
    brierSum: 0,
    logLossSum: 0,
    negatives: new Array<number>(QUALITY_BINS).fill(0),
    positivesByBin: new Array<number>(QUALITY_BINS).fill(0),
    predictedSum: new Array<number>(QUALITY_BINS).fill(0),
  };
}

export function binOf(prediction: number): number {
  const p = clampProbability(prediction);
  const logit = Math.log(p / (1 - p));
  const position = (logit + LOGIT_RANGE) / (2 * LOGIT_RANGE);
  return Math.min(QUALITY_BINS - 1, Math.max(0, Math.floor(position * QUALITY_BINS)));
}

/** Adds one resolved forecast. Mutates `state`. */
export function recordForecast(state: QualityState, prediction: number, outcome: Outcome): void {
  if (!Number.isFinite(prediction) || prediction < 0 || prediction > 1) {
    throw new RangeError(`a forecast is a probability in [0, 1], got ${prediction}`);
  }
  const bin = binOf(prediction);
  state.count += 1;
  state.positives += outcome;
  state.brierSum += (prediction - outcome) ** 2;
  const p = clampProbability(prediction);
  state.logLossSum -= outcome === 1 ? Math.log(p) : Math.log(1 - p);
  if (outcome === 1) state.positivesByBin[bin]! += 1;
  else state.negatives[bin]! += 1;
  state.predictedSum[bin]! += prediction;
}

/** The sum of two accumulators (neither is changed). */
export function mergeQuality(a: QualityState, b: QualityState): QualityState {
  const add = (x: number[], y: number[]): number[] => x.map((v, i) => v + y[i]!);
  return {
    version: 1,
    count: a.count + b.count,
    positives: a.positives + b.positives,
    brierSum: a.brierSum + b.brierSum,
    logLossSum: a.logLossSum + b.logLossSum,
    negatives: add(a.negatives, b.negatives),
    positivesByBin: add(a.positivesByBin, b.positivesByBin),
    predictedSum: add(a.predictedSum, b.predictedSum),
  };
}

function binnedAuc(state: QualityState): number | undefined {
  const negativesTotal = state.count - state.positives;
  if (state.positives === 0 || negativesTotal === 0) return undefined;
  let wins = 0;
  let negativesBelow = 0;
  for (let bin = 0; bin < QUALITY_BINS; bin++) {
    const pos = state.positivesByBin[bin]!;
    const neg = state.negatives[bin]!;
    wins += pos * (negativesBelow + neg / 2);
    negativesBelow += neg;
  }
  return wins / (state.positives * negativesTotal);
}

function binnedCalibration(state: QualityState, groups = 10): CalibrationBin[] {
  const out: CalibrationBin[] = [];
  if (state.count === 0) return out;
  let group = { count: 0, predicted: 0, observed: 0 };
  let groupIndex = 0;
  const boundary = (g: number): number => (state.count * (g + 1)) / groups;
  let taken = 0;
  for (let bin = 0; bin < QUALITY_BINS; bin++) {
    let count = state.negatives[bin]! + state.positivesByBin[bin]!;
    if (count === 0) continue;
    const meanPredicted = state.predictedSum[bin]! / count;
    const positiveShare = state.positivesByBin[bin]! / count;
    while (count > 0) {
      const room = boundary(groupIndex) - taken;
      const part = Math.min(count, room);
      group.count += part;
      group.predicted += part * meanPredicted;
      group.observed += part * positiveShare;
      taken += part;
      count -= part;
      if (taken >= boundary(groupIndex) - 1e-9) {
        if (group.count > 0) {
          out.push({
            decile: out.length + 1,
            count: group.count,
            meanPredicted: group.predicted / group.count,
            observedRate: group.observed / group.count,
          });
        }
        group = { count: 0, predicted: 0, observed: 0 };
        groupIndex += 1;
        if (groupIndex >= groups) return out;
      }
    }
  }
  return out;
}

/** The figures of metrics.ts's `forecastQuality`, from the bins. */
export function qualityOf(state: QualityState): ForecastQuality {
  return {
    count: state.count,
    positives: state.positives,
    auc: binnedAuc(state),
    brier: state.count === 0 ? Number.NaN : state.brierSum / state.count,
    logLoss: state.count === 0 ? Number.NaN : state.logLossSum / state.count,
    calibration: binnedCalibration(state),
  };
}

/** Reads a stored accumulator; refuses anything of another shape. */
export function parseQuality(value: unknown): QualityState {
  const isCounts = (x: unknown): x is number[] =>
    Array.isArray(x) && x.length === QUALITY_BINS && x.every((v) => typeof v === 'number' && v >= 0);
  if (
    typeof value === 'object' &&
    value !== null &&
    'version' in value &&
    value.version === 1 &&
    'count' in value &&
    typeof value.count === 'number' &&
    'positives' in value &&
    typeof value.positives === 'number' &&
    'brierSum' in value &&
    typeof value.brierSum === 'number' &&
    'logLossSum' in value &&
    typeof value.logLossSum === 'number' &&
    'negatives' in value &&
    isCounts(value.negatives) &&
    'positivesByBin' in value &&
    isCounts(value.positivesByBin) &&
    'predictedSum' in value &&
    isCounts(value.predictedSum)
  ) {
    return {
      version: 1,
      count: value.count,
      positives: value.positives,
      brierSum: value.brierSum,
      logLossSum: value.logLossSum,
      negatives: value.negatives,
      positivesByBin: value.positivesByBin,
      predictedSum: value.predictedSum,
    };
  }
  throw new TypeError(`not a forecast-quality state (expected version 1 with ${QUALITY_BINS} bins)`);
}
