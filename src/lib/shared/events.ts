// The canonical event every source is mapped to before it reaches the bus.
// Sources (tracking API, Shopify, later WooCommerce/WhatsApp/POS/CSV) each map
// their payload to `InboundEvent`; the processor never sees a source's format.
import { z } from 'zod';
import { alertCommandSchema } from './alert-rules';
import { adSpendSchema } from './campaigns';

/**
 * Where an event came from; also the namespace of its `source_event_id`.
 * `dashboard` is an operator's command (never an event): it names the source
 * of a command the processor refused.
 */
export const SOURCES = ['track', 'shopify', 'woocommerce', 'whatsapp', 'pos', 'csv', 'dashboard'] as const;
export type Source = (typeof SOURCES)[number];

/** Channels a shopper can appear on. */
export const CHANNELS = ['web', 'app', 'store', 'whatsapp', 'email', 'server'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The event types the processor understands. Anything else from the tracking
 * API keeps its name in `name` and has type `custom`.
 */
export const EVENT_TYPES = [
  'page_viewed',
  'identify',
  'product_viewed',
  'product_added',
  'product_removed',
  'checkout_started',
  'order_completed',
  'message_received',
  'custom',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Identifier types, highest priority first (DESIGN.md, identity resolution).
 * `user_id` is the brand's own customer id (Segment `userId`).
 */
export const IDENTIFIER_TYPES = [
  'user_id',
  'email',
  'phone',
  'loyalty_id',
  'device_id',
  'anonymous_id',
] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

/** Strong identifiers name one person; weak ones (device, cookie) only a browser or a screen. */
export const STRONG_IDENTIFIER_TYPES: readonly IdentifierType[] = ['user_id', 'email', 'phone'];

export const identifiersSchema = z
  .object({
    user_id: z.string(),
    email: z.string(),
    phone: z.string(),
    loyalty_id: z.string(),
    device_id: z.string(),
    anonymous_id: z.string(),
  })
  .partial();
export type Identifiers = z.infer<typeof identifiersSchema>;

export const lineItemSchema = z.object({
  product_id: z.string(),
  name: z.string().optional(),
  category: z.string().optional(),
  price: z.number().finite().nonnegative(),
  quantity: z.number().int().positive(),
});
export type LineItem = z.infer<typeof lineItemSchema>;

export const campaignSchema = z
  .object({
    name: z.string(),
    source: z.string(),
    medium: z.string(),
    term: z.string(),
    content: z.string(),
    id: z.string(),
  })
  .partial();
export type Campaign = z.infer<typeof campaignSchema>;

/** An accepted event as it travels on `events.raw`. */
export const inboundEventSchema = z.object({
  brand_id: z.string(),
  /** Our id, a UUID assigned at ingest. */
  event_id: z.string(),
  source: z.enum(SOURCES),
  /** The source's own id (Segment messageId, Shopify webhook id, ...): deduplicates retries. */
  source_event_id: z.string(),
  type: z.enum(EVENT_TYPES),
  /** The source's event name, e.g. `Product Viewed` or `orders/create`. */
  name: z.string(),
  channel: z.enum(CHANNELS),
  /** When it happened, per the source (ISO-8601). */
  timestamp: z.string(),
  /** When ingest accepted it (ISO-8601). */
  received_at: z.string(),
  identifiers: identifiersSchema,
  traits: z.record(z.string(), z.unknown()),
  properties: z.record(z.string(), z.unknown()),
  /** Commerce facts the processor aggregates, extracted by the source mapper. */
  commerce: z
    .object({
      order_id: z.string().optional(),
      revenue: z.number().finite().optional(),
      currency: z.string().optional(),
      category: z.string().optional(),
      product_id: z.string().optional(),
      items: z.array(lineItemSchema).optional(),
    })
    .default({}),
  context: z
    .object({
      ip: z.string().optional(),
      user_agent: z.string().optional(),
      campaign: campaignSchema.optional(),
    })
    .default({}),
});
export type InboundEvent = z.infer<typeof inboundEventSchema>;

/** A request or event ingest refused, kept with its reason and shown to its brand. */
export const rejectedEventSchema = z.object({
  brand_id: z.string(),
  rejection_id: z.string(),
  source: z.enum(SOURCES),
  received_at: z.string(),
  /** Machine-readable reason, e.g. `invalid_schema`, `bad_signature`, `event_too_large`. */
  reason: z.string(),
  /** Human-readable detail naming the problem. */
  detail: z.string(),
  /** The offending payload, truncated to a few KB. */
  payload: z.string(),
});
export type RejectedEvent = z.infer<typeof rejectedEventSchema>;

/**
 * An operator's decision on identity, sent by the dashboard through
 * `events.raw` (keyed by brand) so the processor applies it in order with the
 * brand's events, effectively once, like everything else it commits. It
 * names the merge-log record it decides on and repeats that record's
 * profiles; the processor checks they still say what the operator saw.
 */
export const IDENTITY_COMMANDS = ['unmerge', 'approve', 'reject'] as const;
export type IdentityCommandType = (typeof IDENTITY_COMMANDS)[number];

export const identityCommandSchema = z.object({
  brand_id: z.string(),
  /** Unique per command; the decision's merge-log record derives its id from it. */
  command_id: z.string(),
  /** `unmerge` undoes a `merge` record; `approve`/`reject` decide a `review` record. */
  type: z.enum(IDENTITY_COMMANDS),
  /** The merge-log record decided on. */
  merge_id: z.string(),
  into_profile_id: z.string(),
  from_profile_ids: z.array(z.string()).min(1),
  /** The dashboard user who decided. */
  issued_by: z.string(),
  issued_at: z.string(),
});
export type IdentityCommand = z.infer<typeof identityCommandSchema>;

/**
 * What `events.raw` carries, keyed by brand: accepted events, rejections,
 * operators' identity and alert commands, and ad spend reports.
 */
export const rawEnvelopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), event: inboundEventSchema }),
  z.object({ kind: z.literal('rejected'), rejected: rejectedEventSchema }),
  z.object({ kind: z.literal('command'), command: identityCommandSchema }),
  z.object({ kind: z.literal('alert_command'), command: alertCommandSchema }),
  z.object({ kind: z.literal('spend'), spend: adSpendSchema }),
]);
export type RawEnvelope = z.infer<typeof rawEnvelopeSchema>;
