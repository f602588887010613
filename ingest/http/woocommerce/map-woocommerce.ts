// WooCommerce webhook → InboundEvent, or a reason to publish nothing. Pure:
// the caller supplies ids, arrival time and the delivery headers.
//
//   order.created, paid (processing | completed)        → order_completed
//   order.created, awaiting payment (pending | on-hold) → checkout_started
//   order.updated that is the order's payment           → order_completed
//   any other order.created / order.updated             → nothing (answered 200)
//   customer.created, customer.updated                  → identify
//
// One order, one purchase. WooCommerce fires order.updated for every save of
// an order (payment, stock reduced, shipped, note edited, refund), each with
// its own delivery id, and builds every payload when it delivers, from the
// order as it is then. So:
// - The purchase's source_event_id comes from the order, not the delivery:
//   `order:<site>:<order id>:paid`. An order.created that is already paid and
//   the order.updated of its payment both say it, and the processor's dedupe
//   (24 h) keeps one. The site (X-WC-Webhook-Source) is part of it: a brand
//   with two shops has two order 727s.
// - An order.updated is the payment only if the order is paid and was last
//   modified within PAYMENT_UPDATE_WINDOW_MS of `date_paid_gmt` (WooCommerce
//   sets it when an order first reaches a paid status; orders from before it
//   did have only `date_completed_gmt`). The later saves of a paid order
//   (processing → completed days later when shipped, refunds, notes) are
//   modified long after its payment and publish nothing, so they can never
//   count again once the dedupe window has passed.
// - Known gap: WooCommerce sends no order.updated within 10 s of an order's
//   creation. An order paid that fast is counted from its order.created, whose
//   payload (built at delivery, normally after the payment) shows it paid; if
//   it was built before, neither delivery says "paid just now" and the
//   purchase is missed rather than risked twice.
// - Revenue is `total` (grand total with shipping and tax, as Shopify's
//   total_price); refunds do not change it.
//
// The WooCommerce customer id (the WordPress user id; 0 = guest) is the
// brand's own customer id, `user_id`: WooCommerce is the brand's shop, and its
// user ids are what its site sends to the tracking API as userId.
//
// Other events are deduplicated by X-WC-Webhook-Delivery-ID plus topic and
// resource id: WooCommerce derives the delivery id from the webhook id and the
// current second only, so two resources delivered by one webhook in the same
// second share a delivery id.
import type { Campaign, Channel, Identifiers, InboundEvent, LineItem } from '../../../src/lib/shared/events';
import type { WooBilling, WooCustomer, WooLineItem, WooOrder, WooWebhook } from './woocommerce-schema';

export interface WooMappingMeta {
  brand_id: string;
  event_id: string;
  received_at: string;
  /** `X-WC-Webhook-Delivery-ID`: the same on every redelivery of one request. */
  delivery_id: string | undefined;
  /** `X-WC-Webhook-Source`: the shop's home URL, e.g. `https://shop.example.com/`. */
  source_url: string | undefined;
}

export type WooMapping = { kind: 'event'; event: InboundEvent } | { kind: 'ignored'; reason: string };

/** WooCommerce's paid statuses (wc_get_is_paid_statuses). */
export const PAID_STATUSES: readonly string[] = ['processing', 'completed'];
/** Placed, not paid yet: a card payment under way, a bank transfer or cheque awaited. */
export const AWAITING_PAYMENT_STATUSES: readonly string[] = ['pending', 'on-hold'];
/**
 * How long after `date_paid_gmt` an order's last modification still belongs to
 * its payment. The saves of one checkout (payment, transaction id, stock
 * reduction) take seconds; the next save of a paid order is usually shipping.
 */
export const PAYMENT_UPDATE_WINDOW_MS = 10 * 60 * 1000;

function definedOnly<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value != null && value !== '')) as T;
}

