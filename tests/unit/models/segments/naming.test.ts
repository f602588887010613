import { describe, expect, it } from 'vitest';
import type { Standardization } from '../../../../ingest/models/segments/features';
import { nameClusters, PROTOTYPES, SEGMENT_NAMES } from '../../../../ingest/models/segments/naming';
import { recomputeSegments } from '../../../../ingest/models/segments/recompute';
import { seededRandom } from '../../../../ingest/models/random';
import { EXPECTED_NAME, syntheticPopulation } from '../../../../ingest/models/segments/synthetic';

// Identity standardization over 9 columns: a centroid's first four entries are its positions.
const unit: Standardization = { mean: Array(9).fill(0), sd: Array(9).fill(1), weight: Array(9).fill(1) };
const at = (r: number, f: number, m: number, t: number) => [r, f, m, t, 0, 0, 0, 0, 0];

describe('nameClusters', () => {
  it('names each prototype by itself, whatever the cluster order', () => {
    const centroids = SEGMENT_NAMES.map((n) => at(...PROTOTYPES[n]));
    expect(nameClusters(centroids, unit).map((c) => c.name)).toEqual([...SEGMENT_NAMES]);
    const reversed = [...centroids].reverse();
    expect(nameClusters(reversed, unit).map((c) => c.name)).toEqual([...SEGMENT_NAMES].reverse());
  });

  it('gives distinct names up to five clusters, even when two sit near one prototype', () => {
    const names = nameClusters(
      [at(0.5, -0.7, -0.7, 0), at(0.6, -0.6, -0.6, 0.1), at(-1, 1.5, 1.5, 0.5)],
      unit,
    ).map((c) => c.name);
    expect(new Set(names).size).toBe(3);
    expect(names[0]).toBe('occasional');
    expect(names[2]).toBe('champions');
  });

  it('suffixes the leftovers beyond five, numbered by distance, independent of label order', () => {
    const base = SEGMENT_NAMES.map((n) => at(...PROTOTYPES[n]));
    const extra = [at(0.9, -0.7, -0.7, 0), at(0.6, -0.7, -0.7, 0)];
    const named = nameClusters([...base, ...extra], unit);
    expect(named.slice(5).map((c) => c.name)).toEqual(['occasional 3', 'occasional 2']);
    const rand = seededRandom(5);
    const all = [...base, ...extra];
    const perm = all.map((_, i) => i).sort(() => rand() - 0.5);
    const shuffled = nameClusters(
      perm.map((i) => all[i] as number[]),
      unit,
    );
    perm.forEach((orig, i) => expect(shuffled[i]?.name).toBe(named[orig]?.name));
  });
});

describe('names on planted populations', () => {
  it('lands each planted group in one cluster with the expected name, under shuffles, seeds and re-samples', () => {
    for (const dataSeed of [1, 2]) {
      const { population, group } = syntheticPopulation({ seed: dataSeed, noOrders: 30 });
      for (const [shuffleSeed, kmeansSeed] of [
        [0, 1],
        [11, 2],
        [12, 99],
      ] as const) {
        const customers = [...population.customers];
        if (shuffleSeed > 0) {
          const rand = seededRandom(shuffleSeed);
          for (let i = customers.length - 1; i > 0; i--) {
            const j = Math.floor(rand() * (i + 1));
            [customers[i], customers[j]] = [customers[j]!, customers[i]!];
          }
        }
        const run = recomputeSegments({ ...population, customers }, { cluster: { seed: kmeansSeed } });
        expect(run.k).toBe(4);
        for (const a of run.assignments) {
          const g = group.get(a.profileId);
          expect(a.segment).toBe(g === undefined ? 'no orders' : EXPECTED_NAME[g]);
        }
      }
    }
  });
});
