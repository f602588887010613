// Leave-last-order-out evaluation of recommenders on a brand's order stream.
//
// Protocol: every customer with two orders or more has their last order held out; a store is
// built from all the other orders, in stream order. For each such customer whose last order holds
// at least one product they had not bought before (the targets), each method recommends 10
// products from the customer's earlier purchases. Scores, averaged over those customers:
//   hit rate@5   share of customers with at least one target in the top 5
//   recall@10    |top 10 ∩ targets| / |targets|
// Methods: 'cosine' (the recommender, best-sellers filling any gap), 'count' (raw pair counts,
// to show what the cosine normalisation buys), 'popular' (best-sellers not yet bought).

import { addOrder, type CoOccurrenceOptions, createStore } from './co-occurrence';
import { recommendFor, recommendPopular, type Recommendation } from './recommend';

export interface EvalOrder {
  profileId: string;
  productIds: readonly string[];
}

export const METHODS = ['cosine', 'count', 'popular'] as const;
export type Method = (typeof METHODS)[number];

export interface MethodScore {
  hitRateAt5: number;
  recallAt10: number;
}

export interface Evaluation {
  customers: number;
  trainOrders: number;
  scores: Record<Method, MethodScore>;
}

/** orders in stream order (oldest first). */
export function leaveLastOrderOut(
  orders: readonly EvalOrder[],
  storeOptions: Partial<CoOccurrenceOptions> = {},
): Evaluation {
  const lastIndex = new Map<string, number>();
  const orderCount = new Map<string, number>();
  orders.forEach((o, k) => {
    lastIndex.set(o.profileId, k);
    orderCount.set(o.profileId, (orderCount.get(o.profileId) ?? 0) + 1);
  });
  const heldOut = new Set<number>();
  for (const [profile, k] of lastIndex) if ((orderCount.get(profile) as number) >= 2) heldOut.add(k);

  const store = createStore('evaluation', storeOptions);
  const history = new Map<string, Set<string>>();
  orders.forEach((o, k) => {
    if (heldOut.has(k)) return;
    addOrder(store, o.productIds, o.profileId);
    const h = history.get(o.profileId) ?? new Set<string>();
    for (const id of o.productIds) h.add(id);
    history.set(o.profileId, h);
  });

  const sums: Record<Method, MethodScore> = {
    cosine: { hitRateAt5: 0, recallAt10: 0 },
    count: { hitRateAt5: 0, recallAt10: 0 },
    popular: { hitRateAt5: 0, recallAt10: 0 },
  };
  let customers = 0;
  for (const k of heldOut) {
    const o = orders[k] as EvalOrder;
    const bought = history.get(o.profileId) ?? new Set<string>();
    const targets = new Set(o.productIds.filter((id) => !bought.has(id)));
    if (targets.size === 0) continue;
    customers++;
    const purchased = [...bought];
    const lists: Record<Method, Recommendation[]> = {
      cosine: recommendFor(store, purchased, 10),
      count: recommendFor(store, purchased, 10, { similarity: 'count' }),
      popular: recommendPopular(store, purchased, 10),
    };
    for (const m of METHODS) {
      const ids = lists[m].map((r) => r.productId);
      if (ids.slice(0, 5).some((id) => targets.has(id))) sums[m].hitRateAt5++;
      sums[m].recallAt10 += ids.filter((id) => targets.has(id)).length / targets.size;
    }
  }
  const scores = {} as Record<Method, MethodScore>;
  for (const m of METHODS) {
    scores[m] = {
      hitRateAt5: customers > 0 ? sums[m].hitRateAt5 / customers : 0,
      recallAt10: customers > 0 ? sums[m].recallAt10 / customers : 0,
    };
  }
  return { customers, trainOrders: orders.length - heldOut.size, scores };
}
