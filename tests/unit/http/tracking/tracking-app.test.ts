import { describe, expect, it } from 'vitest';
import type { Bus } from '../../../../ingest/bus/types';
import {
  basicAuth,
  createHarness,
  NOW,
  split,
  type BrandFixture,
  type Harness,
  useHarness,
} from '../harness';

let fixture: BrandFixture;
let h: Harness;
useHarness((current, shared) => {
  h = current;
  fixture = shared;
});

function post(path: string, body: unknown, init: { auth?: string; contentType?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
  if (init.auth !== undefined) headers.authorization = init.auth;
  return h.app.request(path, { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
}

const track = (extra: Record<string, unknown> = {}) => ({
  event: 'Product Viewed',
  anonymousId: 'anon-1',
  messageId: 'msg-1',
  properties: { product_id: 'p1', price: 10, category: 'Shoes' },
  ...extra,
});

describe('tracking API: accepted calls', () => {
  it('accepts a track call, answers Segment-style and publishes it keyed by brand', async () => {
    const response = await post('/v1/track', track(), { auth: basicAuth(h.acme.write_key) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true });

    const read = await h.envelopes();
    expect(read).toHaveLength(1);
    expect(read[0]!.key).toBe('acme');
    expect(split(read).events[0]).toMatchObject({
      brand_id: 'acme',
      event_id: 'id-1',
      source: 'track',
      source_event_id: 'msg-1',
      type: 'product_viewed',
      received_at: NOW,
      commerce: { category: 'Shoes', product_id: 'p1' },
    });
  });

  it.each([
    ['/v1/identify', { userId: 'u1', traits: { email: 'a@b.test' } }, 'identify'],
    ['/v1/page', { anonymousId: 'a1', name: 'Home' }, 'page_viewed'],
    ['/v1/screen', { anonymousId: 'a1', name: 'Cart' }, 'custom'],
    ['/v1/alias', { userId: 'u1', previousId: 'a1' }, 'identify'],
    ['/v1/group', { userId: 'u1', groupId: 'g1' }, 'custom'],
  ])('%s is accepted as %s', async (path, body, type) => {
    const response = await post(path, body, { auth: basicAuth(h.acme.write_key) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true });
    const { events } = split(await h.envelopes());
    expect(events.map((event) => event.type)).toEqual([type]);
  });

  it('takes the call type from the path, not the body', async () => {
    await post(
      '/v1/page',
      { type: 'track', event: 'Order Completed', anonymousId: 'a' },
      {
        auth: basicAuth(h.acme.write_key),
      },
    );
    expect(split(await h.envelopes()).events[0]?.type).toBe('page_viewed');
  });

  it('accepts the write key in the body, as Segment does', async () => {
    const response = await post('/v1/track', track({ writeKey: h.globex.write_key }));
    expect(response.status).toBe(200);
    expect(split(await h.envelopes()).events[0]?.brand_id).toBe('globex');
  });

  it('generates a source_event_id when messageId is absent', async () => {
    await post('/v1/track', track({ messageId: undefined }), { auth: basicAuth(h.acme.write_key) });
    const event = split(await h.envelopes()).events[0]!;
    expect(event.source_event_id).toMatch(/^id-\d+$/);
    expect(event.source_event_id).not.toBe(event.event_id);
  });

  it('accepts a charset on the JSON content type', async () => {
    const response = await post('/v1/track', track(), {
      auth: basicAuth(h.acme.write_key),
      contentType: 'application/json; charset=utf-8',
    });
    expect(response.status).toBe(200);
  });
});

describe('tracking API: authentication', () => {
  it('refuses a call without a write key, and publishes nothing', async () => {
    const response = await post('/v1/track', track());
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: 'missing_write_key', message: expect.stringContaining('no write key') },
    });
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await h.envelopes()).toEqual([]);
  });

  it('refuses unknown, read, empty-user and non-Basic credentials', async () => {
    const cases: [string | undefined, unknown, string][] = [
      [basicAuth('sr_write_made_up'), track(), 'invalid_write_key'],
      [basicAuth(h.acme.read_key), track(), 'invalid_write_key'],
      [`Bearer ${h.acme.write_key}`, track(), 'invalid_write_key'],
      ['Basic !!!', track(), 'invalid_write_key'],
      [undefined, track({ writeKey: 'sr_write_made_up' }), 'invalid_write_key'],
      [basicAuth(''), track(), 'missing_write_key'],
      [undefined, track({ writeKey: 42 }), 'missing_write_key'],
    ];
    for (const [auth, body, code] of cases) {
      const response = await post('/v1/track', body, { auth });
      expect(response.status, String(auth)).toBe(401);
      expect((await response.json()).error.code, String(auth)).toBe(code);
    }
    expect(await h.envelopes()).toEqual([]);
  });

  it('without credentials, malformed JSON is a 401 (no one to keep a rejection for)', async () => {
    const response = await post('/v1/track', null, { raw: '{"writeKey": "' + h.acme.write_key });
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toContain('not valid JSON');
    expect(await h.envelopes()).toEqual([]);
  });
});

