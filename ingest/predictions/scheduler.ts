// The scheduled prediction runs, in the processor role. Every `checkMs` (and once at start) it
// looks at each brand this processor owns (its events.raw partition is assigned here) and runs
// the brand when its latest run is older than the brand's `predictions.recompute_hours`, or when it
// has none. Brands run one at a time, the computation in a worker thread (off-thread.ts).
//
// A brand with too few buyers is recorded once as 'not_enough_buyers' and then checked again every
// RECHECK_MS without a new record until it has enough, so a new brand (the demo) gets results
// minutes after its first orders instead of after a whole interval. A failed run is a record with
// status 'failed' and is retried after RECHECK_MS too; both are counted in stats().
import type { LiveMessage } from '../../src/lib/shared/live';
import type { PredictionRun } from '../../src/lib/shared/predictions';
import type { BrandRegistry } from '../brands/types';
import type { Warehouse } from '../warehouse/types';
import type { ComputeOptions } from './compute';
import type { Compute } from './off-thread';
import { runBrandPredictions, runNotice } from './run';

export const DEFAULT_CHECK_MS = 60_000;
export const RECHECK_MS = 60_000;
/**
 * A recheck counts from when its attempt started, less this: the minute timer's next tick comes
 * about RECHECK_MS after the tick that made the attempt, and must not miss it by the attempt's
 * own duration (which made every recheck take two minutes).
 */
export const RECHECK_SLACK_MS = 5_000;

export interface PredictionSchedulerDeps {
  warehouse: Warehouse;
  brands: BrandRegistry;
  /** Whether this processor owns the brand now (its events.raw partition is assigned here). */
  owns: (brandId: string) => Promise<boolean>;
  compute: Compute;
  clock: () => Date;
  publish: (messages: LiveMessage[]) => Promise<void>;
  checkMs?: number;
  options?: ComputeOptions;
}

export interface PredictionStats {
  runs: number;
  ok: number;
  notEnoughBuyers: number;
  failed: number;
  /** Errors outside a run (reading the schedule, publishing); each run's own is in its record. */
  errors: number;
  running: string | null;
  lastError: string | null;
}

export interface PredictionScheduler {
  start(): void;
  stop(): Promise<void>;
  /** One pass over the owned brands now (the timer calls it). */
  check(): Promise<void>;
  /** Runs one brand now, whatever its schedule (tests, operators); `runId` defaults to one made from the time. */
  runNow(brandId: string, request?: { runId?: string; asOf?: Date }): Promise<PredictionRun>;
  stats(): PredictionStats;
}

const wholeSecond = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);

export function runIdFor(asOf: Date): string {
  return `run-${asOf.toISOString().replace(/[-:]/g, '').replace('.000', '')}`;
}

export function createPredictionScheduler(deps: PredictionSchedulerDeps): PredictionScheduler {
  const stats: PredictionStats = {
    runs: 0,
    ok: 0,
    notEnoughBuyers: 0,
    failed: 0,
    errors: 0,
    running: null,
    lastError: null,
  };
  /** Brands refused or failed in this process: the next attempt's time, without a new record before it. */
  const recheckAt = new Map<string, number>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;

  function serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  }

  async function runOne(
    brandId: string,
    runId: string,
    asOf: Date,
    recordRefusal = true,
  ): Promise<PredictionRun> {
    stats.running = brandId;
    try {
      const run = await runBrandPredictions(
        { warehouse: deps.warehouse, compute: deps.compute, clock: deps.clock, options: deps.options },
        { brandId, runId, asOf, recordRefusal },
      );
      stats.runs += 1;
      if (run.status === 'ok') stats.ok += 1;
      else if (run.status === 'not_enough_buyers') stats.notEnoughBuyers += 1;
      else {
        stats.failed += 1;
        stats.lastError = `${brandId}: ${run.error}`;
      }
      await deps
        .publish([{ brand_id: brandId, event: 'predictions', payload: runNotice(run) }])
        .catch((error: unknown) => countError(error));
      return run;
    } finally {
      stats.running = null;
    }
  }

  function countError(error: unknown): void {
    stats.errors += 1;
    stats.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }

  async function checkBrand(brandId: string, intervalMs: number): Promise<void> {
    if (!(await deps.owns(brandId))) return;
    const now = deps.clock().getTime();
    const waitUntil = recheckAt.get(brandId);
    if (waitUntil !== undefined && now < waitUntil) return;
    const [latest] = await deps.warehouse.predictionRuns(brandId, 1);
    const due = latest === undefined || now - Date.parse(latest.started_at) >= intervalMs;
    if (!due && latest?.status === 'ok') return;
    const asOf = wholeSecond(deps.clock());
    const run = await runOne(brandId, runIdFor(asOf), asOf, latest?.status !== 'not_enough_buyers');
    if (run.status === 'ok') recheckAt.delete(brandId);
    else recheckAt.set(brandId, now + RECHECK_MS - RECHECK_SLACK_MS);
  }

  async function check(): Promise<void> {
    for (const brand of deps.brands.list()) {
      if (stopped) return;
      try {
        await checkBrand(brand.brand_id, brand.settings.predictions.recompute_hours * 3_600_000);
      } catch (error) {
        countError(error); // the next check tries again
      }
    }
  }

  return {
    start() {
      if (timer) return;
      void serialize(check);
      timer = setInterval(() => void serialize(check), deps.checkMs ?? DEFAULT_CHECK_MS);
      timer.unref?.();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await queue;
    },
    check: () => serialize(check),
    runNow: (brandId, request = {}) =>
      serialize(() => {
        const asOf = wholeSecond(request.asOf ?? deps.clock());
        return runOne(brandId, request.runId ?? runIdFor(asOf), asOf);
      }),
    stats: () => ({ ...stats }),
  };
}
