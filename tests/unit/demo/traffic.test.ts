import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DemoBrand, DemoTrafficDeps } from '../../../ingest/demo';
import {
  createDemoTraffic,
  DemoConfigError,
  DemoDeliveryError,
  DemoDrainError,
  retryAfterMs,
} from '../../../ingest/demo';
import { batchBodySchema } from './segment-schema';

const BRANDS: DemoBrand[] = [
  { brand_id: 'acme', write_key: 'wk_acme', shopify_secret: 'shp_acme', catalog: 'fashion' },
  { brand_id: 'zenith', write_key: 'wk_zenith', shopify_secret: 'shp_zenith', catalog: 'electronics' },
];
const START = new Date('2025-03-01T10:00:00.000Z');

interface Captured {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A transport that records each request and answers with `answer` (the n-th request is 1-based). */
function recorder(answer: (request: Captured, n: number) => Response | Promise<Response> = () => ok()) {
  const captured: Captured[] = [];
  const send = async (request: Request) => {
    const seen = {
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    };
    captured.push(seen);
    return answer(seen, captured.length);
  };
  return { captured, send };
}

const ok = () => new Response(JSON.stringify({ success: true }), { status: 200 });
const unavailable = (retryAfter: string) =>
  new Response('bus unavailable', { status: 503, headers: { 'retry-after': retryAfter } });

const isBatch = (c: Captured) => c.url.endsWith('/v1/batch');
const eventsIn = (c: Captured) => (isBatch(c) ? batchBodySchema.parse(JSON.parse(c.body)).batch.length : 1);
const total = (list: readonly Captured[]) => list.reduce((sum, c) => sum + eventsIn(c), 0);
const brandOfKey = (c: Captured) =>
  Buffer.from(c.headers.authorization!.slice(6), 'base64').toString().slice(0, -1);

function traffic(deps: Partial<DemoTrafficDeps> & Pick<DemoTrafficDeps, 'send'>) {
  return createDemoTraffic({
    baseUrl: 'http://signalroom.test',
    brands: BRANDS,
    ratePerSecond: 50,
    seed: 1,
    clock: () => new Date(),
    ...deps,
  });
}

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createDemoTraffic pacing', () => {
  it('sends about N×R events in N seconds, spread evenly across brands', async () => {
    const { captured, send } = recorder();
    const demo = traffic({ send, ratePerSecond: 50 });
    demo.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await demo.stop();

    const sent = total(captured);
    expect(sent).toBeGreaterThanOrEqual(480);
    expect(sent).toBeLessThanOrEqual(520);
    const stats = demo.stats();
    expect(stats).toMatchObject({ sent, accepted: sent, failed: 0, pending: 0 });
    expect(Object.values(stats.byType).reduce((a, b) => a + b, 0)).toBe(sent);
    expect(stats.byType['Product Viewed']).toBeGreaterThan(100);

    const acme = total(
      captured.filter((c) => c.url.endsWith('/acme') || (isBatch(c) && brandOfKey(c) === 'wk_acme')),
    );
    expect(acme / sent).toBeGreaterThan(0.4);
    expect(acme / sent).toBeLessThan(0.6);
  });

  it('keeps low rates too, and groups a tick’s calls per brand into one batch', async () => {
    const { captured, send } = recorder();
    const demo = traffic({ send, ratePerSecond: 7, tickMs: 1000, brands: [BRANDS[0]!] });
    demo.start();
    await vi.advanceTimersByTimeAsync(30_000);
    await demo.stop();
    expect(total(captured)).toBeGreaterThanOrEqual(205);
    expect(total(captured)).toBeLessThanOrEqual(215);
    // 30 ticks, at most one batch per tick (a step may add a Shopify webhook beside it).
    expect(captured.filter(isBatch).length).toBe(30);
  });

  it('does nothing before start and nothing after stop', async () => {
    const { captured, send } = recorder();
    const demo = traffic({ send });
    await vi.advanceTimersByTimeAsync(5000);
    expect(captured).toEqual([]);
    demo.start();
    await vi.advanceTimersByTimeAsync(1000);
    await demo.stop();
    const count = captured.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(captured.length).toBe(count);
  });

  it('holds new traffic while the server is slow (bounded requests in flight)', async () => {
    const releases: Array<() => void> = [];
    const { captured, send } = recorder(
      () => new Promise<Response>((resolve) => releases.push(() => resolve(ok()))),
    );
    const demo = traffic({ send, ratePerSecond: 200, maxInFlight: 4, tickMs: 100 });
    demo.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(captured.length).toBe(4);
    for (const release of releases) release();
    await vi.advanceTimersByTimeAsync(200);
    expect(captured.length).toBeGreaterThan(4);
    // Credit is capped at one second: no flood of the five seconds it was held.
    expect(demo.stats().sent).toBeLessThan(200 * 1.5 + 100);
    for (const release of releases) release();
    const stopping = demo.stop();
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(100);
      for (const release of releases) release();
    }
    await stopping;
  });
});

