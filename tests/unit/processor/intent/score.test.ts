import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../../src/lib/shared/events';
import {
  INTENT_WEIGHTS,
  applyIntentEvent,
  decayed,
  levelDropsAt,
  levelOf,
  mergeIntent,
  scoreAt,
} from '../../../../ingest/processor/intent/score';
import { createLevelSchedule } from '../../../../ingest/processor/intent/level-schedule';
import { MINUTE, T0, at, settingsWith } from '../fixtures';

const settings = settingsWith().intent; // half-life 60 min, medium 20, high 50

function fresh(atMs = T0) {
  return { intent_score: 0, intent_level: 'low' as const, intent_updated_at: new Date(atMs).toISOString() };
}

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
