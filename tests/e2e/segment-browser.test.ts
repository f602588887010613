// Segment's browser library, the real one (@segment/analytics-next's UMD
// bundle from node_modules), in a real headless Chromium, on a shop page
// served from another origin than Signalroom, configured as
// docs/custom-api.md says: cdnSettings inline (nothing is fetched from
// Segment's CDN) and the Segment.io destination's apiHost pointed at /v1.
// Its identify, track and page (one call each, then a batch with its
// `batching` strategy) must become the brand's profile, read back through the
// read API; another brand sees none of it; /api stays closed to the shop's
// page. Needs `npm run build` first (the harness starts the whole server).
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { BrowserContext, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import type { ProfileView, StatusBody } from '../../src/lib/server/api/responses';
import { getJson, waitFor } from '../support/http';
import { startE2eSystem, type E2eSystem } from './harness';

// The UMD build: one file that defines window.AnalyticsNext.
const require = createRequire(import.meta.url);
const LIBRARY = join(dirname(require.resolve('@segment/analytics-next/package.json')), 'dist/umd/index.js');

let system: E2eSystem;
let shopBrand: BrandCredentials;
let otherBrand: BrandCredentials;
let shop: Server;
let shopUrl: string;

/**
 * The brand's web shop: a page that loads analytics.js as documented. Its
 * origin differs from Signalroom's (another port), so every call is cross-origin.
 */
function shopPage(writeKey: string, apiHost: string, deliveryStrategy: unknown): string {
  const settings = {
    writeKey,
    cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey } } },
  };
  const options = {
    integrations: {
      'Segment.io': { apiHost, protocol: 'http', ...(deliveryStrategy ? { deliveryStrategy } : {}) },
    },
  };
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Northwind shoes</title>
<script src="/analytics-next.js"></script>
<script>
  window.analyticsReady = window.AnalyticsNext.AnalyticsBrowser.load(${JSON.stringify(settings)}, ${JSON.stringify(options)})
    .then(([analytics]) => { window.analytics = analytics; return true; });
</script>
</head><body><h1>Shoes</h1></body></html>`;
}

beforeAll(async () => {
  system = await startE2eSystem([
    { id: 'e2e-web-shop', name: 'Web Shop' },
    { id: 'e2e-web-other', name: 'Other Shop' },
  ]);
  shopBrand = system.brands['e2e-web-shop']!;
  otherBrand = system.brands['e2e-web-other']!;
  const library = await readFile(LIBRARY);
  const apiHost = `${new URL(system.baseUrl).host}/v1`;
  shop = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop');
    if (url.pathname === '/analytics-next.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(library);
    } else if (url.pathname === '/' || url.pathname === '/batched') {
      const batching =
        url.pathname === '/batched' ? { strategy: 'batching', config: { size: 3, timeout: 500 } } : undefined;
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(shopPage(shopBrand.write_key, apiHost, batching));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => shop.listen(0, '127.0.0.1', done));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  expect(new URL(shopUrl).origin).not.toBe(new URL(system.baseUrl).origin);
});

afterAll(async () => {
  await new Promise((done) => shop?.close(done));
  await system?.close();
});

interface Sent {
  method: string;
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  origin: string | undefined;
  body: Record<string, unknown>;
  status: number | undefined;
}

/** Opens the shop page in a fresh context (no cookies or localStorage of another test) and watches its requests. */
async function openShop(path: string) {
  const context: BrowserContext = await system.browser.newContext();
  const page = await context.newPage();
  const requests: Request[] = [];
  const failed: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request));
  page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${shopUrl}${path}`);
  await page.waitForFunction(() => (window as unknown as { analyticsReady?: unknown }).analyticsReady);
  await page.evaluate(() => (window as unknown as { analyticsReady: Promise<boolean> }).analyticsReady);

  /** What analytics.js sent to Signalroom, once `count` of them were answered. */
  const sent = async (count: number): Promise<Sent[]> => {
    const toSignalroom = () => requests.filter((request) => request.url().startsWith(system.baseUrl));
    await waitFor(
      `${count} answers from Signalroom`,
      async () => {
        const answered = await Promise.all(toSignalroom().map((request) => request.response()));
        return answered.filter((response) => response !== null).length >= count || undefined;
      },
      30_000,
    );
    return Promise.all(
      toSignalroom().map(async (request) => {
        const headers = await request.allHeaders();
        return {
          method: request.method(),
          path: new URL(request.url()).pathname,
          contentType: headers['content-type'],
          authorization: headers.authorization,
          origin: headers.origin,
          body: JSON.parse(request.postData() ?? 'null') as Record<string, unknown>,
          status: (await request.response())?.status(),
        };
      }),
    );
  };
  /** Every URL the page asked for that is neither the shop nor Signalroom (Segment's CDN, say). */
  const elsewhere = () =>
    requests
      .map((request) => request.url())
      .filter((url) => !url.startsWith(shopUrl) && !url.startsWith(system.baseUrl));
  return { context, page, sent, failed, errors, elsewhere };
}

