import { describe, expect, it } from 'vitest';
import { DAY_MS, SegmentInputError, type CustomerActivity } from '../../../../ingest/models/segments/input';
import { quintileScores, rfmScores } from '../../../../ingest/models/segments/rfm';

const asOf = Date.UTC(2025, 0, 31);
function buyer(id: string, daysAgo: number, orders: number, revenue: number): CustomerActivity {
  const at = asOf - daysAgo * DAY_MS;
  return {
    profileId: id,
    firstOrderAt: at,
    lastOrderAt: at,
    orders,
    revenue,
    events30d: 0,
    channels: { web: 0, store: 0, whatsapp: 0 },
    intent: 0,
  };
}
const none = (id: string): CustomerActivity => ({
  ...buyer(id, 0, 0, 0),
  firstOrderAt: null,
  lastOrderAt: null,
});

describe('quintileScores (mid-rank rule)', () => {
  it('scores five distinct values 1..5 and ten values in pairs', () => {
    expect(quintileScores([50, 10, 30, 20, 40], true)).toEqual([5, 1, 3, 2, 4]);
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('gives equal values equal scores at their mid-rank', () => {
    // 10,10,10: worse 0, equal 3 → p = 1.5/5 → 2; 20: p = 3.5/5 → 4; 30: p = 4.5/5 → 5
    expect(quintileScores([10, 20, 10, 30, 10], true)).toEqual([2, 4, 2, 5, 2]);
    expect(quintileScores([7, 7, 7, 7], true)).toEqual([3, 3, 3, 3]);
  });

  it('flips for lower-is-better (recency) and puts a lone value at 3', () => {
    expect(quintileScores([1, 2, 3, 4, 5], false)).toEqual([5, 4, 3, 2, 1]);
    expect(quintileScores([42], true)).toEqual([3]);
    expect(quintileScores([42], false)).toEqual([3]);
  });
});

describe('rfmScores', () => {
  it('computes values and scores within the brand, skipping customers without orders', () => {
    const out = rfmScores({
      brandId: 'b',
      asOf,
      customers: [
        buyer('a', 1, 5, 500),
        none('z'),
        buyer('b', 10, 2, 100),
        buyer('c', 100, 1, 100),
        buyer('d', 30, 3, 50),
        buyer('e', 1, 1, 20),
      ],
    });
    expect(out[1]).toEqual({ profileId: 'z', kind: 'no-orders' });
    // recency days 1,10,100,30,1 → ties at 1 day: worse 3, equal 2 → p=4/5 → 5
    expect(out.filter((r) => r.kind === 'scored').map((r) => [r.profileId, r.r, r.f, r.m])).toEqual([
      ['a', 5, 5, 5],
      ['b', 3, 3, 4],
      ['c', 1, 2, 4],
      ['d', 2, 4, 2],
      ['e', 5, 2, 1],
    ]);
    expect(out[0]).toMatchObject({ recencyDays: 1, frequency: 5, monetary: 500 });
  });

  it('scores a single-customer brand 3/3/3, and a brand of only non-buyers not at all', () => {
    expect(rfmScores({ brandId: 'b', asOf, customers: [buyer('a', 3, 2, 10)] })[0]).toMatchObject({
      r: 3,
      f: 3,
      m: 3,
    });
    expect(
      rfmScores({ brandId: 'b', asOf, customers: [none('x'), none('y')] }).every(
        (r) => r.kind === 'no-orders',
      ),
    ).toBe(true);
  });

  it('refuses hostile input naming the field', () => {
    const bad = (c: Partial<CustomerActivity>, field: string) => {
      const run = () =>
        rfmScores({
          brandId: 'b',
          asOf,
          customers: [buyer('ok', 1, 1, 1), { ...buyer('x', 1, 1, 1), ...c }],
        });
      expect(run).toThrow(SegmentInputError);
      expect(run).toThrow(field);
    };
    bad({ revenue: -5 }, 'customers[1].revenue');
    bad({ revenue: NaN }, 'customers[1].revenue');
    bad({ orders: 1.5 }, 'customers[1].orders');
    bad({ lastOrderAt: NaN }, 'customers[1].lastOrderAt');
    bad({ lastOrderAt: asOf + DAY_MS }, 'customers[1].lastOrderAt');
    bad({ intent: 2 }, 'customers[1].intent');
    bad({ events30d: Infinity }, 'customers[1].events30d');
    bad({ channels: { web: -1, store: 0, whatsapp: 0 } }, 'customers[1].channels.web');
    bad({ profileId: 'ok' }, 'customers[1].profileId');
    bad({ orders: 0, revenue: 0 }, 'customers[1].lastOrderAt');
    expect(() => rfmScores({ brandId: 'b', asOf, customers: [] })).toThrow('customers must not be empty');
    expect(() => rfmScores({ brandId: 'b', asOf: NaN, customers: [buyer('a', 1, 1, 1)] })).toThrow('asOf');
  });
});
