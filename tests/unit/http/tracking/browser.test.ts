// The tracking API as Segment's browser library (analytics.js 1.84) calls it:
// short paths, a text/plain JSON body with the writeKey in it, Basic auth,
// from another origin (so with a CORS preflight). The requests below copy
// what its segmentio plugin builds; tests/e2e/segment-browser.test.ts runs the
// real library in Chromium.
import { describe, expect, it } from 'vitest';
import { PREFLIGHT_MAX_AGE_SECONDS } from '../../../../ingest/http/tracking/browser';
import { basicAuth, split, type BrandFixture, type Harness, useHarness } from '../harness';

let fixture: BrandFixture;
let h: Harness;
useHarness((current, shared) => {
  h = current;
  fixture = shared;
});

const SHOP = 'https://shop.example.shop';

/** A request as analytics.js sends it: text/plain, Basic auth and the writeKey in the body, from the shop. */
function fromBrowser(
  path: string,
  body: unknown,
  init: { contentType?: string; raw?: string; writeKey?: string; headers?: Record<string, string> } = {},
) {
  const writeKey = init.writeKey ?? h.acme.write_key;
  return h.app.request(path, {
    method: 'POST',
    headers: {
      origin: SHOP,
      'content-type': init.contentType ?? 'text/plain',
      authorization: basicAuth(writeKey),
      ...init.headers,
    },
    body: init.raw ?? JSON.stringify(body),
  });
}

function preflight(path: string, requestHeaders = 'authorization,content-type') {
  return h.app.request(path, {
    method: 'OPTIONS',
    headers: {
      origin: SHOP,
      'access-control-request-method': 'POST',
      'access-control-request-headers': requestHeaders,
    },
  });
}

/** The fields analytics.js adds to every call (normalize.ts), besides the call's own. */
const browserFields = (writeKey: string) => ({
  writeKey,
  sentAt: '2024-05-01T11:59:59.000Z',
  context: { library: { name: 'analytics.js', version: 'npm:next-1.84.3' }, page: { path: '/shoes' } },
  integrations: {},
  _metadata: { bundled: ['Segment.io'], unbundled: [], bundledIds: [] },
});

