// The Integrations page: for every source a brand has, what to paste into the
// provider (URL, secret, topics), whether it is receiving (last event, events
// per hour over the last 24 h) and its recent rejections, so a brand can fix
// its setup without asking anyone. The setup text follows README.md's section
// on each source; the URLs are built from the configured public URL, the one
// providers call (and Twilio signs).
import type { BrandRegistry, WebhookSource } from '../../../ingest/brands/types';
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import type { RejectedEvent, Source } from '../shared/events';

/** How a source proves it speaks for the brand. */
export type IntegrationAuth =
  | { kind: 'write_key' }
  /** `secret` is null when the brands file has none for this source. */
  | { kind: 'secret'; label: string; secret: string | null };

export interface Integration {
  source: Source;
  title: string;
  /** What to paste as the provider's URL; `POST` in every case. */
  url: string;
  auth: IntegrationAuth;
  /** Where in the provider's settings this goes. */
  where: string;
  /** The topics, events or calls to subscribe or send. */
  subscribe: string[];
  /** The time of the last event received, ever; null when none has arrived. */
  lastEventAt: string | null;
  /** Events received in each of the last 24 hours, oldest first (zero-filled). */
  hourly: { hour: string; events: number }[];
  /** The most recent rejections of this source, newest first. */
  rejected: RejectedEvent[];
}

interface SourceSetup {
  source: Source;
  title: string;
  path: (brandId: string) => string;
  secret: WebhookSource | null;
  secretLabel?: string;
  where: string;
  subscribe: string[];
}

const SETUPS: readonly SourceSetup[] = [
  {
    source: 'track',
    title: 'Tracking API (Segment compatible)',
    path: () => '/v1',
    secret: null,
    where:
      'Point a Segment library or your server at this base URL (Segment "apiHost"/"host"); calls go to /track, /identify, /page, /screen, /alias, /group or /batch.',
    subscribe: ['track', 'identify', 'page', 'screen', 'alias', 'group', 'batch'],
  },
  {
    source: 'shopify',
    title: 'Shopify',
    path: (brandId) => `/webhooks/shopify/${brandId}`,
    secret: 'shopify',
    secretLabel: 'Webhook signing secret (X-Shopify-Hmac-Sha256)',
    where:
      'Shopify admin → Settings → Notifications → Webhooks (format JSON), or your app’s webhook subscriptions.',
    subscribe: [
      'orders/create',
      'checkouts/create',
      'checkouts/update',
      'customers/create',
      'customers/update',
    ],
  },
  {
    source: 'woocommerce',
    title: 'WooCommerce',
    path: (brandId) => `/webhooks/woocommerce/${brandId}`,
    secret: 'woocommerce',
    secretLabel: 'Webhook secret (X-WC-Webhook-Signature)',
    where:
      'WooCommerce → Settings → Advanced → Webhooks: one webhook per topic, status Active, API version WP REST API v3.',
    subscribe: ['order.created', 'order.updated', 'customer.created', 'customer.updated'],
  },
  {
    source: 'whatsapp',
    title: 'WhatsApp via Twilio',
    path: (brandId) => `/webhooks/whatsapp/${brandId}`,
    secret: 'whatsapp',
    secretLabel: 'Twilio account auth token (X-Twilio-Signature)',
    where:
      'Twilio console → your WhatsApp sender: the same URL, method HTTP POST, for both webhooks. The auth token here must be the Twilio account’s.',
    subscribe: ['A message comes in', 'Status callback URL (optional)'],
  },
  {
    source: 'pos',
    title: 'POS bills',
    path: () => '/v1/pos/bills',
    secret: null,
    where: 'Your point-of-sale system or its export job posts each bill (or a list of bills) as JSON.',
    subscribe: [
      'one bill per sale: bill id, store, time, lines, total, and a phone, loyalty id or customer ref',
    ],
  },
  {
    source: 'csv',
    title: 'CSV import',
    path: () => '/api/v1/imports',
    secret: null,
    where:
      'Upload files on the Imports page. For large files: npm run import -- --kind orders file.csv (SIGNALROOM_URL and SIGNALROOM_WRITE_KEY set), or POST the file here as text/csv; docs/csv-import.md. Refused rows are in each import’s error report.',
    subscribe: ['customers', 'orders (one row per line item)', 'events'],
  },
];

const HOUR = 3_600_000;
const HOURS = 24;
/** Rejections read for the whole brand, then split by source. */
const REJECTED_READ = 500;
const REJECTED_SHOWN = 5;

/** The start of each of the last 24 hours up to `now`'s, oldest first, ISO-8601 UTC. */
export function lastHours(now: number): string[] {
  const current = Math.floor(now / HOUR) * HOUR;
  return Array.from({ length: HOURS }, (_, i) => new Date(current - (HOURS - 1 - i) * HOUR).toISOString());
}

export async function loadIntegrations(
  deps: { warehouse: WarehouseReader; brands: BrandRegistry; publicUrl: string },
  brandId: string,
  now: number,
): Promise<Integration[]> {
  const hours = lastHours(now);
  const [activity, rejected] = await Promise.all([
    deps.warehouse.sourceActivity(brandId, hours[0]!),
    deps.warehouse.rejected(brandId, REJECTED_READ),
  ]);
  return SETUPS.map((setup): Integration => {
    const counts = new Map(
      activity.hourly.filter((row) => row.source === setup.source).map((row) => [row.hour, row.events]),
    );
    return {
      source: setup.source,
      title: setup.title,
      url: `${deps.publicUrl}${setup.path(brandId)}`,
      auth: setup.secret
        ? {
            kind: 'secret',
            label: setup.secretLabel ?? 'Secret',
            secret: deps.brands.webhookSecret(brandId, setup.secret) ?? null,
          }
        : { kind: 'write_key' },
      where: setup.where,
      subscribe: setup.subscribe,
      lastEventAt: activity.last.find((row) => row.source === setup.source)?.received_at ?? null,
      hourly: hours.map((hour) => ({ hour, events: counts.get(hour) ?? 0 })),
      rejected: rejected.filter((row) => row.source === setup.source).slice(0, REJECTED_SHOWN),
    };
  });
}
