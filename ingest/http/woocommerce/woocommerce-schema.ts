// The parts of WooCommerce webhook payloads the mapping reads. A webhook for an
// API resource carries exactly what the REST API (wc/v3) returns for it
// (https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties,
// #customer-properties). Money arrives as decimal strings ("29.35"); dates as
// "2017-03-22T19:28:02" with no zone, in the site's time (`date_created`) and
// in UTC (`date_created_gmt`): only the *_gmt ones are read.
import { z } from 'zod';
import { describeIssues } from '../zod-issues';

const wooId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'expected a numeric id')]);
const money = z
  .union([
    z.string().regex(/^\d+(\.\d+)?$/, 'expected a decimal amount such as "29.35"'),
    z.number().finite(),
  ])
  .transform(Number)
  .pipe(z.number().nonnegative());
const optionalText = z.string().nullish();
/** `customer_id` is the WordPress user id; 0 is a guest. */
const customerId = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'expected a numeric id')])
  .nullish()
  .transform((value) => (value == null || Number(value) === 0 ? undefined : String(value)));

const billingSchema = z.looseObject({
  first_name: optionalText,
  last_name: optionalText,
  email: optionalText,
  phone: optionalText,
});
export type WooBilling = z.output<typeof billingSchema>;

const lineItemSchema = z.looseObject({
  name: z.string(),
  /** 0 when the product was deleted since the order. */
  product_id: z.union([z.number().int().nonnegative(), z.string()]).nullish(),
  variation_id: z.union([z.number().int().nonnegative(), z.string()]).nullish(),
  sku: optionalText,
  quantity: z.number().int(),
  /** Unit price after discounts, before tax: a number in wc/v3 (e.g. 3 or 8.3333). */
  price: z.union([z.number(), z.string()]).nullish(),
  total: money,
});
export type WooLineItem = z.output<typeof lineItemSchema>;

const metaSchema = z.looseObject({ key: z.string(), value: z.unknown() });

export const wooOrderSchema = z.looseObject({
  id: wooId.transform(String),
  number: z.union([z.string(), z.number()]).nullish(),
  /** pending, processing, on-hold, completed, cancelled, refunded, failed, or a plugin's own. */
  status: z.string().min(1),
  currency: z.string().min(1),
  total: money,
  customer_id: customerId,
  billing: billingSchema.nullish(),
  line_items: z.array(lineItemSchema).default([]),
  created_via: optionalText,
  payment_method: optionalText,
  customer_ip_address: optionalText,
  customer_user_agent: optionalText,
  date_created_gmt: optionalText,
  date_modified_gmt: optionalText,
  date_paid_gmt: optionalText,
  date_completed_gmt: optionalText,
  meta_data: z.array(metaSchema).nullish(),
});
export type WooOrder = z.output<typeof wooOrderSchema>;

export const wooCustomerSchema = z.looseObject({
  id: wooId.transform(String),
  email: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  username: optionalText,
  role: optionalText,
  billing: billingSchema.nullish(),
  date_created_gmt: optionalText,
  date_modified_gmt: optionalText,
});
export type WooCustomer = z.output<typeof wooCustomerSchema>;

export const WOOCOMMERCE_TOPICS = [
  'order.created',
  'order.updated',
  'customer.created',
  'customer.updated',
] as const;
export type WooTopic = (typeof WOOCOMMERCE_TOPICS)[number];

export function isSupportedTopic(topic: string): topic is WooTopic {
  return (WOOCOMMERCE_TOPICS as readonly string[]).includes(topic);
}

export type WooWebhook =
  | { kind: 'order'; topic: 'order.created' | 'order.updated'; payload: WooOrder }
  | { kind: 'customer'; topic: 'customer.created' | 'customer.updated'; payload: WooCustomer };

export type WooParse = { ok: true; webhook: WooWebhook } | { ok: false; message: string };

/** Validates a supported topic's payload; the message names every bad field by path. */
export function parseWooWebhook(topic: WooTopic, payload: unknown): WooParse {
  if (topic === 'customer.created' || topic === 'customer.updated') {
    const parsed = wooCustomerSchema.safeParse(payload);
    return parsed.success
      ? { ok: true, webhook: { kind: 'customer', topic, payload: parsed.data } }
      : { ok: false, message: describeIssues(parsed.error) };
  }
  const parsed = wooOrderSchema.safeParse(payload);
  return parsed.success
    ? { ok: true, webhook: { kind: 'order', topic, payload: parsed.data } }
    : { ok: false, message: describeIssues(parsed.error) };
}