describe("analytics.js's short paths", () => {
  it.each([
    ['/v1/t', { event: 'Product Viewed', anonymousId: 'a1' }, 'product_viewed'],
    ['/v1/i', { userId: 'u1', anonymousId: 'a1', traits: { email: 'asha@shop.example.shop' } }, 'identify'],
    ['/v1/p', { anonymousId: 'a1', name: 'Home', properties: { path: '/' } }, 'page_viewed'],
    ['/v1/s', { anonymousId: 'a1', name: 'Cart' }, 'custom'],
    ['/v1/a', { userId: 'u1', previousId: 'a1' }, 'identify'],
    ['/v1/g', { userId: 'u1', groupId: 'g1' }, 'custom'],
  ])('%s is served as its full path, read as %s', async (path, call, type) => {
    const response = await fromBrowser(path, {
      ...call,
      messageId: `m${path}`,
      ...browserFields(h.acme.write_key),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const { events, keys } = split(await h.envelopes());
    expect(events.map((event) => [event.type, event.source_event_id])).toEqual([[type, `m${path}`]]);
    expect(keys).toEqual(['acme']);
  });

  it('the short path decides the call type, not a type in the body', async () => {
    await fromBrowser('/v1/p', { type: 'track', event: 'Order Completed', anonymousId: 'a1' });
    await fromBrowser('/v1/t', { type: 'identify', event: 'Product Viewed', anonymousId: 'a1' });
    const { events } = split(await h.envelopes());
    expect(events.map((event) => event.type)).toEqual(['page_viewed', 'product_viewed']);
  });

  it('/v1/b takes the batch analytics.js builds: { writeKey, batch, sentAt }, each call typed', async () => {
    const { sentAt: _, ...perCall } = browserFields(h.acme.write_key);
    const response = await fromBrowser('/v1/b', {
      writeKey: h.acme.write_key,
      sentAt: '2024-05-01T11:59:59.000Z',
      batch: [
        {
          type: 'identify',
          userId: 'u1',
          messageId: 'b-1',
          traits: { email: 'asha@shop.example.shop' },
          ...perCall,
        },
        { type: 'track', userId: 'u1', messageId: 'b-2', event: 'Product Added', ...perCall },
        { type: 'track', userId: 'u1', messageId: 'b-3', ...perCall },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({
      success: true,
      accepted: 2,
      rejected: [{ index: 2, code: 'invalid_event', message: 'event: expected string, received undefined' }],
    });
    const { events, rejected } = split(await h.envelopes());
    expect(events.map((event) => [event.type, event.brand_id])).toEqual([
      ['identify', 'acme'],
      ['product_added', 'acme'],
    ]);
    expect(rejected).toHaveLength(1);
  });

  it('the write key decides the brand on a short path too; a contradicting body key is refused', async () => {
    const response = await fromBrowser(
      '/v1/t',
      { event: 'Product Viewed', anonymousId: 'a1', writeKey: h.acme.write_key },
      { writeKey: h.globex.write_key },
    );
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('invalid_write_key');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await h.envelopes()).toEqual([]);
  });

  it('other one-letter paths are not served', async () => {
    for (const path of ['/v1/x', '/v1/T', '/v1/tr', '/v1/b/']) {
      const response = await fromBrowser(path, { event: 'Product Viewed', anonymousId: 'a1' });
      expect(response.status, path).toBe(404);
    }
    expect(await h.envelopes()).toEqual([]);
  });
});

describe('text/plain bodies are read as JSON', () => {
  it('accepts text/plain with or without a charset, on full and short paths', async () => {
    for (const [path, contentType] of [
      ['/v1/track', 'text/plain'],
      ['/v1/t', 'text/plain;charset=UTF-8'],
      ['/v1/t', 'Text/Plain ; charset=utf-8'],
    ] as const) {
      const response = await fromBrowser(
        path,
        { event: 'Product Viewed', anonymousId: 'a1' },
        { contentType },
      );
      expect(response.status, contentType).toBe(200);
    }
    expect(split(await h.envelopes()).events).toHaveLength(3);
  });

  it('refuses text/plain that is not JSON with 400 naming the problem, kept for the brand', async () => {
    const response = await fromBrowser('/v1/t', null, { raw: 'event=Product+Viewed&anonymousId=a1' });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/^body is not valid JSON: .+ \(a text\/plain body is read as JSON\)$/);
    const { events, rejected } = split(await h.envelopes());
    expect(events).toEqual([]);
    expect(rejected).toMatchObject([
      { brand_id: 'acme', reason: 'invalid_json', payload: 'event=Product+Viewed&anonymousId=a1' },
    ]);
  });

  it('refuses an empty or non-UTF-8 text/plain body with 400', async () => {
    const empty = await fromBrowser('/v1/t', null, { raw: '' });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.message).toMatch(/^body is empty/);
    const latin1 = await h.app.request('/v1/t', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: basicAuth(h.acme.write_key) },
      body: new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x7d]),
    });
    expect(latin1.status).toBe(400);
    expect((await latin1.json()).error.message).toMatch(/^body is not valid UTF-8/);
  });

  it('validates a text/plain call like a JSON one, naming the field', async () => {
    const response = await fromBrowser('/v1/t', {
      anonymousId: 'a1',
      event: 'Order Completed',
      properties: { revenue: '1e9; DROP TABLE events' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'invalid_event', message: 'properties.revenue: expected number, received string' },
    });
  });

  it('keeps the size limits: 32 KB a call, 500 KB a batch', async () => {
    const big = { event: 'Product Viewed', anonymousId: 'a1', properties: { pad: 'x'.repeat(33 * 1024) } };
    const single = await fromBrowser('/v1/t', big);
    expect(single.status).toBe(413);
    expect((await single.json()).error.code).toBe('event_too_large');
    expect(single.headers.get('access-control-allow-origin')).toBe('*');
    const batch = await fromBrowser('/v1/b', {
      batch: Array.from({ length: 20 }, () => ({
        ...big,
        type: 'track',
        properties: { pad: 'x'.repeat(30_000) },
      })),
    });
    expect(batch.status).toBe(413);
    expect((await batch.json()).error.code).toBe('batch_too_large');
    expect(split(await h.envelopes()).events).toEqual([]);
  });

  it('still refuses other types with 415: HTML, forms, multipart, none', async () => {
    for (const contentType of [
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plainx',
      '',
    ]) {
      const response = await fromBrowser(
        '/v1/t',
        { event: 'Product Viewed', anonymousId: 'a1' },
        { contentType },
      );
      expect(response.status, contentType).toBe(415);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect((await response.json()).error).toEqual({
        code: 'unsupported_media_type',
        message: 'Content-Type must be application/json (or text/plain carrying JSON, as analytics.js sends)',
      });
    }
    const { events, rejected } = split(await h.envelopes());
    expect(events).toEqual([]);
    expect(rejected.map((row) => row.reason)).toEqual(Array(5).fill('unsupported_media_type'));
  });
});

