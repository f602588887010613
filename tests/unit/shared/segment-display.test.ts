// The Segments page's pure pieces: sizes over time across stored runs (refused and failed runs
// left out, segments that come and go read 0), the largest moves of a drift (stays left out),
// the centroid's columns with their units, and which run is shown.
import { describe, expect, it } from 'vitest';
import type { PredictionRun } from '../../../src/lib/shared/predictions';
import {
  CENTROID_COLUMNS,
  centroidColumns,
  latestRuns,
  sizesOverTime,
  topMoves,
} from '../../../src/lib/shared/segment-display';
import { runRecord } from '../../support/segment-scenario';

const run = (id: string, day: number, sizes: Array<[string, number]>, fields: Partial<PredictionRun> = {}) =>
  runRecord('brand-a', id, `2026-03-0${day}T06:00:00.000Z`, {
    segments: sizes.map(([name, size]) => ({ name, size, share: 0, centroid: null })),
    ...fields,
  });

const refused = run('r-refused', 4, [], {
  status: 'not_enough_buyers',
  error: 'not enough buyers (n = 3 < 20)',
});
const failed = run('r-failed', 3, [], { status: 'failed', error: 'worker exited' });
// Newest first, as predictionRuns returns them.
const RUNS = [
  refused,
  run('r3', 3, [
    ['occasional', 2],
    ['champions', 5],
    ['at risk', 5],
  ]),
  failed,
  run('r2', 2, [
    ['champions', 4],
    ['new', 3],
  ]),
  run('r1', 1, [
    ['champions', 2],
    ['lapsed', 1],
  ]),
];

describe('sizesOverTime', () => {
  it('gives one point per ok run, oldest first, every name in every point', () => {
    const series = sizesOverTime(RUNS);
    // The newest ok run's largest first (ties by name), then names only older runs had.
    expect(series.names).toEqual(['at risk', 'champions', 'occasional', 'lapsed', 'new']);
    expect(series.points).toEqual([
      {
        run_id: 'r1',
        started_at: '2026-03-01T06:00:00.000Z',
        sizes: { 'at risk': 0, champions: 2, occasional: 0, lapsed: 1, new: 0 },
        total: 3,
      },
      {
        run_id: 'r2',
        started_at: '2026-03-02T06:00:00.000Z',
        sizes: { 'at risk': 0, champions: 4, occasional: 0, lapsed: 0, new: 3 },
        total: 7,
      },
      {
        run_id: 'r3',
        started_at: '2026-03-03T06:00:00.000Z',
        sizes: { 'at risk': 5, champions: 5, occasional: 2, lapsed: 0, new: 0 },
        total: 12,
      },
    ]);
  });

  it('is empty without ok runs', () => {
    expect(sizesOverTime([])).toEqual({ names: [], points: [] });
    expect(sizesOverTime([refused, failed])).toEqual({ names: [], points: [] });
  });
});

describe('latestRuns', () => {
  it('shows the newest ok run and keeps the newest run for its status', () => {
    const { latest, current } = latestRuns(RUNS);
    expect(latest?.run_id).toBe('r-refused');
    expect(current?.run_id).toBe('r3');
    expect(latestRuns([])).toEqual({ latest: null, current: null });
    expect(latestRuns([failed]).current).toBeNull();
  });
});

describe('topMoves', () => {
  it('leaves stays out and orders by count, ties by names', () => {
    const moves = [
      { from: 'champions', to: 'champions', count: 40 },
      { from: 'occasional', to: 'at risk', count: 3 },
      { from: 'at risk', to: 'champions', count: 12 },
      { from: '(entered)', to: 'new', count: 3 },
      { from: 'new', to: '(left)', count: 1 },
      { from: 'new', to: 'occasional', count: 0 },
    ];
    expect(topMoves(moves, 3)).toEqual([
      { from: 'at risk', to: 'champions', count: 12 },
      { from: '(entered)', to: 'new', count: 3 },
      { from: 'occasional', to: 'at risk', count: 3 },
    ]);
    expect(topMoves(moves, 10)).toHaveLength(4);
    expect(topMoves([], 5)).toEqual([]);
  });
});

describe('centroidColumns', () => {
  it('labels every stored key with its unit, unknown keys after the known ones', () => {
    const columns = centroidColumns([
      { name: 'a', size: 1, share: 1, centroid: { recency: 3, zeta: 1, alpha: 2 } },
      { name: 'no orders', size: 1, share: 0, centroid: null },
    ]);
    expect(columns.map((c) => c.key)).toEqual([...CENTROID_COLUMNS.map((c) => c.key), 'alpha', 'zeta']);
    expect(columns.find((c) => c.key === 'recency')?.unit).toBe('days since last order');
    expect(columns.find((c) => c.key === 'monetary')?.unit).toBe('revenue');
    // Every feature the run stores (ingest/models/segments/features.ts) has a known column.
    expect(CENTROID_COLUMNS.map((c) => c.key)).toEqual([
      'recency',
      'frequency',
      'monetary',
      'tenure',
      'events30d',
      'web',
      'store',
      'whatsapp',
      'intent',
    ]);
  });
});
