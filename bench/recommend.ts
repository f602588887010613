// Recommendations: the leave-last-order-out evaluation on seeded synthetic brands, then update
// and query speed of one brand's store at scale.
//
//   npx tsx bench/recommend.ts [orders=1000000] [products=20000] [seeds=2,3,4,5]
import { addOrder, createStore } from '../ingest/models/recommend/co-occurrence';
import { leaveLastOrderOut, METHODS } from '../ingest/models/recommend/evaluate';
import { recommendFor } from '../ingest/models/recommend/recommend';
import { toSnapshot } from '../ingest/models/recommend/snapshot';
import { DEFAULT_SYNTHETIC, syntheticBrand } from '../ingest/models/recommend/synthetic';

const targetOrders = Number(process.argv[2] ?? 1_000_000);
const products = Number(process.argv[3] ?? 20_000);
const seeds = (process.argv[4] ?? '2,3,4,5').split(',').map(Number);
const pct = (x: number) => (100 * x).toFixed(1).padStart(5);

console.log('leave-last-order-out (hit rate@5 / recall@10, %), defaults tuned on seed 1');
for (const [label, options] of [
  ['2,000 products, 5,000 customers', {}],
  ['500 products, 1,000 customers', { products: 500, customers: 1000 }],
] as const) {
  for (const seed of seeds) {
    const { orders } = syntheticBrand({ ...options, seed });
    const e = leaveLastOrderOut(orders);
    const cells = METHODS.map((m) => `${m} ${pct(e.scores[m].hitRateAt5)} / ${pct(e.scores[m].recallAt10)}`);
    console.log(`  ${label}, seed ${seed}: ${e.customers} customers  ${cells.join('   ')}`);
  }
}

// ≈ 2.86 orders per customer at the default repeat rate.
const customers = Math.round(targetOrders * (1 - DEFAULT_SYNTHETIC.repeat));
let t = performance.now();
const { orders } = syntheticBrand({ seed: 1, products, customers });
console.log(
  `\nscale: ${orders.length} orders of ${customers} customers over ${products} products ` +
    `(generated in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
);
const heapBefore = process.memoryUsage().heapUsed;
const store = createStore('bench');
let pairs = 0;
t = performance.now();
for (const o of orders) {
  const r = addOrder(store, o.productIds, o.profileId);
  if (r.ok) pairs += r.pairs;
}
const updateS = (performance.now() - t) / 1000;
let neighbours = 0;
for (const list of store.neighbours) neighbours += list.size;
console.log(
  `  update: ${(orders.length / updateS).toFixed(0)} orders/s (${updateS.toFixed(1)} s, ${pairs} pair increments, ` +
    `${neighbours} neighbour entries, ~${((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20).toFixed(0)} MB heap incl. histories)`,
);

const profiles = [...store.histories.entries()].slice(0, 20_000);
recommendFor(store, [], 10); // build the best-seller cache once, as a live processor would between orders
const latencies: number[] = [];
for (const [, items] of profiles) {
  const bought = items.map((i) => store.ids[i] as string);
  const q = performance.now();
  recommendFor(store, bought, 10);
  latencies.push(performance.now() - q);
}
latencies.sort((a, b) => a - b);
const at = (p: number) => (latencies[Math.floor(p * (latencies.length - 1))] as number).toFixed(3);
console.log(
  `  query (top 10, ${latencies.length} profiles): p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  max ${at(1)} ms`,
);

t = performance.now();
const json = JSON.stringify(toSnapshot(store));
console.log(
  `  snapshot: ${(json.length / 2 ** 20).toFixed(0)} MB JSON in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);