describe('tracking API: tenancy', () => {
  it("takes the brand from the credential: acme's key cannot publish as globex", async () => {
    const response = await post('/v1/track', track({ brand_id: 'globex', context: { brand_id: 'globex' } }), {
      auth: basicAuth(h.acme.write_key),
    });
    expect(response.status).toBe(200);
    const read = await h.envelopes();
    expect(split(read).keys).toEqual(['acme']);
    expect(split(read).events[0]?.brand_id).toBe('acme');
  });

  it('refuses a body writeKey that contradicts the Authorization header', async () => {
    const response = await post('/v1/track', track({ writeKey: h.globex.write_key }), {
      auth: basicAuth(h.acme.write_key),
    });
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('invalid_write_key');
    expect(await h.envelopes()).toEqual([]);
  });

  it("keeps a brand's rejections under that brand only", async () => {
    await post('/v1/track', null, { auth: basicAuth(h.globex.write_key), raw: '{oops' });
    const read = await h.envelopes();
    expect(split(read).keys).toEqual(['globex']);
    expect(split(read).rejected.map((rejected) => rejected.brand_id)).toEqual(['globex']);
  });
});

describe('tracking API: bad input is refused and kept as a rejection', () => {
  it('malformed JSON → 400 invalid_json, rejection with the payload', async () => {
    const response = await post('/v1/track', null, {
      auth: basicAuth(h.acme.write_key),
      raw: '{"event": "x",',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_json');
    const { rejected, events } = split(await h.envelopes());
    expect(events).toEqual([]);
    expect(rejected).toEqual([
      {
        brand_id: 'acme',
        rejection_id: expect.any(String),
        source: 'track',
        received_at: NOW,
        reason: 'invalid_json',
        detail: expect.stringContaining('not valid JSON'),
        payload: '{"event": "x",',
      },
    ]);
  });

  it('wrong types → 400 invalid_event naming the path', async () => {
    const body = track({ event: 'Order Completed', properties: { revenue: '99.00' } });
    const response = await post('/v1/track', body, { auth: basicAuth(h.acme.write_key) });
    expect(response.status).toBe(400);
    const error = (await response.json()).error;
    expect(error.code).toBe('invalid_event');
    expect(error.message).toContain('properties.revenue: expected number');
    expect(split(await h.envelopes()).rejected[0]).toMatchObject({
      reason: 'invalid_event',
      detail: expect.stringContaining('properties.revenue'),
    });
  });

  it('a JSON array or string where an object belongs → 400 invalid_event', async () => {
    for (const raw of ['[1,2]', '"track"', 'null']) {
      const response = await post('/v1/identify', null, { auth: basicAuth(h.acme.write_key), raw });
      expect(response.status, raw).toBe(400);
    }
    expect(split(await h.envelopes()).rejected).toHaveLength(3);
  });

  it('wrong content type → 415, kept for the brand', async () => {
    const response = await post('/v1/track', track(), {
      auth: basicAuth(h.acme.write_key),
      contentType: 'text/html',
    });
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
    expect(split(await h.envelopes()).rejected[0]?.reason).toBe('unsupported_media_type');
  });

  it('an event over 32 KB → 413 naming the limit, with a 4 KB payload kept', async () => {
    const body = track({ properties: { blob: 'x'.repeat(33 * 1024) } });
    const response = await post('/v1/track', body, { auth: basicAuth(h.acme.write_key) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'event_too_large', message: 'an event may be at most 32 KB' },
    });
    const rejected = split(await h.envelopes()).rejected[0]!;
    expect(rejected.reason).toBe('event_too_large');
    expect(Buffer.byteLength(rejected.payload)).toBeLessThanOrEqual(4096);
    expect(rejected.payload.startsWith('{"event":"Product Viewed"')).toBe(true);
  });

  it('an event of exactly 32 KB is accepted', async () => {
    const base = JSON.stringify(track({ properties: { blob: '' } }));
    const body = track({ properties: { blob: 'x'.repeat(32 * 1024 - base.length) } });
    expect(Buffer.byteLength(JSON.stringify(body))).toBe(32 * 1024);
    const response = await post('/v1/track', body, { auth: basicAuth(h.acme.write_key) });
    expect(response.status).toBe(200);
  });

  it('refuses by Content-Length before reading an oversized body', async () => {
    const response = await h.app.request('/v1/track', {
      method: 'POST',
      headers: {
        authorization: basicAuth(h.acme.write_key),
        'content-type': 'application/json',
        'content-length': String(10 * 1024 * 1024),
      },
      body: '{}',
    });
    expect(response.status).toBe(413);
    expect(split(await h.envelopes()).rejected[0]).toMatchObject({ reason: 'event_too_large', payload: '' });
  });

  it('masks a write key sent in a rejected body', async () => {
    await post('/v1/track', null, { raw: `{"writeKey":"${h.acme.write_key}","event":` });
    await post('/v1/track', { writeKey: h.acme.write_key, event: 5, anonymousId: 'a' });
    const { rejected } = split(await h.envelopes());
    expect(rejected).toHaveLength(1); // the first had no readable credential
    expect(rejected[0]!.payload).toContain('"writeKey":"[redacted]"');
    expect(rejected[0]!.payload).not.toContain(h.acme.write_key);
  });
});

describe('tracking API: batch', () => {
  it('accepts valid calls and reports invalid ones by index', async () => {
    const response = await post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', event: 'Product Added', anonymousId: 'a1', messageId: 'm0' },
          { type: 'track', event: 'Order Completed', userId: 'u1', properties: { revenue: 'lots' } },
          { type: 'identify', userId: 'u1', traits: { bio: 'x'.repeat(33 * 1024) } },
          'not an object',
          { type: 'explode', userId: 'u1' },
          { type: 'page', anonymousId: 'a1', messageId: 'm5' },
        ],
      },
      { auth: basicAuth(h.acme.write_key) },
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({
      success: true,
      accepted: 2,
      rejected: [
        {
          index: 1,
          code: 'invalid_event',
          message: expect.stringContaining('properties.revenue: expected number'),
        },
        { index: 2, code: 'event_too_large', message: 'an event may be at most 32 KB' },
        { index: 3, code: 'invalid_event', message: 'expected a JSON object' },
        { index: 4, code: 'invalid_event', message: expect.stringContaining('type') },
      ],
    });

    const read = await h.envelopes();
    expect(split(read).keys.every((key) => key === 'acme')).toBe(true);
    // One publish, in batch order: event, 4 rejections, event.
    expect(read.map(({ envelope }) => envelope.kind)).toEqual([
      'event',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'event',
    ]);
    const { events, rejected } = split(read);
    expect(events.map((event) => event.source_event_id)).toEqual(['m0', 'm5']);
    expect(rejected.map((r) => [r.reason, r.detail.split(':')[0]])).toEqual([
      ['invalid_event', 'batch[1]'],
      ['event_too_large', 'batch[2]'],
      ['invalid_event', 'batch[3]'],
      ['invalid_event', 'batch[4]'],
    ]);
    expect(Buffer.byteLength(rejected[1]!.payload)).toBeLessThanOrEqual(4096);
  });

  it('answers 400 with the same report when every call is invalid', async () => {
    const response = await post(
      '/v1/batch',
      { batch: [{ type: 'track' }, { type: 'identify' }] },
      { auth: basicAuth(h.acme.write_key) },
    );
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ success: false, accepted: 0 });
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    expect(split(await h.envelopes()).rejected).toHaveLength(2);
  });

  it('applies the batch context to calls without their own', async () => {
    await post(
      '/v1/batch',
      {
        context: { channel: 'mobile', ip: '198.51.100.1' },
        batch: [
          { type: 'track', event: 'x', anonymousId: 'a' },
          { type: 'track', event: 'y', anonymousId: 'a', context: { channel: 'store' } },
        ],
      },
      { auth: basicAuth(h.acme.write_key) },
    );
    const { events } = split(await h.envelopes());
    expect(events.map((event) => [event.channel, event.context.ip])).toEqual([
      ['app', '198.51.100.1'],
      ['store', '198.51.100.1'],
    ]);
  });

  it('refuses a batch that is not a list of calls', async () => {
    for (const body of [{ batch: [] }, { batch: 'x' }, { events: [] }]) {
      const response = await post('/v1/batch', body, { auth: basicAuth(h.acme.write_key) });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await response.json()).error.code).toBe('invalid_event');
    }
  });

  it('refuses a batch request over 500 KB with 413', async () => {
    const batch = Array.from({ length: 20 }, (_, i) => ({
      type: 'track',
      event: 'x',
      anonymousId: `a${i}`,
      properties: { blob: 'x'.repeat(30 * 1024) },
    }));
    const response = await post('/v1/batch', { batch }, { auth: basicAuth(h.acme.write_key) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'batch_too_large', message: 'a batch request may be at most 500 KB' },
    });
    const read = await h.envelopes();
    expect(split(read).events).toEqual([]);
    expect(split(read).rejected.map((r) => r.reason)).toEqual(['batch_too_large']);
  });

  it('accepts the write key in the batch body', async () => {
    const response = await post('/v1/batch', {
      writeKey: h.acme.write_key,
      batch: [{ type: 'track', event: 'x', anonymousId: 'a' }],
    });
    expect(response.status).toBe(200);
    expect(split(await h.envelopes()).events[0]?.brand_id).toBe('acme');
  });
});