describe('createDemoTraffic tenancy', () => {
  it('sends each brand’s calls with its own write key and signs its webhooks with its own secret', async () => {
    const { captured, send } = recorder();
    const demo = traffic({ send, ratePerSecond: 500 });
    demo.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await demo.stop();

    const emails = { wk_acme: new Set<string>(), wk_zenith: new Set<string>() };
    const productPrefix = { wk_acme: '701', wk_zenith: '702' };
    for (const c of captured.filter(isBatch)) {
      const key = brandOfKey(c) as keyof typeof emails;
      expect(Object.keys(emails)).toContain(key);
      for (const call of batchBodySchema.parse(JSON.parse(c.body)).batch) {
        if (call.type === 'identify') emails[key].add(call.traits.email.toLowerCase());
        const productId = call.type === 'track' ? call.properties.product_id : undefined;
        if (typeof productId === 'string') expect(productId.startsWith(productPrefix[key])).toBe(true);
      }
    }
    expect(emails.wk_acme.size).toBeGreaterThan(20);
    expect([...emails.wk_acme].filter((email) => emails.wk_zenith.has(email))).toEqual([]);

    const webhooks = captured.filter((c) => !isBatch(c));
    expect(webhooks.length).toBeGreaterThan(4);
    for (const c of webhooks) {
      const brand = BRANDS.find((b) => c.url === `http://signalroom.test/webhooks/shopify/${b.brand_id}`)!;
      const other = BRANDS.find((b) => b !== brand)!;
      const sign = (secret: string) => createHmac('sha256', secret).update(c.body).digest('base64');
      expect(c.headers['x-shopify-hmac-sha256']).toBe(sign(brand.shopify_secret));
      expect(c.headers['x-shopify-hmac-sha256']).not.toBe(sign(other.shopify_secret));
      expect(c.headers['x-shopify-topic']).toBe('orders/create');
    }
  });
});

describe('createDemoTraffic delivery', () => {
  it('retries a 503 after Retry-After with the same messageIds, and counts each event once', async () => {
    const { captured, send } = recorder((_c, n) => (n === 1 ? unavailable('2') : ok()));
    const demo = traffic({ send, ratePerSecond: 20 });
    demo.start();
    await vi.advanceTimersByTimeAsync(1000);
    const first = captured[0]!;
    expect(captured.filter((c) => c.body === first.body)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);
    const again = captured.filter((c) => c.body === first.body);
    expect(again).toHaveLength(2);
    expect(again[1]!.headers).toEqual(first.headers);
    await demo.stop();

    const stats = demo.stats();
    expect(stats.failed).toBe(0);
    expect(stats.pending).toBe(0);
    // The server saw the first batch twice; the generator counted it once.
    expect(stats.accepted).toBe(total(captured) - eventsIn(first));
    expect(stats.sent).toBe(stats.accepted);
  });

  it('retries after a network error with the same body', async () => {
    const { captured, send } = recorder((_c, n) => {
      if (n <= 2) throw new TypeError('fetch failed');
      return ok();
    });
    const demo = traffic({ send, ratePerSecond: 10, tickMs: 1000 });
    demo.start();
    await vi.advanceTimersByTimeAsync(5000);
    await demo.stop();
    const first = captured[0]!;
    expect(captured.filter((c) => c.body === first.body).length).toBeGreaterThanOrEqual(2);
    expect(demo.stats()).toMatchObject({ failed: 0, pending: 0 });
    expect(demo.stats().accepted).toBe(demo.stats().sent);
  });

  it('counts a 4xx as failed, reports it, and never retries it', async () => {
    const errors: unknown[] = [];
    const { captured, send } = recorder(() => new Response('{"error":"invalid_schema"}', { status: 400 }));
    const demo = traffic({ send, ratePerSecond: 20, onError: (error) => errors.push(error) });
    demo.start();
    await vi.advanceTimersByTimeAsync(3000);
    await demo.stop();
    expect(new Set(captured.map((c) => c.body)).size).toBe(captured.length);
    expect(demo.stats()).toMatchObject({ accepted: 0, failed: total(captured), pending: 0 });
    expect(errors).toHaveLength(captured.length);
    const error = errors[0] as DemoDeliveryError;
    expect(error).toBeInstanceOf(DemoDeliveryError);
    expect(error).toMatchObject({ status: 400, retriable: false });
    expect(error.message).toContain('invalid_schema');
  });

  it('counts calls a 2xx batch answer lists as rejected as failed, the rest as accepted', async () => {
    const errors: unknown[] = [];
    const { captured, send } = recorder((c) =>
      isBatch(c)
        ? new Response(
            JSON.stringify({
              success: true,
              accepted: eventsIn(c) - 1,
              rejected: [{ index: 0, code: 'invalid_event', message: 'bad' }],
            }),
            { status: 200 },
          )
        : ok(),
    );
    const demo = traffic({ send, ratePerSecond: 20, onError: (error) => errors.push(error) });
    demo.start();
    await vi.advanceTimersByTimeAsync(2000);
    await demo.stop();
    const batches = captured.filter(isBatch).length;
    expect(batches).toBeGreaterThan(5);
    expect(demo.stats()).toMatchObject({ failed: batches, accepted: total(captured) - batches, pending: 0 });
    expect(errors).toHaveLength(batches);
    expect(errors[0]).toMatchObject({ status: 200, retriable: false });
  });

  it('stop() waits out a Retry-After and delivers what is left', async () => {
    const { send } = recorder((_c, n) => (n === 1 ? unavailable('3') : ok()));
    const demo = traffic({ send, ratePerSecond: 20 });
    demo.start();
    await vi.advanceTimersByTimeAsync(300);
    const stopping = demo.stop();
    await vi.advanceTimersByTimeAsync(3500);
    await stopping;
    expect(demo.stats()).toMatchObject({ pending: 0, failed: 0 });
    expect(demo.stats().accepted).toBe(demo.stats().sent);
  });

  it('stop() gives up after drainTimeoutMs and reports what the server never took', async () => {
    const errors: unknown[] = [];
    const { send } = recorder(() => unavailable('1'));
    const demo = traffic({ send, ratePerSecond: 20, drainTimeoutMs: 3000, onError: (e) => errors.push(e) });
    demo.start();
    await vi.advanceTimersByTimeAsync(1000);
    const stopping = demo.stop();
    await vi.advanceTimersByTimeAsync(4000);
    await stopping;
    const { pending, sent, accepted } = demo.stats();
    expect(accepted).toBe(0);
    expect(pending).toBe(sent);
    expect(errors).toEqual([expect.any(DemoDrainError)]);
    expect((errors[0] as DemoDrainError).pendingEvents).toBe(sent);
  });
});

