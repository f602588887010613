// Shopify webhook → InboundEvent. Pure: the caller supplies ids and arrival time.
//   orders/create                     → order_completed (revenue = total_price)
//   checkouts/create, checkouts/update → checkout_started
//   customers/create, customers/update → identify
// Shopify's customer id is NOT an identifier: `user_id` is the brand's own
// customer id (Segment userId), and a profile holds one. A Shopify id beside
// it would read as a conflicting customer id and split the person in two.
// The shopper links through e-mail and phone; the Shopify id is kept, exact
// (64-bit), in `properties.shopify_customer_id`.
import type { Campaign, Channel, Identifiers, InboundEvent, LineItem } from '../../../src/lib/shared/events';
import type {
  ShopifyCustomer,
  ShopifyLineItem,
  ShopifyPurchase,
  ShopifyTopic,
  ShopifyWebhook,
} from './shopify-schema';

export interface ShopifyMappingMeta {
  brand_id: string;
  event_id: string;
  received_at: string;
  /** `X-Shopify-Webhook-Id`: the same on every retry of one delivery. */
  webhook_id: string | undefined;
}

function definedOnly<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value != null && value !== '')) as T;
}

function isoOr(value: string | null | undefined, fallback: string): string {
  const time = value ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? fallback : new Date(time).toISOString();
}

/** POS sales happened in a store; everything else Shopify sells through is the web shop. */
function channelOf(sourceName: string | null | undefined): Channel {
  return sourceName === 'pos' ? 'store' : 'web';
}

function itemOf(item: ShopifyLineItem): LineItem {
  return definedOnly({
    product_id: item.product_id ?? item.variant_id ?? item.sku ?? item.title,
    name: item.title,
    category: item.product_type || item.vendor || undefined,
    price: item.price,
    quantity: item.quantity,
  });
}

/** UTM parameters of the landing page (e.g. "/products/x?utm_source=google&utm_campaign=spring"). */
function campaignOf(landingSite: string | null | undefined): Campaign | undefined {
  if (!landingSite) return undefined;
  let params: URLSearchParams;
  try {
    params = new URL(landingSite, 'https://shop.invalid').searchParams;
  } catch {
    return undefined;
  }
  const campaign = definedOnly({
    name: params.get('utm_campaign') ?? undefined,
    source: params.get('utm_source') ?? undefined,
    medium: params.get('utm_medium') ?? undefined,
    term: params.get('utm_term') ?? undefined,
    content: params.get('utm_content') ?? undefined,
    id: params.get('utm_id') ?? undefined,
  });
  return Object.keys(campaign).length > 0 ? campaign : undefined;
}

function customerTraits(customer: ShopifyCustomer | null | undefined): Record<string, unknown> {
  if (!customer) return {};
  return definedOnly({ first_name: customer.first_name, last_name: customer.last_name });
}

function purchaseIdentifiers(purchase: ShopifyPurchase): Identifiers {
  return definedOnly({
    email: purchase.email || purchase.customer?.email || undefined,
    phone: purchase.phone || purchase.customer?.phone || purchase.billing_address?.phone || undefined,
  });
}

/** Without the webhook id a retry is recognized by topic + id (+ updated_at: each update is its own event). */
function sourceEventIdOf(
  topic: ShopifyTopic,
  payload: { id: string; updated_at?: string | null },
  meta: ShopifyMappingMeta,
) {
  return meta.webhook_id ?? [topic, payload.id, payload.updated_at].filter((part) => part).join(':');
}

function mapCustomer(topic: ShopifyTopic, customer: ShopifyCustomer, meta: ShopifyMappingMeta): InboundEvent {
  return {
    brand_id: meta.brand_id,
    event_id: meta.event_id,
    source: 'shopify',
    source_event_id: sourceEventIdOf(topic, customer, meta),
    type: 'identify',
    name: topic,
    channel: 'web',
    timestamp: isoOr(customer.updated_at ?? customer.created_at, meta.received_at),
    received_at: meta.received_at,
    identifiers: definedOnly({
      email: customer.email || undefined,
      phone: customer.phone || customer.default_address?.phone || undefined,
    }),
    traits: customerTraits(customer),
    properties: { shopify_customer_id: customer.id },
    commerce: {},
    context: {},
  };
}

function mapPurchase(topic: ShopifyTopic, purchase: ShopifyPurchase, meta: ShopifyMappingMeta): InboundEvent {
  const isOrder = topic === 'orders/create';
  return {
    brand_id: meta.brand_id,
    event_id: meta.event_id,
    source: 'shopify',
    source_event_id: sourceEventIdOf(topic, purchase, meta),
    type: isOrder ? 'order_completed' : 'checkout_started',
    name: topic,
    channel: channelOf(purchase.source_name),
    timestamp: isoOr(
      isOrder ? purchase.created_at : (purchase.updated_at ?? purchase.created_at),
      meta.received_at,
    ),
    received_at: meta.received_at,
    identifiers: purchaseIdentifiers(purchase),
    traits: customerTraits(purchase.customer),
    properties: definedOnly({
      [isOrder ? 'order_id' : 'checkout_id']: purchase.id,
      order_number: purchase.order_number,
      source_name: purchase.source_name,
      shopify_customer_id: purchase.customer?.id,
    }),
    commerce: definedOnly({
      order_id: isOrder ? purchase.id : undefined,
      revenue: purchase.total_price,
      currency: purchase.currency,
      items: purchase.line_items.map(itemOf),
    }),
    context: definedOnly({
      ip: purchase.browser_ip || purchase.client_details?.browser_ip || undefined,
      user_agent: purchase.client_details?.user_agent || undefined,
      campaign: campaignOf(purchase.landing_site),
    }),
  };
}

export function mapShopifyWebhook(webhook: ShopifyWebhook, meta: ShopifyMappingMeta): InboundEvent {
  return webhook.kind === 'customer'
    ? mapCustomer(webhook.topic, webhook.payload, meta)
    : mapPurchase(webhook.topic, webhook.payload, meta);
}
