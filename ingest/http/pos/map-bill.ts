// POS bill → InboundEvent. Pure: the caller supplies our event id and the arrival time.
//   type order_completed, channel store, source pos
//   source_event_id  store id + bill id: a re-sent bill is a duplicate the processor drops.
//                    Scoped by store because tills commonly number bills per store, and two
//                    stores' bill 1001 on the same day are two sales, not one.
//   commerce         order_id = bill id, revenue = total, items from the lines
//   identifiers      phone, email, loyalty_id, customer_ref → user_id (the brand's customer id);
//                    passed through as given: the processor normalizes them and drops junk
//   properties       bill_id, store_id, store_name, the bill's local time, discount/tax/rounding
// A bill without identifiers has none here; the processor gives it a profile of its own.
import type { Identifiers, InboundEvent, LineItem } from '../../../src/lib/shared/events';
import type { Bill, BillLine } from './bill-schema';

export interface BillMappingMeta {
  brand_id: string;
  event_id: string;
  /** ISO-8601, from the ingest clock. */
  received_at: string;
}

/** The idempotency key of a bill: unique per brand, the same on every re-send. */
export function billKey(bill: Pick<Bill, 'store_id' | 'bill_id'>): string {
  // The store id is encoded, so no store id and bill id can run together into another pair.
  return `${encodeURIComponent(bill.store_id)}/${bill.bill_id}`;
}

function definedOnly<T extends object>(object: T): T {
  const result: Record<string, unknown> = {};
  for (const key in object) {
    const value = object[key];
    if (value != null) result[key] = value;
  }
  return result as T;
}

function itemOf(line: BillLine): LineItem {
  return definedOnly({
    product_id: line.product_id,
    name: line.name,
    category: line.category,
    price: line.unit_price,
    quantity: line.quantity,
  });
}

function identifiersOf(bill: Bill): Identifiers {
  return definedOnly({
    user_id: bill.customer_ref,
    email: bill.email,
    phone: bill.phone,
    loyalty_id: bill.loyalty_id,
  });
}

export function mapBill(bill: Bill, meta: BillMappingMeta): InboundEvent {
  return {
    brand_id: meta.brand_id,
    event_id: meta.event_id,
    source: 'pos',
    source_event_id: billKey(bill),
    type: 'order_completed',
    name: 'POS Bill',
    channel: 'store',
    timestamp: new Date(bill.time).toISOString(),
    received_at: meta.received_at,
    identifiers: identifiersOf(bill),
    traits: {},
    properties: definedOnly({
      bill_id: bill.bill_id,
      store_id: bill.store_id,
      store_name: bill.store_name,
      // As the till wrote it, offset included: the store's local hour survives the move to UTC.
      bill_time: bill.time,
      discount: bill.discount,
      tax: bill.tax,
      rounding: bill.rounding,
    }),
    commerce: {
      order_id: bill.bill_id,
      revenue: bill.total,
      currency: bill.currency,
      items: bill.lines.map(itemOf),
    },
    context: {},
  };
}
