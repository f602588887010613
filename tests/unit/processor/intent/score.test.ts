import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../../src/lib/shared/events';
import type { IntentLevel, IntentReason } from '../../../../src/lib/shared/model';
import {
  INTENT_CATEGORIES_MAX,
  INTENT_REASONS_MAX,
  describeReasons,
} from '../../../../src/lib/shared/intent';
import {
  INTENT_WEIGHTS,
  applyIntentEvent,
  decayed,
  levelDropsAt,
  levelOf,
  mergeIntent,
  scoreAt,
  type IntentDetail,
} from '../../../../ingest/processor/intent/score';
import { createLevelSchedule } from '../../../../ingest/processor/intent/level-schedule';
import { MINUTE, T0, at, settingsWith } from '../fixtures';

const settings = settingsWith().intent; // half-life 60 min, medium 20, high 50

function fresh(atMs = T0) {
  return {
    intent_score: 0,
    intent_level: 'low' as IntentLevel,
    intent_updated_at: new Date(atMs).toISOString(),
    intent_categories: {} as Record<string, number>,
    intent_reasons: [] as IntentReason[],
  };
}

const inCategory = (category: string, productName: string | null = null): IntentDetail => ({
  categories: [category],
  productId: productName === null ? null : `sku-${productName}`,
  productName,
});

describe('intent score', () => {
  it('halves every half-life', () => {
    expect(decayed(80, T0, T0 + 60 * MINUTE, 60)).toBe(40);
    expect(decayed(80, T0, T0 + 120 * MINUTE, 60)).toBe(20);
    expect(decayed(80, T0, T0 + 30 * MINUTE, 60)).toBeCloseTo(80 / Math.SQRT2, 10);
    // Time never runs backwards.
    expect(decayed(80, T0, T0 - MINUTE, 60)).toBe(80);
  });

  it('adds weights from the documented table, decaying between events', () => {
    const p = fresh();
    applyIntentEvent(p, 'product_added', T0, settings);
    expect(p.intent_score).toBe(10);
    applyIntentEvent(p, 'checkout_started', T0 + 60 * MINUTE, settings);
    expect(p.intent_score).toBe(10 / 2 + 20);
    expect(p.intent_updated_at).toBe(at(60 * MINUTE));
    expect(p.intent_level).toBe('medium');
  });

  it('floors product_removed at 0 and resets on order_completed', () => {
    const p = fresh();
    applyIntentEvent(p, 'page_viewed', T0, settings);
    applyIntentEvent(p, 'product_removed', T0, settings);
    expect(p.intent_score).toBe(0);
    for (let i = 0; i < 3; i++) applyIntentEvent(p, 'checkout_started', T0, settings);
    expect(p.intent_level).toBe('high');
    applyIntentEvent(p, 'order_completed', T0 + MINUTE, settings);
    expect(p.intent_score).toBe(0);
    expect(p.intent_level).toBe('low');
  });

  it('an event older than the last update adds its weight without decay', () => {
    const p = fresh();
    applyIntentEvent(p, 'product_added', T0 + 10 * MINUTE, settings);
    applyIntentEvent(p, 'product_viewed', T0, settings);
    expect(p.intent_score).toBe(13);
    expect(p.intent_updated_at).toBe(at(10 * MINUTE));
  });

  it('levels by the brand thresholds', () => {
    const strict = settingsWith({
      intent: { half_life_minutes: 10, medium_threshold: 5, high_threshold: 8 },
    }).intent;
    expect(levelOf(7, strict)).toBe('medium');
    expect(levelOf(8, strict)).toBe('high');
    expect(levelOf(8, settings)).toBe('low');
    const weights: EventType[] = ['page_viewed', 'custom', 'identify', 'message_received'];
    expect(weights.map((t) => INTENT_WEIGHTS[t])).toEqual([1, 1, 2, 5]);
  });

  it('merging sums decayed scores: equal to one profile having seen both streams', () => {
    const a = fresh();
    const b = fresh();
    const one = fresh();
    const stream: [typeof a, EventType, number][] = [
      [a, 'product_added', 0],
      [b, 'checkout_started', 10],
      [a, 'product_viewed', 25],
      [b, 'page_viewed', 40],
    ];
    for (const [p, type, minute] of stream) {
      applyIntentEvent(p, type, T0 + minute * MINUTE, settings);
      applyIntentEvent(one, type, T0 + minute * MINUTE, settings);
    }
    mergeIntent(a, [b], T0 + 90 * MINUTE, settings);
    expect(a.intent_score).toBeCloseTo(scoreAt(one, T0 + 90 * MINUTE, settings), 10);
    expect(a.intent_updated_at).toBe(at(90 * MINUTE));
  });
});

