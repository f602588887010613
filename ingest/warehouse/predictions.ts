// The prediction run's reads and writes (WarehouseReader.predictionSurvivors and the rest), the
// parts both back-ends share: row shapes, limits, and the line items of a stored order.
//
// Orders are the stored order_completed events. Their products are the processor's normalized
// line items (`properties.order_items`, ingest/processor/apply-event.ts, every source since it was
// added) or, for Segment events stored before that, their own `properties.products`. Events are
// stored against the profile part they resolved to; the caller follows merged_into to survivors.
import { z } from 'zod';
import type { Channel } from '../../src/lib/shared/events';
import type { CustomerPrediction, PredictionRun } from '../../src/lib/shared/predictions';

export const PREDICTION_PAGE_MAX = 50_000;
export const PREDICTION_CHANNELS: readonly Channel[] = ['web', 'store', 'whatsapp'];

export interface PredictionSurvivor {
  profile_id: string;
  first_seen: string;
  last_seen: string;
  intent_score: number;
}

export interface MergedPart {
  profile_id: string;
  merged_into: string;
}

export interface OrderItem {
  product_id: string;
  category: string | null;
  /** The product's name as the order gave it, for showing recommendations; null without. */
  name: string | null;
}

export interface PredictionOrder {
  event_id: string;
  /** The part the order was stored against. */
  profile_id: string;
  timestamp: string;
  revenue: number;
  category: string | null;
  items: OrderItem[];
}

export interface ChannelActivity {
  profile_id: string;
  web: number;
  store: number;
  whatsapp: number;
  /** Events of every channel. */
  events: number;
}

export interface SegmentMembersQuery {
  runId: string;
  /** One segment, or null for every profile of the run. */
  segment: string | null;
  /** profile_id of the previous page's last row, or null. */
  after: string | null;
  limit: number;
}

export function checkPageLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PREDICTION_PAGE_MAX) {
    throw new RangeError(`limit must be a whole number from 1 to ${PREDICTION_PAGE_MAX}, got ${limit}`);
  }
  return limit;
}

/** The property key the processor stores an order's normalized line items under. */
export const ORDER_ITEMS_PROPERTY = 'order_items';

const itemSchema = z.object({
  product_id: z.string().min(1).max(512),
  category: z.string().nullish(),
  name: z.unknown().optional(),
});
const segmentProductSchema = z.object({
  product_id: z.string().min(1).max(512).optional(),
  sku: z.string().min(1).max(512).optional(),
  category: z.string().nullish(),
  name: z.unknown().optional(),
});
/** Names longer than this are cut: they are labels, and a hostile order must not bloat every row. */
export const PRODUCT_NAME_MAX = 200;
/** A name is a label only: one that is not text is no name, never a reason to drop the product. */
const nameOf = (name: unknown): string | null =>
  typeof name === 'string' && name.trim() ? name.trim().slice(0, PRODUCT_NAME_MAX) : null;

/** The products of a stored order (see the header); items that do not parse are skipped. */
export function orderItemsOf(properties: Record<string, unknown>): OrderItem[] {
  const own = properties[ORDER_ITEMS_PROPERTY];
  const out: OrderItem[] = [];
  if (Array.isArray(own)) {
    for (const item of own) {
      const parsed = itemSchema.safeParse(item);
      if (parsed.success)
        out.push({
          product_id: parsed.data.product_id,
          category: parsed.data.category ?? null,
          name: nameOf(parsed.data.name),
        });
    }
    return out;
  }
  const products = properties.products;
  if (Array.isArray(products)) {
    for (const product of products) {
      const parsed = segmentProductSchema.safeParse(product);
      const id = parsed.success ? (parsed.data.product_id ?? parsed.data.sku) : undefined;
      if (parsed.success && id !== undefined)
        out.push({ product_id: id, category: parsed.data.category ?? null, name: nameOf(parsed.data.name) });
    }
  }
  return out;
}

const recommendationSchema = z.object({
  product_id: z.string(),
  reason: z.enum(['bought_together', 'popular']),
  because: z.array(z.string()),
  score: z.number(),
  // Rows stored before labels were kept have none.
  labels: z.record(z.string(), z.string()).default({}),
});

export const recommendationsSchema = z.array(recommendationSchema);

/** A stored run record (JSON text) back to a PredictionRun; a malformed one is a corrupt row. */
export function parseRunRecord(text: string): PredictionRun {
  return JSON.parse(text) as PredictionRun;
}

/** The stored recommendations (JSON text). */
export function parseRecommendations(text: string): CustomerPrediction['recommendations'] {
  return recommendationsSchema.parse(JSON.parse(text));
}

/** A run record's write version: later runs win, a repeated run id writes the same version. */
export function runVersion(run: Pick<PredictionRun, 'started_at'>): number {
  const ms = Date.parse(run.started_at);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`run started_at is not a time: ${run.started_at}`);
  return ms;
}