describe('tracking API: the bus decides when we answer', () => {
  it('answers 503 with Retry-After when the bus is down, for events and rejections alike', async () => {
    await h.bus.close();
    const accepted = await post('/v1/track', track(), { auth: basicAuth(h.acme.write_key) });
    const rejected = await post('/v1/track', null, { auth: basicAuth(h.acme.write_key), raw: '{' });
    for (const response of [accepted, rejected]) {
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await response.json()).error.code).toBe('bus_unavailable');
    }
  });

  it('does not answer before the bus acknowledged the event', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated = await createHarness(fixture, {
      wrapBus: (bus: Bus): Bus => ({
        ...bus,
        publish: async (topic, messages) => {
          await gate;
          await bus.publish(topic, messages);
        },
      }),
    });
    try {
      let answered = false;
      const pending = Promise.resolve(
        gated.app.request('/v1/track', {
          method: 'POST',
          headers: { authorization: basicAuth(gated.acme.write_key), 'content-type': 'application/json' },
          body: JSON.stringify(track()),
        }),
      ).then((response) => {
        answered = true;
        return response;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(answered).toBe(false);
      release();
      expect((await pending).status).toBe(200);
      expect(split(await gated.envelopes()).events).toHaveLength(1);
    } finally {
      await gated.close();
    }
  });
});

describe('tracking API: routing', () => {
  it('answers unknown routes and methods with a JSON 404', async () => {
    for (const [method, path] of [
      ['POST', '/v1/delete'],
      ['GET', '/v1/track'],
      ['POST', '/nowhere'],
    ] as const) {
      const response = await h.app.request(path, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: { code: 'not_found', message: `no route for ${method} ${path}` },
      });
    }
  });
});
