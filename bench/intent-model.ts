// The learned intent model (online logistic regression, per brand) against the fixed-weight
// baseline (INTENT_WEIGHTS, Platt-calibrated) on generated journeys, time split: learn on the
// first 60 % of 8 weeks, score predictions made in the rest (each with its full 7-day horizon).
// docs/intent-model.md has the protocol and the figures.
//
//   npx tsx bench/intent-model.ts [seeds=1,2,3,4,5] [shoppers=1500]
import { evaluateIntentModel } from '../ingest/models/intent/evaluate';
import type { ForecastQuality } from '../ingest/models/intent/metrics';

const seeds = (process.argv[2] ?? '1,2,3,4,5').split(',').map(Number);
const shoppers = Number(process.argv[3] ?? 1500);

const f = (v: number | undefined, digits = 4) => (v === undefined ? 'n/a' : v.toFixed(digits));
const pct = (better: number, worse: number) => `${(((worse - better) / worse) * 100).toFixed(1)} %`;

function deciles(label: string, q: ForecastQuality): void {
  console.log(
    `    ${label.padEnd(9)} decile: mean predicted / observed rate (n per decile ≈ ${Math.round(q.count / 10)})`,
  );
  console.log(
    `      ${q.calibration.map((b) => `${f(b.meanPredicted, 3)}/${f(b.observedRate, 3)}`).join('  ')}`,
  );
}

const rows: { seed: number; learned: ForecastQuality; baseline: ForecastQuality }[] = [];
for (const seed of seeds) {
  const t0 = performance.now();
  const r = evaluateIntentModel({ journeys: { seed, shoppers } });
  const ms = performance.now() - t0;
  rows.push({ seed, learned: r.learned, baseline: r.baseline });
  const { learned: l, baseline: b } = r;
  console.log(
    `seed ${seed}: ${r.events} events, ${r.trainOutcomes} training outcomes (${r.trainPositives} bought), ` +
      `${l.count} held-back predictions (${l.positives} bought, ${f(l.positives / l.count, 3)}), ${ms.toFixed(0)} ms`,
  );
  console.log(
    `  AUC      learned ${f(l.auc)}  baseline ${f(b.auc)}  (+${f((l.auc ?? 0) - (b.auc ?? 0))})  ` +
      `today's profile-wide score ${f(r.profileScoreAuc)}`,
  );
  console.log(`  Brier    learned ${f(l.brier)}  baseline ${f(b.brier)}  (${pct(l.brier, b.brier)} lower)`);
  console.log(
    `  log loss learned ${f(l.logLoss)}  baseline ${f(b.logLoss)}  (${pct(l.logLoss, b.logLoss)} lower)`,
  );
  console.log(
    `  baseline Platt: P = σ(${f(r.platt.a)} × score ${r.platt.b < 0 ? '−' : '+'} ${f(Math.abs(r.platt.b))})`,
  );
  deciles('learned', l);
  deciles('baseline', b);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const aucL = mean(rows.map((r) => r.learned.auc ?? Number.NaN));
const aucB = mean(rows.map((r) => r.baseline.auc ?? Number.NaN));
const brL = mean(rows.map((r) => r.learned.brier));
const brB = mean(rows.map((r) => r.baseline.brier));
console.log(
  `\nmean over ${rows.length} seeds: AUC learned ${f(aucL)} baseline ${f(aucB)} (+${f(aucL - aucB)}); ` +
    `Brier learned ${f(brL)} baseline ${f(brB)} (${pct(brL, brB)} lower); ` +
    `learned wins AUC ${rows.filter((r) => (r.learned.auc ?? 0) > (r.baseline.auc ?? 0)).length}/${rows.length}, ` +
    `Brier ${rows.filter((r) => r.learned.brier < r.baseline.brier).length}/${rows.length}`,
);
