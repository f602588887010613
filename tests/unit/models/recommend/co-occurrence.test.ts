import { describe, expect, it } from 'vitest';
import {
  addOrder,
  createStore,
  itemCount,
  pairCount,
  RecommendInputError,
} from '../../../../ingest/models/recommend/co-occurrence';
import { fromSnapshot, mergeStores, toSnapshot } from '../../../../ingest/models/recommend/snapshot';
import { recommendFor } from '../../../../ingest/models/recommend/recommend';

describe('addOrder', () => {
  it('counts customers, not orders: pairs within an order and across one customer’s orders', () => {
    const store = createStore('brand-a');
    addOrder(store, ['phone', 'charger'], 'ann');
    addOrder(store, ['case'], 'ann'); // the case a week later still pairs with the phone
    addOrder(store, ['phone', 'case'], 'ann'); // bought before: changes nothing
    addOrder(store, ['phone'], undefined); // a guest: a customer of one order
    expect(itemCount(store, 'phone')).toBe(2);
    expect(pairCount(store, 'phone', 'case')).toBe(1);
    expect(pairCount(store, 'case', 'phone')).toBe(1);
    expect(pairCount(store, 'phone', 'charger')).toBe(1);
    expect(store.customers).toBe(2);
    expect(store.orders).toBe(4);
  });

  it('counts a product repeated in one order once', () => {
    const store = createStore('b');
    const result = addOrder(store, ['socks', 'socks', 'shoes', 'socks'], 'p');
    expect(result).toEqual({ ok: true, newItems: 2, pairs: 1, duplicates: 2, truncated: 0 });
    expect(itemCount(store, 'socks')).toBe(1);
    expect(pairCount(store, 'socks', 'shoes')).toBe(1);
  });

  it('takes an empty order as a no-op order', () => {
    const store = createStore('b');
    expect(addOrder(store, [], 'p')).toEqual({
      ok: true,
      newItems: 0,
      pairs: 0,
      duplicates: 0,
      truncated: 0,
    });
    expect(store.ids).toEqual([]);
  });

  it('caps a huge order at maxItemsPerOrder distinct products, in the order given', () => {
    const store = createStore('b');
    const ids = Array.from({ length: 5000 }, (_, i) => `sku-${i}`);
    const result = addOrder(store, ids, 'wholesale');
    expect(result).toEqual({ ok: true, newItems: 50, pairs: (50 * 49) / 2, duplicates: 0, truncated: 4950 });
    expect(itemCount(store, 'sku-49')).toBe(1);
    expect(itemCount(store, 'sku-50')).toBe(0);
    expect(store.histories.get('wholesale')).toHaveLength(50);
  });

  it('keeps product ids opaque: odd characters work, exactly as given', () => {
    const store = createStore('b');
    const odd = ['__proto__', 'constructor', 'o\'brien "x"', 'a,b;c', '🧦', ' socks', 'socks', 'é\u0301'];
    expect(addOrder(store, odd, 'p').ok).toBe(true);
    expect(itemCount(store, '__proto__')).toBe(1);
    expect(pairCount(store, ' socks', 'socks')).toBe(1);
    const restored = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(store))));
    expect(pairCount(restored, '__proto__', '🧦')).toBe(1);
    expect(restored.ids).toEqual(store.ids);
  });

  it('refuses the whole order on an empty, overlong or non-string id, leaving the store unchanged', () => {
    const store = createStore('b');
    expect(addOrder(store, ['ok', ''], 'p')).toEqual({
      ok: false,
      reason: 'invalid_product_id',
      detail: 'productIds[1] must not be empty',
    });
    expect(addOrder(store, ['x'.repeat(513)], 'p')).toMatchObject({
      ok: false,
      reason: 'invalid_product_id',
    });
    expect(addOrder(store, [42 as unknown as string], 'p')).toMatchObject({
      ok: false,
      detail: 'productIds[0] must be a string, got number',
    });
    expect(addOrder(store, ['ok'], '')).toMatchObject({ ok: false, reason: 'invalid_profile_id' });
    expect(store.ids).toEqual([]);
    expect(store.orders).toBe(0);
  });

  it('refuses bad options and brand ids with a non-retriable error', () => {
    expect(() => createStore('')).toThrow(RecommendInputError);
    expect(() => createStore('b', { maxNeighbours: 0 })).toThrow(/maxNeighbours/);
    expect(() => createStore('b', { maxNeighbours: 10, pruneTo: 11 })).toThrow(/pruneTo/);
  });
});

