// The parts of Shopify webhook payloads the mapping reads
// (https://shopify.dev/docs/api/webhooks: orders/create, checkouts/create|update,
// customers/create|update). Money arrives as decimal strings ("199.00").
import { z } from 'zod';
import { describeIssues } from '../zod-issues';

const shopifyId = z.union([z.number().int(), z.string().min(1)]).transform(String);
const money = z
  .union([
    z.string().regex(/^\d+(\.\d+)?$/, 'expected a decimal amount such as "19.99"'),
    z.number().finite(),
  ])
  .transform(Number)
  .pipe(z.number().nonnegative());
const optionalText = z.string().nullish();

const addressSchema = z.looseObject({ phone: optionalText });

export const shopifyCustomerSchema = z.looseObject({
  id: shopifyId,
  email: optionalText,
  phone: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  created_at: optionalText,
  updated_at: optionalText,
  default_address: addressSchema.nullish(),
});
export type ShopifyCustomer = z.output<typeof shopifyCustomerSchema>;

const lineItemSchema = z.looseObject({
  product_id: shopifyId.nullish(),
  variant_id: shopifyId.nullish(),
  sku: optionalText,
  title: z.string(),
  price: money,
  quantity: z.number().int().positive(),
  product_type: optionalText,
  vendor: optionalText,
});
export type ShopifyLineItem = z.output<typeof lineItemSchema>;

/** Orders and checkouts share the fields we read. */
export const shopifyPurchaseSchema = z.looseObject({
  id: shopifyId,
  email: optionalText,
  phone: optionalText,
  total_price: money,
  currency: z.string().min(1),
  source_name: optionalText,
  created_at: optionalText,
  updated_at: optionalText,
  customer: shopifyCustomerSchema.nullish(),
  billing_address: addressSchema.nullish(),
  line_items: z.array(lineItemSchema),
  landing_site: optionalText,
  browser_ip: optionalText,
  client_details: z.looseObject({ user_agent: optionalText, browser_ip: optionalText }).nullish(),
  order_number: z.union([z.number(), z.string()]).nullish(),
});
export type ShopifyPurchase = z.output<typeof shopifyPurchaseSchema>;

export const SHOPIFY_TOPICS = [
  'orders/create',
  'checkouts/create',
  'checkouts/update',
  'customers/create',
  'customers/update',
] as const;
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export function isSupportedTopic(topic: string): topic is ShopifyTopic {
  return (SHOPIFY_TOPICS as readonly string[]).includes(topic);
}

export type ShopifyWebhook =
  | {
      kind: 'purchase';
      topic: 'orders/create' | 'checkouts/create' | 'checkouts/update';
      payload: ShopifyPurchase;
    }
  | { kind: 'customer'; topic: 'customers/create' | 'customers/update'; payload: ShopifyCustomer };

export type ShopifyParse = { ok: true; webhook: ShopifyWebhook } | { ok: false; message: string };

/** Validates a supported topic's payload; the message names every bad field by path. */
export function parseShopifyWebhook(topic: ShopifyTopic, payload: unknown): ShopifyParse {
  if (topic === 'customers/create' || topic === 'customers/update') {
    const parsed = shopifyCustomerSchema.safeParse(payload);
    return parsed.success
      ? { ok: true, webhook: { kind: 'customer', topic, payload: parsed.data } }
      : { ok: false, message: describeIssues(parsed.error) };
  }
  const parsed = shopifyPurchaseSchema.safeParse(payload);
  return parsed.success
    ? { ok: true, webhook: { kind: 'purchase', topic, payload: parsed.data } }
    : { ok: false, message: describeIssues(parsed.error) };
}
