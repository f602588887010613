// One brand's prediction input, read from the warehouse in pages and kept in columns (typed arrays
// and flat string lists), so that handing it to the worker thread is a few buffer transfers rather
// than a structured clone of a million small objects on the event loop.
//
// Events are stored against the profile part they resolved to; each part is followed through
// merged_into to its survivor (chains of any length, a cycle or a dangling pointer stops where it
// is found, as followMerges does). An order whose part has no surviving profile is dropped and
// counted (`orphanOrders`).
import type { WarehouseReader } from '../warehouse/types';
import { MAX_MERGE_HOPS } from '../warehouse/merge-chain';

export const INPUT_PAGE = 10_000;
const DAY_MS = 86_400_000;

export interface PredictionInput {
  brandId: string;
  asOf: number;
  /** Survivors, in profile_id order. */
  profileIds: string[];
  /** Current intent score per survivor. */
  intent: Float64Array;
  /** Orders in time order (ties by event id): survivor index, time (ms), revenue. */
  orderCustomer: Int32Array;
  orderAt: Float64Array;
  orderRevenue: Float64Array;
  /** Products of order i are products[productStart[i] .. productStart[i + 1]). */
  productStart: Int32Array;
  products: string[];
  /** Events per survivor in the 30 days before asOf: all, web, store, whatsapp. */
  events30d: Float64Array;
  web30d: Float64Array;
  store30d: Float64Array;
  whatsapp30d: Float64Array;
  orphanOrders: number;
}

/** part → survivor, following chains (see the header). */
export function survivorsOfParts(parts: readonly { profile_id: string; merged_into: string }[]) {
  const next = new Map(parts.map((p) => [p.profile_id, p.merged_into]));
  const resolved = new Map<string, string>();
  for (const start of next.keys()) {
    let current = start;
    const seen = new Set<string>();
    while (next.has(current) && !seen.has(current) && seen.size < MAX_MERGE_HOPS) {
      seen.add(current);
      current = next.get(current) as string;
    }
    resolved.set(start, current);
  }
  return resolved;
}

interface RawOrder {
  customer: number;
  at: number;
  eventId: string;
  revenue: number;
  products: string[];
}

/** Reads one brand's input (see the header); `pageSize` rows per warehouse call. */
export async function readPredictionInput(
  reader: WarehouseReader,
  brandId: string,
  asOf: number,
  pageSize = INPUT_PAGE,
): Promise<PredictionInput> {
  const profileIds: string[] = [];
  const intent: number[] = [];
  for (let after: string | null = null; ;) {
    const page = await reader.predictionSurvivors(brandId, after, pageSize);
    for (const s of page) {
      profileIds.push(s.profile_id);
      intent.push(s.intent_score);
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.profile_id;
  }
  const index = new Map(profileIds.map((id, i) => [id, i]));
  const partOf = survivorsOfParts(await reader.mergedParts(brandId));
  const customerOf = (part: string): number | undefined => index.get(partOf.get(part) ?? part);

  const orders: RawOrder[] = [];
  let orphanOrders = 0;
  for (let after: string | null = null; ;) {
    const page = await reader.predictionOrders(brandId, after, pageSize);
    for (const o of page) {
      const customer = customerOf(o.profile_id);
      const at = Date.parse(o.timestamp);
      if (customer === undefined || at > asOf) {
        orphanOrders += customer === undefined ? 1 : 0;
        continue;
      }
      orders.push({
        customer,
        at,
        eventId: o.event_id,
        revenue: o.revenue,
        products: o.items.map((i) => i.product_id),
      });
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.event_id;
  }
  orders.sort((a, b) => a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));

  const n = profileIds.length;
  const events30d = new Float64Array(n);
  const web30d = new Float64Array(n);
  const store30d = new Float64Array(n);
  const whatsapp30d = new Float64Array(n);
  const since = new Date(asOf - 30 * DAY_MS).toISOString();
  for (const row of await reader.channelActivity(brandId, since)) {
    const c = customerOf(row.profile_id);
    if (c === undefined) continue;
    events30d[c] = (events30d[c] as number) + row.events;
    web30d[c] = (web30d[c] as number) + row.web;
    store30d[c] = (store30d[c] as number) + row.store;
    whatsapp30d[c] = (whatsapp30d[c] as number) + row.whatsapp;
  }

  const productStart = new Int32Array(orders.length + 1);
  const products: string[] = [];
  orders.forEach((o, i) => {
    productStart[i] = products.length;
    for (const p of o.products) products.push(p);
  });
  productStart[orders.length] = products.length;
  return {
    brandId,
    asOf,
    profileIds,
    intent: Float64Array.from(intent),
    orderCustomer: Int32Array.from(orders, (o) => o.customer),
    orderAt: Float64Array.from(orders, (o) => o.at),
    orderRevenue: Float64Array.from(orders, (o) => o.revenue),
    productStart,
    products,
    events30d,
    web30d,
    store30d,
    whatsapp30d,
    orphanOrders,
  };
}

/** The buffers a postMessage can transfer instead of copying. */
export function transferables(input: PredictionInput): ArrayBuffer[] {
  return [
    input.intent,
    input.orderCustomer,
    input.orderAt,
    input.orderRevenue,
    input.productStart,
    input.events30d,
    input.web30d,
    input.store30d,
    input.whatsapp30d,
  ].map((a) => a.buffer as ArrayBuffer);
}
