// The production deployment, end to end, on this machine: a private Kafka
// broker and ClickHouse server (their own ports and run dirs, so tests are
// never disturbed), the ingest, processor and dashboard roles as separate
// processes, and tracking traffic posted to /v1/batch for several brands.
// In one run it measures:
//   1. steady     an offered load of --rate events/s for --seconds: the
//                 processed rate, and the latency from each batch's HTTP 2xx to
//                 the first Socket.IO kpi push that reflects it (p50, p99);
//   2. capacity   the most the pipeline sustains (closed loop, backlog bounded);
//   3. sustainable  if --rate was not sustained: latency at 80 % of capacity;
//   4. baselines  Kafka's ProducerPerformance (acks=all, records the size of
//                 our events.raw messages) and a raw JSONEachRow INSERT of the
//                 same event rows, on the same broker and server;
// and checks the targets: end to end >= half the slower baseline, p99 < 1 s at --rate.
// Everything it started is stopped at the end, on failure and on Ctrl-C.
//
//   npx tsx bench/production.ts [--rate 5000] [--seconds 30] [--brands 4] [--batch 100]
//                               [--perf-records 200000]
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createBrandRegistry } from '../ingest/brands/registry';
import { TOPICS } from '../src/lib/shared/topics';
import { clickhouseRawInsert, kafkaProducerPerf, meanMessageBytes } from './support/baselines';
import { createCleanup, stopOnSignals } from './support/cleanup';
import { driveSaturated, driveSteady, type DriveResult, type Traffic } from './support/drivers';
import { connectLiveLatency, quantile } from './support/live-latency';
import {
  between,
  insertsByTable,
  snapshot,
  type Components,
  type TableInserts,
  type Window,
} from './support/observe';
import { loadAverage, sleep } from './support/processes';
import { processorHealth, startRole } from './support/roles';
import { startClickHouse, startKafka } from './support/services';
import type { BenchBrand } from './support/traffic';

interface Options {
  rate: number;
  seconds: number;
  brands: number;
  batch: number;
  perfRecords: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { rate: 5000, seconds: 30, brands: 4, batch: 100, perfRecords: 200_000 };
  const names: Record<string, keyof Options> = {
    '--rate': 'rate',
    '--seconds': 'seconds',
    '--brands': 'brands',
    '--batch': 'batch',
    '--perf-records': 'perfRecords',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const name = names[argv[i]!];
    const value = Number(argv[i + 1]);
    if (!name || !Number.isFinite(value) || value <= 0)
      throw new Error(
        `usage: npx tsx bench/production.ts [--rate N] [--seconds N] [--brands N] [--batch N] [--perf-records N]`,
      );
    options[name] = value;
  }
  return options;
}

