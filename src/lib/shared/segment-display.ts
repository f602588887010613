// How the prediction runs' segments read on the Segments page and in its API: the centroid's
// columns with their units, sizes over time across runs, and the largest moves of a drift.
// Pure: the page builds its chart and tables with these, and the tests check them.
import type { PredictionRun, SegmentMove, SegmentSummary } from './predictions';

export interface CentroidColumn {
  key: string;
  label: string;
  /** What the number is counted in, shown beside the label. */
  unit: string;
  /** Fraction digits shown. */
  digits: number;
}

/**
 * The centroid's keys (ingest/models/segments/features.ts, docs/segments.md) in original units:
 * logged features come back as the cluster's typical (geometric-mean-like) member.
 */
export const CENTROID_COLUMNS: readonly CentroidColumn[] = [
  { key: 'recency', label: 'Recency', unit: 'days since last order', digits: 0 },
  { key: 'frequency', label: 'Frequency', unit: 'orders', digits: 1 },
  { key: 'monetary', label: 'Monetary', unit: 'revenue', digits: 2 },
  { key: 'tenure', label: 'Tenure', unit: 'days since first order', digits: 0 },
  { key: 'events30d', label: 'Activity', unit: 'events in 30 days', digits: 1 },
  { key: 'web', label: 'Web', unit: 'share of 30-day events', digits: 2 },
  { key: 'store', label: 'Store', unit: 'share of 30-day events', digits: 2 },
  { key: 'whatsapp', label: 'WhatsApp', unit: 'share of 30-day events', digits: 2 },
  { key: 'intent', label: 'Intent', unit: '0–1', digits: 2 },
];

/** The known columns, then any key a newer run stores that this list does not know yet (by name). */
export function centroidColumns(segments: readonly SegmentSummary[]): CentroidColumn[] {
  const known = new Set(CENTROID_COLUMNS.map((c) => c.key));
  const extra = new Set<string>();
  for (const segment of segments)
    for (const key of Object.keys(segment.centroid ?? {})) if (!known.has(key)) extra.add(key);
  return [
    ...CENTROID_COLUMNS,
    ...[...extra].sort().map((key) => ({ key, label: key, unit: 'as stored', digits: 2 })),
  ];
}

/** The newest run, and the newest run that has segments (status ok), of runs newest first. */
export function latestRuns(runs: readonly PredictionRun[]): {
  latest: PredictionRun | null;
  current: PredictionRun | null;
} {
  return { latest: runs[0] ?? null, current: runs.find((run) => run.status === 'ok') ?? null };
}

export interface SizesPoint {
  run_id: string;
  started_at: string;
  /** Size per segment name; 0 where the run had no such segment. */
  sizes: Record<string, number>;
  total: number;
}

export interface SizesOverTime {
  /** Every segment name seen, the newest run's largest first, then older names by name. */
  names: string[];
  /** One point per ok run, oldest first. */
  points: SizesPoint[];
}

/** Segment sizes across the runs (given newest first, as stored); refused and failed runs have none. */
export function sizesOverTime(runs: readonly PredictionRun[]): SizesOverTime {
  const ok = runs.filter((run) => run.status === 'ok').reverse();
  const newest = ok[ok.length - 1];
  const names: string[] = newest
    ? [...newest.segments].sort((a, b) => b.size - a.size || compare(a.name, b.name)).map((s) => s.name)
    : [];
  const older = new Set<string>();
  for (const run of ok) for (const s of run.segments) if (!names.includes(s.name)) older.add(s.name);
  names.push(...[...older].sort(compare));
  const points = ok.map((run) => {
    const sizes: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
    let total = 0;
    for (const s of run.segments) {
      sizes[s.name] = (sizes[s.name] ?? 0) + s.size;
      total += s.size;
    }
    return { run_id: run.run_id, started_at: run.started_at, sizes, total };
  });
  return { names, points };
}

/** The largest moves between different segments (stays left out), most first; ties by names. */
export function topMoves(moves: readonly SegmentMove[], count: number): SegmentMove[] {
  return moves
    .filter((move) => move.from !== move.to && move.count > 0)
    .sort((a, b) => b.count - a.count || compare(a.from, b.from) || compare(a.to, b.to))
    .slice(0, count);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
