import { describe, expect, it } from 'vitest';
import { intentQuery, visibleRows } from '../../../src/lib/client/live-intent-list';
import { parseIntentFilter } from '../../../src/lib/server/intent-list';
import type { HighIntentEntry } from '../../../src/lib/shared/live';

const INTENT = { half_life_minutes: 60, medium_threshold: 20, high_threshold: 50 };
const T = Date.parse('2026-03-01T10:00:00.000Z');

const entry = (id: string, score: number, categories: Record<string, number>): HighIntentEntry => ({
  profile_id: id,
  score,
  level: 'high',
  label: id,
  top_category: null,
  last_seen: new Date(T).toISOString(),
  scored_at: new Date(T).toISOString(),
  categories,
  reasons: [],
  forecast: [],
});

describe('the High-intent page rows', () => {
  const entries = [
    entry('a', 100, { Shoes: 60 }),
    entry('b', 60, { Shoes: 100, Bags: 30 }),
    entry('c', 60, {}),
  ];

  it('shows rows at the level by the total, highest first then by id', () => {
    const rows = visibleRows(entries, { level: 'high', category: null }, T, INTENT, 10);
    expect(rows.map((r) => [r.entry.profile_id, r.score])).toEqual([
      ['a', 100],
      ['b', 60],
      ['c', 60],
    ]);
    expect(visibleRows(entries, { level: 'high', category: null }, T, INTENT, 1)).toHaveLength(1);
  });

  it('drops a row when its category decays below the level, while the total still holds', () => {
    const shoes = { level: 'high', category: 'Shoes' } as const;
    expect(visibleRows(entries, shoes, T, INTENT, 10).map((r) => r.entry.profile_id)).toEqual(['b', 'a']);
    // 30 min later: a's Shoes is 60/√2 ≈ 42 < 50 and leaves; b's 70.7 stays.
    const later = T + 30 * 60_000;
    expect(visibleRows(entries, shoes, later, INTENT, 10).map((r) => r.entry.profile_id)).toEqual(['b']);
    expect(visibleRows(entries, { level: 'high', category: null }, later, INTENT, 10)).toHaveLength(1);
    expect(visibleRows(entries, { level: 'medium', category: 'Bags' }, later, INTENT, 10)).toHaveLength(1);
  });

  it('reads the filter from the URL, naming a bad one', () => {
    expect(parseIntentFilter(new URLSearchParams(''))).toEqual({
      ok: true,
      value: { level: 'high', category: null },
    });
    expect(parseIntentFilter(new URLSearchParams('level=medium&category=%20Shoes%20'))).toEqual({
      ok: true,
      value: { level: 'medium', category: 'Shoes' },
    });
    expect(parseIntentFilter(new URLSearchParams('level=low'))).toEqual({
      ok: false,
      problem: 'level must be medium or high',
    });
    expect(parseIntentFilter(new URLSearchParams(`category=${'x'.repeat(300)}`))).toMatchObject({
      ok: false,
      problem: 'category is longer than 256 characters',
    });
    expect(intentQuery({ level: 'medium', category: 'a&b=c' })).toBe('level=medium&category=a%26b%3Dc');
  });
});
