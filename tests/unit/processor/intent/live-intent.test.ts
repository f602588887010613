// Intent per category through the real processor step and the embedded
// warehouse: the live `intent` push carries the categories and the reasons,
// a purchase takes the profile off the lists at once, imported CSV history
// moves no intent, and another brand sees none of it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../../../src/lib/shared/events';
import type { LiveMessage } from '../../../../src/lib/shared/live';
import type { Warehouse } from '../../../../ingest/warehouse/types';
import { createBrandStates, type BrandStates } from '../../../../ingest/processor/brand-state';
import { processBatch } from '../../../../ingest/processor/pipeline';
import { MINUTE, T0, at, makeEvent } from '../fixtures';
import { batchOf, eventMessages, makeRegistry, openWarehouse, tempDir } from '../harness';

const INTENT = { half_life_minutes: 60, medium_threshold: 10, high_threshold: 25 };

let warehouse: Warehouse;
let states: BrandStates;
let offset = 0;
const now = T0 + 10 * MINUTE;

beforeEach(async () => {
  warehouse = await openWarehouse();
  const brands = await makeRegistry(await tempDir(), [
    { id: 'acme', settings: { intent: INTENT } },
    { id: 'other', settings: { intent: INTENT } },
  ]);
  states = createBrandStates({ warehouse, brands, clock: () => new Date(now) });
  offset = 0;
});

afterEach(async () => {
  await warehouse.close();
});

async function send(events: InboundEvent[]) {
  const values = eventMessages(events);
  const result = await processBatch(batchOf(values, offset), {
    states,
    group: 'processor',
    clock: () => new Date(now),
  });
  await warehouse.commit(result.commit);
  offset += values.length;
  return result;
}

const intents = (messages: LiveMessage[]) =>
  messages.flatMap((m) => (m.event === 'intent' ? [{ brand_id: m.brand_id, ...m.payload }] : []));

const shopper = (fields: Partial<InboundEvent>, brand = 'acme') =>
  makeEvent({ brand_id: brand, identifiers: { email: 'ria@example.in' }, ...fields });

const trailShoes = {
  category: 'Running',
  product_id: 'sku-trail',
  items: [{ product_id: 'sku-trail', name: 'Trail shoes', category: 'Running', price: 90, quantity: 1 }],
};

describe('live intent per category', () => {
  it('pushes the categories and the reasons when a profile crosses into high in a category', async () => {
    const views = await send(
      [1, 2, 3].map((i) =>
        shopper({
          event_id: `v${i}`,
          type: 'product_viewed',
          commerce: { category: 'Running', product_id: `sku-${i}` },
          received_at: at(i * MINUTE),
        }),
      ),
    );
    // 9 in Running: below medium, on no list, nothing pushed.
    expect(intents(views.live)).toEqual([]);

    const added = await send([
      shopper({ event_id: 'add', type: 'product_added', commerce: trailShoes, received_at: at(4 * MINUTE) }),
      shopper({
        event_id: 'chk',
        type: 'checkout_started',
        commerce: trailShoes,
        received_at: at(5 * MINUTE),
      }),
    ]);
    const [pushed] = intents(added.live);
    expect(intents(added.live)).toHaveLength(1);
    expect(pushed!.brand_id).toBe('acme');
    expect(pushed!.left).toBe(false);
    expect(pushed!.entry).toMatchObject({
      level: 'high',
      label: 'ria@example.in',
      scored_at: at(5 * MINUTE),
    });
    expect(pushed!.entry.categories.Running).toBeGreaterThan(INTENT.high_threshold);
    expect(pushed!.entry.reasons.slice(0, 2)).toEqual([
      {
        type: 'checkout_started',
        category: 'Running',
        product_id: 'sku-trail',
        product_name: 'Trail shoes',
        at: at(5 * MINUTE),
        weight: 20,
      },
      {
        type: 'product_added',
        category: 'Running',
        product_id: 'sku-trail',
        product_name: 'Trail shoes',
        at: at(4 * MINUTE),
        weight: 10,
      },
    ]);
    expect(pushed!.entry.reasons).toHaveLength(5);

    // Stored as pushed: the page's snapshot and the push agree.
    const listed = await warehouse.intentList('acme', {
      level: 'high',
      category: 'Running',
      limit: 10,
      at: at(5 * MINUTE),
      intent: INTENT,
    });
    expect(listed.map((p) => p.profile_id)).toEqual([pushed!.entry.profile_id]);
    expect(listed[0]!.intent_reasons).toEqual(pushed!.entry.reasons);
    expect(
      await warehouse.intentList('other', {
        level: 'medium',
        category: null,
        limit: 10,
        at: at(5 * MINUTE),
        intent: INTENT,
      }),
    ).toEqual([]);

    // A purchase in Running resets Running and the total: it leaves every list at once.
    const bought = await send([
      shopper({
        event_id: 'buy',
        type: 'order_completed',
        commerce: { revenue: 90, items: trailShoes.items },
        received_at: at(6 * MINUTE),
      }),
    ]);
    expect(intents(bought.live)).toEqual([
      expect.objectContaining({
        left: true,
        entry: expect.objectContaining({ categories: {}, reasons: [] }),
      }),
    ]);
  });

  it('moves no intent for imported CSV history, and pushes nothing to another brand', async () => {
    const result = await send([
      ...[1, 2, 3].map((i) =>
        shopper({
          event_id: `csv${i}`,
          source: 'csv',
          type: 'checkout_started',
          commerce: trailShoes,
          received_at: at(i * MINUTE),
        }),
      ),
      shopper(
        { event_id: 'o1', type: 'checkout_started', commerce: trailShoes, received_at: at(4 * MINUTE) },
        'other',
      ),
      shopper(
        { event_id: 'o2', type: 'checkout_started', commerce: trailShoes, received_at: at(5 * MINUTE) },
        'other',
      ),
    ]);
    const stored = await warehouse.lookupProfile('acme', { type: 'email', value: 'ria@example.in' });
    expect(stored).toMatchObject({
      event_count: 3,
      intent_score: 0,
      intent_categories: {},
      intent_reasons: [],
    });
    const pushed = intents(result.live);
    expect(pushed.map((m) => m.brand_id)).toEqual(['other']);
    expect(pushed[0]!.entry.categories).toEqual({ Running: 20 * 2 ** (-1 / 60) + 20 });
  });
});
