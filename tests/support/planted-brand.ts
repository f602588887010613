// The prediction benchmark's planted brand (bench/predictions.ts), shared with the test that holds
// its customer-value fit to converging: ingest/models/segments/synthetic.ts's four groups (10 %
// without orders), each buyer's orders at its planted first and last dates and at random between
// (buying is not clockwork), three products per order from 2,000 with planted pairs.
import { seededRandom } from '../../ingest/models/random';
import { syntheticPopulation } from '../../ingest/models/segments/synthetic';
import type { Profile, StoredEvent } from '../../src/lib/shared/model';

const DAY = 86_400_000;
const SHARE = [0.15, 0.2, 0.25, 0.4] as const;

export interface PlantedBrand {
  buyers: number;
  /** One batch per 20,000 order events or so, in profile order, each with its profiles. */
  batches: { profiles: Profile[]; events: StoredEvent[] }[];
  orders: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function profileOf(
  brandId: string,
  id: string,
  first: number,
  last: number,
  orders: number,
  revenue: number,
): Profile {
  return {
    brand_id: brandId,
    profile_id: id,
    merged_into: null,
    identifiers: [],
    first_seen: iso(first),
    last_seen: iso(last),
    event_count: orders,
    orders,
    revenue,
    channels: ['web'],
    categories: {},
    intent_score: 0,
    intent_level: 'low',
    intent_updated_at: iso(last),
    intent_categories: {},
    intent_reasons: [],
    intent_forecast: [],
    version: 1,
    own: null,
  };
}

export function plantedBrand(
  brandId: string,
  profiles: number,
  asOf: Date,
  batchEvents = 20_000,
): PlantedBrand {
  const buyers = Math.round(profiles * 0.9);
  const random = seededRandom(7);
  const { population } = syntheticPopulation({
    seed: 1,
    brandId,
    asOf: asOf.getTime(),
    noOrders: profiles - buyers,
    perGroup: {
      'recent big spenders': Math.round(buyers * SHARE[0]),
      'lapsed former regulars': Math.round(buyers * SHARE[1]),
      'one-time new buyers': Math.round(buyers * SHARE[2]),
      'occasional low spenders': Math.round(buyers * SHARE[3]),
    },
  });
  const batches: PlantedBrand['batches'] = [];
  let pending: PlantedBrand['batches'][number] = { profiles: [], events: [] };
  let seq = 0;
  for (const c of population.customers) {
    const first = c.firstOrderAt ?? asOf.getTime() - 10 * DAY;
    const last = c.lastOrderAt ?? first;
    pending.profiles.push(profileOf(brandId, c.profileId, first, last, c.orders, c.revenue));
    for (let k = 0; k < c.orders; k++) {
      const at = k === 0 ? first : k === c.orders - 1 ? last : first + (last - first) * random();
      const p = (seq * 7919) % 2000;
      seq += 1;
      pending.events.push({
        brand_id: brandId,
        event_id: `o${String(seq).padStart(9, '0')}`,
        source: 'csv',
        source_event_id: `order:${seq}`,
        type: 'order_completed',
        name: 'Order Completed',
        channel: 'web',
        profile_id: c.profileId,
        timestamp: iso(Math.floor(at / 1000) * 1000),
        received_at: iso(asOf.getTime()),
        revenue: c.revenue / c.orders,
        category: null,
        properties: {
          order_items: [
            { product_id: `sku-${p - (p % 2)}` },
            { product_id: `sku-${p - (p % 2) + 1}` },
            { product_id: `sku-${(seq * 31) % 2000}` },
          ],
        },
      });
    }
    if (pending.events.length >= batchEvents) {
      batches.push(pending);
      pending = { profiles: [], events: [] };
    }
  }
  if (pending.profiles.length > 0) batches.push(pending);
  return { buyers, batches, orders: seq };
}