describe('intent per category', () => {
  it('decays each category with the total, adds a categorised weight to its category only', () => {
    const p = fresh();
    applyIntentEvent(p, 'product_added', T0, settings, inCategory('Shoes', 'Trail shoes'));
    applyIntentEvent(p, 'page_viewed', T0, settings);
    expect(p.intent_score).toBe(11);
    expect(p.intent_categories).toEqual({ Shoes: 10 });
    applyIntentEvent(p, 'product_viewed', T0 + 60 * MINUTE, settings, inCategory('Bags'));
    // One time base: both categories and the total were decayed to the last event.
    expect(p.intent_updated_at).toBe(at(60 * MINUTE));
    expect(p.intent_score).toBe(11 / 2 + 3);
    expect(p.intent_categories).toEqual({ Shoes: 5, Bags: 3 });
    applyIntentEvent(p, 'product_removed', T0 + 60 * MINUTE, settings, inCategory('Bags'));
    expect(p.intent_categories).toEqual({ Shoes: 5 }); // floored at 0, then dropped
  });

  it('an order resets the categories it names and the total, and drops the reasons of both', () => {
    const p = fresh();
    applyIntentEvent(p, 'product_added', T0, settings, inCategory('Shoes', 'Trail shoes'));
    applyIntentEvent(p, 'product_added', T0, settings, inCategory('Hats', 'Cap'));
    applyIntentEvent(p, 'message_received', T0, settings);
    applyIntentEvent(p, 'order_completed', T0 + MINUTE, settings, {
      categories: ['Shoes'],
      productId: null,
      productName: null,
    });
    expect(p.intent_score).toBe(0);
    expect(Object.keys(p.intent_categories)).toEqual(['Hats']);
    expect(p.intent_categories.Hats).toBeCloseTo(10 * 2 ** (-1 / 60), 12);
    // Hats still stands, with its reason; Shoes and the uncategorised message were reset.
    expect(p.intent_reasons.map((r) => r.product_name)).toEqual(['Cap']);
    // An order naming no category resets only the total.
    applyIntentEvent(p, 'order_completed', T0 + 2 * MINUTE, settings);
    expect(Object.keys(p.intent_categories)).toEqual(['Hats']);
  });

  it('keeps the latest reasons, newest first, with what raised the score', () => {
    const p = fresh();
    for (let i = 0; i < INTENT_REASONS_MAX + 3; i++) {
      applyIntentEvent(p, 'product_viewed', T0 + i * MINUTE, settings, inCategory('Running', `shoe ${i}`));
    }
    applyIntentEvent(p, 'product_removed', T0 + 20 * MINUTE, settings, inCategory('Running', 'x'));
    expect(p.intent_reasons).toHaveLength(INTENT_REASONS_MAX);
    expect(p.intent_reasons[0]).toEqual({
      type: 'product_viewed',
      category: 'Running',
      product_id: `sku-shoe ${INTENT_REASONS_MAX + 2}`,
      product_name: `shoe ${INTENT_REASONS_MAX + 2}`,
      at: at((INTENT_REASONS_MAX + 2) * MINUTE),
      weight: 3,
    });
    applyIntentEvent(p, 'product_added', T0 + 21 * MINUTE, settings, inCategory('Running', 'Trail shoes'));
    expect(describeReasons(p.intent_reasons, T0 + 24 * MINUTE)).toBe(
      `added Trail shoes to cart 3 min ago, viewed ${INTENT_REASONS_MAX - 1} Running products 17 min ago`,
    );
  });

  it('keeps at most the cap of categories, the highest, and forgets decayed ones', () => {
    const p = fresh();
    const names = Array.from({ length: INTENT_CATEGORIES_MAX }, (_, i) => `c${String(i).padStart(2, '0')}`);
    for (const name of names) applyIntentEvent(p, 'product_viewed', T0, settings, inCategory(name));
    expect(Object.keys(p.intent_categories)).toHaveLength(INTENT_CATEGORIES_MAX);
    // Over the cap the lowest goes (ties: the later name); a new category no higher than the rest stays out.
    applyIntentEvent(p, 'checkout_started', T0, settings, inCategory('big'));
    applyIntentEvent(p, 'product_viewed', T0, settings, inCategory('zz'));
    expect(Object.keys(p.intent_categories).sort()).toEqual(['big', ...names.slice(0, -1)].sort());
    expect(p.intent_categories.big).toBe(20);
    // A month later every category has decayed below the epsilon.
    applyIntentEvent(p, 'page_viewed', T0 + 30 * 24 * 60 * MINUTE, settings);
    expect(p.intent_categories).toEqual({});
  });

  it('merging sums decayed categories and keeps the latest reasons: as one profile seeing both', () => {
    const a = fresh();
    const b = fresh();
    const one = fresh();
    const stream: [typeof a, EventType, number, IntentDetail | undefined][] = [
      [a, 'product_added', 0, inCategory('Shoes', 'Trail shoes')],
      [b, 'checkout_started', 10, inCategory('Shoes')],
      [a, 'product_viewed', 25, inCategory('Bags', 'Tote')],
      [b, 'page_viewed', 40, undefined],
      [b, 'product_viewed', 41, inCategory('Hats', 'Cap')],
    ];
    for (const [p, type, minute, detail] of stream) {
      applyIntentEvent(p, type, T0 + minute * MINUTE, settings, detail);
      applyIntentEvent(one, type, T0 + minute * MINUTE, settings, detail);
    }
    mergeIntent(a, [b], T0 + 90 * MINUTE, settings);
    const categories = Object.entries(one.intent_categories);
    expect(Object.keys(a.intent_categories).sort()).toEqual(categories.map(([c]) => c).sort());
    for (const [category, score] of categories) {
      expect(a.intent_categories[category]).toBeCloseTo(
        decayed(score, T0 + 41 * MINUTE, T0 + 90 * MINUTE, 60),
        10,
      );
    }
    expect(a.intent_reasons).toEqual(one.intent_reasons);
  });
});

