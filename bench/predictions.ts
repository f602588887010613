// The scheduled prediction run at scale, and what it does to the event loop the processor shares:
// a planted brand (ingest/models/segments/synthetic.ts: four groups, 10 % without orders) is
// written to a DuckDB file as profiles and order events with products, then one brand run reads,
// computes and writes it, once with the models in a worker thread (as the processor runs them) and
// once inline on the event loop for comparison. perf_hooks.monitorEventLoopDelay samples the loop
// every 10 ms during each run: its max is the longest the loop (event processing) was held.
//
//   npx tsx bench/predictions.ts [profiles=100000] [restarts=3]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { seededRandom } from '../ingest/models/random';
import { syntheticPopulation } from '../ingest/models/segments/synthetic';
import { computePredictions } from '../ingest/predictions/compute';
import { computeOffThread, type Compute } from '../ingest/predictions/off-thread';
import { runBrandPredictions } from '../ingest/predictions/run';
import { createDuckDbWarehouse } from '../ingest/warehouse/duckdb/index';
import type { Profile, StoredEvent } from '../src/lib/shared/model';

const profiles = Number(process.argv[2] ?? 100_000);
const restarts = Number(process.argv[3] ?? 3);
const BRAND = 'brand-bench';
const DAY = 86_400_000;
const asOf = new Date(Date.UTC(2025, 5, 1));
const buyers = Math.round(profiles * 0.9);
const random = seededRandom(7);
const share = [0.15, 0.2, 0.25, 0.4];
const { population } = syntheticPopulation({
  seed: 1,
  brandId: BRAND,
  asOf: asOf.getTime(),
  noOrders: profiles - buyers,
  perGroup: {
    'recent big spenders': Math.round(buyers * share[0]!),
    'lapsed former regulars': Math.round(buyers * share[1]!),
    'one-time new buyers': Math.round(buyers * share[2]!),
    'occasional low spenders': Math.round(buyers * share[3]!),
  },
});

const iso = (ms: number) => new Date(ms).toISOString();
function profileOf(id: string, first: number, last: number, orders: number, revenue: number): Profile {
  const parts = {
    identifiers: [],
    first_seen: iso(first),
    last_seen: iso(last),
    event_count: orders,
    orders,
    revenue,
    channels: ['web' as const],
    categories: {},
    intent_score: 0,
    intent_updated_at: iso(last),
    intent_categories: {},
    intent_reasons: [],
  };
  return {
    ...parts,
    brand_id: BRAND,
    profile_id: id,
    merged_into: null,
    intent_level: 'low',
    version: 1,
    own: null,
    intent_forecast: [],
  };
}

const dir = await mkdtemp(join(tmpdir(), 'signalroom-bench-predictions-'));
const warehouse = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
try {
  await warehouse.migrate();
  let t = performance.now();
  let seq = 0;
  let offset = 0;
  let pending: { profiles: Profile[]; events: StoredEvent[] } = { profiles: [], events: [] };
  const flush = async () => {
    offset += 1;
    await warehouse.commit({
      checkpoint: { consumer: 'bench', partition: 0, next_offset: offset },
      ...pending,
      links: [],
      merges: [],
      kpis: [],
      alerts: [],
      rejected: [],
      counters: [],
      spend: [],
      campaigns: [],
      touches: [],
      silences: [],
    });
    pending = { profiles: [], events: [] };
  };
  for (const c of population.customers) {
    const first = c.firstOrderAt ?? asOf.getTime() - 10 * DAY;
    const last = c.lastOrderAt ?? first;
    pending.profiles.push(profileOf(c.profileId, first, last, c.orders, c.revenue));
    for (let k = 0; k < c.orders; k++) {
      // First and last as planted, the ones between at random (buying is not clockwork).
      const at = k === 0 ? first : k === c.orders - 1 ? last : first + (last - first) * random();
      const p = (seq * 7919) % 2000;
      seq += 1;
      pending.events.push({
        brand_id: BRAND,
        event_id: `o${String(seq).padStart(9, '0')}`,
        source: 'csv',
        source_event_id: `order:${seq}`,
        type: 'order_completed',
        name: 'Order Completed',
        channel: 'web',
        profile_id: c.profileId,
        timestamp: iso(Math.floor(at / 1000) * 1000),
        received_at: iso(asOf.getTime()),
        revenue: c.revenue / c.orders,
        category: null,
        // Product p and its planted complement p + 1 often together, plus one of the 2,000 by chance.
        properties: {
          order_items: [
            { product_id: `sku-${p - (p % 2)}` },
            { product_id: `sku-${p - (p % 2) + 1}` },
            { product_id: `sku-${(seq * 31) % 2000}` },
          ],
        },
      });
    }
    if (pending.events.length >= 20_000) await flush();
  }
  await flush();
  console.log(
    `${profiles} profiles (${buyers} buyers), ${seq} orders written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const inline: Compute = async (input, previous, options) => computePredictions(input, previous, options);
  for (const [label, compute] of [
    ['worker thread', computeOffThread],
    ['inline (for comparison)', inline],
  ] as const) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    t = performance.now();
    const heap = process.memoryUsage().heapUsed;
    const run = await runBrandPredictions(
      { warehouse, compute, clock: () => new Date(), options: { restarts } },
      { brandId: BRAND, runId: `bench-${label}`, asOf },
    );
    delay.disable();
    const ms = (ns: number) => (ns / 1e6).toFixed(0).padStart(6) + ' ms';
    console.log(
      `${label}: ${run.status} ${run.error ?? ''} k=${run.k} in ${((performance.now() - t) / 1000).toFixed(1)} s ` +
        `(read ${(run.timings.read_ms / 1000).toFixed(1)} s, compute ${(run.timings.compute_ms / 1000).toFixed(1)} s, write ${(run.timings.write_ms / 1000).toFixed(1)} s); ` +
        `event-loop delay p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} max ${ms(delay.max)}; ` +
        `main heap +${((process.memoryUsage().heapUsed - heap) / 1e6).toFixed(0)} MB`,
    );
    console.log(
      `  segments: ${run.segments.map((s) => `${s.name} ${s.size}`).join(', ')}; clv refused: ${run.clv_refused ?? 'no'}`,
    );
  }
} finally {
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
}
