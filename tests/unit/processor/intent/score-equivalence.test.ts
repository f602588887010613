// The per-event intent update was made cheaper (reasons inserted in place instead of re-sorted
// and copied, one ISO string per event, no category rebuild for a profile with none); these
// check it still stores exactly what the straightforward rules give, on seeded random traffic:
// out-of-order times, repeated identical reasons, orders resetting categories, many categories.
import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../../src/lib/shared/events';
import type { IntentLevel, IntentReason } from '../../../../src/lib/shared/model';
import { boundCategories, latestReasons } from '../../../../src/lib/shared/intent';
import {
  INTENT_WEIGHTS,
  applyIntentEvent,
  decayed,
  levelOf,
  withReason,
  type IntentDetail,
  type IntentSettings,
} from '../../../../ingest/processor/intent/score';
import { T0, settingsWith } from '../fixtures';

const settings = settingsWith().intent;
const TYPES: EventType[] = [
  'page_viewed',
  'product_viewed',
  'product_added',
  'product_removed',
  'checkout_started',
  'identify',
  'order_completed',
];
const CATEGORIES = [
  'shoes',
  'bags',
  'hats',
  '7',
  'Éte',
  'a',
  'b',
  'c',
  'd',
  'e',
  'f',
  'g',
  'h',
  'i',
  'j',
  'k',
  'l',
];

/** mulberry32: the same sequence every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

function reasonOf(next: () => number): IntentReason {
  return {
    type: pick(next, TYPES),
    category: next() < 0.3 ? null : pick(next, CATEGORIES.slice(0, 4)),
    product_id: next() < 0.5 ? null : pick(next, ['p1', 'p2']),
    product_name: next() < 0.5 ? null : pick(next, ['Boot', 'Bag']),
    at: new Date(T0 + Math.floor(next() * 4) * 60_000).toISOString(),
    weight: pick(next, [1, 3, 10]),
  };
}

interface Fields {
  intent_score: number;
  intent_level: IntentLevel;
  intent_updated_at: string;
  intent_categories: Record<string, number>;
  intent_reasons: IntentReason[];
}

/** The rules as first written: decay every category, add or reset, re-sort all reasons. */
function reference(
  fields: Fields,
  type: EventType,
  atMs: number,
  s: IntentSettings,
  detail: IntentDetail,
): void {
  const fromMs = Date.parse(fields.intent_updated_at);
  const updatedMs = Math.max(atMs, fromMs);
  const weight = INTENT_WEIGHTS[type];
  const categories: Record<string, number> = {};
  for (const [category, score] of Object.entries(fields.intent_categories)) {
    categories[category] = decayed(score, fromMs, updatedMs, s.half_life_minutes);
  }
  const named = [...new Set(detail.categories)];
  if (weight === 'reset') {
    for (const category of named) delete categories[category];
    const reset = new Set(named);
    fields.intent_reasons = fields.intent_reasons.filter(
      (r) => r.category !== null && !reset.has(r.category),
    );
  } else {
    for (const category of named) categories[category] = Math.max(0, (categories[category] ?? 0) + weight);
    if (weight > 0) {
      const reason: IntentReason = {
        type,
        category: named[0] ?? null,
        product_id: detail.productId,
        product_name: detail.productName,
        at: new Date(atMs).toISOString(),
        weight,
      };
      fields.intent_reasons = latestReasons([...fields.intent_reasons, reason]);
    }
  }
  fields.intent_score =
    weight === 'reset'
      ? 0
      : Math.max(0, decayed(fields.intent_score, fromMs, updatedMs, s.half_life_minutes) + weight);
  fields.intent_categories = boundCategories(categories);
  fields.intent_updated_at = new Date(updatedMs).toISOString();
  fields.intent_level = levelOf(fields.intent_score, s);
}

const fresh = (): Fields => ({
  intent_score: 0,
  intent_level: 'low',
  intent_updated_at: new Date(T0).toISOString(),
  intent_categories: {},
  intent_reasons: [],
});

describe('withReason', () => {
  it('keeps what latestReasons keeps, ties and duplicates included, and never changes its input', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const next = random(seed);
      const kept = latestReasons(Array.from({ length: Math.floor(next() * 8) }, () => reasonOf(next)));
      const before = structuredClone(kept);
      const added =
        kept.length > 0 && next() < 0.2 ? { ...kept[Math.floor(next() * kept.length)]! } : reasonOf(next);
      const result = withReason(kept, added);
      expect(result, `seed ${seed}`).toEqual(latestReasons([...kept, added]));
      expect(result).not.toBe(kept);
      expect(kept).toEqual(before);
    }
  });

  it('re-sorts a list that is not in order (as stored by anything else) like latestReasons', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const unordered = Array.from({ length: 1 + Math.floor(next() * 7) }, () => reasonOf(next));
      const added = reasonOf(next);
      expect(withReason(unordered, added), `seed ${seed}`).toEqual(latestReasons([...unordered, added]));
    }
  });
});

describe('applyIntentEvent', () => {
  it('orders tied categories by name, as boundCategories does, whichever came first', () => {
    const fields = fresh();
    const one = (category: string): IntentDetail => ({
      categories: [category],
      productId: null,
      productName: null,
    });
    applyIntentEvent(fields, 'product_added', T0, settings, one('shoes'));
    applyIntentEvent(fields, 'product_added', T0, settings, one('bags'));
    applyIntentEvent(fields, 'product_viewed', T0, settings, one('hats'));
    expect(Object.entries(fields.intent_categories)).toEqual([
      ['bags', 10],
      ['shoes', 10],
      ['hats', 3],
    ]);
  });

  it('stores exactly what the rules as first written store, event after event', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const fast = fresh();
      const slow = fresh();
      let clock = T0;
      for (let i = 0; i < 120; i++) {
        // Mostly forward in time, sometimes the same instant (one request), sometimes late.
        const step = next();
        clock += step < 0.3 ? 0 : step < 0.9 ? Math.floor(next() * 30 * 60_000) : 0;
        const atMs = step >= 0.9 ? clock - Math.floor(next() * 60 * 60_000) : clock;
        const type = pick(next, TYPES);
        const count = next() < 0.4 ? 0 : type === 'order_completed' ? 1 + Math.floor(next() * 3) : 1;
        const detail: IntentDetail = {
          categories: Array.from({ length: count }, () => pick(next, CATEGORIES)),
          productId: next() < 0.5 ? null : `sku-${i % 5}`,
          productName: next() < 0.5 ? null : `Item ${i % 3}`,
        };
        applyIntentEvent(fast, type, atMs, settings, detail);
        reference(slow, type, atMs, settings, detail);
        expect(fast, `seed ${seed}, event ${i}`).toEqual(slow);
        expect(Object.keys(fast.intent_categories)).toEqual(Object.keys(slow.intent_categories));
      }
    }
  });
});
