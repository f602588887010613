// The whole system in one process on the embedded default (in-process bus with
// its file log, DuckDB file): HTTP in, through bus, processor and warehouse, out
// through the read API and Socket.IO. Every read is repeated as the other brand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { createLogger } from '../../ingest/log';
import { startSystem, type System } from '../../ingest/system';
import { loadConfig } from '../../src/lib/shared/config';
import type { KpiMinute } from '../../src/lib/shared/model';
import { SOCKET_PATH } from '../../src/lib/shared/live';
import { basicAuth, getJson, postJson, shopifySignature, waitFor } from '../support/http';

interface Status {
  accepted: number;
  processed: number;
  rejected: number;
  duplicates: number;
  pending: number;
}
interface ProfileView {
  profile: { profile_id: string; orders: number; revenue: number; channels: string[]; intent_level: string };
  identifiers: Array<{ type: string; value: string }>;
  recent_events: Array<{ event_id: string; type: string }>;
  merge_history: Array<{ action: string }>;
}

let dataDir: string;
let system: System;
let brandA: BrandCredentials;
let brandB: BrandCredentials;
const quiet = createLogger('error');

async function start(): Promise<System> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error' }, []);
  return startSystem({ config, log: quiet });
}

async function status(credentials: BrandCredentials): Promise<Status> {
  const response = await getJson(`${system.url}/api/v1/status`, credentials.read_key);
  expect(response.status).toBe(200);
  return response.body as Status;
}

/** Waits until the processor has handled everything accepted for the brand. */
async function caughtUp(credentials: BrandCredentials, processedAtLeast: number): Promise<Status> {
  return waitFor(`brand ${credentials.brand_id} to process ${processedAtLeast}`, async () => {
    const current = await status(credentials);
    return current.pending === 0 && current.processed >= processedAtLeast ? current : undefined;
  });
}

function track(event: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { type: 'track', event, timestamp: new Date().toISOString(), ...fields };
}

async function sendBatch(credentials: BrandCredentials, batch: unknown[]) {
  return postJson(`${system.url}/v1/batch`, { batch }, { authorization: basicAuth(credentials.write_key) });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'signalroom-it-'));
  system = await start();
  brandA = await system.brands.create('brand-a', 'Brand A');
  brandB = await system.brands.create('brand-b', 'Brand B');
});

