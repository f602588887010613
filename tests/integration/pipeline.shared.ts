// The whole system in one process, end to end: HTTP in, through bus, processor
// and warehouse, out through the read API and Socket.IO. One definition, run
// by a file per back-end pair (pipeline.embedded.test.ts: in-process bus and
// DuckDB; pipeline.production.test.ts: Kafka and ClickHouse). Every read is
// repeated as the other brand.
//
// What differs between back-ends is kept out of the assertions: on Kafka the
// status endpoint tells `pending` only as 0 or 1 (a partition's lag is shared
// by brands), so waits ask for pending === 0 and processed >= N; ClickHouse
// keeps times to whole seconds, so nothing compares times finer than that.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { createLogger } from '../../ingest/log';
import { startSystem, type System } from '../../ingest/system';
import { loadConfig } from '../../src/lib/shared/config';
import type { ImportPreview } from '../../src/lib/shared/imports';
import type { KpiMinute } from '../../src/lib/shared/model';
import { SOCKET_PATH } from '../../src/lib/shared/live';
import { basicAuth, getJson, postJson, shopifySignature, waitFor as poll } from '../support/http';
import type { StatusBody as Status } from '../../src/lib/server/api/responses';

export interface PipelineBackend {
  /** Env entries that choose and address the back-ends (BUS, WAREHOUSE, ...); the suite adds the rest. */
  env: Record<string, string>;
  /** Removes what the run left outside its data dir (topics, a database); runs after the system closed. */
  cleanup?: () => Promise<void>;
}

interface ProfileView {
  profile: { profile_id: string; orders: number; revenue: number; channels: string[]; intent_level: string };
  identifiers: Array<{ type: string; value: string }>;
  recent_events: Array<{ event_id: string; type: string }>;
  merge_history: Array<{ action: string }>;
}

/** Bounds every wait so a broken pipeline fails instead of hanging; generous for a loaded 2-core machine. */
const WAIT_MS = 60_000;
const waitFor = <T>(what: string, check: () => Promise<T | undefined>) => poll(what, check, WAIT_MS);

/** `promise`, or a failure naming `what` after WAIT_MS. */
async function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), WAIT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function track(event: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { type: 'track', event, timestamp: new Date().toISOString(), ...fields };
}

