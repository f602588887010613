// RFM values and quintile scores, within one brand.
//
// Values, for a customer with at least one order, measured at the population's asOf:
//   recency    whole-and-fractional days from the last order to asOf (≥ 0)
//   frequency  number of orders
//   monetary   total revenue
//
// Scores 1–5, 5 = best (most recent, most frequent, highest spend), drawn from the brand's own
// buyers only. The quintile rule is the mid-rank one, so it is deterministic and ties are fair:
//   for a value v among n buyers, let `worse` = buyers strictly worse than v and `equal` = buyers
//   with exactly v (itself included); its mid-rank share is p = (worse + equal / 2) / n, and its
//   score is 1 + floor(5 · p), computed in integers as 1 + floor(5 · (2·worse + equal) / (2·n)).
// Equal values therefore always get equal scores, and boundaries sit at the 20/40/60/80 % points
// of the mid-ranks: with distinct values, buyer i of n (1 = worst) has p = (i − ½)/n, so five
// distinct buyers score 1..5 and ten score 1,1,2,2,…,5,5. A lone buyer (or a brand where everyone
// has the same value) sits at p = ½ and scores 3: the middle, since there is nothing to compare.
// Recency is ranked by days with fewer days better; equality is exact on the millisecond.
//
// Customers without orders get no score: they come back as { kind: 'no-orders' }, do not take
// part in any ranking, and do not move the boundaries of those who ordered.

import { checkPopulation, DAY_MS, type BrandPopulation } from './input';

export interface RfmValues {
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export type RfmResult =
  | ({ profileId: string; kind: 'scored'; r: number; f: number; m: number } & RfmValues)
  | { profileId: string; kind: 'no-orders' };

/**
 * Scores 1–5 by the mid-rank quintile rule above; `higherIsBetter` false flips the order
 * (recency). Returns scores in the order of `values`.
 */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): number[] {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const scores = new Array<number>(n);
  let start = 0;
  while (start < n) {
    const v = values[order[start] as number] as number;
    let end = start;
    while (end < n && values[order[end] as number] === v) end++;
    const equal = end - start;
    const worse = higherIsBetter ? start : n - end;
    const score = 1 + Math.floor((5 * (2 * worse + equal)) / (2 * n));
    for (let j = start; j < end; j++) scores[order[j] as number] = score;
    start = end;
  }
  return scores;
}

/** RFM values and scores for every customer of one brand, in input order. */
export function rfmScores(population: BrandPopulation): RfmResult[] {
  checkPopulation(population);
  const buyers: { index: number; values: RfmValues }[] = [];
  population.customers.forEach((c, index) => {
    if (c.orders > 0) {
      const recencyDays = (population.asOf - (c.lastOrderAt as number)) / DAY_MS;
      buyers.push({ index, values: { recencyDays, frequency: c.orders, monetary: c.revenue } });
    }
  });
  const r = quintileScores(
    buyers.map((b) => b.values.recencyDays),
    false,
  );
  const f = quintileScores(
    buyers.map((b) => b.values.frequency),
    true,
  );
  const m = quintileScores(
    buyers.map((b) => b.values.monetary),
    true,
  );
  const out: RfmResult[] = population.customers.map((c) => ({ profileId: c.profileId, kind: 'no-orders' }));
  buyers.forEach((b, j) => {
    out[b.index] = {
      profileId: population.customers[b.index]?.profileId as string,
      kind: 'scored',
      ...b.values,
      r: r[j] as number,
      f: f[j] as number,
      m: m[j] as number,
    };
  });
  return out;
}
