// One brand's segment recompute, end to end and pure: features → k range fit → names.
//
// Customers without orders are not clustered; they get the segment NO_ORDERS. The result holds
// each profile's segment, the named clusters with their centroids, and the silhouette per k, ready
// to be stored per brand and run (not wired yet: see docs/segments.md).

import { clusterRange, type ClusterOptions, type KFit } from './cluster';
import { buildFeatures, type FeatureName } from './features';
import type { BrandPopulation } from './input';
import { nameClusters, type NamedCluster } from './naming';
import type { Assignment } from './segment-sizes';

export const NO_ORDERS = 'no orders';

export interface SegmentRun {
  brandId: string;
  asOf: number;
  k: number;
  assignments: Assignment[];
  clusters: (NamedCluster & { size: number })[];
  byK: KFit[];
  silhouettePoints: number;
  timings: { featuresMs: number; clusterMs: number; fitMs: number; silhouetteMs: number };
}

export interface RecomputeOptions {
  cluster?: Partial<ClusterOptions>;
  weights?: Partial<Record<FeatureName, number>>;
}

export function recomputeSegments(population: BrandPopulation, options: RecomputeOptions = {}): SegmentRun {
  let t = performance.now();
  const features = buildFeatures(population, options.weights);
  const featuresMs = performance.now() - t;
  t = performance.now();
  const c = clusterRange(features.rows, options.cluster);
  const clusterMs = performance.now() - t;
  const named = nameClusters(c.centroids, features.standardization);
  const segmentOf = new Map<string, string>();
  features.profileIds.forEach((id, i) =>
    segmentOf.set(id, named[c.assignments[i] as number]?.name as string),
  );
  return {
    brandId: population.brandId,
    asOf: population.asOf,
    k: c.k,
    assignments: population.customers.map((x) => ({
      profileId: x.profileId,
      segment: segmentOf.get(x.profileId) ?? NO_ORDERS,
    })),
    clusters: named.map((nc, i) => ({ ...nc, size: c.sizes[i] as number })),
    byK: c.byK,
    silhouettePoints: c.silhouettePoints,
    timings: { featuresMs, clusterMs, ...c.timings },
  };
}