afterAll(async () => {
  await system?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a shopper across two devices, end to end', () => {
  const shopper = { email: 'Maya.Shah@Example.shop', phone: '+44 7700 900123' };

  it('accepts a batch, resolves one profile, and serves the 360 view to its brand only', async () => {
    const before = await status(brandA);
    const batch = [
      {
        type: 'page',
        anonymousId: 'cookie-laptop',
        messageId: 'm-1',
        name: 'Home',
        context: { device: { id: 'laptop-1' } },
      },
      track('Product Viewed', {
        anonymousId: 'cookie-laptop',
        messageId: 'm-2',
        properties: { product_id: 'sku-1', category: 'Shoes', price: 60 },
      }),
      track('Product Added', {
        anonymousId: 'cookie-laptop',
        messageId: 'm-3',
        properties: { product_id: 'sku-1', category: 'Shoes', price: 60, quantity: 2 },
      }),
      {
        type: 'identify',
        anonymousId: 'cookie-laptop',
        userId: 'cust-42',
        messageId: 'm-4',
        traits: { email: shopper.email },
      },
      // Later, on the phone: anonymous first, then the same e-mail links it.
      track('Product Viewed', {
        anonymousId: 'cookie-phone',
        messageId: 'm-5',
        properties: { product_id: 'sku-2', category: 'Bags', price: 90 },
      }),
      {
        type: 'identify',
        anonymousId: 'cookie-phone',
        messageId: 'm-6',
        traits: { email: ' maya.shah@example.shop ', phone: shopper.phone },
      },
      track('Checkout Started', {
        anonymousId: 'cookie-phone',
        messageId: 'm-7',
        properties: { revenue: 120 },
      }),
      track('Order Completed', {
        anonymousId: 'cookie-phone',
        userId: 'cust-42',
        messageId: 'm-8',
        properties: {
          order_id: 'o-1',
          revenue: 120,
          currency: 'EUR',
          products: [{ product_id: 'sku-1', category: 'Shoes', price: 60, quantity: 2 }],
        },
      }),
    ];
    const response = await sendBatch(brandA, batch);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, accepted: 8, rejected: [] });

    await caughtUp(brandA, before.processed + 8);

    const lookup = await getJson(
      `${system.url}/api/v1/profiles/lookup?identifier=${encodeURIComponent('email:maya.shah@example.shop')}`,
      brandA.read_key,
    );
    expect(lookup.status).toBe(200);
    const profileId = (lookup.body as ProfileView).profile.profile_id;
    expect(profileId).toMatch(/^p_/);

    // Both cookies, the customer id and the phone lead to the same person.
    for (const identifier of ['anonymous_id:cookie-laptop', 'anonymous_id:cookie-phone', 'user_id:cust-42']) {
      const other = await getJson(
        `${system.url}/api/v1/profiles/lookup?identifier=${encodeURIComponent(identifier)}`,
        brandA.read_key,
      );
      expect(other.status, identifier).toBe(200);
      expect((other.body as ProfileView).profile.profile_id, identifier).toBe(profileId);
    }

    const view = await getJson(`${system.url}/api/v1/profiles/${profileId}`, brandA.read_key);
    expect(view.status).toBe(200);
    const body = view.body as ProfileView;
    expect(body.profile.orders).toBe(1);
    expect(body.profile.revenue).toBe(120);
    expect(body.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'email', value: 'maya.shah@example.shop' },
        { type: 'phone', value: '+447700900123' },
        { type: 'user_id', value: 'cust-42' },
      ]),
    );
    expect(body.recent_events).toHaveLength(8);
    expect(body.merge_history.some((record) => record.action === 'merge')).toBe(true);

    // The other brand: same identifiers, same profile id, nothing.
    const foreignLookup = await getJson(
      `${system.url}/api/v1/profiles/lookup?identifier=${encodeURIComponent('email:maya.shah@example.shop')}`,
      brandB.read_key,
    );
    expect(foreignLookup.status).toBe(404);
    expect((await getJson(`${system.url}/api/v1/profiles/${profileId}`, brandB.read_key)).status).toBe(404);
    expect((await status(brandB)).processed).toBe(0);
  });

  it('counts KPIs per minute and keeps them apart per brand', async () => {
    const from = new Date(Date.now() - 10 * 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const kpis = async (credentials: BrandCredentials) => {
      const response = await getJson(
        `${system.url}/api/v1/kpis?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
        credentials.read_key,
      );
      expect(response.status).toBe(200);
      return (response.body as { minutes: KpiMinute[] }).minutes;
    };
    const rowsA = await kpis(brandA);
    const sum = (rows: KpiMinute[], field: 'events' | 'purchases' | 'revenue' | 'carts') =>
      rows.reduce((total, row) => total + row[field], 0);
    expect(sum(rowsA, 'events')).toBe(8);
    expect(sum(rowsA, 'purchases')).toBe(1);
    expect(sum(rowsA, 'revenue')).toBe(120);
    expect(sum(rowsA, 'carts')).toBe(1);
    expect(await kpis(brandB)).toEqual([]);
  });

  it('deduplicates a retried messageId', async () => {
    const before = await status(brandA);
    const retry = await sendBatch(brandA, [
      track('Order Completed', {
        anonymousId: 'cookie-phone',
        messageId: 'm-8',
        properties: { order_id: 'o-1', revenue: 120 },
      }),
    ]);
    expect(retry.status).toBe(200);
    const after = await waitFor('the duplicate to be counted', async () => {
      const current = await status(brandA);
      return current.duplicates > before.duplicates && current.pending === 0 ? current : undefined;
    });
    expect(after.processed).toBe(before.processed);
    const lookup = await getJson(
      `${system.url}/api/v1/profiles/lookup?identifier=${encodeURIComponent('user_id:cust-42')}`,
      brandA.read_key,
    );
    expect((lookup.body as ProfileView).profile.revenue).toBe(120);
  });
});

describe('bad input is refused by name and kept for its brand', () => {
  it('accepts the valid events of a batch and reports and stores the invalid ones', async () => {
    const before = await status(brandA);
    const response = await sendBatch(brandA, [
      track('Product Viewed', {
        anonymousId: 'cookie-x',
        messageId: 'bad-0',
        properties: { category: 'Hats' },
      }),
      track('Order Completed', {
        anonymousId: 'cookie-x',
        messageId: 'bad-1',
        properties: { revenue: 'a lot' },
      }),
      { type: 'track', messageId: 'bad-2', event: 'No identity at all' },
    ]);
    expect(response.status).toBe(200);
    const body = response.body as {
      accepted: number;
      rejected: Array<{ index: number; code: string; message: string }>;
    };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((entry) => entry.index)).toEqual([1, 2]);
    for (const entry of body.rejected) expect(entry.message.length).toBeGreaterThan(5);

    await waitFor('rejections to be stored', async () => {
      const current = await status(brandA);
      return current.rejected >= before.rejected + 2 && current.pending === 0 ? current : undefined;
    });
    const rejectedA = await getJson(`${system.url}/api/v1/rejected`, brandA.read_key);
    expect(rejectedA.status).toBe(200);
    const rowsA = (rejectedA.body as { rejected: Array<{ reason: string; payload: string }> }).rejected;
    expect(rowsA.some((row) => row.payload.includes('a lot'))).toBe(true);
    const rejectedB = await getJson(`${system.url}/api/v1/rejected`, brandB.read_key);
    expect((rejectedB.body as { rejected: unknown[] }).rejected).toEqual([]);
  });

  it('refuses malformed JSON, unknown keys and bad signatures with a named error', async () => {
    const malformed = await postJson(`${system.url}/v1/track`, '{"type": "track", ', {
      authorization: basicAuth(brandA.write_key),
    });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toMatch(/json/i);

    const unknownKey = await postJson(`${system.url}/v1/track`, track('X', { anonymousId: 'a' }), {
      authorization: basicAuth('sr_write_not-a-key'),
    });
    expect(unknownKey.status).toBe(401);

    const raw = JSON.stringify({ id: 1, email: 'a@b.shop', total_price: '10.00', line_items: [] });
    const forged = await postJson(`${system.url}/webhooks/shopify/brand-a`, raw, {
      'x-shopify-topic': 'orders/create',
      'x-shopify-webhook-id': 'wh-forged',
      'x-shopify-hmac-sha256': shopifySignature(raw, brandB.webhook_secrets.shopify),
    });
    expect(forged.status).toBe(401);
  });
});

describe('Shopify orders', () => {
  it('counts a signed order once even when Shopify retries it', async () => {
    const before = await status(brandA);
    const raw = JSON.stringify({
      id: 820982911946154500,
      email: 'maya.shah@example.shop',
      total_price: '45.50',
      currency: 'EUR',
      source_name: 'web',
      line_items: [
        { product_id: 632910392, title: 'Scarf', price: '45.50', quantity: 1, product_type: 'Accessories' },
      ],
      customer: { id: 115310627314723950, email: 'maya.shah@example.shop' },
    });
    const headers = {
      'x-shopify-topic': 'orders/create',
      'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'x-shopify-hmac-sha256': shopifySignature(raw, brandA.webhook_secrets.shopify),
    };
    expect((await postJson(`${system.url}/webhooks/shopify/brand-a`, raw, headers)).status).toBe(200);
    expect((await postJson(`${system.url}/webhooks/shopify/brand-a`, raw, headers)).status).toBe(200);
    await waitFor('the order and its retry', async () => {
      const current = await status(brandA);
      return current.processed === before.processed + 1 && current.duplicates === before.duplicates + 1
        ? current
        : undefined;
    });
    const lookup = await getJson(
      `${system.url}/api/v1/profiles/lookup?identifier=${encodeURIComponent('email:maya.shah@example.shop')}`,
      brandA.read_key,
    );
    expect((lookup.body as ProfileView).profile).toMatchObject({ orders: 2, revenue: 165.5 });
  });
});

describe('live push over Socket.IO', () => {
  const sockets: Socket[] = [];
  afterAll(() => {
    for (const socket of sockets) socket.disconnect();
  });

  function connect(credentials: BrandCredentials): Promise<Socket> {
    const socket = io(system.url, {
      path: SOCKET_PATH,
      auth: { token: credentials.read_key },
      transports: ['websocket'],
    });
    sockets.push(socket);
    return new Promise((done, fail) => {
      socket.once('connect', () => done(socket));
      socket.once('connect_error', fail);
    });
  }

  it('pushes a KPI row to its brand and nothing to the other', async () => {
    const socketA = await connect(brandA);
    const socketB = await connect(brandB);
    const seenByB: unknown[] = [];
    for (const name of ['kpi', 'intent', 'alert', 'merge', 'status'])
      socketB.on(name, (payload) => seenByB.push(payload));
    const pushed = new Promise<KpiMinute>((done) => socketA.on('kpi', (row: KpiMinute) => done(row)));

    const sent = await sendBatch(brandA, [
      track('Product Viewed', { anonymousId: 'cookie-live', properties: { category: 'Shoes' } }),
    ]);
    expect(sent.status).toBe(200);
    const row = await pushed;
    expect(row.brand_id).toBe('brand-a');
    expect(row.events).toBeGreaterThan(0);
    await caughtUp(brandA, 0);
    await new Promise((done) => setTimeout(done, 200));
    expect(seenByB).toEqual([]);
  });

  it('refuses a socket without valid credentials', async () => {
    const socket = io(system.url, {
      path: SOCKET_PATH,
      auth: { token: 'sr_read_forged' },
      transports: ['websocket'],
    });
    sockets.push(socket);
    const error = await new Promise<Error>((done) => socket.once('connect_error', done));
    expect(error.message.length).toBeGreaterThan(0);
  });
});

describe('restart', () => {
  it('keeps every accepted event exactly once across a restart', async () => {
    const before = await status(brandA);
    const response = await sendBatch(
      brandA,
      Array.from({ length: 50 }, (_, index) =>
        track('Product Viewed', {
          anonymousId: `restart-${index % 5}`,
          messageId: `restart-${index}`,
          properties: { category: 'Hats' },
        }),
      ),
    );
    expect(response.status).toBe(200);
    // Close at once: some of the 50 may still be on the bus's file log.
    await system.close();
    system = await start();
    const after = await caughtUp(brandA, before.processed + 50);
    expect(after.processed).toBe(before.processed + 50);
    expect(after.duplicates).toBe(before.duplicates);
    expect((await status(brandB)).processed).toBe(0);
  });
});
