// The learned intent model as the processor runs it (ingest/models/intent/learner.ts): events in
// time order, outcomes labelled as they become known, a fixed fifth of the profiles held back.
// Prints the held-back figures of the learned model and the fixed-weight baseline, each scored
// with the model as it stood when the outcome became known.
//
//   npx tsx bench/intent-live.ts [seeds=1,2,3,4,5] [shoppers=1500] [days=56]
import { generateJourneys } from '../ingest/models/intent/journeys';
import { createIntentLearner } from '../ingest/models/intent/learner';
import type { ForecastQuality } from '../ingest/models/intent/metrics';
import { qualityOf } from '../ingest/models/intent/quality';

const seeds = (process.argv[2] ?? '1,2,3,4,5').split(',').map(Number);
const shoppers = Number(process.argv[3] ?? 1500);
const days = Number(process.argv[4] ?? 56);
const HOUR = 3_600_000;

const f = (v: number | undefined, digits = 4) => (v === undefined ? 'n/a' : v.toFixed(digits));
const deciles = (q: ForecastQuality) =>
  q.calibration.map((b) => `${f(b.meanPredicted, 3)}/${f(b.observedRate, 3)}`).join('  ');

const sums = { learnedAuc: 0, baselineAuc: 0, learnedBrier: 0, baselineBrier: 0 };
for (const seed of seeds) {
  const t0 = performance.now();
  const events = generateJourneys({ seed, shoppers, days });
  const learner = createIntentLearner();
  let clock = 0;
  for (const { profileId, ...event } of events) {
    while (clock + HOUR <= event.atMs) learner.advance((clock += HOUR));
    learner.observe(profileId, event);
  }
  learner.advance(Number.POSITIVE_INFINITY);
  const ms = performance.now() - t0;
  const learned = qualityOf(learner.state.learnedQuality);
  const baseline = qualityOf(learner.state.baselineQuality);
  sums.learnedAuc += learned.auc ?? Number.NaN;
  sums.baselineAuc += baseline.auc ?? Number.NaN;
  sums.learnedBrier += learned.brier;
  sums.baselineBrier += baseline.brier;
  console.log(
    `seed ${seed}: ${events.length} events, ${learner.state.model.updates} outcomes trained on, ` +
      `${learned.count} held back (${((learned.positives / learned.count) * 100).toFixed(1)} % bought), ${(ms / 1000).toFixed(1)} s`,
  );
  console.log(
    `  AUC learned ${f(learned.auc)} baseline ${f(baseline.auc)}  Brier learned ${f(learned.brier)} ` +
      `baseline ${f(baseline.brier)}  log loss learned ${f(learned.logLoss)} baseline ${f(baseline.logLoss)}`,
  );
  console.log(`  learned  ${deciles(learned)}`);
  console.log(`  baseline ${deciles(baseline)}`);
}
const n = seeds.length;
console.log(
  `mean: AUC ${f(sums.learnedAuc / n)} vs ${f(sums.baselineAuc / n)}, Brier ${f(sums.learnedBrier / n)} vs ` +
    `${f(sums.baselineBrier / n)} (${(((sums.baselineBrier - sums.learnedBrier) / sums.baselineBrier) * 100).toFixed(1)} % lower)`,
);
