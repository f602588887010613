// The feature vector that segments one brand's buyers, standardized over that brand.
//
// Only customers with at least one order are segmented (those without have no RFM and are the
// separate "no orders" class, see rfm.ts). Per buyer, in this order:
//   recency     log(1 + days since the last order)      skewed: a long tail of lapsed buyers
//   frequency   log(1 + orders)                         skewed: most buy once, a few dozens of times
//   monetary    log(1 + revenue)                        skewed: spend is roughly log-normal
//   tenure      log(1 + days since the first order)     "newness"; skewed like recency
//   events30d   log(1 + events in the last 30 days)     skewed: bursts
//   web, store, whatsapp  each channel's share of the 30-day events (0 each with no events)
//   intent      the purchase-intent score in [0, 1]
// Each column is z-scored with the population's mean and (population) standard deviation. A
// constant column (sd below 1e-12 of its scale) becomes all zeros instead of dividing by zero: it
// cannot separate anyone, so it contributes nothing to distances. Each z column is then
// multiplied by its weight (default 1 for the RFM and tenure columns, 0.5 for the behaviour ones,
// so the five behaviour columns together do not outvote purchase history; see docs/segments.md).

import { checkPopulation, DAY_MS, type BrandPopulation } from './input';

export const FEATURES = [
  'recency',
  'frequency',
  'monetary',
  'tenure',
  'events30d',
  'web',
  'store',
  'whatsapp',
  'intent',
] as const;
export type FeatureName = (typeof FEATURES)[number];

export const DEFAULT_WEIGHTS: Readonly<Record<FeatureName, number>> = {
  recency: 1,
  frequency: 1,
  monetary: 1,
  tenure: 1,
  events30d: 0.5,
  web: 0.5,
  store: 0.5,
  whatsapp: 0.5,
  intent: 0.5,
};

const LOGGED: ReadonlySet<FeatureName> = new Set(['recency', 'frequency', 'monetary', 'tenure', 'events30d']);

export interface Standardization {
  mean: number[];
  sd: number[];
  weight: number[];
}

export interface FeatureMatrix {
  brandId: string;
  /** Buyers only, in population order. */
  profileIds: string[];
  /** One standardized, weighted row per buyer, columns in FEATURES order. */
  rows: number[][];
  standardization: Standardization;
}

/** Raw (transformed, not yet standardized) features of one buyer. */
function rawRow(c: BrandPopulation['customers'][number], asOf: number): number[] {
  const channelTotal = c.channels.web + c.channels.store + c.channels.whatsapp;
  const share = (x: number) => (channelTotal > 0 ? x / channelTotal : 0);
  return [
    Math.log1p((asOf - (c.lastOrderAt as number)) / DAY_MS),
    Math.log1p(c.orders),
    Math.log1p(c.revenue),
    Math.log1p((asOf - (c.firstOrderAt as number)) / DAY_MS),
    Math.log1p(c.events30d),
    share(c.channels.web),
    share(c.channels.store),
    share(c.channels.whatsapp),
    c.intent,
  ];
}

export function buildFeatures(
  population: BrandPopulation,
  weights: Partial<Record<FeatureName, number>> = {},
): FeatureMatrix {
  checkPopulation(population);
  const w = FEATURES.map((f) => {
    const v = weights[f] ?? DEFAULT_WEIGHTS[f];
    if (!Number.isFinite(v) || v < 0) {
      throw new RangeError(`weights.${f} must be a finite number ≥ 0, got ${String(v)}`);
    }
    return v;
  });
  const profileIds: string[] = [];
  const rows: number[][] = [];
  for (const c of population.customers) {
    if (c.orders === 0) continue;
    profileIds.push(c.profileId);
    rows.push(rawRow(c, population.asOf));
  }
  const d = FEATURES.length;
  const n = rows.length;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (row[j] as number) / n;
  for (const row of rows) {
    for (let j = 0; j < d; j++)
      sd[j] = (sd[j] as number) + ((row[j] as number) - (mean[j] as number)) ** 2 / n;
  }
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] as number);
  for (const row of rows) {
    for (let j = 0; j < d; j++)
      row[j] = standardize(row[j] as number, mean[j] as number, sd[j] as number, w[j] as number);
  }
  return { brandId: population.brandId, profileIds, rows, standardization: { mean, sd, weight: w } };
}

function isConstant(mean: number, sd: number): boolean {
  return !(sd > 1e-12 * Math.max(1, Math.abs(mean)));
}

function standardize(x: number, mean: number, sd: number, weight: number): number {
  return isConstant(mean, sd) ? 0 : ((x - mean) / sd) * weight;
}

/**
 * A point of the standardized space (a centroid) in z units before weighting, one per feature:
 * how many population standard deviations from the mean it sits. Constant columns (and columns
 * weighted 0) read 0.
 */
export function unweightedZ(point: readonly number[], s: Standardization): Record<FeatureName, number> {
  const out = {} as Record<FeatureName, number>;
  FEATURES.forEach((f, j) => {
    const weight = s.weight[j] as number;
    out[f] =
      weight > 0 && !isConstant(s.mean[j] as number, s.sd[j] as number) ? (point[j] as number) / weight : 0;
  });
  return out;
}

/**
 * A point of the standardized space back in original units: days, orders, revenue, days, events,
 * shares, intent. Logged columns go back through exp(x) − 1, so a centroid reads as the
 * geometric-mean-like typical member, not the arithmetic mean of the cluster.
 */
export function toOriginalUnits(point: readonly number[], s: Standardization): Record<FeatureName, number> {
  const z = unweightedZ(point, s);
  const out = {} as Record<FeatureName, number>;
  FEATURES.forEach((f, j) => {
    const x = z[f] * (s.sd[j] as number) + (s.mean[j] as number);
    out[f] = LOGGED.has(f) ? Math.expm1(x) : x;
  });
  return out;
}
