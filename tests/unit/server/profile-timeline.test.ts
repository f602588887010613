// The Customer-360 timeline as the profile page loads it, over the real DuckDB
// warehouse: events summarized across channels, merges interleaved on the page
// whose events span them (each once while paging older), the channel filter,
// bad parameters as a message; and the one-line summaries of each source's events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../../ingest/warehouse/types';
import { loadTimeline, parseTimelineParams } from '../../../src/lib/server/profile-timeline';
import { campaignOf, CONTEXT_CAMPAIGN_PROPERTY, summarizeEvent } from '../../../src/lib/shared/event-summary';
import { at, commit, event, merge } from '../../contract/warehouse-records';

const A = 'brand-a';
let warehouse: Warehouse;

const events = [
  event(A, 'w1', {
    type: 'page_viewed',
    name: 'Home',
    channel: 'web',
    timestamp: at(1),
    properties: {
      title: 'Home',
      url: 'https://shop.example/?utm_source=google&utm_campaign=spring&utm_id=c-9',
    },
  }),
  event(A, 'p2', {
    type: 'product_added',
    channel: 'web',
    timestamp: at(2),
    properties: { name: 'Linen shirt' },
  }),
  event(A, 's3', {
    type: 'order_completed',
    name: 'POS Bill',
    channel: 'store',
    source: 'pos',
    timestamp: at(3),
    revenue: 2898,
    category: null,
    properties: { bill_id: 'B-1', store_name: 'Indiranagar' },
  }),
  event(A, 'wa4', {
    type: 'message_received',
    name: 'WhatsApp Message',
    channel: 'whatsapp',
    source: 'whatsapp',
    profile_id: 'm1',
    timestamp: at(4),
    category: null,
    properties: { num_media: '2' },
  }),
  event(A, 'o5', { type: 'order_completed', name: 'Order Completed', timestamp: at(5), revenue: 99.5 }),
];
const merges = [
  merge(A, 'mg-2', { at: at(2, 30), from_profile_ids: ['m1'], into_profile_id: 'p1' }),
  merge(A, 'mg-0', { at: at(0), from_profile_ids: ['m0'], into_profile_id: 'p1' }),
  merge(A, 'mg-9', { at: at(9), from_profile_ids: ['m9'], into_profile_id: 'p1' }),
];

beforeAll(async () => {
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  await warehouse.migrate();
  await warehouse.commit(
    commit(
      { consumer: 'test', partition: 0, next_offset: 1 },
      // Brand B's event for the same profile id must never show.
      { events: [...events, event('brand-b', 'b-secret', { profile_id: 'p1', timestamp: at(6) })] },
    ),
  );
});

afterAll(() => warehouse.close());

const load = (query: string, limit = 50) =>
  loadTimeline(warehouse, A, ['p1', 'm1'], merges, new URLSearchParams(query), limit);

const keys = (items: Awaited<ReturnType<typeof load>>['items']) =>
  items.map((item) => (item.kind === 'event' ? item.event_id : item.record.merge_id));

describe('loadTimeline', () => {
  it('shows every channel newest first with merges where they happened, never another brand', async () => {
    const view = await load('');
    expect(keys(view.items)).toEqual(['mg-9', 'o5', 'wa4', 's3', 'mg-2', 'p2', 'w1', 'mg-0']);
    expect(view.older).toBeNull();
    expect(view.problem).toBeNull();
  });

  it('pages older with each merge on exactly one page', async () => {
    const seen: string[] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const view = await load(before ? `before=${before}` : '', 2);
      seen.push(...keys(view.items));
      before = view.older;
      if (before === null) break;
    }
    expect(seen).toEqual(['mg-9', 'o5', 'wa4', 's3', 'mg-2', 'p2', 'w1', 'mg-0']);
  });

  it('filters by channel and names a bad parameter or cursor instead of failing', async () => {
    const store = await load('channel=store');
    expect(
      store.items.filter((i) => i.kind === 'event').map((i) => i.kind === 'event' && i.event_id),
    ).toEqual(['s3']);
    const bad = await load('channel=fax');
    expect(bad.problem).toBe('channel must be one of web, app, store, whatsapp, email, server');
    expect(keys(bad.items)).toContain('o5');
    const forged = await load('before=eyJ2IjoxfQ');
    expect(forged.problem).toMatch(/^invalid timeline cursor: .*; showing the newest events$/);
    expect(parseTimelineParams(new URLSearchParams('before=%27%3B--'))).toEqual({
      ok: false,
      problem: 'the timeline cursor is not one this page made',
    });
  });
});

describe('summarizeEvent', () => {
  it('says what happened on each channel', () => {
    const [page, added, bill, message, order] = events.map(summarizeEvent);
    expect(page).toEqual({
      title: 'Viewed Home',
      details: ['shoes'],
      amount: null,
      campaign: { name: 'spring', source: 'google', medium: null },
    });
    expect(added!.title).toBe('Added Linen shirt to the cart');
    expect(bill).toEqual({
      title: 'Bought in store Indiranagar',
      details: ['order B-1'],
      amount: 2898,
      campaign: null,
    });
    expect(message).toEqual({
      title: 'Sent a WhatsApp message',
      details: ['text not kept', '2 attachments'],
      amount: null,
      campaign: null,
    });
    expect(order).toMatchObject({ title: 'Placed an order', amount: 99.5 });
  });

  it('reads UTM tags from properties or a url query, utm_id when there is no campaign name', () => {
    expect(campaignOf({ utm_id: 'c-1', utm_medium: 'cpc' })).toEqual({
      name: 'c-1',
      source: null,
      medium: 'cpc',
    });
    expect(campaignOf({ search: '?utm_id=c-2&utm_source=meta' })).toEqual({
      name: 'c-2',
      source: 'meta',
      medium: null,
    });
    expect(campaignOf({ url: 'https://shop.example/?q=shoes' })).toBeNull();
    expect(campaignOf({ url: 42 })).toBeNull();
  });

  it('falls back to the campaign the source attributed, ignoring one that is not a campaign', () => {
    const attributed = (value: unknown) => campaignOf({ [CONTEXT_CAMPAIGN_PROPERTY]: value });
    expect(attributed({ name: ' ctwa-ad ', source: 'facebook' })).toEqual({
      name: 'ctwa-ad',
      source: 'facebook',
      medium: null,
    });
    for (const hostile of ['diwali', 42, null, [], { name: 7 }, { name: '  ' }, { source: 'meta' }])
      expect(attributed(hostile), JSON.stringify(hostile)).toBeNull();
  });
});