describe('pruning', () => {
  it('keeps at most maxNeighbours per product, deterministically keeping the strongest', () => {
    const build = () => {
      const store = createStore('b', { maxNeighbours: 4, pruneTo: 3 });
      // hub goes with "strong" 3 times; with 8 one-off products once each.
      for (let c = 0; c < 3; c++) addOrder(store, ['hub', 'strong'], `s${c}`);
      for (let c = 0; c < 8; c++) addOrder(store, ['hub', `once-${c}`], `o${c}`);
      return store;
    };
    const store = build();
    const hub = store.neighbours[store.index.get('hub') as number] as Map<number, number>;
    expect(hub.size).toBeLessThanOrEqual(4);
    expect(pairCount(store, 'hub', 'strong')).toBe(3);
    expect(toSnapshot(build())).toEqual(toSnapshot(store));
  });
});

describe('snapshot and merge', () => {
  const orders: [string[], string][] = [
    [['a', 'b'], 'p1'],
    [['c'], 'p1'],
    [['a', 'c'], 'p2'],
    [['b', 'd'], 'p3'],
  ];

  it('restores a store that continues exactly like the original', () => {
    const straight = createStore('b', { maxNeighbours: 2, pruneTo: 1 });
    const resumed = createStore('b', { maxNeighbours: 2, pruneTo: 1 });
    orders.slice(0, 2).forEach(([ids, p]) => {
      addOrder(straight, ids, p);
      addOrder(resumed, ids, p);
    });
    const restored = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(resumed))), 'b');
    orders.slice(2).forEach(([ids, p]) => {
      addOrder(straight, ids, p);
      addOrder(restored, ids, p);
    });
    expect(toSnapshot(restored)).toEqual(toSnapshot(straight));
  });

  it('refuses a snapshot of another brand, and a malformed one', () => {
    const snap = toSnapshot(createStore('brand-a'));
    expect(() => fromSnapshot(snap, 'brand-b')).toThrow(/brand brand-a, not brand-b/);
    expect(() => fromSnapshot({ ...snap, version: 99 })).toThrow(RecommendInputError);
    expect(() => fromSnapshot({ ...snap, items: [['x', 1, [[5, 1]]]] })).toThrow(/refers to item 5/);
  });

  it('merges stores of disjoint customers into the store of all orders', () => {
    const all = createStore('b');
    const left = createStore('b');
    const right = createStore('b');
    orders.forEach(([ids, p]) => {
      addOrder(all, ids, p);
      addOrder(p === 'p1' ? left : right, ids, p);
    });
    const merged = mergeStores(left, right);
    expect(merged.ok).toBe(true);
    if (!merged.ok) return;
    for (const x of ['a', 'b', 'c', 'd']) {
      expect(itemCount(merged.store, x)).toBe(itemCount(all, x));
      for (const y of ['a', 'b', 'c', 'd']) expect(pairCount(merged.store, x, y)).toBe(pairCount(all, x, y));
    }
    expect(merged.store.customers).toBe(3);
  });

  it('refuses to merge other brands or shared customers', () => {
    const a = createStore('brand-a');
    const b = createStore('brand-b');
    expect(mergeStores(a, b)).toMatchObject({ ok: false, reason: 'other_brand' });
    const c = createStore('brand-a');
    addOrder(a, ['x'], 'p');
    addOrder(c, ['y'], 'p');
    expect(mergeStores(a, c)).toMatchObject({ ok: false, reason: 'shared_profiles' });
  });
});

describe('tenancy', () => {
  it('keeps two brands’ stores apart: one brand’s orders never reach the other’s recommendations', () => {
    const a = createStore('brand-a');
    const b = createStore('brand-b');
    for (let c = 0; c < 20; c++) addOrder(a, ['shoes', 'socks'], `a${c}`);
    for (let c = 0; c < 20; c++) addOrder(b, ['shoes', 'laces'], `b${c}`);
    for (let c = 0; c < 80; c++) addOrder(a, [`a-filler-${c}`], `af${c}`);
    for (let c = 0; c < 80; c++) addOrder(b, [`b-filler-${c}`], `bf${c}`);
    const forA = recommendFor(a, ['shoes'], 5);
    const forB = recommendFor(b, ['shoes'], 5);
    expect(forA[0]).toMatchObject({ productId: 'socks', reason: 'bought_together', because: ['shoes'] });
    expect(forB[0]).toMatchObject({ productId: 'laces', reason: 'bought_together', because: ['shoes'] });
    expect(forA.map((r) => r.productId)).not.toContain('laces');
    expect(forB.map((r) => r.productId)).not.toContain('socks');
    expect(itemCount(a, 'laces')).toBe(0);
    expect(JSON.stringify(toSnapshot(a))).not.toContain('b-filler');
  });
});
