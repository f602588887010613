// Segments: one brand's full recompute (feature build, k-means over k = 3..7 with 3 seeded
// restarts each, silhouette on a 3,000-point sample, naming) at scale, on the planted synthetic
// population (four groups in the proportions 15/20/25/40 %, plus 10 % without orders).
//
//   npx tsx bench/segments.ts [profiles=100000,500000] [restarts=3]
import { recomputeSegments } from '../ingest/models/segments/recompute';
import { EXPECTED_NAME, PLANTED, syntheticPopulation } from '../ingest/models/segments/synthetic';

const sizes = (process.argv[2] ?? '100000,500000').split(',').map(Number);
const restarts = Number(process.argv[3] ?? 3);
const s = (ms: number) => (ms / 1000).toFixed(1).padStart(5) + ' s';

for (const profiles of sizes) {
  const buyers = Math.round(profiles * 0.9);
  const share = [0.15, 0.2, 0.25, 0.4];
  const perGroup = Object.fromEntries(
    PLANTED.map((g, i) => [g, Math.round(buyers * (share[i] as number))]),
  ) as Record<(typeof PLANTED)[number], number>;
  const { population, group } = syntheticPopulation({ seed: 1, perGroup, noOrders: profiles - buyers });
  const n = population.customers.length;
  const t = performance.now();
  const run = recomputeSegments(population, { cluster: { restarts } });
  const total = performance.now() - t;
  let right = 0;
  for (const a of run.assignments) {
    const g = group.get(a.profileId);
    if ((g === undefined ? 'no orders' : EXPECTED_NAME[g]) === a.segment) right++;
  }
  console.log(
    `${n} profiles (${buyers} buyers): total ${s(total)}  features ${s(run.timings.featuresMs)}  ` +
      `k-range fit ${s(run.timings.fitMs)}  silhouettes ${s(run.timings.silhouetteMs)}  naming etc. ${s(total - run.timings.featuresMs - run.timings.clusterMs)}  heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`,
  );
  console.log(
    `  k = ${run.k}; silhouette by k: ${run.byK.map((b) => `${b.k}: ${b.silhouette.toFixed(3)} (${b.iterations} it)`).join(', ')}`,
  );
  console.log(
    `  segments: ${run.clusters.map((c) => `${c.name} ${c.size}`).join(', ')}; planted group named as expected: ${((100 * right) / n).toFixed(2)} %`,
  );
}
