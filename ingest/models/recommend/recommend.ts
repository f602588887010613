// Products to recommend to one profile, from the brand's co-occurrence store.
//
// Similarity of a bought product a and a candidate b (n counts customers, see co-occurrence.ts):
//
//   cos(a, b)  = n(a, b) / √(n(a) · n(b))
//   lift(a, b) = n(a, b) · U / (n(a) · n(b))     U = customers in the store
//   sim(a, b)  = cos(a, b) when n(a, b) ≥ minSupport (5) and lift(a, b) ≥ minLift (4), else 0
//
// Dividing by √n(b) is what keeps best-sellers from winning everything: a product bought by
// everyone co-occurs with everything, but its n(b) grows as fast as its pairs. The two gates say
// when a pair is evidence at all: lift ≥ 4 means four times as many customers bought both as
// chance would give (best-sellers that co-occur with everything have lift ≈ 1), and support ≥ 5
// drops coincidences between rare products, which have huge lift and cosine from two or three
// customers. Without the gates the evaluation's recommender lost to best-sellers (docs/
// recommendations.md). `count` (raw n(a, b), same gates) is kept as a yardstick.
//
// A candidate's score is the SUM of its similarities to everything the profile bought: a product
// that goes with several of their purchases outranks one that goes with one (max would throw
// that evidence away). Products the profile already bought are never recommended. Ties: higher
// score, then more customers n(b), then product id (code-unit order). Each recommendation names
// up to three bought products that led to it, strongest first ("because you bought X").
//
// With no history, or when the history co-occurs with fewer than `limit` candidates, the rest are
// the brand's best-sellers (most customers) not yet bought, marked reason 'popular'.

import { compareIds, type CoOccurrenceStore, popular, RecommendInputError } from './co-occurrence';

export type Similarity = 'cosine' | 'count';

export interface RecommendOptions {
  similarity: Similarity;
  minSupport: number;
  /** Pairs below this lift, n(a,b)·U / (n(a)·n(b)), are chance and count 0. */
  minLift: number;
  /** Fill up to limit with best-sellers (true) or return only co-occurrence results. */
  fallback: boolean;
}

export const DEFAULT_RECOMMEND_OPTIONS: RecommendOptions = {
  similarity: 'cosine',
  minSupport: 5,
  minLift: 4,
  fallback: true,
};

export const MAX_LIMIT = 1000;
const MAX_BECAUSE = 3;

export interface Recommendation {
  productId: string;
  /** Sum of similarities for 'bought_together'; 0 for 'popular'. */
  score: number;
  reason: 'bought_together' | 'popular';
  /** The bought products that led to it, strongest first (empty for 'popular'). */
  because: string[];
}

/** Similarity of a to b given n(a, b) = pair, or 0 below minSupport. */
export function similarity(
  store: CoOccurrenceStore,
  a: number,
  b: number,
  pair: number,
  options: Pick<RecommendOptions, 'similarity' | 'minSupport' | 'minLift'> = DEFAULT_RECOMMEND_OPTIONS,
): number {
  if (pair < options.minSupport) return 0;
  const na = store.counts[a] as number;
  const nb = store.counts[b] as number;
  if (na === 0 || nb === 0) return 0;
  if ((pair * store.customers) / (na * nb) < options.minLift) return 0;
  if (options.similarity === 'count') return pair;
  return pair / Math.sqrt(na * nb);
}

/**
 * Recommendations for a profile that bought purchasedProductIds (any order; unknown ids add
 * nothing). Cost: O(|purchased| · maxNeighbours) plus, after new orders, one sort of the catalogue
 * for the best-seller list (cached until the next order with a product new to its buyer).
 */
export function recommendFor(
  store: CoOccurrenceStore,
  purchasedProductIds: readonly string[],
  limit: number,
  options: Partial<RecommendOptions> = {},
): Recommendation[] {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new RecommendInputError(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  }
  const opts = { ...DEFAULT_RECOMMEND_OPTIONS, ...options };
  if (!Number.isInteger(opts.minSupport) || opts.minSupport < 1) {
    throw new RecommendInputError(`minSupport must be an integer ≥ 1, got ${String(opts.minSupport)}`);
  }
  const bought = new Set<number>();
  for (const id of purchasedProductIds) {
    const i = store.index.get(id);
    if (i !== undefined) bought.add(i);
  }
  const scores = new Map<number, number>();
  const reasons = new Map<number, [number, number][]>();
  for (const a of bought) {
    for (const [b, pair] of store.neighbours[a] as Map<number, number>) {
      if (bought.has(b)) continue;
      const s = similarity(store, a, b, pair, opts);
      if (s <= 0) continue;
      scores.set(b, (scores.get(b) ?? 0) + s);
      const why = reasons.get(b);
      if (why === undefined) reasons.set(b, [[a, s]]);
      else why.push([a, s]);
    }
  }
  const ids = store.ids;
  const counts = store.counts;
  const ranked = [...scores.entries()].sort(
    ([b1, s1], [b2, s2]) =>
      s2 - s1 ||
      (counts[b2] as number) - (counts[b1] as number) ||
      compareIds(ids[b1] as string, ids[b2] as string),
  );
  const out: Recommendation[] = ranked.slice(0, limit).map(([b, score]) => ({
    productId: ids[b] as string,
    score,
    reason: 'bought_together',
    because: (reasons.get(b) as [number, number][])
      .sort(([a1, s1], [a2, s2]) => s2 - s1 || compareIds(ids[a1] as string, ids[a2] as string))
      .slice(0, MAX_BECAUSE)
      .map(([a]) => ids[a] as string),
  }));
  if (opts.fallback && out.length < limit) {
    for (const b of popular(store)) {
      if (out.length >= limit) break;
      if (bought.has(b) || scores.has(b)) continue;
      out.push({ productId: ids[b] as string, score: 0, reason: 'popular', because: [] });
    }
  }
  return out;
}

/** The popularity baseline: best-sellers the profile has not bought, as recommendations. */
export function recommendPopular(
  store: CoOccurrenceStore,
  purchasedProductIds: readonly string[],
  limit: number,
): Recommendation[] {
  return recommendFor(store, purchasedProductIds, limit, { minSupport: Number.MAX_SAFE_INTEGER });
}
