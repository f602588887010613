// The scheduled prediction run at scale, and what it does to the event loop the processor shares:
// a planted brand (tests/support/planted-brand.ts: four groups, 10 % without orders) is
// written to a DuckDB file as profiles and order events with products, then one brand run reads,
// computes and writes it, once with the models in a worker thread (as the processor runs them) and
// once inline on the event loop for comparison. perf_hooks.monitorEventLoopDelay samples the loop
// every 10 ms during each run: its max is the longest the loop (event processing) was held. On a
// shared machine that includes time the thread waited for a CPU, so a 5 ms ticker also reads the
// main thread's own CPU time (/proc/thread-self/schedstat, Linux) across each gap: the longest gap
// in which the thread itself ran is what our code held the loop for.
//
//   npx tsx bench/predictions.ts [profiles=100000] [restarts=3] [compare=inline|none]
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { computePredictions } from '../ingest/predictions/compute';
import { computeOffThread, type Compute } from '../ingest/predictions/off-thread';
import { runBrandPredictions } from '../ingest/predictions/run';
import { createDuckDbWarehouse } from '../ingest/warehouse/duckdb/index';
import { plantedBrand } from '../tests/support/planted-brand';

const profiles = Number(process.argv[2] ?? 100_000);
const restarts = Number(process.argv[3] ?? 3);
const compare = process.argv[4] ?? 'inline';
const BRAND = 'brand-bench';
const asOf = new Date(Date.UTC(2025, 5, 1));
const planted = plantedBrand(BRAND, profiles, asOf);
const buyers = planted.buyers;

const SCHEDSTAT = '/proc/thread-self/schedstat';
const threadCpuMs = () => Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;

/** Gaps between 5 ms ticks: the longest, and the most main-thread CPU time spent inside one. */
function watchHolds() {
  const measured = existsSync(SCHEDSTAT);
  let last = performance.now();
  let lastCpu = measured ? threadCpuMs() : 0;
  let maxGap = 0;
  let maxHeld = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = measured ? threadCpuMs() : 0;
    maxGap = Math.max(maxGap, now - last);
    maxHeld = Math.max(maxHeld, cpu - lastCpu);
    last = now;
    lastCpu = cpu;
  }, 5);
  return () => {
    clearInterval(timer);
    return { maxGap, maxHeld: measured ? maxHeld : Number.NaN };
  };
}

const dir = await mkdtemp(join(tmpdir(), 'signalroom-bench-predictions-'));
const warehouse = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
try {
  await warehouse.migrate();
  let t = performance.now();
  let offset = 0;
  for (const batch of planted.batches) {
    offset += 1;
    await warehouse.commit({
      checkpoint: { consumer: 'bench', partition: 0, next_offset: offset },
      ...batch,
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
  }
  const seq = planted.orders;
  console.log(
    `${profiles} profiles (${buyers} buyers), ${seq} orders written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const inline: Compute = async (input, previous, options) => computePredictions(input, previous, options);
  const runs: [string, Compute][] = [['worker thread', computeOffThread]];
  if (compare === 'inline') runs.push(['inline (for comparison)', inline]);
  for (const [label, compute] of runs) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const holds = watchHolds();
    t = performance.now();
    const heap = process.memoryUsage().heapUsed;
    const run = await runBrandPredictions(
      { warehouse, compute, clock: () => new Date(), options: { restarts } },
      { brandId: BRAND, runId: `bench-${label}`, asOf },
    );
    delay.disable();
    const { maxGap, maxHeld } = holds();
    const ms = (ns: number) => (ns / 1e6).toFixed(0).padStart(6) + ' ms';
    console.log(
      `${label}: ${run.status} ${run.error ?? ''} k=${run.k} in ${((performance.now() - t) / 1000).toFixed(1)} s ` +
        `(read ${(run.timings.read_ms / 1000).toFixed(1)} s, compute ${(run.timings.compute_ms / 1000).toFixed(1)} s, write ${(run.timings.write_ms / 1000).toFixed(1)} s); ` +
        `event-loop delay p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} max ${ms(delay.max)}; ` +
        `main heap +${((process.memoryUsage().heapUsed - heap) / 1e6).toFixed(0)} MB`,
    );
    console.log(
      `  longest gap between 5 ms ticks ${maxGap.toFixed(0)} ms; most main-thread CPU inside one gap ${maxHeld.toFixed(0)} ms`,
    );
    console.log(
      `  segments: ${run.segments.map((s) => `${s.name} ${s.size}`).join(', ')}; clv refused: ${run.clv_refused ?? 'no'}`,
    );
    if (run.clv !== null) {
      const { bgnbd: bg, gamma_gamma: gg } = run.clv;
      const f = (v: number) => v.toPrecision(4);
      console.log(
        `  BG/NBD r ${f(bg.r)} α ${f(bg.alpha)} a ${f(bg.a)} b ${f(bg.b)} LL ${bg.log_likelihood.toFixed(1)} converged ${bg.converged}; ` +
          (gg === null
            ? 'no Gamma-Gamma'
            : `Gamma-Gamma p ${f(gg.p)} q ${f(gg.q)} γ ${f(gg.gamma)} converged ${gg.converged}`),
      );
    }
  }
} finally {
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
}