/** A *_gmt date ("2017-03-22T19:28:02", UTC without a zone) in epoch ms, or undefined. */
export function gmtMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(value.trim());
  const ms = Date.parse(hasZone ? value : `${value.trim()}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

function gmtIso(value: string | null | undefined): string | undefined {
  const ms = gmtMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** The shop a delivery came from, as host + path: `shop.example.com`, `example.com/store`. */
export function siteOf(sourceUrl: string | undefined): string | undefined {
  const raw = sourceUrl?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return `${url.host}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '\u2013',
  mdash: '\u2014',
  times: '\u00d7',
  hellip: '\u2026',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
};

/** WooCommerce sends product names HTML-escaped ("Ship Your Idea &ndash; Color: Black"). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (!ref.startsWith('#')) return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return valid ? String.fromCodePoint(code) : whole;
  });
}

function itemOf(item: WooLineItem): LineItem | undefined {
  if (item.quantity < 1) return undefined;
  const productId = Number(item.product_id) > 0 ? String(item.product_id) : item.sku || item.name;
  const unit = item.price == null || item.price === '' ? NaN : Number(item.price);
  const price = Number.isFinite(unit) && unit >= 0 ? unit : item.total / item.quantity;
  return definedOnly({
    product_id: productId,
    name: decodeEntities(item.name),
    price,
    quantity: item.quantity,
  });
}

/** WooCommerce's own order attribution (8.5+), kept in the order's meta. */
const ATTRIBUTION_KEYS: Record<keyof Campaign, string> = {
  name: '_wc_order_attribution_utm_campaign',
  source: '_wc_order_attribution_utm_source',
  medium: '_wc_order_attribution_utm_medium',
  term: '_wc_order_attribution_utm_term',
  content: '_wc_order_attribution_utm_content',
  id: '_wc_order_attribution_utm_id',
};

function campaignOf(meta: WooOrder['meta_data']): Campaign | undefined {
  if (!meta) return undefined;
  const valueOf = (key: string) => {
    const value = meta.find((entry) => entry.key === key)?.value;
    return typeof value === 'string' && value.trim() !== '' && value !== '(none)' ? value.trim() : undefined;
  };
  const campaign = definedOnly(
    Object.fromEntries(Object.entries(ATTRIBUTION_KEYS).map(([field, key]) => [field, valueOf(key)])),
  ) as Campaign;
  return Object.keys(campaign).length > 0 ? campaign : undefined;
}

function namesOf(billing: WooBilling | null | undefined, fallback?: WooCustomer): Record<string, unknown> {
  return definedOnly({
    first_name: billing?.first_name || fallback?.first_name || undefined,
    last_name: billing?.last_name || fallback?.last_name || undefined,
  });
}

/** POS plugins record their sales as orders created_via "pos" (or "woocommerce-pos"): a store sale. */
function channelOf(createdVia: string | null | undefined): Channel {
  return createdVia === 'pos' || createdVia === 'woocommerce-pos' ? 'store' : 'web';
}

/** The deliveries of one order share this prefix; see the header on why the site is part of it. */
function orderKey(order: WooOrder, meta: WooMappingMeta): string {
  return ['order', siteOf(meta.source_url), order.id].filter((part) => part).join(':');
}

function deliveryKey(topic: string, id: string, modified: string | null | undefined, meta: WooMappingMeta) {
  return meta.delivery_id
    ? `${meta.delivery_id}:${topic}:${id}`
    : [topic, id, modified].filter((p) => p).join(':');
}

/** When the order was paid: `date_paid_gmt`, or `date_completed_gmt` for orders from before WooCommerce set it. */
function paidAtMs(order: WooOrder): number | undefined {
  return gmtMs(order.date_paid_gmt) ?? gmtMs(order.date_completed_gmt);
}

/** This order.updated is the save that made the order paid (see the header). */
export function isPaymentUpdate(order: WooOrder): boolean {
  if (!PAID_STATUSES.includes(order.status)) return false;
  const paidAt = paidAtMs(order);
  const modified = gmtMs(order.date_modified_gmt);
  return (
    paidAt !== undefined && modified !== undefined && Math.abs(modified - paidAt) <= PAYMENT_UPDATE_WINDOW_MS
  );
}

