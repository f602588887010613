// The per-brand co-occurrence store behind "products to recommend". Pure: no I/O, no clock.
//
// The unit of co-occurrence is the customer, not the order. For each product a the store counts
// n(a), the customers who bought a, and for each pair n(a, b), the customers who bought both, in
// one order or across their orders. Why the customer: complements are often bought apart (the
// phone today, its case next week), which order-only pairs never see; and a staple bought every
// month counts once per customer, so repeat buyers do not inflate it. An order without a profile
// id (a guest checkout) is a customer of one order: only its own pairs count.
//
// How one order updates it: its distinct product ids (duplicates count once) that the customer
// had not bought before are "new". Each new id gets n += 1 and is paired with every other new id
// of the order and with every id in the customer's history; then the new ids join the history.
// Ids the customer bought before change nothing, so n(a, b) stays "customers who bought both".
//
// Bounds, all options below, all deterministic:
//   - maxItemsPerOrder (50): only the first 50 distinct ids of an order (in the order given) are
//     paired or counted; a bigger order (a wholesale bill, a bulk import) is truncated and says so.
//   - maxHistory (50): a customer's history keeps their last 50 distinct products; the oldest
//     falls out. Loses: pairs with products bought more than 50 distinct products ago, and an
//     evicted product bought again counts again for that customer.
//   So one order adds at most 50·49/2 + 50·50 = 3,725 pair increments (each stored both ways).
//   - maxNeighbours (50): each product keeps at most 50 neighbours. When an increment would add a
//     51st, the list is pruned to its strongest pruneTo (37): strength is the pair's cosine at that
//     moment, n(a,b)/√(n(a)·n(b)) (for a fixed a, n(a,b)/√n(b)), ties broken by higher n(a,b), then
//     by product id (code-unit order). Cosine rather than raw count so a product's list is not
//     filled by best-sellers that co-occur with everything. What pruning loses: a dropped pair's
//     count restarts from 0 if it comes back (undercounting it); a pair that keeps arriving
//     slower than the list churns never settles; and the two sides prune independently, so a may
//     keep b while b has dropped a.
//
// Tenancy is by construction: a store belongs to one brand (brandId is checked on merge and
// restore); the processor keeps one per brand it owns. The store does not deduplicate orders:
// like the processor's other state, each order must be applied once (restore a snapshot that
// matches the offsets it resumes from).

export interface CoOccurrenceOptions {
  maxNeighbours: number;
  /** Neighbours kept by a prune; below maxNeighbours so newcomers have room. */
  pruneTo: number;
  maxItemsPerOrder: number;
  maxHistory: number;
}

export const DEFAULT_OPTIONS: CoOccurrenceOptions = {
  maxNeighbours: 50,
  pruneTo: 37,
  maxItemsPerOrder: 50,
  maxHistory: 50,
};

/** Product ids are opaque keys: any characters, compared exactly (no trimming, no case folding). */
export const MAX_PRODUCT_ID_LENGTH = 512;

export interface CoOccurrenceStore {
  readonly brandId: string;
  readonly options: Readonly<CoOccurrenceOptions>;
  /** Interned product ids: index → id, id → index. */
  readonly ids: string[];
  readonly index: Map<string, number>;
  /** n(a), by index: customers who bought a. */
  counts: number[];
  /** n(a, b), by index of a then of b; at most maxNeighbours per a. */
  readonly neighbours: Map<number, number>[];
  /** Each known profile's distinct products, oldest first, at most maxHistory. */
  readonly histories: Map<string, number[]>;
  orders: number;
  /** Customers seen: distinct profiles plus one per guest order (U, the base of lift). */
  customers: number;
  /** Cached best-sellers (indices, best first); undefined when counts changed since. */
  popularCache: number[] | undefined;
}

export type AddOrderResult =
  | {
      ok: true;
      /** Products new to this customer, counted. */
      newItems: number;
      /** Pair increments made (each stored on both sides). */
      pairs: number;
      /** Repeated ids within the order, counted once. */
      duplicates: number;
      /** Distinct ids past maxItemsPerOrder, ignored. */
      truncated: number;
    }
  | { ok: false; reason: 'invalid_product_id' | 'invalid_profile_id'; detail: string };

export class RecommendInputError extends RangeError {
  override name = 'RecommendInputError';
  /** Never retriable: the input must change. */
  readonly retriable = false;
}

export function createStore(brandId: string, options: Partial<CoOccurrenceOptions> = {}): CoOccurrenceStore {
  if (typeof brandId !== 'string' || brandId.length === 0) {
    throw new RecommendInputError('brandId must be a non-empty string');
  }
  const opts = { ...DEFAULT_OPTIONS, ...options };
  for (const [key, value] of Object.entries(opts)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RecommendInputError(`options.${key} must be an integer ≥ 1, got ${String(value)}`);
    }
  }
  if (opts.pruneTo > opts.maxNeighbours) {
    throw new RecommendInputError(
      `options.pruneTo (${opts.pruneTo}) must be ≤ maxNeighbours (${opts.maxNeighbours})`,
    );
  }
  return {
    brandId,
    options: Object.freeze(opts),
    ids: [],
    index: new Map(),
    counts: [],
    neighbours: [],
    histories: new Map(),
    orders: 0,
    customers: 0,
    popularCache: undefined,
  };
}

