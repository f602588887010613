import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../../src/lib/shared/events';
import type { Profile } from '../../../../src/lib/shared/model';
import { createKpiMinutes, minuteKey, type KpiMinutes } from '../../../../ingest/processor/kpi/minutes';
import { emptyProfile } from '../../../../ingest/processor/profile/aggregates';
import { MINUTE, SECOND, T0, at } from '../fixtures';

type Step = [offsetMs: number, profileId: string, type: EventType, revenue?: number];

function play(kpis: KpiMinutes, steps: readonly Step[], profiles?: Map<string, Profile>) {
  for (const [offset, profileId, type, revenue = 0] of steps) {
    kpis.record({
      receivedAtMs: T0 + offset,
      profileId,
      type,
      revenue,
      mergedIds: [],
      highIntentProfiles: 0,
    });
    if (profiles) {
      const p = profiles.get(profileId) ?? emptyProfile('acme', profileId, at(offset));
      p.intent_updated_at = at(offset);
      profiles.set(profileId, p);
    }
  }
}

describe('KPI minutes', () => {
  it('counts events, distinct active users, carts, purchases, revenue and conversion per minute', () => {
    const kpis = createKpiMinutes('acme', [], []);
    play(kpis, [
      [1 * SECOND, 'a', 'page_viewed'],
      [2 * SECOND, 'a', 'product_added'],
      [3 * SECOND, 'b', 'product_added'],
      [4 * SECOND, 'a', 'order_completed', 50],
      [5 * SECOND, 'a', 'order_completed', 25],
      [6 * SECOND, 'c', 'page_viewed'],
      [61 * SECOND, 'a', 'page_viewed'],
    ]);
    expect(kpis.row(T0)).toEqual({
      brand_id: 'acme',
      minute: minuteKey(T0),
      events: 6,
      active_users: 3,
      carts: 2,
      purchases: 2,
      revenue: 75,
      conversion_rate: 1 / 3,
      high_intent_profiles: 0,
    });
    expect(kpis.row(T0 + MINUTE)).toMatchObject({
      events: 1,
      active_users: 1,
      purchases: 0,
      conversion_rate: 0,
    });
    expect(kpis.totals(T0, T0 + MINUTE)).toEqual({ active: 4, purchasers: 1 });
  });

  it('counts two merged profiles in one minute as one person', () => {
    const kpis = createKpiMinutes('acme', [], []);
    play(kpis, [
      [1 * SECOND, 'a', 'page_viewed'],
      [2 * SECOND, 'b', 'order_completed', 10],
    ]);
    kpis.record({
      receivedAtMs: T0 + 3 * SECOND,
      profileId: 'a',
      type: 'page_viewed',
      revenue: 0,
      mergedIds: ['b'],
      highIntentProfiles: 1,
    });
    expect(kpis.row(T0)).toMatchObject({ active_users: 1, conversion_rate: 1, high_intent_profiles: 1 });
  });

  it('a restart mid-minute restores counts so the rest of the minute adds up as without it', () => {
    const before: Step[] = [
      [1 * SECOND, 'a', 'page_viewed'],
      [2 * SECOND, 'b', 'order_completed', 30],
      [65 * SECOND, 'a', 'product_added'],
      [66 * SECOND, 'c', 'page_viewed'],
    ];
    const after: Step[] = [
      [70 * SECOND, 'a', 'order_completed', 20], // active before the restart: not a new active user
      [71 * SECOND, 'c', 'page_viewed'],
      [72 * SECOND, 'd', 'order_completed', 5],
    ];
    const straight = createKpiMinutes('acme', [], []);
    play(straight, [...before, ...after]);

    const profiles = new Map<string, Profile>();
    const first = createKpiMinutes('acme', [], []);
    play(first, before, profiles);
    const stored = [T0, T0 + MINUTE].map((m) => structuredClone(first.row(m)!));
    const restored = createKpiMinutes('acme', stored, profiles.values());
    play(restored, after);

    expect(restored.row(T0 + MINUTE)).toEqual(straight.row(T0 + MINUTE));
    expect(restored.row(T0)).toEqual(straight.row(T0));
  });

  it('keeps brands apart: rows carry their brand', () => {
    const acme = createKpiMinutes('acme', [], []);
    const other = createKpiMinutes('other', [], []);
    play(acme, [[0, 'a', 'page_viewed']]);
    expect(acme.row(T0)?.brand_id).toBe('acme');
    expect(other.row(T0)).toBeUndefined();
  });

  it('prunes old minutes and creates an empty row for a high-intent update', () => {
    const kpis = createKpiMinutes('acme', [], []);
    play(kpis, [[0, 'a', 'page_viewed']]);
    expect(kpis.setHighIntent(T0 + 5 * MINUTE, 2)).toMatchObject({
      events: 0,
      active_users: 0,
      high_intent_profiles: 2,
    });
    kpis.prune(T0 + MINUTE);
    expect(kpis.row(T0)).toBeUndefined();
    expect(kpis.row(T0 + 5 * MINUTE)).toBeDefined();
  });
});