describe('CORS on the tracking API', () => {
  const TRACKING_PATHS = [
    ...['track', 'identify', 'page', 'screen', 'alias', 'group', 'batch', 'import'],
    ...['t', 'i', 'p', 's', 'a', 'g', 'b'],
  ].map((path) => `/v1/${path}`);

  it.each(TRACKING_PATHS)(
    'answers the preflight of %s: 204, any origin, POST, its headers, no credentials',
    async (path) => {
      const response = await preflight(path, 'authorization,content-type,x-retry-count');
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toBe('POST');
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual([
        'content-type',
        'authorization',
        'x-retry-count',
      ]);
      expect(response.headers.get('access-control-max-age')).toBe(String(PREFLIGHT_MAX_AGE_SECONDS));
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(await h.envelopes()).toEqual([]);
    },
  );

  it('lists only its own headers, whatever a preflight asks for', async () => {
    const response = await preflight('/v1/t', 'x-evil, cookie');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'Content-Type,Authorization,X-Retry-Count',
    );
  });

  it('sends Access-Control-Allow-Origin on success and on every kind of refusal', async () => {
    const answers: Array<[string, Response]> = [
      ['200', await fromBrowser('/v1/t', { event: 'Product Viewed', anonymousId: 'a1' })],
      [
        '200 json',
        await fromBrowser(
          '/v1/track',
          { event: 'Product Viewed', anonymousId: 'a1' },
          { contentType: 'application/json' },
        ),
      ],
      ['400', await fromBrowser('/v1/i', { traits: {} })],
      [
        '401 unknown',
        await fromBrowser('/v1/t', { anonymousId: 'a1', event: 'x' }, { writeKey: 'sr_write_nope' }),
      ],
      [
        '401 none',
        await h.app.request('/v1/t', {
          method: 'POST',
          headers: { origin: SHOP, 'content-type': 'text/plain' },
          body: '{"anonymousId":"a1","event":"x"}',
        }),
      ],
    ];
    for (const [what, response] of answers) {
      expect(response.headers.get('access-control-allow-origin'), what).toBe('*');
      expect(response.headers.get('access-control-expose-headers'), what).toBe('Retry-After');
      expect(response.headers.get('access-control-allow-credentials'), what).toBeNull();
    }
    expect(answers.map(([, response]) => response.status)).toEqual([200, 200, 400, 401, 401]);
    expect(answers[3]![1].headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('on 503 (bus down) and 429 (rate limit) the browser may read Retry-After', async () => {
    const tiny = await fixture.brands.create(`tiny-${Date.now()}`, 'Tiny', {
      rate_limit: { events_per_second: 1, burst: 1 },
    });
    // The first call takes the whole burst; the next, within the second, is over it.
    const send = () =>
      fromBrowser('/v1/t', { event: 'Product Viewed', anonymousId: 'a1' }, { writeKey: tiny.write_key });
    expect((await send()).status).toBe(200);
    const limited = await send();
    expect(limited.status).toBe(429);
    await h.bus.close();
    const down = await fromBrowser('/v1/t', { event: 'Product Viewed', anonymousId: 'a1' });
    expect(down.status).toBe(503);
    for (const response of [limited, down]) {
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-expose-headers')).toBe('Retry-After');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});

describe('CORS stays off everything that is not the tracking API', () => {
  it('POS bills, webhooks, unknown /v1 paths and /api: no CORS headers, no preflight', async () => {
    for (const path of [
      '/v1/pos/bills',
      '/v1/delete',
      '/webhooks/shopify/acme',
      '/webhooks/woocommerce/acme',
      '/webhooks/whatsapp/acme',
      '/api/v1/status',
    ]) {
      const options = await preflight(path);
      expect(options.status, `OPTIONS ${path}`).toBe(404);
      const post = await fromBrowser(
        path,
        { anonymousId: 'a1', event: 'x' },
        { contentType: 'application/json' },
      );
      expect(post.status, `POST ${path}`).not.toBe(204);
      for (const response of [options, post]) {
        const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
        expect(cors, path).toEqual([]);
      }
    }
  });
});