async function caughtUp(brand: BrandCredentials, processed: number): Promise<StatusBody> {
  return waitFor(
    `${brand.brand_id} to process ${processed} events`,
    async () => {
      const response = await getJson(`${system.baseUrl}/api/v1/status`, brand.read_key);
      const status = response.body as StatusBody;
      return response.status === 200 && status.pending === 0 && status.processed >= processed
        ? status
        : undefined;
    },
    30_000,
  );
}

function lookup(brand: BrandCredentials, identifier: string) {
  return getJson(
    `${system.baseUrl}/api/v1/profiles/lookup?identifier=${encodeURIComponent(identifier)}`,
    brand.read_key,
  );
}

async function expectOtherBrandSeesNothing(identifiers: string[]): Promise<void> {
  for (const identifier of identifiers)
    expect((await lookup(otherBrand, identifier)).status, identifier).toBe(404);
  const status = await getJson(`${system.baseUrl}/api/v1/status`, otherBrand.read_key);
  expect(status.body).toMatchObject({ accepted: 0, processed: 0, rejected: 0 });
}

describe('analytics.js (@segment/analytics-next) on a shop page, pointed at Signalroom', () => {
  it('delivers identify, track and page, one call each, into the brand’s profile', async () => {
    const shopTab = await openShop('/');
    await shopTab.page.evaluate(async () => {
      const { analytics } = window as unknown as {
        analytics: {
          identify(id: string, traits: object): Promise<unknown>;
          track(event: string, properties: object): Promise<unknown>;
          page(): Promise<unknown>;
        };
      };
      await analytics.identify('u-1', { email: 'Asha.Web@example.shop' });
      await analytics.track('Product Viewed', { product_id: 'sku-1', category: 'Shoes' });
      await analytics.page();
    });

    const sent = await shopTab.sent(3);
    // What the real library sent, as read from its source: short paths, text/plain
    // JSON with the writeKey, Basic auth, from the shop's origin, every one answered 200.
    expect(sent.map(({ method, path, status }) => [method, path, status])).toEqual([
      ['POST', '/v1/i', 200],
      ['POST', '/v1/t', 200],
      ['POST', '/v1/p', 200],
    ]);
    for (const request of sent) {
      expect(request.contentType).toBe('text/plain');
      expect(request.authorization).toBe(`Basic ${btoa(`${shopBrand.write_key}:`)}`);
      expect(request.origin).toBe(shopUrl);
      expect(request.body).toMatchObject({ writeKey: shopBrand.write_key, messageId: expect.any(String) });
    }
    const anonymousId = sent[0]!.body.anonymousId as string;
    expect(anonymousId).toEqual(expect.any(String));
    expect(shopTab.failed).toEqual([]);
    expect(shopTab.errors).toEqual([]);
    expect(shopTab.elsewhere()).toEqual([]);

    // The read API, once everything accepted is processed.
    expect(await caughtUp(shopBrand, 3)).toMatchObject({ accepted: 3, processed: 3, rejected: 0 });
    const byEmail = await lookup(shopBrand, 'email:asha.web@example.shop');
    expect(byEmail.status).toBe(200);
    const view = byEmail.body as ProfileView;
    expect(view.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'email', value: 'asha.web@example.shop' },
        { type: 'user_id', value: 'u-1' },
        { type: 'anonymous_id', value: anonymousId },
      ]),
    );
    expect(view.recent_events.map((event) => event.type).sort()).toEqual([
      'identify',
      'page_viewed',
      'product_viewed',
    ]);
    expect(view.recent_events.every((event) => event.brand_id === shopBrand.brand_id)).toBe(true);
    const viewed = view.recent_events.find((event) => event.type === 'product_viewed');
    expect(viewed).toMatchObject({ name: 'Product Viewed', category: 'Shoes', channel: 'web' });
    expect(viewed?.properties).toMatchObject({ product_id: 'sku-1' });
    const byUser = await lookup(shopBrand, 'user_id:u-1');
    expect((byUser.body as ProfileView).profile.profile_id).toBe(view.profile.profile_id);

    await expectOtherBrandSeesNothing([
      'email:asha.web@example.shop',
      'user_id:u-1',
      `anonymous_id:${anonymousId}`,
    ]);

    // The read API stays closed to the shop's page: no CORS there, so the
    // browser refuses to hand the answer to the page, even with a read key.
    const fromShop = await shopTab.page.evaluate(
      async ([url, readKey]) => {
        try {
          const response = await fetch(url!, { headers: { authorization: `Bearer ${readKey}` } });
          return `answered ${response.status}`;
        } catch (error) {
          return `refused: ${(error as Error).name}`;
        }
      },
      [`${system.baseUrl}/api/v1/status`, shopBrand.read_key],
    );
    expect(fromShop).toBe('refused: TypeError');
    await shopTab.context.close();
  });

  it('delivers with its batching strategy, to /v1/b as { writeKey, batch, sentAt }', async () => {
    const before = (await getJson(`${system.baseUrl}/api/v1/status`, shopBrand.read_key)).body as StatusBody;
    const shopTab = await openShop('/batched');
    await shopTab.page.evaluate(() => {
      const { analytics } = window as unknown as {
        analytics: {
          identify(id: string, traits: object): void;
          track(event: string, properties: object): void;
          page(): void;
        };
      };
      analytics.identify('u-2', { email: 'ravi.web@example.shop' });
      analytics.track('Product Added', { product_id: 'sku-2', category: 'Shoes', price: 80 });
      analytics.page();
    });

    const sent = await shopTab.sent(1);
    expect(sent.map(({ method, path, status }) => [method, path, status])).toEqual([['POST', '/v1/b', 200]]);
    const [request] = sent;
    expect(request!.contentType).toBe('text/plain');
    expect(Object.keys(request!.body).sort()).toEqual(['batch', 'sentAt', 'writeKey']);
    expect(request!.body.writeKey).toBe(shopBrand.write_key);
    expect((request!.body.batch as Array<{ type: string }>).map((call) => call.type)).toEqual([
      'identify',
      'track',
      'page',
    ]);
    expect(shopTab.failed).toEqual([]);
    expect(shopTab.elsewhere()).toEqual([]);

    await caughtUp(shopBrand, before.processed + 3);
    const byEmail = await lookup(shopBrand, 'email:ravi.web@example.shop');
    expect(byEmail.status).toBe(200);
    const view = byEmail.body as ProfileView;
    expect(view.identifiers).toEqual(expect.arrayContaining([{ type: 'user_id', value: 'u-2' }]));
    expect(view.recent_events.map((event) => event.type).sort()).toEqual([
      'identify',
      'page_viewed',
      'product_added',
    ]);
    await expectOtherBrandSeesNothing(['email:ravi.web@example.shop', 'user_id:u-2']);
    await shopTab.context.close();
  });

  it('the server answers a bare preflight and leaves /api without CORS', async () => {
    const preflight = (path: string) =>
      fetch(`${system.baseUrl}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: shopUrl,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const tracking = await preflight('/v1/t');
    expect(tracking.status).toBe(204);
    expect(tracking.headers.get('access-control-allow-origin')).toBe('*');
    const api = await preflight('/api/v1/status');
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
    const read = await fetch(`${system.baseUrl}/api/v1/status`, {
      headers: { origin: shopUrl, authorization: `Bearer ${shopBrand.read_key}` },
    });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });
});
