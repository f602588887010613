import { describe, expect, it } from 'vitest';
import {
  addOrder,
  createStore,
  RecommendInputError,
} from '../../../../ingest/models/recommend/co-occurrence';
import { leaveLastOrderOut } from '../../../../ingest/models/recommend/evaluate';
import { recommendFor } from '../../../../ingest/models/recommend/recommend';
import { syntheticBrand } from '../../../../ingest/models/recommend/synthetic';

/** 100 customers: everyone buys the tee (a best-seller); shoes go with socks, phones with cases. */
function brand() {
  const store = createStore('brand-a');
  for (let c = 0; c < 100; c++) {
    const items = ['tee'];
    if (c < 10) items.push('shoes', 'socks');
    if (c >= 10 && c < 18) items.push('phone', 'case');
    if (c >= 18 && c < 40) items.push(`noise-${c % 7}`);
    addOrder(store, items, `p${c}`);
  }
  return store;
}

describe('recommendFor', () => {
  it('recommends complements, not the best-seller, and says which purchase led to each', () => {
    const recs = recommendFor(brand(), ['shoes', 'phone'], 3);
    expect(recs[0]).toMatchObject({ productId: 'socks', reason: 'bought_together', because: ['shoes'] });
    expect(recs[1]).toMatchObject({ productId: 'case', reason: 'bought_together', because: ['phone'] });
    expect(recs[2]).toMatchObject({ productId: 'tee', reason: 'popular', because: [], score: 0 });
  });

  it('never recommends what the profile bought', () => {
    const recs = recommendFor(brand(), ['shoes', 'socks', 'tee'], 10);
    expect(recs.map((r) => r.productId)).not.toContain('socks');
    expect(recs.map((r) => r.productId)).not.toContain('tee');
    expect(recs.map((r) => r.productId)).not.toContain('shoes');
  });

  it('falls back to best-sellers with no history or unknown products, saying so', () => {
    for (const bought of [[], ['never-sold']]) {
      const recs = recommendFor(brand(), bought, 2);
      expect(recs.map((r) => r.reason)).toEqual(['popular', 'popular']);
      expect(recs[0]?.productId).toBe('tee');
    }
    expect(recommendFor(createStore('empty'), [], 5)).toEqual([]);
  });

  it('ignores pairs below minimum support', () => {
    const store = createStore('b');
    for (let c = 0; c < 4; c++) addOrder(store, ['a', 'b'], `p${c}`);
    for (let c = 0; c < 50; c++) addOrder(store, [`f${c}`], `q${c}`);
    expect(recommendFor(store, ['a'], 1)[0]?.reason).toBe('popular');
    addOrder(store, ['a', 'b'], 'p5');
    expect(recommendFor(store, ['a'], 1)[0]).toMatchObject({ productId: 'b', reason: 'bought_together' });
  });

  it('sums similarities over the bought products, ties broken deterministically', () => {
    const store = createStore('b');
    for (let c = 0; c < 10; c++) addOrder(store, ['x', 'y', 'both'], `p${c}`);
    for (let c = 0; c < 10; c++) addOrder(store, ['x', 'only-x'], `q${c}`);
    for (let c = 0; c < 100; c++) addOrder(store, [`f${c}`], `r${c}`);
    const recs = recommendFor(store, ['x', 'y'], 2);
    expect(recs[0]).toMatchObject({ productId: 'both', because: ['y', 'x'] });
    expect(recs[1]?.productId).toBe('only-x');
    expect(recommendFor(store, ['x', 'y'], 2)).toEqual(recs);
  });

  it('refuses a bad limit', () => {
    expect(() => recommendFor(brand(), [], 0)).toThrow(RecommendInputError);
    expect(() => recommendFor(brand(), [], 1.5)).toThrow(/limit/);
  });
});

describe('leave-last-order-out on a synthetic brand with planted complements', () => {
  // Defaults tuned on seed 1; asserted on seeds it was not tuned on.
  it.each([2, 3])('co-occurrence beats best-sellers on hit rate@5 and recall@10 (seed %i)', (seed) => {
    const { orders } = syntheticBrand({ seed });
    const { customers, scores } = leaveLastOrderOut(orders);
    expect(customers).toBeGreaterThan(2500);
    expect(scores.cosine.hitRateAt5).toBeGreaterThan(scores.popular.hitRateAt5 + 0.015);
    expect(scores.cosine.recallAt10).toBeGreaterThan(scores.popular.recallAt10 + 0.01);
  });

  it('is deterministic for a seed', () => {
    const a = syntheticBrand({ seed: 9, products: 200, customers: 300 });
    const b = syntheticBrand({ seed: 9, products: 200, customers: 300 });
    expect(a.orders).toEqual(b.orders);
    expect(leaveLastOrderOut(a.orders)).toEqual(leaveLastOrderOut(b.orders));
  });
});
