// Flow control at the HTTP edge: a fresh app per test over the real in-process
// bus and a real brand registry, with the limiter on an injected clock. What
// reached the bus is read back from the bus itself.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RawEnvelope } from '../../../../src/lib/shared/events';
import { readBrandsFile, writeBrandsFile } from '../../../../ingest/brands/brands-file';
import { createBrandRegistry } from '../../../../ingest/brands/registry';
import type { BrandCredentials, BrandRegistry } from '../../../../ingest/brands/types';
import { createInProcessBus } from '../../../../ingest/bus/in-process';
import type { Bus } from '../../../../ingest/bus/types';
import { createIngestApp } from '../../../../ingest/http/app';
import { createRateLimiter } from '../../../../ingest/http/rate-limit';
import { computeSignature } from '../../../../ingest/http/verify-signature';
import { orderPayload, shopifyJson } from '../shopify/fixtures';
import { basicAuth } from '../harness';
import { readEnvelopes } from '../../../support/bus-reader';

const LIMIT = { events_per_second: 10, burst: 20 };

let dir: string;
let brandsFile: string;
let brands: BrandRegistry;
let tight: BrandCredentials;
let other: BrandCredentials;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-rate-limit-'));
  brandsFile = join(dir, 'brands.json');
  // Re-read the file at every access, so a hand edit shows at the next request.
  brands = await createBrandRegistry({ file: brandsFile, recheckIntervalMs: 0 });
  tight = await brands.create('tight', 'Tight', { rate_limit: LIMIT });
  other = await brands.create('other', 'Other', { rate_limit: LIMIT });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let bus: Bus;
let app: ReturnType<typeof createIngestApp>;
let ms: number;
beforeEach(() => {
  bus = createInProcessBus();
  ms = 0;
  let ids = 0;
  app = createIngestApp({
    bus,
    brands,
    publicUrl: 'https://signals.example.com',
    newId: () => `id-${++ids}`,
    rateLimiter: createRateLimiter({ now: () => ms }),
    reportError: (error) => {
      throw error;
    },
  });
});
afterEach(async () => {
  await bus.close();
});

/** Everything on events.raw, read by a fresh consumer group until delivery goes quiet. */
const published = () => readEnvelopes(bus);

function messageIds(read: { envelope: RawEnvelope }[]): string[] {
  return read.flatMap(({ envelope }) => (envelope.kind === 'event' ? [envelope.event.source_event_id] : []));
}

function track(brand: BrandCredentials, messageId: string, body: Record<string, unknown> = {}) {
  return app.request('/v1/track', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basicAuth(brand.write_key) },
    body: JSON.stringify({ event: 'Product Viewed', anonymousId: 'a-1', messageId, ...body }),
  });
}

function batch(brand: BrandCredentials, prefix: string, size: number, extra: unknown[] = []) {
  const items = Array.from({ length: size }, (_, i) => ({
    type: 'track',
    event: 'Product Viewed',
    anonymousId: 'a-1',
    messageId: `${prefix}-${i}`,
  }));
  return app.request('/v1/batch', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basicAuth(brand.write_key) },
    body: JSON.stringify({ batch: [...items, ...extra] }),
  });
}

async function expectRateLimited(response: Response, brandId: string, retryAfter: number) {
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe(String(retryAfter));
  expect(await response.json()).toEqual({
    error: {
      code: 'rate_limited',
      message: `brand ${brandId} is over its limit of 10 events/s; retry after ${retryAfter} s`,
    },
  });
}

describe('rate limit: tracking API', () => {
  it('answers 429 + Retry-After past the burst, publishes nothing of it and keeps no rejection', async () => {
    for (let i = 0; i < 20; i++) expect((await track(tight, `m-${i}`)).status).toBe(200);
    await expectRateLimited(await track(tight, 'm-over'), 'tight', 1);

    const read = await published();
    expect(read).toHaveLength(20);
    expect(read.every(({ envelope }) => envelope.kind === 'event')).toBe(true);
    expect(messageIds(read)).not.toContain('m-over');
  });

  it('lets the client in again once the Retry-After has passed', async () => {
    expect((await batch(tight, 'b1', 20)).status).toBe(200);
    const refused = await batch(tight, 'b2', 15);
    await expectRateLimited(refused, 'tight', 2); // 15 at 10/s
    ms += 2000;
    expect((await batch(tight, 'b2', 15)).status).toBe(200);
    expect(messageIds(await published())).toHaveLength(35);
  });

  it('takes a batch whole or not at all, invalid items counted too', async () => {
    expect((await batch(tight, 'first', 12)).status).toBe(200); // 8 left
    // 5 valid + 5 invalid items would publish 10 messages: over, so none of them goes.
    const refused = await batch(tight, 'second', 5, [1, 'x', {}, null, { type: 'track' }]);
    await expectRateLimited(refused, 'tight', 1);
    const fits = await batch(tight, 'third', 8);
    expect(fits.status).toBe(200);
    expect(await fits.json()).toMatchObject({ accepted: 8, rejected: [] });

    const read = await published();
    const ids = messageIds(read);
    expect(ids).toHaveLength(20);
    expect(ids.filter((id) => id.startsWith('second-'))).toEqual([]);
    expect(read.filter(({ envelope }) => envelope.kind === 'rejected')).toEqual([]);
  });

  it('charges bad input too once the brand is known, answering 429 instead of storing a rejection', async () => {
    for (let i = 0; i < 20; i++) expect((await track(tight, `m-${i}`)).status).toBe(200);
    // A flood of invalid calls from an authenticated brand must not fill the warehouse with rejections.
    for (let i = 0; i < 50; i++) {
      const response = await track(tight, `bad-${i}`, { event: 42, anonymousId: undefined });
      expect(response.status).toBe(429);
    }
    const read = await published();
    expect(read).toHaveLength(20);
    expect(read.filter(({ envelope }) => envelope.kind === 'rejected')).toEqual([]);
  });

  it('spends nothing for a request that fails authentication', async () => {
    for (let i = 0; i < 50; i++) {
      const response = await app.request('/v1/track', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basicAuth('not-a-key') },
        // A brand id in the body means nothing: the brand comes from the credential.
        body: JSON.stringify({ event: 'x', anonymousId: 'a', brand_id: 'tight' }),
      });
      expect(response.status).toBe(401);
    }
    expect((await batch(tight, 'all', 20)).status).toBe(200);
  });
});