const repo = resolve(import.meta.dirname, '..');
const log = (line: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const pct = (share: number) => `${Math.round(share * 100)} %`;

interface PhaseReport {
  drive: DriveResult;
  window: Window;
  /** The phase's INSERTs by table (ClickHouse's query log), and their time per processor commit. */
  inserts: TableInserts[];
  insertMsPerCommit: number;
  /** Events accepted but not processed when the offered window ended. */
  backlogAtEnd: number;
  /** Seconds after the window until the processor had every accepted event. */
  drainSeconds: number;
  latency: {
    batches: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    unreflected: number;
    overlapped: number;
  };
  requestMs: { p50: number; p99: number };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cleanup = createCleanup(log);
  stopOnSignals(cleanup, log);
  const runDir = join(repo, '.cache/bench-production');
  const dataDir = join(runDir, 'data');
  const loadAtStart = await loadAverage();
  const startedAt = new Date().toISOString();
  try {
    await rm(runDir, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true });

    log('starting a private Kafka broker and ClickHouse server');
    const [kafka, ch] = await Promise.all([
      startKafka(repo, join(repo, '.cache/kafka/run-bench'), cleanup),
      startClickHouse(repo, join(repo, '.cache/clickhouse/run-bench'), cleanup),
    ]);
    log(`Kafka ${kafka.brokers}, ClickHouse ${ch.url}`);

    // Brands before the roles start; no rate limit in the way of the pipeline's ceiling.
    const registry = await createBrandRegistry({ file: join(dataDir, 'brands.json') });
    const brands: BenchBrand[] = [];
    for (let b = 1; b <= options.brands; b++) {
      const created = await registry.create(`bench-${b}`, `Bench ${b}`, {
        rate_limit: { events_per_second: 1e6, burst: 1e6 },
      });
      brands.push({ brand_id: created.brand_id, write_key: created.write_key, read_key: created.read_key });
    }

    log('starting the roles');
    const roleEnvironment = { repo, dataDir, kafkaBrokers: kafka.brokers, clickhouseUrl: ch.url };
    const processor = await startRole('processor', roleEnvironment, cleanup);
    const [ingest, dashboard] = await Promise.all([
      startRole('ingest', roleEnvironment, cleanup),
      startRole('dashboard', roleEnvironment, cleanup),
    ]);
    const components: Components = {
      groups: {
        ingest: ingest.child.pid,
        processor: processor.child.pid,
        dashboard: dashboard.child.pid,
        clickhouse: ch.pid,
        // setsid made the broker its own group.
        kafka: kafka.pid,
      },
      processorUrl: processor.url,
      clickhouseUrl: ch.url,
    };

    const live = await connectLiveLatency(dashboard.url, brands);
    cleanup.add('sockets', async () => live.close());
    const traffic: Traffic = {
      ingestUrl: ingest.url,
      brands,
      batchSize: options.batch,
      live,
      next: new Map(),
      accepted: { events: 0 },
    };
    let processed = 0;
    const poller = setInterval(() => {
      processorHealth(processor.url).then(
        (health) => (processed = health.messages),
        () => undefined,
      );
    }, 200);
    cleanup.add('poller', async () => clearInterval(poller));

    async function waitForDrain(limitSeconds: number): Promise<number> {
      const started = performance.now();
      while (performance.now() - started < limitSeconds * 1000) {
        processed = (await processorHealth(processor.url)).messages;
        if (processed >= traffic.accepted.events) break;
        await sleep(100);
      }
      return (performance.now() - started) / 1000;
    }

    async function phase(name: string, drive: () => Promise<DriveResult>): Promise<PhaseReport> {
      const start = await snapshot(components);
      const result = await drive();
      const end = await snapshot(components);
      const backlogAtEnd = traffic.accepted.events - end.processor.messages;
      const drainSeconds = await waitForDrain(180);
      // The last pushes trail the processor's commit by a live.updates hop.
      const settle = performance.now();
      while (live.unreflected(name) > 0 && performance.now() - settle < 10_000) await sleep(50);
      const latencies = live.latencies(name);
      const window = between(start, end);
      await sleep(1500); // the query log is flushed every second
      const inserts = await insertsByTable(ch.url, start, end);
      const commits = end.processor.commits - start.processor.commits;
      const report: PhaseReport = {
        drive: result,
        window,
        inserts,
        insertMsPerCommit: commits > 0 ? inserts.reduce((ms, t) => ms + t.totalMs, 0) / commits : 0,
        backlogAtEnd,
        drainSeconds,
        latency: {
          batches: latencies.length,
          p50: quantile(latencies, 0.5),
          p90: quantile(latencies, 0.9),
          p99: quantile(latencies, 0.99),
          max: quantile(latencies, 1),
          unreflected: live.unreflected(name),
          overlapped: live.overlapped(name),
        },
        requestMs: { p50: quantile(result.requestMs, 0.5), p99: quantile(result.requestMs, 0.99) },
      };
      log(`${name}: ${describePhase(report)}`);
      return report;
    }

    log('warm-up: 10 s at a tenth of the rate (topics, JIT, brand state)');
    await phase('warmup', () =>
      driveSteady(traffic, { phase: 'warmup', rate: options.rate / 10, seconds: 10 }),
    );

    log(`steady: ${options.rate} events/s for ${options.seconds} s`);
    const steady = await phase('steady', () =>
      driveSteady(traffic, { phase: 'steady', rate: options.rate, seconds: options.seconds }),
    );
    const steadySustained =
      steady.drive.acceptedEvents / steady.drive.seconds >= 0.95 * options.rate &&
      steady.window.processedPerSecond >= 0.95 * options.rate &&
      steady.backlogAtEnd <= options.rate;

    log(`capacity: saturating for ${options.seconds} s`);
    const capacity = await phase('capacity', () =>
      driveSaturated(traffic, {
        phase: 'capacity',
        seconds: options.seconds,
        concurrency: 8,
        maxBacklog: 20_000,
        processed: () => processed,
      }),
    );
    const endToEnd = capacity.window.processedPerSecond;

    let sustainable: PhaseReport | undefined;
    if (!steadySustained) {
      const rate = Math.round(0.8 * endToEnd);
      log(`sustainable: ${rate} events/s (80 % of capacity) for ${options.seconds} s`);
      sustainable = await phase('sustainable', () =>
        driveSteady(traffic, { phase: 'sustainable', rate, seconds: options.seconds }),
      );
    }

    const status = await Promise.all(
      brands.map(async (brand) => {
        const response = await fetch(`${dashboard.url}/api/v1/status`, {
          headers: { authorization: `Bearer ${brand.read_key}` },
        });
        return { brand: brand.brand_id, status: response.status, body: (await response.json()) as unknown };
      }),
    );
    const afterRun = await processorHealth(processor.url);

    log('baseline: ClickHouse raw JSONEachRow insert of the same event rows');
    const rawInsert = await clickhouseRawInsert({
      url: ch.url,
      source: 'signalroom.events',
      target: 'bench_baseline.events',
      maxRows: 200_000,
      batchRows: Math.max(1, Math.round(capacity.window.eventsPerCommit)),
    });
    log(
      `  ${round(rawInsert.rowsPerSecond)} rows/s (${rawInsert.inserts} inserts of ${rawInsert.batchRows})`,
    );

    log('baseline: Kafka ProducerPerformance');
    const recordBytes = await meanMessageBytes(kafka.brokers, TOPICS.eventsRaw, 5000);
    const producerPerf = await kafkaProducerPerf({
      repo,
      brokers: kafka.brokers,
      topic: 'bench-producer-perf',
      partitions: 12,
      records: options.perfRecords,
      recordBytes,
    });
    log(`  ${producerPerf.line}`);

    const cpuPerEvent: Record<string, number> = {};
    for (const [name, c] of Object.entries(capacity.window.cores))
      cpuPerEvent[name] = cpuMicrosPerEvent(name, c.cpu, capacity);
    const stackMicros = Object.entries(cpuPerEvent)
      .filter(([name]) => name !== 'bench driver')
      .reduce((sum, [, micros]) => sum + micros, 0);
    const cores = cpus().length;
    const slower = Math.min(producerPerf.recordsPerSecond, rawInsert.rowsPerSecond);
    const latencyPhase = steadySustained ? steady : sustainable!;
    const result = {
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      options,
      load_average: { start: loadAtStart, end: await loadAverage() },
      cores,
      steady_sustained: steadySustained,
      phases: { steady, capacity, ...(sustainable && { sustainable }) },
      end_to_end_events_per_second: endToEnd,
      cpu_per_event_us: cpuPerEvent,
      // What the CPU cost alone allows: the processor's event loop with a core to itself, and
      // the whole stack (driver excluded) with the machine's cores to itself.
      ceilings_from_cpu: {
        processor_on_one_core: 1e6 / (cpuPerEvent['processor'] ?? Number.NaN),
        stack_on_all_cores: (cores * 1e6) / stackMicros,
      },
      baselines: {
        kafka_producer_perf: { ...producerPerf, record_bytes: round(recordBytes) },
        clickhouse_raw_insert: rawInsert,
      },
      ratios: {
        end_to_end_vs_kafka: endToEnd / producerPerf.recordsPerSecond,
        end_to_end_vs_clickhouse: endToEnd / rawInsert.rowsPerSecond,
        end_to_end_vs_slower: endToEnd / slower,
      },
      targets: {
        throughput_at_least_half_slower_baseline: endToEnd >= slower / 2,
        p99_under_1s_at_rate:
          steadySustained && steady.latency.p99 < 1000 && steady.latency.unreflected === 0,
      },
      read_api_status: status,
      processor_after_run: afterRun,
      latency_phase: latencyPhase.drive.phase,
    };
    await writeFile(join(runDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    printSummary(result, options);
  } finally {
    log('stopping everything the benchmark started');
    await cleanup.stopAll();
  }
}

/**
 * CPU time a component spent per event it handled in the phase: the ingest and
 * the driver per event accepted, the others per event processed (the two
 * differ while a backlog builds or drains).
 */
function cpuMicrosPerEvent(name: string, cores: number, report: PhaseReport): number {
  const perSecond = ['ingest', 'bench driver'].includes(name)
    ? report.drive.acceptedEvents / report.drive.seconds
    : report.window.processedPerSecond;
  return perSecond > 0 ? (cores * 1e6) / perSecond : Number.NaN;
}

function describePhase(report: PhaseReport): string {
  const w = report.window;
  const { latency } = report;
  return [
    `offered ${round(report.drive.sentEvents / report.drive.seconds)}/s`,
    `accepted ${round(report.drive.acceptedEvents / report.drive.seconds)}/s`,
    `processed ${round(w.processedPerSecond)}/s`,
    `backlog at end ${report.backlogAtEnd}, drained in ${round(report.drainSeconds, 1)} s`,
    `push latency p50 ${round(latency.p50)} ms p99 ${round(latency.p99)} ms (${latency.batches} batches, ${latency.unreflected} unreflected, ${latency.overlapped} overlapped)`,
    `HTTP p50 ${round(report.requestMs.p50)} ms p99 ${round(report.requestMs.p99)} ms, failures ${JSON.stringify(report.drive.failures)}`,
    `commits ${round(w.commitsPerSecond, 1)}/s of ${round(w.eventsPerCommit)} events, CH ${round(w.clickhouseInsertsPerSecond, 1)} inserts/s of ${round(w.clickhouseRowsPerInsert)} rows`,
    `commit: ${round(1000 / Math.max(w.commitsPerSecond, 1e-9))} ms apart, ${round(report.insertMsPerCommit)} ms of it in ClickHouse INSERTs (${report.inserts
      .map((t) => `${t.table} ${round(t.meanMs)} ms`)
      .join(', ')})`,
    `cores used (on CPU / waiting for one): ${Object.entries(w.cores)
      .map(([name, c]) => `${name} ${round(c.cpu, 2)}/${round(c.waiting, 2)}`)
      .join(', ')}; machine ${round(w.machineBusy * 100)} % busy`,
    `CPU per event (ingest, driver: accepted; others: processed): ${Object.entries(w.cores)
      .map(([name, c]) => `${name} ${round(cpuMicrosPerEvent(name, c.cpu, report))} µs`)
      .join(', ')}`,
    `event loop (on CPU / waiting for one / off CPU): ${(['processor', 'ingest'] as const)
      .map((name) => {
        const t = w.mainThread[name] ?? { cpu: 0, waiting: 0 };
        return `${name} ${pct(t.cpu)}/${pct(t.waiting)}/${pct(Math.max(0, 1 - t.cpu - t.waiting))}`;
      })
      .join(', ')}`,
  ].join('\n    ');
}

function printSummary(
  result: {
    load_average: { start: string; end: string };
    steady_sustained: boolean;
    phases: { steady: PhaseReport; capacity: PhaseReport; sustainable?: PhaseReport };
    end_to_end_events_per_second: number;
    cpu_per_event_us: Record<string, number>;
    ceilings_from_cpu: { processor_on_one_core: number; stack_on_all_cores: number };
    baselines: {
      kafka_producer_perf: { recordsPerSecond: number; record_bytes: number };
      clickhouse_raw_insert: { rowsPerSecond: number; batchRows: number };
    };
    ratios: { end_to_end_vs_kafka: number; end_to_end_vs_clickhouse: number; end_to_end_vs_slower: number };
    targets: { throughput_at_least_half_slower_baseline: boolean; p99_under_1s_at_rate: boolean };
  },
  options: Options,
): void {
  const { steady, sustainable } = result.phases;
  const lines = [
    '',
    `production benchmark: ${options.brands} brands, /v1/batch of ${options.batch}, load average ${result.load_average.start} -> ${result.load_average.end}`,
    `  at ${options.rate} events/s offered: ${result.steady_sustained ? 'sustained' : 'NOT sustained'}; processed ${round(steady.window.processedPerSecond)}/s; push latency p50 ${round(steady.latency.p50)} ms, p99 ${round(steady.latency.p99)} ms`,
    ...(sustainable
      ? [
          `  at ${round(sustainable.drive.sentEvents / sustainable.drive.seconds)} events/s (80 % of capacity): processed ${round(sustainable.window.processedPerSecond)}/s; p50 ${round(sustainable.latency.p50)} ms, p99 ${round(sustainable.latency.p99)} ms`,
        ]
      : []),
    `  end to end (capacity):  ${round(result.end_to_end_events_per_second)} events/s`,
    `  CPU per event at capacity: ${Object.entries(result.cpu_per_event_us)
      .map(([name, micros]) => `${name} ${round(micros)} µs`)
      .join(', ')}`,
    `  what the CPU cost alone allows: processor on a core of its own ${round(result.ceilings_from_cpu.processor_on_one_core)} events/s, the stack on every core ${round(result.ceilings_from_cpu.stack_on_all_cores)} events/s`,
    `  Kafka ProducerPerformance (acks=all, ${result.baselines.kafka_producer_perf.record_bytes} B): ${round(result.baselines.kafka_producer_perf.recordsPerSecond)} records/s (ratio ${result.ratios.end_to_end_vs_kafka.toFixed(3)})`,
    `  ClickHouse raw JSONEachRow insert (${result.baselines.clickhouse_raw_insert.batchRows} rows/insert): ${round(result.baselines.clickhouse_raw_insert.rowsPerSecond)} rows/s (ratio ${result.ratios.end_to_end_vs_clickhouse.toFixed(3)})`,
    `  target end to end >= half the slower baseline: ${result.targets.throughput_at_least_half_slower_baseline ? 'met' : 'NOT met'} (ratio ${result.ratios.end_to_end_vs_slower.toFixed(3)})`,
    `  target p99 < 1 s at ${options.rate} events/s: ${result.targets.p99_under_1s_at_rate ? 'met' : 'NOT met'}`,
    `  full result: .cache/bench-production/result.json`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