type OrderClass = { kind: 'purchase' | 'checkout' } | { kind: 'ignored'; reason: string };

function classifyOrder(topic: 'order.created' | 'order.updated', order: WooOrder): OrderClass {
  if (topic === 'order.updated') {
    return isPaymentUpdate(order)
      ? { kind: 'purchase' }
      : { kind: 'ignored', reason: `order ${order.id}: this update is not its payment` };
  }
  if (PAID_STATUSES.includes(order.status)) return { kind: 'purchase' };
  if (AWAITING_PAYMENT_STATUSES.includes(order.status)) return { kind: 'checkout' };
  return { kind: 'ignored', reason: `order ${order.id}: created with status ${order.status}` };
}

function mapOrder(
  topic: 'order.created' | 'order.updated',
  order: WooOrder,
  meta: WooMappingMeta,
): WooMapping {
  const orderClass = classifyOrder(topic, order);
  if (orderClass.kind === 'ignored') return orderClass;
  const isPurchase = orderClass.kind === 'purchase';
  const paidAt = paidAtMs(order);
  const happenedAt =
    (isPurchase && paidAt !== undefined ? new Date(paidAt).toISOString() : undefined) ??
    gmtIso(order.date_created_gmt) ??
    meta.received_at;
  const identifiers: Identifiers = definedOnly({
    user_id: order.customer_id,
    email: order.billing?.email || undefined,
    phone: order.billing?.phone || undefined,
  });
  const event: InboundEvent = {
    brand_id: meta.brand_id,
    event_id: meta.event_id,
    source: 'woocommerce',
    source_event_id: `${orderKey(order, meta)}:${isPurchase ? 'paid' : 'placed'}`,
    type: isPurchase ? 'order_completed' : 'checkout_started',
    name: topic,
    channel: channelOf(order.created_via),
    timestamp: happenedAt,
    received_at: meta.received_at,
    identifiers,
    traits: namesOf(order.billing),
    properties: definedOnly({
      order_id: order.id,
      order_number: order.number == null ? undefined : String(order.number),
      status: order.status,
      payment_method: order.payment_method,
      created_via: order.created_via,
      site: siteOf(meta.source_url),
    }),
    commerce: definedOnly({
      order_id: isPurchase ? order.id : undefined,
      revenue: order.total,
      currency: order.currency,
      items: order.line_items.map(itemOf).filter((item): item is LineItem => item !== undefined),
    }),
    context: definedOnly({
      ip: order.customer_ip_address || undefined,
      user_agent: order.customer_user_agent || undefined,
      campaign: campaignOf(order.meta_data),
    }),
  };
  return { kind: 'event', event };
}

function mapCustomer(
  topic: 'customer.created' | 'customer.updated',
  customer: WooCustomer,
  meta: WooMappingMeta,
): WooMapping {
  const event: InboundEvent = {
    brand_id: meta.brand_id,
    event_id: meta.event_id,
    source: 'woocommerce',
    source_event_id: deliveryKey(topic, customer.id, customer.date_modified_gmt, meta),
    type: 'identify',
    name: topic,
    channel: 'web',
    timestamp:
      gmtIso(topic === 'customer.created' ? customer.date_created_gmt : customer.date_modified_gmt) ??
      gmtIso(customer.date_created_gmt) ??
      meta.received_at,
    received_at: meta.received_at,
    identifiers: definedOnly({
      user_id: customer.id,
      email: customer.email || customer.billing?.email || undefined,
      phone: customer.billing?.phone || undefined,
    }),
    traits: namesOf(customer.billing, customer),
    properties: definedOnly({
      username: customer.username,
      role: customer.role,
      site: siteOf(meta.source_url),
    }),
    commerce: {},
    context: {},
  };
  return { kind: 'event', event };
}

export function mapWooWebhook(webhook: WooWebhook, meta: WooMappingMeta): WooMapping {
  return webhook.kind === 'customer'
    ? mapCustomer(webhook.topic, webhook.payload, meta)
    : mapOrder(webhook.topic, webhook.payload, meta);
}