describe('createDemoTraffic reproducibility and options', () => {
  async function run(seed?: number): Promise<string[]> {
    vi.setSystemTime(START);
    const { captured, send } = recorder();
    const demo = createDemoTraffic({
      baseUrl: 'http://signalroom.test',
      brands: BRANDS,
      ratePerSecond: 100,
      clock: () => new Date(),
      send,
      ...(seed === undefined ? {} : { seed }),
    });
    demo.start();
    await vi.advanceTimersByTimeAsync(3000);
    await demo.stop();
    return captured.map((c) => `${c.url} ${c.body}`).sort();
  }

  it('sends the same requests for the same seed and clock, different ones without a seed', async () => {
    const first = await run(42);
    expect(first.length).toBeGreaterThan(10);
    expect(await run(42)).toEqual(first);
    expect(await run(43)).not.toEqual(first);
    expect(await run()).not.toEqual(first);
  });

  it('exposes its seed so a run can be reproduced', () => {
    expect(traffic({ send: async () => ok(), seed: 9 }).seed).toBe(9);
    expect(
      Number.isInteger(
        createDemoTraffic({ baseUrl: 'http://x.test', brands: BRANDS, ratePerSecond: 1 }).seed,
      ),
    ).toBe(true);
  });

  it.each<[string, Partial<DemoTrafficDeps>]>([
    ['no brands', { brands: [] }],
    ['duplicate brand ids', { brands: [BRANDS[0]!, BRANDS[0]!] }],
    ['a brand id that is not a slug', { brands: [{ ...BRANDS[0]!, brand_id: '../admin' }] }],
    ['an empty write key', { brands: [{ ...BRANDS[0]!, write_key: '' }] }],
    ['an unknown catalog', { brands: [{ ...BRANDS[0]!, catalog: 'groceries' as 'beauty' }] }],
    ['a zero rate', { ratePerSecond: 0 }],
    ['a NaN rate', { ratePerSecond: Number.NaN }],
    ['a base URL that is not a URL', { baseUrl: 'localhost:3000' }],
  ])('refuses %s', (_name, override) => {
    expect(() => traffic({ send: async () => ok(), ...override })).toThrow(DemoConfigError);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates, and ignores junk', () => {
    const now = Date.parse('2025-03-01T10:00:00Z');
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs('Sat, 01 Mar 2025 10:00:07 GMT', now)).toBe(7000);
    expect(retryAfterMs('Sat, 01 Mar 2025 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-3', now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
