import { describe, expect, it } from 'vitest';
import { DEDUPE_WINDOW_MS, createDedupe, sourceKey } from '../../../ingest/processor/dedupe';
import { T0, makeEvent } from './fixtures';

describe('dedupe', () => {
  it('marks a repeated source id as duplicate, per source', () => {
    const dedupe = createDedupe([], T0);
    const a = makeEvent({ source: 'track', source_event_id: 'm-1' });
    const retry = makeEvent({ source: 'track', source_event_id: 'm-1' });
    const shopify = makeEvent({ source: 'shopify', source_event_id: 'm-1' });
    expect(dedupe.seenBefore(sourceKey(a), T0)).toBe(false);
    expect(dedupe.seenBefore(sourceKey(retry), T0 + 1)).toBe(true);
    expect(dedupe.seenBefore(sourceKey(shopify), T0 + 2)).toBe(false);
  });

  it('restores seen ids from the snapshot and forgets them after the window', () => {
    const dedupe = createDedupe(['track:m-1'], T0);
    expect(dedupe.seenBefore('track:m-1', T0 + 1)).toBe(true);
    dedupe.seenBefore('track:m-2', T0 + DEDUPE_WINDOW_MS);
    dedupe.prune(T0 + 1);
    expect(dedupe.size()).toBe(1);
    expect(dedupe.seenBefore('track:m-1', T0 + DEDUPE_WINDOW_MS + 5)).toBe(false);
    expect(dedupe.seenBefore('track:m-2', T0 + DEDUPE_WINDOW_MS + 6)).toBe(true);
  });
});
