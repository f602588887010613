// The customer-base model (BG/NBD + Gamma-Gamma) against the naive run-rate baseline on CDNOW's time
// split: fit on the first 39 weeks of 1997, predict the next 39 weeks. docs/customer-value.md has the figures.
//
//   npx tsx bench/clv-model.ts [sample|master|both=both]
import { fitBgNbd } from '../ingest/models/clv/bgnbd';
import { fitGammaGamma } from '../ingest/models/clv/gamma-gamma';
import { splitCalibrationHoldout, type HoldoutScore } from '../ingest/models/clv/holdout';
import { checkOnHoldout } from '../ingest/models/clv/holdout-check';
import { CDNOW_SPLIT, cdnowMasterPurchases, cdnowSamplePurchases } from '../tests/fixtures/cdnow/load';

const which = process.argv[2] ?? 'both';
const datasets = [
  ...(which === 'master' ? [] : [{ name: 'CDNOW 1/10 sample (the papers)', load: cdnowSamplePurchases }]),
  ...(which === 'sample' ? [] : [{ name: 'CDNOW master (full cohort)', load: cdnowMasterPurchases }]),
];

const f = (v: number, digits = 3) => v.toFixed(digits);
const line = (label: string, model: HoldoutScore, naive: HoldoutScore, digits: number) =>
  console.log(
    `  ${label.padEnd(10)} MAE model ${f(model.mae, digits)} naive ${f(naive.mae, digits)} (ratio ${f(model.mae / naive.mae)})  ` +
      `RMSE model ${f(model.rmse, digits)} naive ${f(naive.rmse, digits)} (ratio ${f(model.rmse / naive.rmse)})\n` +
      `  ${''.padEnd(10)} total actual ${f(model.totalActual, 0)}  model ${f(model.totalPredicted, 0)} ` +
      `(${f(model.totalPredicted / model.totalActual)}×)  naive ${f(naive.totalPredicted, 0)} (${f(naive.totalPredicted / naive.totalActual)}×)`,
  );

for (const { name, load } of datasets) {
  const split = splitCalibrationHoldout(load(), CDNOW_SPLIT);
  let t0 = performance.now();
  const bg = fitBgNbd(split);
  const bgMs = performance.now() - t0;
  t0 = performance.now();
  const gg = fitGammaGamma(split);
  const ggMs = performance.now() - t0;
  t0 = performance.now();
  const check = checkOnHoldout(split, CDNOW_SPLIT);
  const checkMs = performance.now() - t0;
  const { r, alpha, a, b } = bg.params;
  const repeaters = split.filter((c) => c.x > 0).length;
  console.log(`${name}: ${split.length} customers, ${repeaters} with repeat purchases in calibration`);
  console.log(
    `  BG/NBD       r ${f(r)} α ${f(alpha)} a ${f(a)} b ${f(b)}  LL ${f(bg.logLikelihood, 1)}  ` +
      `(${bg.iterations} iterations, ${f(bgMs, 0)} ms)`,
  );
  console.log(
    `  Gamma-Gamma  p ${f(gg.params.p)} q ${f(gg.params.q)} γ ${f(gg.params.gamma)}  on ${gg.customers} customers` +
      `${gg.skippedZeroSpend > 0 ? ` (${gg.skippedZeroSpend} with zero spend left out)` : ''}  (${f(ggMs, 0)} ms)`,
  );
  console.log(`  holdout check (both fits + ${split.length} predictions each): ${f(checkMs, 0)} ms`);
  line('purchases', check.purchases.model, check.purchases.naive, 3);
  line('spend ($)', check.spend.model, check.spend.naive, 2);
  const { all, repeaters: rep } = check.activeAuc;
  console.log(
    `  AUC "any holdout purchase", all customers: model P(alive) ${f(all.modelAlive)}  ` +
      `model P(any purchase) ${f(all.modelAnyPurchase)}  naive ${f(all.naive)}`,
  );
  console.log(
    `  AUC "any holdout purchase", repeat customers: model P(alive) ${f(rep.modelAlive)}  ` +
      `model P(any purchase) ${f(rep.modelAnyPurchase)}  naive ${f(rep.naive)}`,
  );
}
