// The High-intent page's rows: the filter from the URL (level, category),
// checked with a message naming the problem, and the warehouse's profiles
// at that level as the same HighIntentEntry rows the processor pushes.
import { z } from 'zod';
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import {
  INTENT_CATEGORY_MAX_LENGTH,
  INTENT_LIST_LEVELS,
  type IntentListLevel,
} from '../../../ingest/warehouse/intent-list';
import type { IntentThresholds } from '../shared/intent';
import type { HighIntentEntry } from '../shared/live';
import { highIntentEntry } from '../shared/profile-display';

export const INTENT_PAGE_LIMIT = 100;

export interface IntentFilter {
  level: IntentListLevel;
  /** null: by the total score. */
  category: string | null;
}

const filterSchema = z.object({
  level: z.enum(INTENT_LIST_LEVELS, { message: 'level must be medium or high' }).default('high'),
  category: z
    .string()
    .trim()
    .max(INTENT_CATEGORY_MAX_LENGTH, `category is longer than ${INTENT_CATEGORY_MAX_LENGTH} characters`)
    .transform((value) => (value === '' ? null : value))
    .nullable()
    .default(null),
});

export type ParsedFilter = { ok: true; value: IntentFilter } | { ok: false; problem: string };

/** The filter in a URL's query (`?level=medium&category=Shoes`); absent means high, every category. */
export function parseIntentFilter(params: URLSearchParams): ParsedFilter {
  const parsed = filterSchema.safeParse({
    level: params.get('level') ?? undefined,
    category: params.get('category') ?? undefined,
  });
  if (!parsed.success) return { ok: false, problem: parsed.error.issues.map((i) => i.message).join('; ') };
  return { ok: true, value: parsed.data };
}

export async function loadIntentList(
  warehouse: WarehouseReader,
  brandId: string,
  intent: IntentThresholds,
  filter: IntentFilter,
  now: Date,
): Promise<HighIntentEntry[]> {
  const profiles = await warehouse.intentList(brandId, {
    ...filter,
    limit: INTENT_PAGE_LIMIT,
    at: now.toISOString(),
    intent,
  });
  return profiles.map(highIntentEntry);
}
