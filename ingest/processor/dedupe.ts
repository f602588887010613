// Source-id deduplication: a source retrying a delivery sends the same id
// (Segment messageId, Shopify webhook id), so `${source}:${source_event_id}`
// seen in the last 24 hours marks a duplicate. The set is restored from the
// warehouse when a brand is loaded.
import type { InboundEvent } from '../../src/lib/shared/events';

export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

export function sourceKey(event: Pick<InboundEvent, 'source' | 'source_event_id'>): string {
  return `${event.source}:${event.source_event_id}`;
}

export interface Dedupe {
  /** True if `key` was seen within the window; otherwise remembers it and returns false. */
  seenBefore(key: string, atMs: number): boolean;
  /** Forgets keys first seen before `beforeMs`. */
  prune(beforeMs: number): void;
  size(): number;
}

/** `restored` keys count as seen at `restoredAtMs` (the snapshot holds no times). */
export function createDedupe(restored: readonly string[], restoredAtMs: number): Dedupe {
  // Insertion order is close to time order, so pruning stops at the first young key.
  const seen = new Map<string, number>();
  for (const key of restored) seen.set(key, restoredAtMs);
  return {
    seenBefore(key, atMs) {
      if (seen.has(key)) return true;
      seen.set(key, atMs);
      return false;
    },
    prune(beforeMs) {
      for (const [key, atMs] of seen) {
        if (atMs >= beforeMs) break;
        seen.delete(key);
      }
    },
    size: () => seen.size,
  };
}