describe('level drops', () => {
  it('predicts when a high profile decays to medium and a medium one to low', () => {
    const p = { intent_score: 100, intent_level: 'high' as const, intent_updated_at: at(0) };
    const drop = levelDropsAt(p, settings)!;
    // 100 → 50 after exactly one half-life.
    expect(drop).toBe(T0 + 60 * MINUTE + 1);
    expect(levelOf(scoreAt(p, drop, settings), settings)).toBe('medium');
    expect(levelOf(scoreAt(p, drop - 2, settings), settings)).toBe('high');
    expect(levelDropsAt({ ...p, intent_score: 5, intent_level: 'low' }, settings)).toBeNull();
  });

  it('the schedule returns due profiles in time order and skips rescheduled ones', () => {
    const schedule = createLevelSchedule();
    schedule.set('p1', T0 + 3);
    schedule.set('p2', T0 + 1);
    schedule.set('p3', T0 + 2);
    schedule.set('p1', T0 + 10); // rescheduled: the old entry is stale
    schedule.set('p3', null); // cleared
    expect(schedule.takeDue(T0 + 5)).toEqual(['p2']);
    expect(schedule.takeDue(T0 + 10)).toEqual(['p1']);
    expect(schedule.takeDue(T0 + 100)).toEqual([]);
    expect(schedule.size()).toBe(0);
  });
});
