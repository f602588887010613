// Brands, their credentials and their settings. The registry is the only
// reader of the brands file (DATA_DIR/brands.json); ingest, processor and
// dashboard receive it from the composition root.
import { z } from 'zod';
import { alertSettingsSchema, type AlertSettings } from '../../src/lib/shared/alert-rules';

/** Lower-case letters, digits and dashes; 2–40 characters; used in URLs and keys. */
export const brandIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'brand id must be 2-40 lower-case letters, digits or dashes');

/** Webhook sources that sign their requests with a per-brand secret. */
export const WEBHOOK_SOURCES = ['shopify', 'woocommerce', 'whatsapp'] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

const limit = (fallback: number) => z.number().int().min(1).max(10_000).default(fallback);
const junkValues = z.array(z.string().trim().min(1).max(256)).max(1000).default([]);

export const brandSettingsSchema = z.object({
  /** ISO 3166 country for phone numbers written without a country code. */
  default_country: z.string().length(2).default('US'),
  /** Intent: half-life of a score, and the score at which Medium and High start. */
  intent: z
    .object({
      half_life_minutes: z.number().positive().default(60),
      medium_threshold: z.number().positive().default(20),
      high_threshold: z.number().positive().default(50),
    })
    .default({ half_life_minutes: 60, medium_threshold: 20, high_threshold: 50 }),
  /** Alert rules and receivers (src/lib/shared/alert-rules.ts); a brand starts with DEFAULT_ALERT_RULES. */
  alerts: alertSettingsSchema.default(() => alertSettingsSchema.parse({})),
  /** Last-touch attribution: an order counts for the last campaign its buyer came from
   *  within this many days before it (docs/campaigns.md). */
  attribution: z
    .object({ window_days: z.number().int().min(1).max(90).default(7) })
    .default({ window_days: 7 }),
  /** Ingest flow control: a token bucket refilled at `events_per_second` up to `burst` events.
   *  A request costs its number of events; one that does not fit is answered 429 + Retry-After.
   *  The burst is what one brand can queue at once ahead of the brands sharing its partition:
   *  under a 2,000 events/s flood (embedded default, 2 cores) the others' median delay was
   *  ~0.2 s with a burst of 1000 and ~0.6 s with 5000. */
  rate_limit: z
    .object({
      events_per_second: z.number().positive().default(1000),
      burst: z.number().int().min(1).default(1000),
    })
    .default({ events_per_second: 1000, burst: 1000 }),
  /** At most this many identifiers of each type on one profile. A link or merge that
   *  would pass a limit is not made: the lower-priority identifier of the event is
   *  demoted (recorded in the merge history) instead (ingest/processor/identity/resolve.ts). */
  identity_limits: z
    .object({
      user_id: limit(1),
      email: limit(3),
      phone: limit(3),
      loyalty_id: limit(1),
      device_id: limit(10),
      anonymous_id: limit(50),
    })
    .default({ user_id: 1, email: 3, phone: 3, loyalty_id: 1, device_id: 10, anonymous_id: 50 }),
  /** A device or cookie seen with more people than this (each with their own strong
   *  identifiers) is shared, a family tablet or a store kiosk, and links no one from then on. */
  shared_identifier_people: z.number().int().min(1).max(1000).default(2),
  /** Identifier values this brand knows are junk (its shop's placeholder email, a test
   *  loyalty card), added to the built-in list (ingest/processor/normalize.ts), never replacing it. */
  junk_identifiers: z
    .object({
      /** Whole values, for every identifier type. */
      values: junkValues,
      emails: junkValues,
      /** Email local parts (before the @). */
      email_local_parts: junkValues,
      /** Email domains (after the @), subdomains included. */
      email_domains: junkValues,
      /** Phone numbers in national form, digits only. */
      phone_national_numbers: junkValues,
    })
    .default({
      values: [],
      emails: [],
      email_local_parts: [],
      email_domains: [],
      phone_national_numbers: [],
    }),
  /** WhatsApp messages (via Twilio): what a customer wrote is kept, as `properties.body` of the
   *  event, only if the brand turns this on; by default an event says who wrote, when and what
   *  kind of message, not what it said. */
  whatsapp: z
    .object({ store_message_text: z.boolean().default(false) })
    .default({ store_message_text: false }),
  /** Scheduled predictions (RFM, segments, churn, 12-month value, recommendations): a brand is run
   *  again once its latest run is this many hours old (docs/segments.md, "Wired"). */
  predictions: z
    .object({
      recompute_hours: z
        .number()
        .min(0.25)
        .max(24 * 7)
        .default(6),
    })
    .default({ recompute_hours: 6 }),
});
export type BrandSettings = z.infer<typeof brandSettingsSchema>;
/** Settings as written by a person: every field optional, defaults filled in. */
export type BrandSettingsInput = z.input<typeof brandSettingsSchema>;

export interface Brand {
  brand_id: string;
  name: string;
  created_at: string;
  settings: BrandSettings;
}

/** What `npm run brand -- create` prints; the only time secrets are shown in clear. */
export interface BrandCredentials {
  brand_id: string;
  write_key: string;
  read_key: string;
  webhook_secrets: Record<WebhookSource, string>;
  dashboard_user: { username: string; password: string };
}

export interface BrandRegistry {
  get(brandId: string): Brand | undefined;
  list(): Brand[];
  /** The brand whose write key this is (compared by hash), or undefined. */
  byWriteKey(writeKey: string): Brand | undefined;
  byReadKey(readKey: string): Brand | undefined;
  /** The secret a source signs this brand's webhooks with. */
  webhookSecret(brandId: string, source: WebhookSource): string | undefined;
  /** The brand of a dashboard user whose password matches, or undefined. */
  verifyUser(username: string, password: string): Promise<Brand | undefined>;
  /** Creates a brand with fresh credentials and saves the file; throws if the id exists. */
  create(brandId: string, name?: string, settings?: BrandSettingsInput): Promise<BrandCredentials>;
  /**
   * Replaces a brand's alert rules and receivers and saves the file atomically.
   * Throws a BrandRegistryError for an unknown brand or settings that
   * alertSettingsSchema refuses (the file is then left as it was).
   */
  updateAlertSettings(brandId: string, settings: AlertSettings): Promise<void>;
}
