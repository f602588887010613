// One brand's prediction input, read from the warehouse in pages and kept in columns (typed arrays;
// product ids as UTF-8 bytes), so that handing it to the worker thread is a few buffer transfers
// rather than a structured clone of a million small objects on the event loop. Each page is appended
// as it arrives; nothing here touches all orders at once. Putting the orders in time order (a sort
// of every order) is the worker's job: inTimeOrder, called by computePredictions.
//
// Events are stored against the profile part they resolved to; each part is followed through
// merged_into to its survivor (chains of any length, a cycle or a dangling pointer stops where it
// is found, as followMerges does). An order whose part has no surviving profile is dropped and
// counted (`orphanOrders`).
import type { WarehouseReader } from '../warehouse/types';
import { MAX_MERGE_HOPS } from '../warehouse/merge-chain';
import { Growing, textAt, Utf8Column, type Utf8Text } from './columns';

// A page is materialized in one go on the event loop: 10,000 orders held it ~200 ms (DuckDB), 2,000 ~40 ms.
export const INPUT_PAGE = 2_000;
const DAY_MS = 86_400_000;

export interface PredictionInput {
  brandId: string;
  asOf: number;
  /** Survivors, in profile_id order. */
  profileIds: string[];
  /** Current intent score per survivor. */
  intent: Float64Array;
  /**
   * Orders in the order they were read, which is event id order (the warehouse pages by it):
   * survivor index, time (ms), revenue.
   */
  orderCustomer: Int32Array;
  orderAt: Float64Array;
  orderRevenue: Float64Array;
  /** Products of order i are products productStart[i] .. productStart[i + 1] − 1. */
  productStart: Int32Array;
  /** Product j is the UTF-8 text productBytes[productEnd[j − 1] .. productEnd[j]) (from 0 for j = 0). */
  productEnd: Int32Array;
  productBytes: Uint8Array;
  /** Events per survivor in the 30 days before asOf: all, web, store, whatsapp. */
  events30d: Float64Array;
  web30d: Float64Array;
  store30d: Float64Array;
  whatsapp30d: Float64Array;
  orphanOrders: number;
}

/** The orders of a PredictionInput in time order (ties by event id), products decoded. */
export interface TimeOrderedInput extends Omit<PredictionInput, 'productEnd' | 'productBytes'> {
  /** Products of order i are products[productStart[i] .. productStart[i + 1]). */
  products: string[];
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

/**
 * Reads one brand's input (see the header); `pageSize` rows per warehouse call. `productNames`,
 * when given, is filled with each product's name from its latest order that named it: labels for
 * the recommendations, kept on this thread (the worker needs ids only).
 */
export async function readPredictionInput(
  reader: WarehouseReader,
  brandId: string,
  asOf: number,
  pageSize = INPUT_PAGE,
  productNames?: Map<string, { name: string; at: number }>,
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

  const orderCustomer = new Growing((n) => new Int32Array(n));
  const orderAt = new Growing((n) => new Float64Array(n));
  const orderRevenue = new Growing((n) => new Float64Array(n));
  const productStart = new Growing((n) => new Int32Array(n));
  const products = new Utf8Column();
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
      orderCustomer.push(customer);
      orderAt.push(at);
      orderRevenue.push(o.revenue);
      productStart.push(products.count);
      for (const item of o.items) {
        products.push(item.product_id);
        if (productNames && item.name !== null && (productNames.get(item.product_id)?.at ?? -Infinity) <= at)
          productNames.set(item.product_id, { name: item.name, at });
      }
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.event_id;
  }
  productStart.push(products.count);

  const n = profileIds.length;
  const events30d = new Float64Array(n);
  const web30d = new Float64Array(n);
  const store30d = new Float64Array(n);
  const whatsapp30d = new Float64Array(n);
  const since = new Date(asOf - 30 * DAY_MS).toISOString();
  for (let after: string | null = null; ;) {
    const page = await reader.channelActivity(brandId, since, after, pageSize);
    for (const row of page) {
      const c = customerOf(row.profile_id);
      if (c === undefined) continue;
      events30d[c] = (events30d[c] as number) + row.events;
      web30d[c] = (web30d[c] as number) + row.web;
      store30d[c] = (store30d[c] as number) + row.store;
      whatsapp30d[c] = (whatsapp30d[c] as number) + row.whatsapp;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.profile_id;
  }

  return {
    brandId,
    asOf,
    profileIds,
    intent: Float64Array.from(intent),
    orderCustomer: orderCustomer.done(),
    orderAt: orderAt.done(),
    orderRevenue: orderRevenue.done(),
    productStart: productStart.done(),
    productEnd: products.ends.done(),
    productBytes: products.doneBytes(),
    events30d,
    web30d,
    store30d,
    whatsapp30d,
    orphanOrders,
  };
}

/**
 * The orders in time order, ties kept in read order (event id order, as the warehouse pages them):
 * the same order as sorting by (time, event id), without carrying the ids. Runs in the worker.
 */
export function inTimeOrder(input: PredictionInput): TimeOrderedInput {
  const count = input.orderAt.length;
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const at = input.orderAt;
  // TypedArray sort is stable, so equal times keep their read order.
  order.sort((p, q) => (at[p] as number) - (at[q] as number));
  const productText: Utf8Text = { bytes: input.productBytes, ends: input.productEnd };
  const productStart = new Int32Array(count + 1);
  const products: string[] = [];
  const orderCustomer = new Int32Array(count);
  const orderAt = new Float64Array(count);
  const orderRevenue = new Float64Array(count);
  order.forEach((o, i) => {
    orderCustomer[i] = input.orderCustomer[o] as number;
    orderAt[i] = at[o] as number;
    orderRevenue[i] = input.orderRevenue[o] as number;
    productStart[i] = products.length;
    for (let j = input.productStart[o] as number; j < (input.productStart[o + 1] as number); j++) {
      products.push(textAt(productText, j));
    }
  });
  productStart[count] = products.length;
  return {
    brandId: input.brandId,
    asOf: input.asOf,
    profileIds: input.profileIds,
    intent: input.intent,
    orderCustomer,
    orderAt,
    orderRevenue,
    productStart,
    products,
    events30d: input.events30d,
    web30d: input.web30d,
    store30d: input.store30d,
    whatsapp30d: input.whatsapp30d,
    orphanOrders: input.orphanOrders,
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
    input.productEnd,
    input.productBytes,
    input.events30d,
    input.web30d,
    input.store30d,
    input.whatsapp30d,
  ].map((a) => a.buffer as ArrayBuffer);
}
