// One brand's prediction run: read the input (input.ts), compute it (off the event loop: the
// caller passes computeOffThread), write every profile's scores in chunks, then the run record.
//
// Idempotent by run id: scores are upserts keyed by (brand, profile) carrying the run id and the
// run's time as their version, and the record is an upsert by (brand, run id), written last. A run
// cut short and run again with the same id and time rewrites the same rows; one cut short and never
// repeated leaves no record, and its rows are replaced by the next run's (segmentMembers reads one
// run id, so a page never mixes runs). A failure is a run record with status 'failed' and the error.
import type {
  CustomerPrediction,
  PredictionRun,
  PredictionRunNotice,
} from '../../src/lib/shared/predictions';
import type { Warehouse } from '../warehouse/types';
import { textAt } from './columns';
import type { ComputedColumns, ComputeOptions, PreviousRun } from './compute';
import { readPredictionInput } from './input';
import type { Compute } from './off-thread';

/** Rows per savePredictions call: one INSERT of ~1 MB on ClickHouse, one staged move on DuckDB. */
export const WRITE_CHUNK = 2_000;
const PREVIOUS_PAGE = 10_000;

export interface RunRequest {
  brandId: string;
  runId: string;
  /** The run's reference time, whole seconds (ClickHouse DateTime keeps no more). */
  asOf: Date;
  /** Store a 'not_enough_buyers' outcome (default); the scheduler's quiet rechecks do not. */
  recordRefusal?: boolean;
}

export interface RunDeps {
  warehouse: Warehouse;
  compute: Compute;
  clock: () => Date;
  options?: ComputeOptions;
}

const nullIfNaN = (value: number): number | null => (Number.isNaN(value) ? null : value);
const nullIfZero = (value: number): number | null => (value === 0 ? null : value);

type ProductNames = Map<string, { name: string; at: number }>;

/** The recommendation with the names of its product and of what it was bought with, where known. */
function labelled(
  recommendation: CustomerPrediction['recommendations'][number],
  names: ProductNames,
): CustomerPrediction['recommendations'][number] {
  const labels: Record<string, string> = {};
  for (const id of [recommendation.product_id, ...recommendation.because]) {
    const name = names.get(id)?.name;
    if (name !== undefined) labels[id] = name;
  }
  return { ...recommendation, labels };
}

function rowOf(
  c: ComputedColumns,
  i: number,
  profileId: string,
  request: RunRequest,
  names: ProductNames,
): CustomerPrediction {
  return {
    brand_id: request.brandId,
    profile_id: profileId,
    run_id: request.runId,
    computed_at: request.asOf.toISOString(),
    orders: c.orders[i] as number,
    revenue: c.revenue[i] as number,
    recency_days: nullIfNaN(c.recency[i] as number),
    r: nullIfZero(c.r[i] as number),
    f: nullIfZero(c.f[i] as number),
    m: nullIfZero(c.m[i] as number),
    segment: c.segmentNames[c.segment[i] as number] as string,
    churn_probability: nullIfNaN(c.churn[i] as number),
    p_alive: nullIfNaN(c.pAlive[i] as number),
    expected_purchases_12m: nullIfNaN(c.expectedPurchases[i] as number),
    predicted_value_12m: nullIfNaN(c.predictedValue[i] as number),
    recommendations: (JSON.parse(textAt(c.recommendations, i)) as CustomerPrediction['recommendations']).map(
      (recommendation) => labelled(recommendation, names),
    ),
  };
}

/** The latest ok run other than `runId`, and its assignments (for drift). */
async function previousRun(
  warehouse: Warehouse,
  brandId: string,
  runId: string,
): Promise<PreviousRun | null> {
  const runs = await warehouse.predictionRuns(brandId, 50);
  const last = runs.find((r) => r.status === 'ok' && r.run_id !== runId);
  if (!last) return null;
  const assignments: PreviousRun['assignments'] = [];
  for (let after: string | null = null; ;) {
    const page = await warehouse.segmentMembers(brandId, {
      runId: last.run_id,
      segment: null,
      after,
      limit: PREVIOUS_PAGE,
    });
    for (const p of page) assignments.push({ profileId: p.profile_id, segment: p.segment });
    if (page.length < PREVIOUS_PAGE) break;
    after = page[page.length - 1]!.profile_id;
  }
  return { runId: last.run_id, assignments };
}

export async function runBrandPredictions(deps: RunDeps, request: RunRequest): Promise<PredictionRun> {
  const { warehouse, clock } = deps;
  if (request.asOf.getTime() % 1000 !== 0) throw new RangeError('asOf must be a whole second');
  const started = request.asOf.toISOString();
  const t0 = performance.now();
  const timings = { read_ms: 0, compute_ms: 0, write_ms: 0 };
  const base = { brand_id: request.brandId, run_id: request.runId, started_at: started };
  // A run id that already finished is done: running it again would only move its drift baseline.
  const done = (await warehouse.predictionRuns(request.brandId, 50)).find(
    (r) => r.run_id === request.runId && r.status === 'ok',
  );
  if (done) return done;
  let record: PredictionRun;
  try {
    const names: ProductNames = new Map();
    const input = await readPredictionInput(
      warehouse,
      request.brandId,
      request.asOf.getTime(),
      undefined,
      names,
    );
    const previous = await previousRun(warehouse, request.brandId, request.runId);
    const profileIds = input.profileIds;
    const t1 = performance.now();
    timings.read_ms = t1 - t0;
    const { summary, columns } = await deps.compute(input, previous, deps.options ?? {});
    const t2 = performance.now();
    timings.compute_ms = t2 - t1;
    if (columns !== null) {
      let chunk: CustomerPrediction[] = [];
      for (let i = 0; i < profileIds.length; i++) {
        if (columns.included[i] !== 1) continue;
        chunk.push(rowOf(columns, i, profileIds[i] as string, request, names));
        if (chunk.length >= WRITE_CHUNK) {
          await warehouse.savePredictions(chunk);
          chunk = [];
        }
      }
      if (chunk.length > 0) await warehouse.savePredictions(chunk);
    }
    timings.write_ms = performance.now() - t2;
    record = { ...base, ...summary, finished_at: clock().toISOString(), timings };
  } catch (error) {
    record = {
      ...base,
      finished_at: clock().toISOString(),
      status: 'failed',
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      customers: 0,
      buyers: 0,
      k: null,
      silhouette: null,
      silhouettes: [],
      segments: [],
      drift: null,
      clv: null,
      clv_refused: null,
      excluded: [],
      orders: 0,
      orders_with_products: 0,
      timings,
    };
  }
  if (record.status !== 'not_enough_buyers' || request.recordRefusal !== false) {
    await warehouse.savePredictionRun(record);
  }
  return record;
}

/** What the live push carries (the Segments page reloads the rest). */
export function runNotice(run: PredictionRun): PredictionRunNotice {
  return {
    run_id: run.run_id,
    started_at: run.started_at,
    finished_at: run.finished_at,
    status: run.status,
    error: run.error,
    customers: run.customers,
    buyers: run.buyers,
    k: run.k,
    segments: run.segments.map((s) => ({ name: s.name, size: s.size })),
  };
}
