// Names for clusters, from their centroids only, so they stay the same between runs.
//
// A centroid is read as four positions in population standard deviations (z, unweighted, clipped
// to [−2, 2] so one extreme cluster cannot dominate): recency (days since the last order; low =
// recent), frequency, monetary, tenure (days since the first order; low = new). Each name has a
// prototype position:
//
//   name               recency  frequency  monetary  tenure
//   champions            −1.0      +1.5       +1.5     +0.5   bought lately, often, and big
//   high-value loyal     −0.2      +1.0       +1.0     +1.0   long-standing good customers
//   at risk              +1.5      +0.5       +0.5     +1.0   used to buy well, not lately
//   new                  −1.0      −1.0       −0.5     −1.5   first order(s), just now
//   occasional           +0.5      −0.7       −0.7      0.0   rare, small, not lately
//
// Rule: give distinct names to as many clusters as there are names (all of them when k ≤ 5),
// choosing the one-to-one matching with the smallest total squared distance between centroids
// and prototypes (every matching is tried: at most 7·6·5·4·3 = 2,520). Clusters left over (k > 5)
// take their nearest prototype's name with a suffix, "occasional 2", "occasional 3", numbered by
// distance to that prototype. Ties anywhere are broken by centroid order (the clusters sorted by
// their clipped recency, frequency, monetary, tenure positions), never by k-means' labels, so
// shuffling the population or relabelling the clusters cannot change a name.

import { toOriginalUnits, unweightedZ, type FeatureName, type Standardization } from './features';

export const SEGMENT_NAMES = ['champions', 'high-value loyal', 'at risk', 'new', 'occasional'] as const;
export type SegmentName = (typeof SEGMENT_NAMES)[number];

const AXES = ['recency', 'frequency', 'monetary', 'tenure'] as const satisfies readonly FeatureName[];

export const PROTOTYPES: Readonly<Record<SegmentName, readonly [number, number, number, number]>> = {
  champions: [-1, 1.5, 1.5, 0.5],
  'high-value loyal': [-0.2, 1, 1, 1],
  'at risk': [1.5, 0.5, 0.5, 1],
  new: [-1, -1, -0.5, -1.5],
  occasional: [0.5, -0.7, -0.7, 0],
};

export interface NamedCluster {
  cluster: number;
  /** A base name, or a base name with a suffix (" 2", " 3") for clusters beyond the five. */
  name: string;
  base: SegmentName;
  /** Clipped z positions the rule read. */
  position: Record<(typeof AXES)[number], number>;
  /** Squared distance from the position to the prototype of `base`. */
  distance: number;
  /** The centroid in original units (days, orders, revenue, …). */
  typical: Record<FeatureName, number>;
}

const clip = (x: number) => Math.max(-2, Math.min(2, x));

function dist2(p: readonly number[], name: SegmentName): number {
  const q = PROTOTYPES[name];
  let s = 0;
  for (let j = 0; j < 4; j++) s += ((p[j] as number) - (q[j] as number)) ** 2;
  return s;
}

/** Every injective map of `m` items into `n` slots (m ≤ n), in lexicographic order. */
function* injections(m: number, n: number, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === m) {
    yield prefix;
    return;
  }
  for (let s = 0; s < n; s++) if (!prefix.includes(s)) yield* injections(m, n, [...prefix, s]);
}

export function nameClusters(centroids: readonly number[][], s: Standardization): NamedCluster[] {
  const k = centroids.length;
  const pos = centroids.map((c) => {
    const z = unweightedZ(c, s);
    return AXES.map((a) => clip(z[a]));
  });
  // Canonical order: by position, then (only for exact duplicates) by label, which cannot matter.
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => {
    for (let j = 0; j < 4; j++) {
      const d = (pos[a]?.[j] as number) - (pos[b]?.[j] as number);
      if (d !== 0) return d;
    }
    return a - b;
  });
  const names = SEGMENT_NAMES.length;
  const base = new Array<SegmentName | undefined>(k);
  let bestCost = Infinity;
  if (k <= names) {
    // canonical cluster i gets name inj[i]
    for (const inj of injections(k, names)) {
      let cost = 0;
      inj.forEach(
        (nm, i) => (cost += dist2(pos[order[i] as number] as number[], SEGMENT_NAMES[nm] as SegmentName)),
      );
      if (cost < bestCost) {
        bestCost = cost;
        inj.forEach((nm, i) => (base[order[i] as number] = SEGMENT_NAMES[nm]));
      }
    }
  } else {
    // name j goes to canonical cluster inj[j]
    let bestInj: number[] = [];
    for (const inj of injections(names, k)) {
      let cost = 0;
      inj.forEach(
        (ci, nm) => (cost += dist2(pos[order[ci] as number] as number[], SEGMENT_NAMES[nm] as SegmentName)),
      );
      if (cost < bestCost) {
        bestCost = cost;
        bestInj = [...inj];
      }
    }
    bestInj.forEach((ci, nm) => (base[order[ci] as number] = SEGMENT_NAMES[nm]));
  }
  const out: NamedCluster[] = centroids.map((c, cluster) => {
    const p = pos[cluster] as number[];
    let b = base[cluster];
    if (b === undefined) {
      b = SEGMENT_NAMES.reduce((best, nm) => (dist2(p, nm) < dist2(p, best) ? nm : best), SEGMENT_NAMES[0]);
    }
    return {
      cluster,
      name: b,
      base: b,
      position: {
        recency: p[0] as number,
        frequency: p[1] as number,
        monetary: p[2] as number,
        tenure: p[3] as number,
      },
      distance: dist2(p, b),
      typical: toOriginalUnits(c, s),
    };
  });
  // Suffixes for the leftovers: the matched cluster keeps the plain name; the others are numbered
  // from 2 by distance to the prototype, then canonical order.
  for (const nm of SEGMENT_NAMES) {
    const extra = order
      .filter((c) => base[c] === undefined && out[c]?.base === nm)
      .sort((a, b) => (out[a]?.distance as number) - (out[b]?.distance as number));
    extra.forEach((c, i) => ((out[c] as NamedCluster).name = `${nm} ${i + 2}`));
  }
  return out;
}
