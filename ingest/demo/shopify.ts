// Orders that reach Signalroom as Shopify `orders/create` webhooks instead of
// tracking calls: a realistic order body, signed the way Shopify signs it
// (base64 HMAC-SHA256 of the raw body with the brand's webhook secret).
import { createHmac } from 'node:crypto';
import type { Catalog } from './catalog';
import type { Device, Shopper } from './people';
import { writtenPhone } from './people';
import type { Random } from './random';
import type { CampaignTouch, CartLine, OutgoingRequest } from './segment';
import { cartTotal } from './segment';

export const SHOPIFY_ORDER_TOPIC = 'orders/create';

/** A webhook as generated: the body is serialized once so a retry sends the very same bytes. */
export interface ShopifyWebhook {
  topic: string;
  /** `X-Shopify-Webhook-Id`: the same on Shopify's retries, so ingest deduplicates on it. */
  webhookId: string;
  triggeredAt: string;
  body: string;
}

export interface ShopifyOrderInput {
  random: Random;
  now: Date;
  catalog: Catalog;
  shopper: Shopper;
  cart: readonly CartLine[];
  device?: Device;
  campaign?: CampaignTouch;
}

const money = (rupees: number): string => rupees.toFixed(2);

/** Shopify writes shop-local times with an offset; the demo shops are in India (+05:30). */
export function shopifyTime(now: Date): string {
  const local = new Date(now.getTime() + 330 * 60_000).toISOString().slice(0, 19);
  return `${local}+05:30`;
}

export function shopifyOrder(input: ShopifyOrderInput): Record<string, unknown> {
  const { random, now, catalog, shopper, cart, device, campaign } = input;
  const id = Number(`5${random.digits(12)}`);
  const orderNumber = random.int(1001, 999_999);
  const total = money(cartTotal(cart));
  const createdAt = shopifyTime(now);
  const landingSite = campaign
    ? `/?utm_source=${campaign.source}&utm_medium=${campaign.medium}&utm_campaign=${campaign.name}&utm_id=${campaign.id}`
    : '/';
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${orderNumber}`,
    order_number: orderNumber,
    email: shopper.email,
    contact_email: shopper.email,
    // Checkout forms keep what the shopper typed; the customer record keeps E.164.
    phone: random.chance(0.7) ? writtenPhone(random, shopper.phone) : null,
    created_at: createdAt,
    updated_at: createdAt,
    processed_at: createdAt,
    currency: catalog.currency,
    presentment_currency: catalog.currency,
    total_price: total,
    subtotal_price: total,
    total_line_items_price: total,
    total_tax: '0.00',
    total_discounts: '0.00',
    financial_status: 'paid',
    fulfillment_status: null,
    source_name: 'web',
    landing_site: landingSite,
    referring_site: campaign ? `https://www.${campaign.source}.com/` : '',
    browser_ip: device?.ip ?? null,
    client_details: device ? { browser_ip: device.ip, user_agent: device.userAgent } : null,
    line_items: cart.map((line) => ({
      id: Number(`1${random.digits(12)}`),
      product_id: Number(line.product.product_id),
      variant_id: Number(`4${random.digits(12)}`),
      title: line.product.name,
      name: line.product.name,
      sku: line.product.sku,
      price: money(line.product.price),
      quantity: line.quantity,
      product_type: line.product.category,
      vendor: catalog.name,
    })),
    customer: {
      id: Number(shopper.customerId),
      email: shopper.email,
      phone: shopper.phone,
      first_name: shopper.firstName,
      last_name: shopper.lastName,
    },
  };
}

export function shopifyOrderWebhook(input: ShopifyOrderInput): ShopifyWebhook {
  return {
    topic: SHOPIFY_ORDER_TOPIC,
    webhookId: input.random.uuid(),
    triggeredAt: input.now.toISOString(),
    body: JSON.stringify(shopifyOrder(input)),
  };
}

/** `X-Shopify-Hmac-Sha256`: base64 of HMAC-SHA256 over the raw body bytes. */
export function shopifySignature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export function shopifyRequest(
  baseUrl: string,
  brandId: string,
  secret: string,
  webhook: ShopifyWebhook,
): OutgoingRequest {
  return {
    url: `${baseUrl.replace(/\/+$/, '')}/webhooks/shopify/${encodeURIComponent(brandId)}`,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': webhook.topic,
      'x-shopify-hmac-sha256': shopifySignature(webhook.body, secret),
      'x-shopify-shop-domain': `${brandId}.myshopify.com`,
      'x-shopify-webhook-id': webhook.webhookId,
      'x-shopify-triggered-at': webhook.triggeredAt,
      'x-shopify-api-version': '2024-07',
    },
    body: webhook.body,
  };
}
