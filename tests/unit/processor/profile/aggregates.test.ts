import { describe, expect, it } from 'vitest';
import {
  absorbProfiles,
  partsOf,
  applyProfileEvent,
  emptyProfile,
} from '../../../../ingest/processor/profile/aggregates';
import { averageOrderValue, profileLabel, topCategory } from '../../../../src/lib/shared/profile-display';
import { normalizeEvent } from '../../../../ingest/processor/normalize';
import type { InboundEvent } from '../../../../src/lib/shared/events';
import type { Profile } from '../../../../src/lib/shared/model';
import { MINUTE, at, makeEvent } from '../fixtures';

function feed(profile: Profile, event: InboundEvent): void {
  const n = normalizeEvent(event, { defaultCountry: 'US' });
  if (!n.ok) throw new Error('fixture did not normalize');
  applyProfileEvent(profile, n.value);
}

const item = (category: string) => ({ product_id: 'sku', category, price: 10, quantity: 1 });

const streamA: InboundEvent[] = [
  makeEvent({
    type: 'product_viewed',
    channel: 'web',
    timestamp: at(5 * MINUTE),
    commerce: { category: 'Shoes' },
  }),
  makeEvent({
    type: 'order_completed',
    channel: 'app',
    timestamp: at(9 * MINUTE),
    commerce: { revenue: 120, items: [item('Shoes')] },
  }),
];
const streamB: InboundEvent[] = [
  makeEvent({ type: 'message_received', channel: 'whatsapp', timestamp: at(2 * MINUTE) }),
  makeEvent({
    type: 'order_completed',
    channel: 'store',
    timestamp: at(20 * MINUTE),
    commerce: { revenue: 30.5, category: 'Bags' },
  }),
  makeEvent({
    type: 'product_viewed',
    channel: 'web',
    timestamp: at(15 * MINUTE),
    commerce: { category: 'Bags' },
  }),
];

describe('profile aggregates', () => {
  it('updates first/last seen, counts, orders, revenue, channels and categories per event', () => {
    const p = emptyProfile('acme', 'p1', at(0));
    for (const e of streamB) feed(p, e);
    expect(p).toMatchObject({
      first_seen: at(2 * MINUTE),
      last_seen: at(20 * MINUTE),
      event_count: 3,
      orders: 1,
      revenue: 30.5,
      channels: ['store', 'web', 'whatsapp'],
      categories: { Bags: 2 },
    });
    expect(averageOrderValue(p)).toBe(30.5);
    expect(averageOrderValue(emptyProfile('acme', 'p2', at(0)))).toBe(0);
  });

  it('merging combines exactly, as if one profile had seen every event', () => {
    const a = emptyProfile('acme', 'a', at(0));
    a.identifiers = [{ type: 'email', value: 'a@shop.in' }];
    const b = emptyProfile('acme', 'b', at(0));
    b.identifiers = [
      { type: 'phone', value: '+14155552671' },
      { type: 'email', value: 'a@shop.in' },
    ];
    const one = emptyProfile('acme', 'one', at(0));
    for (const e of streamA) {
      feed(a, e);
      feed(one, e);
    }
    for (const e of streamB) {
      feed(b, e);
      feed(one, e);
    }
    const aAlone = partsOf(a);
    absorbProfiles(a, [b]);
    const { profile_id: _a, identifiers, own, ...merged } = a;
    const { profile_id: _o, identifiers: _i, own: _n, ...whole } = one;
    expect(merged).toEqual(whole);
    // The survivor keeps what it held alone: an unmerge rebuilds from it.
    expect(own).toEqual(aAlone);
    expect(identifiers).toEqual([
      { type: 'email', value: 'a@shop.in' },
      { type: 'phone', value: '+14155552671' },
    ]);
    expect(averageOrderValue(a)).toBe((120 + 30.5) / 2);
    // The absorbed profile is left as it was (its row is history).
    expect(b.event_count).toBe(3);
  });

  it('picks a top category (ties alphabetical) and a readable label', () => {
    expect(topCategory({ Shoes: 2, Bags: 2, Hats: 1 })).toBe('Bags');
    expect(topCategory({})).toBeNull();
    expect(
      profileLabel({
        profile_id: 'p1',
        identifiers: [
          { type: 'user_id', value: 'c1' },
          { type: 'email', value: 'x@y.in' },
        ],
      }),
    ).toBe('x@y.in');
    expect(profileLabel({ profile_id: 'p1', identifiers: [] })).toBe('p1');
  });
});
