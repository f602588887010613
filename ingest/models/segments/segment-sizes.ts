// Segment sizes of one run, and the drift between two runs, for "segment sizes over time".
//
// A run is a list of (profileId, segment) for one brand. Drift is keyed by profileId: a profile in
// both runs moved from its old segment to its new one (or stayed); a profile only in the new run
// came from ENTERED (a new customer, or one whose id changed by a merge), one only in the old run
// went to LEFT (deleted, or merged into another profile).

import { SegmentInputError } from './input';

export interface Assignment {
  profileId: string;
  segment: string;
}

export const ENTERED = '(entered)';
export const LEFT = '(left)';

export interface SegmentSize {
  segment: string;
  size: number;
  /** Of all profiles in the run, in [0, 1]. */
  share: number;
}

export interface Move {
  from: string;
  to: string;
  count: number;
}

export interface Drift {
  /** Every non-empty (from, to) pair, stays included, sorted by count desc then from, to. */
  moves: Move[];
  stayed: number;
  moved: number;
  entered: number;
  left: number;
}

function index(run: readonly Assignment[], field: string): Map<string, string> {
  const m = new Map<string, string>();
  run.forEach((a, i) => {
    if (typeof a.profileId !== 'string' || a.profileId === '') {
      throw new SegmentInputError(`${field}[${i}].profileId`, 'must be a non-empty string');
    }
    if (typeof a.segment !== 'string' || a.segment === '') {
      throw new SegmentInputError(`${field}[${i}].segment`, 'must be a non-empty string');
    }
    if (m.has(a.profileId))
      throw new SegmentInputError(`${field}[${i}].profileId`, `is a duplicate: ${a.profileId}`);
    m.set(a.profileId, a.segment);
  });
  return m;
}

/** Sizes per segment, largest first (ties by name). */
export function segmentSizes(run: readonly Assignment[]): SegmentSize[] {
  const counts = new Map<string, number>();
  for (const segment of index(run, 'run').values()) counts.set(segment, (counts.get(segment) ?? 0) + 1);
  return [...counts]
    .map(([segment, size]) => ({ segment, size, share: size / run.length }))
    .sort((a, b) => b.size - a.size || (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0));
}

export function segmentDrift(previous: readonly Assignment[], next: readonly Assignment[]): Drift {
  const before = index(previous, 'previous');
  const after = index(next, 'next');
  const counts = new Map<string, Move>();
  const add = (from: string, to: string) => {
    const key = JSON.stringify([from, to]);
    const m = counts.get(key);
    if (m) m.count++;
    else counts.set(key, { from, to, count: 1 });
  };
  let stayed = 0;
  let moved = 0;
  let left = 0;
  for (const [id, from] of before) {
    const to = after.get(id);
    if (to === undefined) {
      left++;
      add(from, LEFT);
    } else {
      if (to === from) stayed++;
      else moved++;
      add(from, to);
    }
  }
  let entered = 0;
  for (const [id, to] of after) {
    if (!before.has(id)) {
      entered++;
      add(ENTERED, to);
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const moves = [...counts.values()].sort(
    (a, b) => b.count - a.count || cmp(a.from, b.from) || cmp(a.to, b.to),
  );
  return { moves, stayed, moved, entered, left };
}
