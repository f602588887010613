import { describe, expect, it } from 'vitest';
import { clusterRange, silhouette } from '../../../../ingest/models/segments/cluster';
import { seededRandom } from '../../../../ingest/models/random';

/** `groups` well-separated Gaussian blobs in 3-d, `per` points each. */
function blobs(groups: number, per: number, seed: number): { rows: number[][]; truth: number[] } {
  const rand = seededRandom(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < per; i++) {
      rows.push([g * 6 + rand() - 0.5, (g % 2) * 5 + rand() - 0.5, rand() - 0.5]);
      truth.push(g);
    }
  }
  return { rows, truth };
}

describe('silhouette', () => {
  it('matches a hand-computed case', () => {
    // 1-d: {0, 1} and {10}. Point 0: a = 1, b = 10 → 0.9; point 1: a = 1, b = 9 → 8/9; point 10 alone → 0
    const s = silhouette([[0], [1], [10]], [0, 0, 1], 2, [0, 1, 2]);
    expect(s).toBeCloseTo((0.9 + 8 / 9 + 0) / 3, 12);
  });
});

describe('clusterRange', () => {
  it('chooses the planted k by silhouette and recovers the groups', () => {
    for (const planted of [3, 5]) {
      const { rows, truth } = blobs(planted, 60, planted);
      const c = clusterRange(rows);
      expect(c.k).toBe(planted);
      for (let g = 0; g < planted; g++) {
        const labels = new Set(truth.flatMap((t, i) => (t === g ? [c.assignments[i]] : [])));
        expect(labels.size).toBe(1);
      }
      expect(c.byK.map((b) => b.k)).toEqual([3, 4, 5, 6, 7]);
    }
  });

  it('is reproducible with the same seed and numbers clusters by size', () => {
    const { rows } = blobs(4, 50, 9);
    rows.push(...rows.slice(0, 30).map((r) => r.map((x) => x + 0.01)));
    const a = clusterRange(rows, { seed: 3 });
    const b = clusterRange(rows, { seed: 3 });
    expect({ ...b, timings: null }).toEqual({ ...a, timings: null });
    expect([...a.sizes].sort((x, y) => y - x)).toEqual(a.sizes);
  });

  it('samples the silhouette above the limit, the same way each time', () => {
    const { rows } = blobs(4, 300, 11);
    const a = clusterRange(rows, { silhouetteSample: 500 });
    expect(a.silhouettePoints).toBe(500);
    expect(a.k).toBe(4);
    expect(clusterRange(rows, { silhouetteSample: 500 }).byK).toEqual(a.byK);
  });

  it('refuses empty, non-finite and too-small inputs by name', () => {
    expect(() => clusterRange([])).toThrow('rows must not be empty');
    expect(() => clusterRange([[1], [2], [NaN], [4], [5]])).toThrow('rows[2][0]');
    expect(() => clusterRange([[1], [2], [3]])).toThrow('needs at least 4');
    expect(() => clusterRange([[1], [1], [1], [1], [1]])).toThrow('distinct');
    expect(() => clusterRange([[1], [2]], { kMin: 1 })).toThrow('kMin');
  });
});
