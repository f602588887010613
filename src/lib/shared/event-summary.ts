// What a stored event says, in a line, for the Customer-360 timeline: what
// happened (product, order total, message, store), and the campaign a
// UTM-tagged visit came from. Only what the warehouse keeps is read: the
// event's name, type, channel, revenue, category and its source's properties
// (ingest/http/*/map-*.ts decide which), with the campaign its source attributed
// it to (CONTEXT_CAMPAIGN_PROPERTY).
import { campaignSchema } from './events';
import type { StoredEvent } from './model';

/**
 * The stored property holding the campaign the source attributed the event to (a Shopify order's
 * landing site, a Click-to-WhatsApp ad, WooCommerce's order attribution, Segment's
 * context.campaign): the processor keeps it with the event (ingest/processor/apply-event.ts).
 */
export const CONTEXT_CAMPAIGN_PROPERTY = 'context_campaign';

export interface CampaignTag {
  /** utm_campaign, else utm_id. */
  name: string;
  source: string | null;
  medium: string | null;
}

export interface EventSummary {
  title: string;
  /** Further facts, each short: product, category, store, message text, media. */
  details: string[];
  /** Order or checkout total; null when the event carries none. */
  amount: number | null;
  campaign: CampaignTag | null;
}

const textOf = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : null;

function productOf(properties: Record<string, unknown>): string | null {
  return textOf(properties.name) ?? textOf(properties.product_name) ?? textOf(properties.product_id);
}

/**
 * UTM tags from the properties themselves or from the query of a page's url, search or landing
 * site; else the campaign the source attributed the event to (its name, else its id).
 */
export function campaignOf(properties: Record<string, unknown>): CampaignTag | null {
  const tags = new Map<string, string>();
  for (const key of ['utm_campaign', 'utm_id', 'utm_source', 'utm_medium']) {
    const value = textOf(properties[key]);
    if (value) tags.set(key, value);
  }
  for (const key of ['url', 'search', 'landing_site']) {
    const raw = textOf(properties[key]);
    const query = raw?.includes('?') ? raw.slice(raw.indexOf('?') + 1) : null;
    if (!query) continue;
    for (const [name, value] of new URLSearchParams(query)) {
      if (name.startsWith('utm_') && value.trim() && !tags.has(name)) tags.set(name, value.trim());
    }
  }
  const name = tags.get('utm_campaign') ?? tags.get('utm_id');
  if (name !== undefined)
    return { name, source: tags.get('utm_source') ?? null, medium: tags.get('utm_medium') ?? null };
  const attributed = campaignSchema.safeParse(properties[CONTEXT_CAMPAIGN_PROPERTY]);
  if (!attributed.success) return null;
  const { data } = attributed;
  const named = textOf(data.name) ?? textOf(data.id);
  return named === null ? null : { name: named, source: textOf(data.source), medium: textOf(data.medium) };
}

export function summarizeEvent(event: StoredEvent): EventSummary {
  const p = event.properties;
  const details: string[] = [];
  let title: string;
  let amount: number | null = null;
  const product = productOf(p);
  switch (event.type) {
    case 'page_viewed':
      title = `Viewed ${textOf(p.title) ?? textOf(p.name) ?? textOf(p.path) ?? 'a page'}`;
      break;
    case 'product_viewed':
      title = `Viewed ${product ?? 'a product'}`;
      break;
    case 'product_added':
      title = `Added ${product ?? 'a product'} to the cart`;
      break;
    case 'product_removed':
      title = `Removed ${product ?? 'a product'} from the cart`;
      break;
    case 'checkout_started':
      title = 'Started checkout';
      amount = event.revenue || null;
      break;
    case 'order_completed': {
      const store = textOf(p.store_name) ?? textOf(p.store_id);
      title = event.channel === 'store' && store ? `Bought in store ${store}` : 'Placed an order';
      amount = event.revenue;
      const order = textOf(p.order_number) ?? textOf(p.order_id) ?? textOf(p.bill_id);
      if (order) details.push(`order ${order}`);
      break;
    }
    case 'message_received': {
      title = event.channel === 'whatsapp' ? 'Sent a WhatsApp message' : 'Sent a message';
      const body = textOf(p.body);
      details.push(body ? `“${body.length > 140 ? `${body.slice(0, 139)}…` : body}”` : 'text not kept');
      const media = Number(p.num_media);
      if (Number.isFinite(media) && media > 0) details.push(`${media} attachment${media === 1 ? '' : 's'}`);
      const button = textOf(p.button_payload);
      if (button) details.push(`button ${button}`);
      break;
    }
    case 'identify':
      title = 'Identified';
      break;
    default:
      title = event.name;
  }
  if (event.category) details.push(event.category);
  if (event.source === 'csv') details.push('imported');
  return { title, details, amount, campaign: campaignOf(p) };
}
