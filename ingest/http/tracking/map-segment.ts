// Segment call → InboundEvent, exactly as the brief's mapping table says
// (/tmp/brief.md, "Tracking API → InboundEvent mapping"). Pure: the caller
// supplies the ids and the arrival time, so a test can pin every field.
import {
  CHANNELS,
  type Campaign,
  type Channel,
  type EventType,
  type Identifiers,
  type InboundEvent,
  type LineItem,
} from '../../../src/lib/shared/events';
import type { SegmentCall } from './segment-schema';

export interface SegmentMappingMeta {
  brand_id: string;
  event_id: string;
  /** ISO-8601, from the ingest clock. */
  received_at: string;
  /** Used as `source_event_id` when the call has no `messageId`. */
  fallback_source_event_id: string;
}

/** Segment e-commerce spec v2 event names with a type of their own; other track events are `custom`. */
const TRACK_EVENT_TYPES: Readonly<Record<string, EventType>> = {
  'Product Viewed': 'product_viewed',
  'Product Added': 'product_added',
  'Product Removed': 'product_removed',
  'Checkout Started': 'checkout_started',
  'Order Completed': 'order_completed',
  'Message Received': 'message_received',
};

/** The type of a track event named `name` (Segment e-commerce spec v2), else `custom`. */
export function trackEventType(name: string): EventType {
  // Own keys only: an event named "constructor" must not find Object's.
  return Object.hasOwn(TRACK_EVENT_TYPES, name) ? TRACK_EVENT_TYPES[name]! : 'custom';
}

const CHANNEL_ALIASES: Readonly<Record<string, Channel>> = { browser: 'web', mobile: 'app' };

type UnknownRecord = Record<string, unknown>;

