// Storing, restoring and merging a brand's co-occurrence store.
//
// A snapshot is plain JSON (arrays of entries, never objects keyed by product id, so ids such as
// `__proto__` are safe). Restoring a snapshot gives a store that behaves exactly like the one
// snapshotted: same ids, counts, neighbour lists (pruning included) and customer histories, so
// replaying the orders after the snapshot's offsets gives the same result as never stopping.
//
// Merging adds counts, which is exact only when the two stores saw disjoint customers (n(a) and
// n(a, b) count customers): build a backfill in parallel by sharding orders by profile id, then
// merge. Stores that share a profile are refused (that customer's cross-shard pairs would be
// missing and their shared products counted twice). Guest orders are customers of their own, so
// they never overlap. Merged neighbour lists are pruned by the same rule as live ones.

import { z } from 'zod';
import {
  type CoOccurrenceOptions,
  type CoOccurrenceStore,
  createStore,
  intern,
  productIdProblem,
  prune,
  RecommendInputError,
} from './co-occurrence';

export const SNAPSHOT_VERSION = 1;

const count = z.number().int().nonnegative();

export const snapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  brandId: z.string().min(1),
  options: z.object({
    maxNeighbours: z.number().int().positive(),
    pruneTo: z.number().int().positive(),
    maxItemsPerOrder: z.number().int().positive(),
    maxHistory: z.number().int().positive(),
  }),
  orders: count,
  customers: count,
  /** [product id, n, [[neighbour position in items, n(a, b)], ...]] */
  items: z.array(z.tuple([z.string(), count, z.array(z.tuple([count, count]))])),
  /** [profile id, [position in items, ...] oldest first] */
  histories: z.array(z.tuple([z.string().min(1), z.array(count)])),
});
export type RecommendSnapshot = z.infer<typeof snapshotSchema>;

export function toSnapshot(store: CoOccurrenceStore): RecommendSnapshot {
  return {
    version: SNAPSHOT_VERSION,
    brandId: store.brandId,
    options: { ...store.options },
    orders: store.orders,
    customers: store.customers,
    items: store.ids.map((id, i) => [
      id,
      store.counts[i] as number,
      [...(store.neighbours[i] as Map<number, number>).entries()],
    ]),
    histories: [...store.histories.entries()].map(([profile, items]) => [profile, [...items]]),
  };
}

/** Restore a snapshot (parsed JSON); brandId, when given, must match: a brand never loads another's. */
export function fromSnapshot(input: unknown, brandId?: string): CoOccurrenceStore {
  const parsed = snapshotSchema.safeParse(input);
  if (!parsed.success) {
    throw new RecommendInputError(`not a recommend snapshot: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  const snap = parsed.data;
  if (brandId !== undefined && snap.brandId !== brandId) {
    throw new RecommendInputError(`snapshot is of brand ${snap.brandId}, not ${brandId}`);
  }
  const store = createStore(snap.brandId, snap.options);
  const n = snap.items.length;
  const checkPos = (p: number, what: string) => {
    if (p >= n) throw new RecommendInputError(`${what} refers to item ${p} of ${n}`);
  };
  for (const [id, c] of snap.items) {
    const problem = productIdProblem(id);
    if (problem !== undefined) throw new RecommendInputError(`snapshot product id ${problem}`);
    if (store.index.has(id)) throw new RecommendInputError(`snapshot lists product ${id} twice`);
    store.counts[intern(store, id)] = c;
  }
  snap.items.forEach(([id, , list], i) => {
    if (list.length > store.options.maxNeighbours) {
      throw new RecommendInputError(`snapshot product ${id} has more than maxNeighbours neighbours`);
    }
    const map = store.neighbours[i] as Map<number, number>;
    for (const [b, c] of list) {
      checkPos(b, `neighbour of ${id}`);
      map.set(b, c);
    }
  });
  for (const [profile, items] of snap.histories) {
    items.forEach((p) => checkPos(p, `history of ${profile}`));
    store.histories.set(profile, [...items]);
  }
  store.orders = snap.orders;
  store.customers = snap.customers;
  return store;
}

export type MergeResult =
  | { ok: true; store: CoOccurrenceStore }
  | { ok: false; reason: 'other_brand' | 'other_options' | 'shared_profiles'; detail: string };

/** A new store with both stores' counts; neither input changes. See the top for when it is exact. */
export function mergeStores(a: CoOccurrenceStore, b: CoOccurrenceStore): MergeResult {
  if (a.brandId !== b.brandId) {
    return { ok: false, reason: 'other_brand', detail: `brand ${a.brandId} with brand ${b.brandId}` };
  }
  const keys = Object.keys(a.options) as (keyof CoOccurrenceOptions)[];
  if (keys.some((key) => a.options[key] !== b.options[key])) {
    return { ok: false, reason: 'other_options', detail: 'the stores were built with different options' };
  }
  let shared = 0;
  for (const profile of b.histories.keys()) if (a.histories.has(profile)) shared++;
  if (shared > 0) {
    return {
      ok: false,
      reason: 'shared_profiles',
      detail: `${shared} profile(s) in both stores; shard by profile id`,
    };
  }
  const out = fromSnapshot(toSnapshot(a));
  const map = b.ids.map((id) => intern(out, id));
  b.ids.forEach((_, j) => {
    const i = map[j] as number;
    out.counts[i] = (out.counts[i] as number) + (b.counts[j] as number);
  });
  // Sum every list in full first, then prune: pruning mid-way would rank by half-merged counts.
  b.ids.forEach((_, j) => {
    const list = out.neighbours[map[j] as number] as Map<number, number>;
    for (const [k, c] of b.neighbours[j] as Map<number, number>) {
      const i = map[k] as number;
      list.set(i, (list.get(i) ?? 0) + c);
    }
  });
  out.neighbours.forEach((list, i) => {
    if (list.size > out.options.maxNeighbours) prune(out, i);
  });
  for (const [profile, items] of b.histories) {
    out.histories.set(
      profile,
      items.map((k) => map[k] as number),
    );
  }
  out.orders += b.orders;
  out.customers += b.customers;
  out.popularCache = undefined;
  return { ok: true, store: out };
}
