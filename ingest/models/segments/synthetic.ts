// A seeded synthetic brand with planted customer groups, for tests and the benchmark.
//
// Four groups, each uniform within its ranges (revenue = orders × a log-normal order value):
//   recent big spenders     → expected name "champions"
//   lapsed former regulars  → "at risk"
//   one-time new buyers     → "new"
//   occasional low spenders → "occasional"
// plus, optionally, customers with no orders. Channel mixes are random per customer (noise).

import { DAY_MS, type BrandPopulation, type CustomerActivity } from './input';
import { seededRandom } from '../random';

export const PLANTED = [
  'recent big spenders',
  'lapsed former regulars',
  'one-time new buyers',
  'occasional low spenders',
] as const;
export type Planted = (typeof PLANTED)[number];

export const EXPECTED_NAME: Readonly<Record<Planted, string>> = {
  'recent big spenders': 'champions',
  'lapsed former regulars': 'at risk',
  'one-time new buyers': 'new',
  'occasional low spenders': 'occasional',
};

interface GroupSpec {
  recency: [number, number];
  orders: [number, number];
  orderValue: number;
  /** Days between the first and the last order; null = first order is the last. */
  span: [number, number] | null;
  events: [number, number];
  intent: [number, number];
}

const SPECS: Readonly<Record<Planted, GroupSpec>> = {
  'recent big spenders': {
    recency: [0, 14],
    orders: [8, 20],
    orderValue: 120,
    span: [300, 900],
    events: [15, 40],
    intent: [0.6, 0.95],
  },
  'lapsed former regulars': {
    recency: [200, 400],
    orders: [5, 12],
    orderValue: 80,
    span: [300, 800],
    events: [0, 2],
    intent: [0, 0.2],
  },
  'one-time new buyers': {
    recency: [0, 20],
    orders: [1, 1],
    orderValue: 50,
    span: null,
    events: [4, 15],
    intent: [0.3, 0.7],
  },
  'occasional low spenders': {
    recency: [60, 250],
    orders: [1, 3],
    orderValue: 20,
    span: [60, 500],
    events: [0, 4],
    intent: [0.05, 0.3],
  },
};

export interface SyntheticOptions {
  seed: number;
  /** Customers per planted group. */
  perGroup: Readonly<Record<Planted, number>>;
  noOrders: number;
  asOf: number;
  brandId: string;
}

export interface SyntheticPopulation {
  population: BrandPopulation;
  /** profileId → planted group (absent for customers without orders). */
  group: Map<string, Planted>;
}

export function syntheticPopulation(
  options: Partial<SyntheticOptions> & { seed: number },
): SyntheticPopulation {
  const o: SyntheticOptions = {
    perGroup: {
      'recent big spenders': 150,
      'lapsed former regulars': 200,
      'one-time new buyers': 250,
      'occasional low spenders': 400,
    },
    noOrders: 0,
    asOf: Date.UTC(2025, 5, 1),
    brandId: 'brand-synthetic',
    ...options,
  };
  const rand = seededRandom(o.seed);
  const uniform = ([lo, hi]: readonly [number, number]) => lo + (hi - lo) * rand();
  const int = ([lo, hi]: readonly [number, number]) => lo + Math.floor((hi - lo + 1) * rand());
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const customers: CustomerActivity[] = [];
  const group = new Map<string, Planted>();
  const channels = (events: number) => {
    const w = [rand(), rand(), rand()];
    const sum = (w[0] as number) + (w[1] as number) + (w[2] as number);
    const web = Math.round((events * (w[0] as number)) / sum);
    const store = Math.round((events * (w[1] as number)) / sum);
    return { web, store, whatsapp: Math.max(0, events - web - store) };
  };
  for (const g of PLANTED) {
    const spec = SPECS[g];
    for (let i = 0; i < o.perGroup[g]; i++) {
      const profileId = `s${o.seed}-${customers.length}`;
      const orders = int(spec.orders);
      const last = o.asOf - uniform(spec.recency) * DAY_MS;
      const first = spec.span === null ? last : last - uniform(spec.span) * DAY_MS;
      let revenue = 0;
      for (let j = 0; j < orders; j++) revenue += spec.orderValue * Math.exp(0.4 * normal());
      const events = int(spec.events);
      customers.push({
        profileId,
        firstOrderAt: first,
        lastOrderAt: last,
        orders,
        revenue: Math.round(revenue * 100) / 100,
        events30d: events,
        channels: channels(events),
        intent: uniform(spec.intent),
      });
      group.set(profileId, g);
    }
  }
  for (let i = 0; i < o.noOrders; i++) {
    const events = int([0, 6]);
    customers.push({
      profileId: `s${o.seed}-${customers.length}`,
      firstOrderAt: null,
      lastOrderAt: null,
      orders: 0,
      revenue: 0,
      events30d: events,
      channels: channels(events),
      intent: rand() * 0.5,
    });
  }
  return { population: { brandId: o.brandId, asOf: o.asOf, customers }, group };
}
