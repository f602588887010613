// Segment-compatible calls (track, identify, page) as analytics.js and the
// mobile SDKs write them, and the batch request that carries them. Pure: the
// caller passes the random source and the time.
import type { Channel } from '../../src/lib/shared/events';
import type { Product } from './catalog';
import type { Device } from './people';
import type { Random } from './random';

/** UTM tags of an ad's link: `id` (utm_id) is the campaign id its spend reports use. */
export interface CampaignTouch {
  id: string;
  name: string;
  source: string;
  medium: string;
}

export interface SegmentContext {
  channel: Channel;
  device?: { id: string };
  ip?: string;
  userAgent?: string;
  campaign?: CampaignTouch;
}

export interface SegmentMessage {
  type: 'track' | 'identify' | 'page';
  messageId: string;
  timestamp: string;
  anonymousId: string;
  userId?: string;
  /** Track calls only. */
  event?: string;
  /** Page calls only: the page's name. */
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context: SegmentContext;
}

/** Who is calling, from where: the fields every call of one visit shares. */
export interface Touch {
  anonymousId: string;
  userId?: string;
  channel: Channel;
  device?: Device;
  campaign?: CampaignTouch;
}

export interface CartLine {
  product: Product;
  quantity: number;
}

/** Segment e-commerce v2 product properties. */
export function productProperties(product: Product, currency: string, quantity = 1): Record<string, unknown> {
  return {
    product_id: product.product_id,
    sku: product.sku,
    name: product.name,
    category: product.category,
    price: product.price,
    quantity,
    currency,
  };
}

export function productsList(cart: readonly CartLine[]): Array<Record<string, unknown>> {
  return cart.map((line) => ({
    product_id: line.product.product_id,
    sku: line.product.sku,
    name: line.product.name,
    category: line.product.category,
    price: line.product.price,
    quantity: line.quantity,
  }));
}

/** Sum of price × quantity; prices are whole rupees, so the sum is exact. */
export function cartTotal(cart: readonly CartLine[]): number {
  return cart.reduce((sum, line) => sum + line.product.price * line.quantity, 0);
}

function context(touch: Touch): SegmentContext {
  const out: SegmentContext = { channel: touch.channel };
  if (touch.device) {
    out.device = { id: touch.device.deviceId };
    out.ip = touch.device.ip;
    out.userAgent = touch.device.userAgent;
  }
  if (touch.campaign) out.campaign = { ...touch.campaign };
  return out;
}

function base(random: Random, touch: Touch, now: Date, type: SegmentMessage['type']): SegmentMessage {
  const message: SegmentMessage = {
    type,
    messageId: random.uuid(),
    timestamp: now.toISOString(),
    anonymousId: touch.anonymousId,
    context: context(touch),
  };
  if (touch.userId) message.userId = touch.userId;
  return message;
}

export function trackCall(
  random: Random,
  touch: Touch,
  now: Date,
  event: string,
  properties: Record<string, unknown>,
  traits?: Record<string, unknown>,
): SegmentMessage {
  const message = { ...base(random, touch, now, 'track'), event, properties };
  return traits ? { ...message, traits } : message;
}

export function pageCall(
  random: Random,
  touch: Touch,
  now: Date,
  name: string,
  properties: Record<string, unknown>,
): SegmentMessage {
  return { ...base(random, touch, now, 'page'), name, properties };
}

export function identifyCall(
  random: Random,
  touch: Touch,
  now: Date,
  traits: Record<string, unknown>,
): SegmentMessage {
  return { ...base(random, touch, now, 'identify'), traits };
}

/** A request as data, so a retry can rebuild an identical `Request` (bodies are single-use). */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** POST /v1/batch, authenticated as Segment does: HTTP Basic with the write key as user, no password. */
export function batchRequest(
  baseUrl: string,
  writeKey: string,
  batch: readonly SegmentMessage[],
): OutgoingRequest {
  return {
    url: `${baseUrl.replace(/\/+$/, '')}/v1/batch`,
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ batch }),
  };
}