/** Identifier values pass through as strings; the processor normalizes them and drops junk. */
function identifierValue(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The object without its null and undefined fields (a loop: this runs for every event). */
function definedOnly<T extends object>(object: T): T {
  const result: Record<string, unknown> = {};
  for (const key in object) {
    const value = object[key];
    if (value != null) result[key] = value;
  }
  return result as T;
}

function eventType(call: SegmentCall): EventType {
  switch (call.type) {
    case 'track':
      return trackEventType(call.event);
    case 'page':
      return 'page_viewed';
    case 'identify':
    case 'alias':
      return 'identify';
    case 'screen':
    case 'group':
      return 'custom';
  }
}

function eventName(call: SegmentCall): string {
  switch (call.type) {
    case 'track':
      return call.event;
    case 'page':
      return 'Page Viewed';
    case 'screen':
      return 'Screen Viewed';
    case 'identify':
      return 'Identify';
    case 'alias':
      return 'Alias';
    case 'group':
      return 'Group';
  }
}

function channelOf(call: SegmentCall): Channel {
  const stated = (call.context?.channel ?? call.channel ?? '').toLowerCase();
  if ((CHANNELS as readonly string[]).includes(stated)) return stated as Channel;
  if (Object.hasOwn(CHANNEL_ALIASES, stated)) return CHANNEL_ALIASES[stated]!;
  // Segment's browser library states no channel (Segment's servers infer it),
  // but names itself in `context.library`: its calls come from the web.
  if (libraryNameOf(call) === 'analytics.js') return 'web';
  return call.type === 'page' ? 'web' : 'server';
}

function libraryNameOf(call: SegmentCall): unknown {
  const library: unknown = call.context?.library;
  return typeof library === 'object' && library !== null ? (library as { name?: unknown }).name : undefined;
}

/**
 * The person's traits. Identify carries them in `traits` (over `context.traits`);
 * other calls in `context.traits`. A group call's `traits` describe the group
 * (a company), so its email is not the person's.
 */
function userTraitsOf(call: SegmentCall): UnknownRecord {
  const contextTraits = call.context?.traits ?? {};
  return call.type === 'identify' ? { ...contextTraits, ...(call.traits ?? {}) } : contextTraits;
}

function propertiesOf(call: SegmentCall): UnknownRecord {
  switch (call.type) {
    case 'track':
      return call.properties ?? {};
    case 'page':
    case 'screen':
      // The page's name and category live beside its properties in Segment; keep them together.
      return { ...definedOnly({ name: call.name, category: call.category }), ...(call.properties ?? {}) };
    case 'group':
      return { group_id: call.groupId, group_traits: call.traits ?? {} };
    case 'alias':
      return { previous_id: call.previousId };
    case 'identify':
      return {};
  }
}

function identifiersOf(call: SegmentCall, traits: UnknownRecord, properties: UnknownRecord): Identifiers {
  return definedOnly({
    user_id: identifierValue(call.userId),
    // An alias links `previousId` (usually the anonymous id a visitor had) to `userId`.
    // As a weak identifier it attaches the history, but cannot join two known people.
    anonymous_id: identifierValue(call.type === 'alias' ? call.previousId : call.anonymousId),
    email: identifierValue(traits.email),
    phone: identifierValue(traits.phone),
    device_id: identifierValue(call.context?.device?.id),
    loyalty_id: identifierValue(traits.loyalty_id) ?? identifierValue(properties.loyalty_id),
  });
}

/** Rounds away float noise (19.99 × 3) without assuming a currency's minor unit. */
function roundMoney(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}

function commerceOf(call: SegmentCall, type: EventType): InboundEvent['commerce'] {
  if (call.type !== 'track' && call.type !== 'page' && call.type !== 'screen') return {};
  const properties = call.properties;
  if (!properties) return {};
  const items: LineItem[] | undefined = properties.products?.map((product) =>
    definedOnly({
      product_id: product.product_id,
      name: product.name ?? undefined,
      category: product.category ?? undefined,
      price: product.price,
      quantity: product.quantity ?? 1,
    }),
  );
  let revenue = properties.revenue ?? properties.total ?? undefined;
  if (revenue === undefined && type === 'order_completed' && items && items.length > 0) {
    revenue = roundMoney(items.reduce((sum, item) => sum + item.price * item.quantity, 0));
  }
  let category = properties.category ?? undefined;
  if (category === undefined && type.startsWith('product_')) category = items?.[0]?.category;
  return definedOnly({
    order_id: properties.order_id ?? undefined,
    revenue,
    currency: properties.currency ?? undefined,
    category,
    product_id: properties.product_id ?? undefined,
    items,
  });
}

function contextOf(call: SegmentCall): InboundEvent['context'] {
  const context = call.context;
  if (!context) return {};
  const campaign: Campaign | undefined = context.campaign
    ? definedOnly({
        name: context.campaign.name ?? undefined,
        source: context.campaign.source ?? undefined,
        medium: context.campaign.medium ?? undefined,
        term: context.campaign.term ?? undefined,
        content: context.campaign.content ?? undefined,
        id: context.campaign.id ?? undefined,
      })
    : undefined;
  return definedOnly({
    ip: context.ip ?? undefined,
    user_agent: context.userAgent ?? undefined,
    campaign: campaign && Object.keys(campaign).length > 0 ? campaign : undefined,
  });
}

/** ISO-8601 in UTC; a time written without a zone is taken as UTC (not the server's local zone). */
function toUtcIso(timestamp: string): string {
  const normalized = timestamp.replace(' ', 'T');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(normalized);
  const hasTime = normalized.includes('T');
  return new Date(hasTime && !hasZone ? `${normalized}Z` : normalized).toISOString();
}

export function mapSegmentCall(call: SegmentCall, meta: SegmentMappingMeta): InboundEvent {
  const type = eventType(call);
  const traits = userTraitsOf(call);
  const properties = propertiesOf(call);
  return {
    brand_id: meta.brand_id,
    event_id: meta.event_id,
    source: 'track',
    source_event_id: call.messageId ?? meta.fallback_source_event_id,
    type,
    name: eventName(call),
    channel: channelOf(call),
    timestamp: call.timestamp ? toUtcIso(call.timestamp) : meta.received_at,
    received_at: meta.received_at,
    identifiers: identifiersOf(call, traits, properties),
    traits,
    properties,
    commerce: commerceOf(call, type),
    context: contextOf(call),
  };
}
