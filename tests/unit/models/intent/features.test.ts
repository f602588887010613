import { describe, expect, it } from 'vitest';
import { decayed } from '../../../../ingest/processor/intent/score';
import {
  applyIntentEvent,
  DEFAULT_FEATURE_OPTIONS,
  emptyProfileState,
  FEATURE_NAMES,
  intentFeatures,
  mergeIntentStates,
  type IntentEvent,
  type ProfileIntentState,
} from '../../../../ingest/models/intent/features';

const MIN = 60_000;
const at = (name: string): number => FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number]);
const view = (atMs: number, category = 'shoes', productId = 'p1'): IntentEvent => ({
  type: 'product_viewed',
  atMs,
  categories: [category],
  productId,
});

function replay(events: readonly IntentEvent[]): ProfileIntentState {
  const state = emptyProfileState();
  for (const e of events) applyIntentEvent(state, e);
  return state;
}

describe('intent features', () => {
  it('decays counts with the brand half-life, as score.ts decays the score', () => {
    const state = replay([view(0), view(30 * MIN, 'shoes', 'p2')]);
    const f = intentFeatures(state, 'shoes', 90 * MIN);
    const expected = decayed(1, 0, 90 * MIN, 60) + decayed(1, 30 * MIN, 90 * MIN, 60);
    expect(f[at('category.product_viewed')]).toBeCloseTo(expected, 12);
    expect(f[at('profile.product_viewed')]).toBeCloseTo(expected, 12);
    expect(f[at('category.view_share')]).toBe(1);
    expect(intentFeatures(state, 'bags', 90 * MIN)[at('category.product_viewed')]).toBe(0);
  });

  it('counts per category where the event has one and profile-wide always', () => {
    const state = replay([
      { type: 'page_viewed', atMs: 0, categories: [] },
      view(0, 'shoes'),
      view(0, 'bags', 'b1'),
      view(0, 'bags', 'b2'),
    ]);
    const shoes = intentFeatures(state, 'shoes', 0);
    expect(shoes[at('category.product_viewed')]).toBe(1);
    expect(shoes[at('profile.product_viewed')]).toBe(3);
    expect(shoes[at('profile.page_viewed')]).toBe(1);
    expect(shoes[at('category.view_share')]).toBeCloseTo(1 / 3, 12);
  });

  it('counts a product seen again as a repeat view, and remembers a bounded number of products', () => {
    const state = replay([view(0, 'shoes', 'p1'), view(MIN, 'shoes', 'p2'), view(2 * MIN, 'shoes', 'p1')]);
    const f = intentFeatures(state, 'shoes', 2 * MIN);
    const long = DEFAULT_FEATURE_OPTIONS.longHalfLifeMinutes;
    expect(f[at('category.log_repeat_views')]).toBeCloseTo(Math.log1p(1), 12);
    expect(f[at('category.log_interest')]).toBeCloseTo(
      Math.log1p(decayed(1, 0, 2 * MIN, long) + decayed(1, MIN, 2 * MIN, long) + 1),
      12,
    );
    const many = replay(Array.from({ length: 40 }, (_, i) => view(i * MIN, 'shoes', `p${i}`)));
    expect(many.categories.get('shoes')!.viewedAt.size).toBe(DEFAULT_FEATURE_OPTIONS.productMemory);
  });

  it('starts the since-order counts again at an order and remembers the purchase', () => {
    const state = replay([
      view(0),
      { type: 'product_added', atMs: MIN, categories: ['shoes'], productId: 'p1' },
      { type: 'order_completed', atMs: 2 * MIN, categories: ['shoes'] },
    ]);
    const f = intentFeatures(state, 'shoes', 2 * MIN);
    expect(f[at('category.product_viewed')]).toBe(0);
    expect(f[at('category.product_added')]).toBe(0);
    expect(f[at('profile.product_added')]).toBe(0);
    expect(f[at('profile.bought_before')]).toBe(1);
    expect(f[at('category.bought_before')]).toBe(1);
    expect(intentFeatures(state, 'bags', 2 * MIN)[at('category.bought_before')]).toBe(0);
  });

  it('reports the gap before the latest event, in log hours', () => {
    const state = replay([view(0), view(3 * 60 * MIN)]);
    expect(intentFeatures(state, 'shoes', 3 * 60 * MIN)[at('profile.log_hours_gap')]).toBeCloseTo(
      Math.log1p(3),
      12,
    );
  });

  it('merges exactly: the merged state equals one state that saw both streams', () => {
    const a: IntentEvent[] = [
      view(0, 'shoes', 'p1'),
      { type: 'page_viewed', atMs: 10 * MIN, categories: [] },
    ];
    const b: IntentEvent[] = [
      view(5 * MIN, 'bags', 'b1'),
      { type: 'product_added', atMs: 20 * MIN, categories: ['shoes'], productId: 'p9' },
    ];
    const merged = mergeIntentStates([replay(a), replay(b)], 30 * MIN);
    const together = replay([...a, ...b].sort((x, y) => x.atMs - y.atMs));
    for (const category of ['shoes', 'bags']) {
      const m = intentFeatures(merged, category, 45 * MIN);
      const t = intentFeatures(together, category, 45 * MIN);
      m.forEach((v, i) => expect(v, FEATURE_NAMES[i]).toBeCloseTo(t[i]!, 12));
    }
  });
});