/** Why a product id is refused, or undefined when it is usable. */
export function productIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `must be a string, got ${typeof id}`;
  if (id.length === 0) return 'must not be empty';
  if (id.length > MAX_PRODUCT_ID_LENGTH) {
    return `must be at most ${MAX_PRODUCT_ID_LENGTH} characters, got ${id.length}`;
  }
  return undefined;
}

export function intern(store: CoOccurrenceStore, id: string): number {
  let i = store.index.get(id);
  if (i === undefined) {
    i = store.ids.length;
    store.ids.push(id);
    store.index.set(id, i);
    store.counts.push(0);
    store.neighbours.push(new Map());
  }
  return i;
}

/**
 * Count one order of the brand. profileId undefined means a guest: the order's own pairs only.
 * An invalid id refuses the whole order and leaves the store unchanged.
 */
export function addOrder(
  store: CoOccurrenceStore,
  productIds: readonly string[],
  profileId?: string,
): AddOrderResult {
  if (profileId !== undefined && (typeof profileId !== 'string' || profileId.length === 0)) {
    return { ok: false, reason: 'invalid_profile_id', detail: 'profileId must be a non-empty string' };
  }
  const distinct: string[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (let k = 0; k < productIds.length; k++) {
    const id = productIds[k];
    const problem = productIdProblem(id);
    if (problem !== undefined) {
      return { ok: false, reason: 'invalid_product_id', detail: `productIds[${k}] ${problem}` };
    }
    if (seen.has(id as string)) duplicates++;
    else {
      seen.add(id as string);
      distinct.push(id as string);
    }
  }
  const { maxItemsPerOrder, maxHistory } = store.options;
  const truncated = Math.max(0, distinct.length - maxItemsPerOrder);
  const kept = truncated > 0 ? distinct.slice(0, maxItemsPerOrder) : distinct;
  store.orders++;

  const known = profileId === undefined ? undefined : store.histories.get(profileId);
  if (known === undefined) store.customers++;
  const history = known ?? [];
  const had = new Set(history);
  const fresh: number[] = [];
  for (const id of kept) {
    const i = intern(store, id);
    if (!had.has(i)) fresh.push(i);
  }
  let pairs = 0;
  for (let x = 0; x < fresh.length; x++) {
    const a = fresh[x] as number;
    store.counts[a] = (store.counts[a] as number) + 1;
    for (const b of history) {
      increment(store, a, b);
      pairs++;
    }
    for (let y = 0; y < x; y++) {
      increment(store, a, fresh[y] as number);
      pairs++;
    }
  }
  if (fresh.length > 0) store.popularCache = undefined;
  if (profileId !== undefined && fresh.length > 0) {
    const next = history.concat(fresh);
    store.histories.set(profileId, next.length > maxHistory ? next.slice(-maxHistory) : next);
  }
  return { ok: true, newItems: fresh.length, pairs, duplicates, truncated };
}

function increment(store: CoOccurrenceStore, a: number, b: number): void {
  bump(store, a, b);
  bump(store, b, a);
}

function bump(store: CoOccurrenceStore, a: number, b: number): void {
  const list = store.neighbours[a] as Map<number, number>;
  const n = list.get(b);
  if (n !== undefined) {
    list.set(b, n + 1);
    return;
  }
  if (list.size >= store.options.maxNeighbours) prune(store, a);
  list.set(b, 1);
}

/** Keep a's pruneTo strongest neighbours (see the rule at the top). */
export function prune(store: CoOccurrenceStore, a: number, keep = store.options.pruneTo): void {
  const list = store.neighbours[a] as Map<number, number>;
  if (list.size <= keep) return;
  const ranked = rankNeighbours(store, list);
  list.clear();
  for (let k = 0; k < keep; k++) {
    const [b, n] = ranked[k] as [number, number];
    list.set(b, n);
  }
}

function rankNeighbours(store: CoOccurrenceStore, list: Map<number, number>): [number, number][] {
  const strength = (b: number, n: number) => n / Math.sqrt(Math.max(1, store.counts[b] as number));
  return [...list.entries()].sort(
    ([b1, n1], [b2, n2]) =>
      strength(b2, n2) - strength(b1, n1) ||
      n2 - n1 ||
      compareIds(store.ids[b1] as string, store.ids[b2] as string),
  );
}

/** Code-unit order, locale-independent, so ties break the same way on every machine. */
export function compareIds(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** n(id), 0 for an unknown product. */
export function itemCount(store: CoOccurrenceStore, id: string): number {
  const i = store.index.get(id);
  return i === undefined ? 0 : (store.counts[i] as number);
}

/** n(a, b) as a's list holds it (0 when unknown or pruned). */
export function pairCount(store: CoOccurrenceStore, a: string, b: string): number {
  const i = store.index.get(a);
  const j = store.index.get(b);
  if (i === undefined || j === undefined) return 0;
  return (store.neighbours[i] as Map<number, number>).get(j) ?? 0;
}

/** Best-sellers by n (customers who bought), ties by product id; cached until counts change. */
export function popular(store: CoOccurrenceStore): readonly number[] {
  if (store.popularCache === undefined) {
    const all: number[] = [];
    for (let i = 0; i < store.ids.length; i++) if ((store.counts[i] as number) > 0) all.push(i);
    all.sort(
      (i, j) =>
        (store.counts[j] as number) - (store.counts[i] as number) ||
        compareIds(store.ids[i] as string, store.ids[j] as string),
    );
    store.popularCache = all;
  }
  return store.popularCache;
}
