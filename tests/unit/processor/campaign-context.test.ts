// The campaign a source attributed an event to (Segment's context.campaign here; a Shopify
// landing site, a Click-to-WhatsApp ad and WooCommerce's attribution arrive the same way) is kept
// with the stored event, through the real ingest app, in-process bus, processor and DuckDB, and
// the Customer-360 timeline names it; the other brand's timeline holds none of it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrandStates, type BrandStates } from '../../../ingest/processor/brand-state';
import type { Warehouse } from '../../../ingest/warehouse/types';
import { CONTEXT_CAMPAIGN_PROPERTY, summarizeEvent } from '../../../src/lib/shared/event-summary';
import {
  basicAuth,
  createBrandFixture,
  createHarness,
  NOW,
  type BrandFixture,
  type Harness,
} from '../http/harness';
import { drainToWarehouse, openWarehouse } from './harness';

let fixture: BrandFixture;
let h: Harness;
let warehouse: Warehouse;
let states: BrandStates;

beforeAll(async () => {
  fixture = await createBrandFixture();
});
afterAll(async () => {
  await fixture.remove();
});
beforeEach(async () => {
  h = await createHarness(fixture);
  warehouse = await openWarehouse();
  states = createBrandStates({ warehouse, brands: fixture.brands, clock: () => new Date(NOW) });
});
afterEach(async () => {
  await h.close();
  await warehouse.close();
});

async function send(writeKey: string, batch: unknown[]) {
  const response = await h.app.request('/v1/batch', {
    method: 'POST',
    headers: { authorization: basicAuth(writeKey), 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe('campaign context', () => {
  it('is stored with the event and shown on the timeline, for its own brand only', async () => {
    const campaign = { name: 'diwali-sale', source: 'meta', medium: 'paid_social', id: 'c-9' };
    await send(h.acme.write_key, [
      {
        type: 'track',
        event: 'Order Completed',
        userId: 'u-1',
        messageId: 'm-1',
        timestamp: NOW,
        properties: { order_id: 'o-1', revenue: 120 },
        context: { campaign },
      },
      // A visit with its own UTM tags: they win over the attributed campaign.
      {
        type: 'page',
        userId: 'u-1',
        messageId: 'm-2',
        timestamp: NOW,
        properties: { url: 'https://shop.example/?utm_campaign=newsletter&utm_source=email' },
        context: { campaign },
      },
      // Only an id: the tag is the id.
      {
        type: 'track',
        event: 'Product Viewed',
        userId: 'u-1',
        messageId: 'm-3',
        timestamp: NOW,
        context: { campaign: { id: 'c-10' } },
      },
      // No campaign: nothing stored, nothing shown.
      { type: 'track', event: 'Signed In', userId: 'u-1', messageId: 'm-4', timestamp: NOW },
    ]);
    await send(h.globex.write_key, [
      {
        type: 'track',
        event: 'Signed In',
        userId: 'u-1',
        messageId: 'm-1',
        timestamp: NOW,
        context: { campaign },
      },
    ]);
    await drainToWarehouse({ bus: h.bus, warehouse, states, group: 'processor', clock: () => new Date(NOW) });

    const acme = await warehouse.lookupProfile('acme', { type: 'user_id', value: 'u-1' });
    const page = await warehouse.profileTimeline('acme', [acme!.profile_id], { limit: 10 });
    const byName = new Map(page.events.map((event) => [event.source_event_id, event]));
    expect(byName.get('m-1')!.properties[CONTEXT_CAMPAIGN_PROPERTY]).toEqual(campaign);
    expect(summarizeEvent(byName.get('m-1')!).campaign).toEqual({
      name: 'diwali-sale',
      source: 'meta',
      medium: 'paid_social',
    });
    expect(summarizeEvent(byName.get('m-2')!).campaign).toEqual({
      name: 'newsletter',
      source: 'email',
      medium: null,
    });
    expect(summarizeEvent(byName.get('m-3')!).campaign).toEqual({ name: 'c-10', source: null, medium: null });
    expect(byName.get('m-4')!.properties).not.toHaveProperty(CONTEXT_CAMPAIGN_PROPERTY);
    expect(summarizeEvent(byName.get('m-4')!).campaign).toBeNull();

    // globex's own user with the same id: its event, its campaign; none of acme's events.
    const globex = await warehouse.lookupProfile('globex', { type: 'user_id', value: 'u-1' });
    const theirs = await warehouse.profileTimeline('globex', [globex!.profile_id], { limit: 10 });
    expect(theirs.events.map((event) => event.brand_id)).toEqual(['globex']);
    expect(await warehouse.profileTimeline('globex', [acme!.profile_id], { limit: 10 })).toMatchObject({
      events: [],
    });
  });
});