export function pipelineSuite(name: string, makeBackend: () => Promise<PipelineBackend>): void {
  describe(name, { timeout: 3 * WAIT_MS }, () => {
    let backend: PipelineBackend | undefined;
    let dataDir: string;
    let system: System;
    let brandA: BrandCredentials;
    let brandB: BrandCredentials;
    const quiet = createLogger('error');

    async function start(): Promise<System> {
      const env = { ...backend!.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error' };
      return startSystem({ config: loadConfig(env, []), log: quiet });
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

    async function lookup(credentials: BrandCredentials, identifier: string) {
      return getJson(
        `${system.url}/api/v1/profiles/lookup?identifier=${encodeURIComponent(identifier)}`,
        credentials.read_key,
      );
    }

    async function sendBatch(credentials: BrandCredentials, batch: unknown[]) {
      return postJson(
        `${system.url}/v1/batch`,
        { batch },
        { authorization: basicAuth(credentials.write_key) },
      );
    }

    beforeAll(async () => {
      backend = await makeBackend();
      dataDir = await mkdtemp(join(tmpdir(), 'signalroom-it-'));
      system = await start();
      brandA = await system.brands.create('brand-a', 'Brand A');
      brandB = await system.brands.create('brand-b', 'Brand B');
    });

    afterAll(async () => {
      await system?.close();
      await rm(dataDir, { recursive: true, force: true });
      await backend?.cleanup?.();
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

        const byEmail = await lookup(brandA, 'email:maya.shah@example.shop');
        expect(byEmail.status).toBe(200);
        const profileId = (byEmail.body as ProfileView).profile.profile_id;
        expect(profileId).toMatch(/^p_/);

        // Both cookies, the customer id and the phone lead to the same person.
        for (const identifier of [
          'anonymous_id:cookie-laptop',
          'anonymous_id:cookie-phone',
          'user_id:cust-42',
          'phone:+447700900123',
        ]) {
          const other = await lookup(brandA, identifier);
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
        expect((await lookup(brandB, 'email:maya.shah@example.shop')).status).toBe(404);
        expect((await getJson(`${system.url}/api/v1/profiles/${profileId}`, brandB.read_key)).status).toBe(
          404,
        );
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
        expect(rowsA.every((row) => row.brand_id === 'brand-a')).toBe(true);
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
        expect(after.duplicates).toBe(before.duplicates + 1);
        const byCustomerId = await lookup(brandA, 'user_id:cust-42');
        expect((byCustomerId.body as ProfileView).profile).toMatchObject({ orders: 1, revenue: 120 });
        expect((await lookup(brandB, 'user_id:cust-42')).status).toBe(404);
        expect((await status(brandB)).duplicates).toBe(0);
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

        const after = await waitFor('rejections to be stored', async () => {
          const current = await status(brandA);
          return current.rejected >= before.rejected + 2 &&
            current.processed >= before.processed + 1 &&
            current.pending === 0
            ? current
            : undefined;
        });
        expect(after.rejected).toBe(before.rejected + 2);
        const rejectedA = await getJson(`${system.url}/api/v1/rejected`, brandA.read_key);
        expect(rejectedA.status).toBe(200);
        const rowsA = (rejectedA.body as { rejected: Array<{ reason: string; payload: string }> }).rejected;
        expect(rowsA.some((row) => row.payload.includes('a lot'))).toBe(true);
        expect(rowsA.some((row) => row.payload.includes('No identity at all'))).toBe(true);
        const rejectedB = await getJson(`${system.url}/api/v1/rejected`, brandB.read_key);
        expect(rejectedB.status).toBe(200);
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

        // A read key is not a write key, and a write key reads nothing.
        expect(
          (
            await postJson(`${system.url}/v1/track`, track('X', { anonymousId: 'a' }), {
              authorization: basicAuth(brandA.read_key),
            })
          ).status,
        ).toBe(401);
        expect((await getJson(`${system.url}/api/v1/status`, brandA.write_key)).status).toBe(401);
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
            {
              product_id: 632910392,
              title: 'Scarf',
              price: '45.50',
              quantity: 1,
              product_type: 'Accessories',
            },
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
        const after = await waitFor('the order and its retry', async () => {
          const current = await status(brandA);
          return current.processed >= before.processed + 1 &&
            current.duplicates >= before.duplicates + 1 &&
            current.pending === 0
            ? current
            : undefined;
        });
        expect(after.processed).toBe(before.processed + 1);
        expect(after.duplicates).toBe(before.duplicates + 1);
        const byEmail = await lookup(brandA, 'email:maya.shah@example.shop');
        expect((byEmail.body as ProfileView).profile).toMatchObject({ orders: 2, revenue: 165.5 });
        expect((await lookup(brandB, 'email:maya.shah@example.shop')).status).toBe(404);
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
        return within(
          `a socket for ${credentials.brand_id}`,
          new Promise((done, fail) => {
            socket.once('connect', () => done(socket));
            socket.once('connect_error', fail);
          }),
        );
      }

      /** Resolves with the first `kpi` push whose row counts more than `eventsAbove` events. */
      function nextKpi(socket: Socket, eventsAbove = 0): Promise<KpiMinute> {
        return new Promise((done) => {
          const listener = (row: KpiMinute) => {
            if (row.events <= eventsAbove) return;
            socket.off('kpi', listener);
            done(row);
          };
          socket.on('kpi', listener);
        });
      }

      it('pushes a KPI row to its brand and nothing to the other', async () => {
        const socketA = await connect(brandA);
        const socketB = await connect(brandB);
        const seenByA: Array<{ event: string; payload: { brand_id?: string } }> = [];
        const seenByB: Array<{ event: string; payload: { brand_id?: string } }> = [];
        for (const event of ['kpi', 'intent', 'alert', 'merge', 'status']) {
          socketA.on(event, (payload: { brand_id?: string }) => seenByA.push({ event, payload }));
          socketB.on(event, (payload: { brand_id?: string }) => seenByB.push({ event, payload }));
        }
        const pushedToA = nextKpi(socketA);

        const sent = await sendBatch(brandA, [
          track('Product Viewed', { anonymousId: 'cookie-live', properties: { category: 'Shoes' } }),
        ]);
        expect(sent.status).toBe(200);
        const row = await within('a kpi push to brand A', pushedToA);
        expect(row.brand_id).toBe('brand-a');
        expect(row.events).toBeGreaterThan(0);
        await caughtUp(brandA, 0);
        const seenByBBeforeItsOwn = seenByB.length;

        // Brand B's own event reaches B's socket: B is listening, so its silence above meant something.
        const pushedToB = nextKpi(socketB);
        const sentB = await sendBatch(brandB, [
          track('Product Viewed', { anonymousId: 'cookie-b', properties: { category: 'Hats' } }),
        ]);
        expect(sentB.status).toBe(200);
        const rowB = await within('a kpi push to brand B', pushedToB);
        expect(rowB).toMatchObject({ brand_id: 'brand-b', events: 1 });
        await caughtUp(brandB, 1);

        expect(seenByBBeforeItsOwn).toBe(0);
        // Every payload that names a brand names the socket's own.
        for (const { payload } of seenByB) expect(payload.brand_id ?? 'brand-b').toBe('brand-b');
        for (const { payload } of seenByA) expect(payload.brand_id ?? 'brand-a').toBe('brand-a');
      });

      it('refuses a socket without valid credentials', async () => {
        for (const token of ['sr_read_forged', brandA.write_key]) {
          const socket = io(system.url, {
            path: SOCKET_PATH,
            auth: { token },
            transports: ['websocket'],
            reconnection: false,
          });
          sockets.push(socket);
          const error = await within(
            'the handshake to be refused',
            new Promise<Error>((done) => socket.once('connect_error', done)),
          );
          expect(error.message.length).toBeGreaterThan(0);
          expect(socket.connected).toBe(false);
        }
      });
    });

    describe('CSV import, end to end', () => {
      // Two orders (one of two line items), a refused row, and a customer of the tracking API's shopper.
      const csv = [
        'Order Number,Created At,Email,Phone,Lineitem SKU,Lineitem Quantity,Lineitem Price,Total,Currency',
        '#1001,2025-03-01 10:15:00 +0530,csv.buyer@example.shop,,sku-10,2,500.00,"1,250.00",INR',
        '#1001,2025-03-01 10:15:00 +0530,csv.buyer@example.shop,,sku-11,1,250.00,"1,250.00",INR',
        '#1002,2025-03-05,,+91 98765 43210,sku-12,1,99.50,99.50,INR',
        '#1003,03/04/2025,csv.buyer@example.shop,,sku-13,1,10,10,INR',
      ].join('\r\n');

      async function upload(credentials: BrandCredentials, body: string) {
        const response = await fetch(`${system.url}/api/v1/imports?kind=orders&file_name=orders.csv`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv', authorization: basicAuth(credentials.write_key) },
          body,
        });
        return {
          status: response.status,
          body: (await response.json()) as ImportPreview & { error?: string },
        };
      }

      async function importFile(credentials: BrandCredentials, body: string) {
        const preview = await upload(credentials, body);
        expect(preview.status).toBe(201);
        const id = preview.body.job.import_id;
        const started = await postJson(
          `${system.url}/api/v1/imports/${id}/start`,
          { mapping: preview.body.suggested_mapping },
          { authorization: basicAuth(credentials.write_key) },
        );
        expect(started.status).toBe(202);
        return waitFor(`import ${id} to finish`, async () => {
          const { job } = (await getJson(`${system.url}/api/v1/imports/${id}`, credentials.read_key))
            .body as ImportPreview;
          return job.status === 'running' ? undefined : job;
        });
      }

      it('imports orders into profiles, reports the refused row, and shows nothing to the other brand', async () => {
        const before = await status(brandA);
        const beforeB = await status(brandB);
        const revenueNow = async () => {
          const from = new Date(Date.now() - 10 * 60_000).toISOString();
          const to = new Date(Date.now() + 60_000).toISOString();
          const response = await getJson(
            `${system.url}/api/v1/kpis?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
            brandA.read_key,
          );
          return (response.body as { minutes: KpiMinute[] }).minutes.reduce(
            (sum, row) => sum + row.revenue,
            0,
          );
        };
        const revenueBefore = await revenueNow();
        const job = await importFile(brandA, csv);
        expect(job).toMatchObject({
          status: 'done',
          rows_read: 4,
          rows_imported: 3,
          events_published: 2,
          rows_rejected: 1,
        });
        await caughtUp(brandA, before.processed + 2);

        const buyer = await lookup(brandA, 'email:csv.buyer@example.shop');
        expect(buyer.status).toBe(200);
        expect((buyer.body as ProfileView).profile).toMatchObject({ orders: 1, revenue: 1250 });
        const byPhone = await lookup(brandA, 'phone:+919876543210');
        expect((byPhone.body as ProfileView).profile).toMatchObject({ orders: 1, revenue: 99.5 });
        // History is not live activity: imported orders leave intent and the live KPIs alone.
        expect((buyer.body as ProfileView).profile.intent_level).toBe('low');
        expect(await revenueNow()).toBe(revenueBefore);

        const report = await fetch(`${system.url}/api/v1/imports/${job.import_id}/errors.csv`, {
          headers: { authorization: `Bearer ${brandA.read_key}` },
        });
        expect(report.status).toBe(200);
        const lines = (await report.text()).trim().split(/\r?\n/);
        expect(lines).toHaveLength(2);
        expect(lines[1]).toContain('5,Created At,03/04/2025');
        expect(lines[1]).toContain('YYYY-MM-DD');

        // The other brand sees neither the import nor its profiles.
        expect(await getJson(`${system.url}/api/v1/imports`, brandB.read_key)).toMatchObject({
          status: 200,
          body: { imports: [] },
        });
        expect((await getJson(`${system.url}/api/v1/imports/${job.import_id}`, brandB.read_key)).status).toBe(
          404,
        );
        const foreign = await fetch(`${system.url}/api/v1/imports/${job.import_id}/errors.csv`, {
          headers: { authorization: `Bearer ${brandB.read_key}` },
        });
        expect(foreign.status).toBe(404);
        expect((await lookup(brandB, 'email:csv.buyer@example.shop')).status).toBe(404);
        expect(await status(brandB)).toEqual(beforeB);
      });

      it('adds nothing when the same file is imported again', async () => {
        const before = await status(brandA);
        const job = await importFile(brandA, csv);
        expect(job).toMatchObject({ status: 'skipped', events_published: 0 });
        expect(job.duplicate_of).toMatch(/^[0-9a-f-]{36}$/);
        const buyer = await lookup(brandA, 'email:csv.buyer@example.shop');
        expect((buyer.body as ProfileView).profile).toMatchObject({ orders: 1, revenue: 1250 });
        expect((await status(brandA)).processed).toBe(before.processed);
      });

      it('refuses a read key, a file that is not CSV and an unknown kind, each with its reason', async () => {
        const asReader = await fetch(`${system.url}/api/v1/imports?kind=orders`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv', authorization: `Bearer ${brandA.read_key}` },
          body: csv,
        });
        expect(asReader.status).toBe(403);
        const json = await fetch(`${system.url}/api/v1/imports?kind=orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basicAuth(brandA.write_key) },
          body: '{}',
        });
        expect(json.status).toBe(415);
        const unclosed = await upload(brandA, 'a,b\n1,"open\n');
        expect(unclosed).toMatchObject({
          status: 400,
          body: { error: expect.stringContaining('never closed') },
        });
        const kind = await fetch(`${system.url}/api/v1/imports?kind=invoices`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv', authorization: basicAuth(brandA.write_key) },
          body: csv,
        });
        expect(kind.status).toBe(400);
        expect(await kind.json()).toEqual({ error: 'kind must be one of customers, orders, events, spend' });
      });
    });

    describe('campaigns and alerts, end to end', () => {
      const HOUR = 3_600_000;
      const lastHour = new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR).toISOString();
      const report = (cost: number) => ({
        campaign_id: 'spring-24',
        campaign_name: 'Spring sale',
        channel: 'facebook',
        period: 'hour',
        period_start: lastHour,
        impressions: 1000,
        clicks: 20,
        cost,
        currency: 'EUR',
      });
      const sendSpend = (credentials: BrandCredentials, body: unknown) =>
        postJson(`${system.url}/v1/spend`, body, { authorization: basicAuth(credentials.write_key) });

      it('stores spend by key, attributes a campaign visitor order, and shows neither to the other brand', async () => {
        const before = await status(brandA);
        expect((await sendSpend(brandA, report(40))).status).toBe(200);
        // The platform restates the hour: the later report replaces the first.
        expect((await sendSpend(brandA, { reports: [report(60)] })).status).toBe(200);
        const refused = await sendSpend(brandA, { ...report(1), channel: 'myspace' });
        expect(refused.status).toBe(400);
        expect(JSON.stringify(refused.body)).toContain('channel');
        const utm = { campaign: { name: 'Spring', source: 'fb', medium: 'paid_social', id: 'spring-24' } };
        const response = await sendBatch(brandA, [
          track('Product Viewed', { anonymousId: 'ad-visitor', messageId: 'ad-1', context: utm }),
          track('Order Completed', {
            anonymousId: 'ad-visitor',
            messageId: 'ad-2',
            properties: { order_id: 'ad-order', revenue: 90 },
          }),
        ]);
        expect(response.status).toBe(200);
        await caughtUp(brandA, before.processed + 4); // two spend reports, two events

        const warehouse = system.warehouse!;
        const from = new Date(Date.parse(lastHour) - HOUR).toISOString();
        const to = new Date(Date.now() + HOUR).toISOString();
        expect(await warehouse.adSpend('brand-a', from, to)).toEqual([
          expect.objectContaining({ campaign_id: 'spring-24', channel: 'facebook', cost: 60, clicks: 20 }),
        ]);
        const activity = await warehouse.campaignActivity('brand-a', from, to, 'day');
        const totals = activity.filter((row) => row.campaign_id === 'spring-24');
        expect(totals.reduce((sum, row) => sum + row.visits, 0)).toBe(1);
        expect(totals.reduce((sum, row) => sum + row.orders, 0)).toBe(1);
        expect(totals.reduce((sum, row) => sum + row.revenue, 0)).toBe(90);
        expect(await warehouse.adSpend('brand-b', from, to)).toEqual([]);
        expect(await warehouse.campaignActivity('brand-b', from, to, 'day')).toEqual([]);
      });

      it('fires a source_silent alert on the processor tick and tells the brand receiver, nobody else', async () => {
        const received: Array<{ brand_id: string; state: string; rule_id: string; alert_id: string }> = [];
        const receiver = createServer((request, reply) => {
          const chunks: Buffer[] = [];
          request.on('data', (chunk: Buffer) => chunks.push(chunk));
          request.on('end', () => {
            received.push(JSON.parse(Buffer.concat(chunks).toString()));
            reply.writeHead(200).end();
          });
        });
        await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
        try {
          const { port } = receiver.address() as AddressInfo;
          const watched = await system.brands.create('brand-c', 'Brand C', {
            alerts: {
              rules: [
                {
                  rule_id: 'web-quiet',
                  type: 'source_silent',
                  subject: 'track',
                  threshold: 0,
                  recovery: 0,
                  pending_minutes: 0,
                  severity: 'critical',
                },
              ],
              receivers: [{ receiver_id: 'pager', url: `http://127.0.0.1:${port}/hook`, format: 'json' }],
            },
          });
          const sent = await sendBatch(watched, [
            track('Page Viewed', { anonymousId: 'c-1', messageId: 'c-1' }),
          ]);
          expect(sent.status).toBe(200);
          await caughtUp(watched, 1);
          // Judged when the minute after the event closes (the tick, 5 s past its end): within ~80 s.
          const fired = await poll(
            'the source_silent alert to reach the receiver',
            async () => received.find((n) => n.state === 'firing'),
            120_000,
          );
          expect(fired).toMatchObject({ brand_id: 'brand-c', rule_id: 'web-quiet' });
          const stored = await system.warehouse!.alert('brand-c', fired.alert_id);
          expect(stored).toMatchObject({ state: 'firing', subject: 'track', notified: true });
          const log = await poll('the delivery log', async () => {
            const rows = await system.warehouse!.alertDeliveries('brand-c', fired.alert_id, 10);
            return rows.length > 0 ? rows : undefined;
          });
          expect(log[0]).toMatchObject({ receiver_id: 'pager', outcome: 'delivered', status: 200 });
          expect(received.every((n) => n.brand_id === 'brand-c')).toBe(true);
          expect(await system.warehouse!.alert('brand-a', fired.alert_id)).toBeNull();
          expect(await system.warehouse!.alertDeliveries('brand-a', fired.alert_id, 10)).toEqual([]);
        } finally {
          await new Promise<void>((done) => receiver.close(() => done()));
        }
      }, 180_000);
    });

    describe('restart', () => {
      it('keeps every accepted event exactly once across a restart', async () => {
        const before = await status(brandA);
        const beforeB = await status(brandB);
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
        expect(response.body).toMatchObject({ accepted: 50 });
        // Close at once: some of the 50 may still wait on the bus.
        await system.close();
        system = await start();
        const after = await caughtUp(brandA, before.processed + 50);
        expect(after.processed).toBe(before.processed + 50);
        expect(after.duplicates).toBe(before.duplicates);
        for (let index = 0; index < 5; index++) {
          const profile = await lookup(brandA, `anonymous_id:restart-${index}`);
          expect(profile.status).toBe(200);
          expect((await lookup(brandB, `anonymous_id:restart-${index}`)).status).toBe(404);
        }
        expect(await status(brandB)).toEqual(beforeB);
      });
    });
  });
}