describe('rate limit: tenancy', () => {
  it("keeps brands apart: one brand flooding makes another brand's requests wait not at all", async () => {
    let refused = 0;
    for (let i = 0; i < 60; i++) if ((await track(tight, `flood-${i}`)).status === 429) refused++;
    expect(refused).toBe(40);
    // Same instant: the other brand's whole burst is there.
    const response = await batch(other, 'calm', 20);
    expect(response.status).toBe(200);

    const read = await published();
    expect(read.filter(({ key }) => key === 'tight')).toHaveLength(20);
    expect(read.filter(({ key }) => key === 'other')).toHaveLength(20);
    for (const { key, envelope } of read) {
      expect(envelope.kind === 'event' && envelope.event.brand_id).toBe(key);
    }
  });
});

describe('rate limit: Shopify webhooks', () => {
  const body = shopifyJson(orderPayload());
  function deliver(brand: BrandCredentials, signature: string, webhookId: string) {
    return app.request(`/webhooks/shopify/${brand.brand_id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-hmac-sha256': signature,
        'x-shopify-webhook-id': webhookId,
      },
      body,
    });
  }

  it('costs one per webhook, counted only after the signature is verified', async () => {
    // Anyone can post to a brand's URL; unsigned posts must not spend the brand's allowance.
    for (let i = 0; i < 30; i++) expect((await deliver(tight, 'forged', `forged-${i}`)).status).toBe(401);
    const signature = computeSignature(body, tight.webhook_secrets.shopify, 'base64');
    for (let i = 0; i < 20; i++) expect((await deliver(tight, signature, `wh-${i}`)).status).toBe(200);
    await expectRateLimited(await deliver(tight, signature, 'wh-over'), 'tight', 1);

    const read = await published();
    const events = read.flatMap(({ envelope }) => (envelope.kind === 'event' ? [envelope.event] : []));
    expect(events).toHaveLength(20);
    expect(events.map((event) => event.source_event_id)).not.toContain('wh-over');
  });
});

describe('rate limit: settings', () => {
  it("reads the brand's current settings at each request: a brands-file edit applies without restart", async () => {
    expect((await batch(other, 'before', 20)).status).toBe(200);
    await expectRateLimited(await batch(other, 'refused', 20), 'other', 2);

    // An operator raises the limit by editing the brands file while the server runs.
    const contents = await readBrandsFile(brandsFile);
    const stored = contents.brands.find((brand) => brand.brand_id === 'other')!;
    stored.settings.rate_limit = { events_per_second: 1000, burst: 5000 };
    await writeBrandsFile(brandsFile, contents);
    try {
      expect(brands.get('other')?.settings.rate_limit.burst).toBe(5000);
      ms += 1000; // refills at the new rate: far more than the 20 that fit before
      const after = await batch(other, 'after', 500);
      expect(after.status).toBe(200);
      expect(messageIds(await published())).toHaveLength(520);
    } finally {
      stored.settings.rate_limit = LIMIT;
      await writeBrandsFile(brandsFile, contents);
    }
  });

  it('gives a brand without a rate_limit in its settings the documented default', async () => {
    const defaults = await brands.create('defaults', 'Defaults');
    expect(brands.get('defaults')?.settings.rate_limit).toEqual({ events_per_second: 1000, burst: 1000 });
    let admitted = 0;
    for (let i = 0; i < 3; i++) {
      const response = await batch(defaults, `d${i}`, 500);
      if (response.status === 200) admitted += 500;
      else await response.body?.cancel();
    }
    expect(admitted).toBe(1000);
  });
});
