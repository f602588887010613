import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../../../ingest/brands/types';
import { POS_MAX_BYTES } from '../../../../ingest/http/pos/app';
import { MAX_BILLS_PER_REQUEST } from '../../../../ingest/http/pos/bill-schema';
import {
  basicAuth,
  createBrandFixture,
  createHarness,
  NOW,
  split,
  type BrandFixture,
  type Harness,
} from '../harness';
import { anonymousBill, bill } from './fixtures';

let fixture: BrandFixture;
let h: Harness;
/** A third brand with a tiny allowance, for the rate-limit test. */
let initech: BrandCredentials;
beforeAll(async () => {
  fixture = await createBrandFixture();
  initech = await fixture.brands.create('initech', 'Initech', {
    rate_limit: { events_per_second: 0.001, burst: 5 },
  });
});
afterAll(async () => {
  await fixture.remove();
});
beforeEach(async () => {
  h = await createHarness(fixture);
});
afterEach(async () => {
  await h.close();
});

interface PostInit {
  auth?: string;
  contentType?: string;
  raw?: string;
}

function post(body: unknown, init: PostInit = {}) {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
  if (init.auth !== undefined) headers.authorization = init.auth;
  return h.app.request('/v1/pos/bills', { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
}

const asAcme = (): PostInit => ({ auth: basicAuth(h.acme.write_key) });

/** n distinct small valid bills. */
function bills(n: number, prefix = 'B'): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => anonymousBill({ bill_id: `${prefix}-${i}` }));
}

describe('POS bills: accepted', () => {
  it('accepts one bill as an order_completed in the store, keyed by the brand, after the bus has it', async () => {
    const response = await post(bill(), asAcme());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, accepted: 1, rejected: [] });

    const read = await h.envelopes();
    expect(split(read).keys).toEqual(['acme']);
    expect(split(read).events).toEqual([
      expect.objectContaining({
        brand_id: 'acme',
        event_id: 'id-1',
        source: 'pos',
        source_event_id: 'BLR01/BLR01-000123',
        type: 'order_completed',
        channel: 'store',
        timestamp: '2024-05-01T11:59:30.000Z',
        received_at: NOW,
        identifiers: { phone: '+91 98765 43210', loyalty_id: 'LOY-778' },
        properties: expect.objectContaining({ store_id: 'BLR01', store_name: 'Bengaluru Indiranagar' }),
        commerce: expect.objectContaining({ order_id: 'BLR01-000123', revenue: 3698, currency: 'INR' }),
      }),
    ]);
  });

  it('accepts a batch, publishing every bill in order in one go', async () => {
    const batch = [bill(), anonymousBill(), bill({ bill_id: 'BLR01-000125', customer_ref: 'C-9' })];
    const response = await post({ bills: batch }, asAcme());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, accepted: 3, rejected: [] });
    const { events, rejected, keys } = split(await h.envelopes());
    expect(rejected).toEqual([]);
    expect(keys).toEqual(['acme', 'acme', 'acme']);
    expect(events.map((event) => event.commerce.order_id)).toEqual([
      'BLR01-000123',
      'BLR01-000124',
      'BLR01-000125',
    ]);
    expect(events[2]?.identifiers).toMatchObject({ user_id: 'C-9' });
  });

  it('accepts a bill that names nobody: it still carries its revenue', async () => {
    const response = await post(anonymousBill(), asAcme());
    expect(response.status).toBe(200);
    const { events } = split(await h.envelopes());
    expect(events).toEqual([
      expect.objectContaining({ identifiers: {}, type: 'order_completed', commerce: expect.anything() }),
    ]);
    expect(events[0]?.commerce.revenue).toBe(597);
  });

  it('accepts blank and null identifiers as "not given"', async () => {
    const response = await post(anonymousBill({ phone: '', email: null, loyalty_id: '  ' }), asAcme());
    expect(response.status).toBe(200);
    expect(split(await h.envelopes()).events[0]?.identifiers).toEqual({});
  });

  it('a re-sent bill is published again with the same source_event_id, for the processor to drop', async () => {
    await post(bill(), asAcme());
    await post(bill(), asAcme());
    const { events } = split(await h.envelopes());
    expect(events.map((event) => event.source_event_id)).toEqual([
      'BLR01/BLR01-000123',
      'BLR01/BLR01-000123',
    ]);
    expect(new Set(events.map((event) => event.event_id)).size).toBe(2);
  });

  it('keeps bill ids beyond 2^53 exact, so two bills never share an id', async () => {
    const raw = JSON.stringify({
      bills: [anonymousBill({ bill_id: 'X' }), anonymousBill({ bill_id: 'Y' })],
    })
      .replace('"X"', '9007199254740993')
      .replace('"Y"', '9007199254740992');
    const response = await post(null, { ...asAcme(), raw });
    expect(await response.json()).toEqual({ success: true, accepted: 2, rejected: [] });
    const { events } = split(await h.envelopes());
    expect(events.map((event) => event.commerce.order_id)).toEqual(['9007199254740993', '9007199254740992']);
  });

  it('does not collide with the tracking API mounted at /v1', async () => {
    const track = await h.app.request('/v1/track', {
      method: 'POST',
      headers: { authorization: basicAuth(h.acme.write_key), 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'Product Viewed', anonymousId: 'a-1' }),
    });
    expect(track.status).toBe(200);
    const get = await h.app.request('/v1/pos/bills', {
      headers: { authorization: basicAuth(h.acme.write_key) },
    });
    expect(get.status).toBe(404);
    expect((await get.json()).error.code).toBe('not_found');
    expect(split(await h.envelopes()).events.map((event) => event.source)).toEqual(['track']);
  });
});

describe('POS bills: authentication and tenancy', () => {
  it('refuses missing, unknown, read-key, Bearer and malformed credentials with 401, publishing nothing', async () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'missing_write_key'],
      [basicAuth(''), 'missing_write_key'],
      [basicAuth('sr_write_made_up'), 'invalid_write_key'],
      [basicAuth(h.acme.read_key), 'invalid_write_key'],
      [`Bearer ${h.acme.write_key}`, 'invalid_write_key'],
      ['Basic !!!', 'invalid_write_key'],
    ];
    for (const [auth, code] of cases) {
      const response = await post(bill(), { auth });
      expect(response.status, String(auth)).toBe(401);
      expect(response.headers.get('www-authenticate'), String(auth)).toMatch(/^Basic/);
      expect((await response.json()).error.code, String(auth)).toBe(code);
    }
    expect(await h.envelopes()).toEqual([]);
  });

  it('does not take a write key from the body', async () => {
    const response = await post({ ...bill(), writeKey: h.acme.write_key });
    expect(response.status).toBe(401);
    expect(await h.envelopes()).toEqual([]);
  });

  it("takes the brand from the key only: globex's key cannot post bills as acme", async () => {
    const body = { brand_id: 'acme', bills: [{ ...bill(), brand_id: 'acme' }] };
    const response = await post(body, { auth: basicAuth(h.globex.write_key) });
    expect(response.status).toBe(200);
    const read = await h.envelopes();
    expect(split(read).keys).toEqual(['globex']);
    expect(split(read).events.map((event) => event.brand_id)).toEqual(['globex']);
  });

  it("keeps a brand's rejected bills under that brand only", async () => {
    await post(bill({ bill_id: undefined }), { auth: basicAuth(h.globex.write_key) });
    const read = await h.envelopes();
    expect(split(read).keys).toEqual(['globex']);
    expect(split(read).rejected).toEqual([expect.objectContaining({ brand_id: 'globex', source: 'pos' })]);
  });
});

describe('POS bills: bad input gets a 400 naming the field, and is kept as a rejection', () => {
  it('truncated JSON → 400 invalid_json, with the payload kept', async () => {
    const raw = JSON.stringify(bill()).slice(0, 60);
    const response = await post(null, { ...asAcme(), raw });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_json');
    expect(split(await h.envelopes()).rejected).toEqual([
      {
        brand_id: 'acme',
        rejection_id: expect.any(String),
        source: 'pos',
        received_at: NOW,
        reason: 'invalid_json',
        detail: expect.stringContaining('not valid JSON'),
        payload: raw,
      },
    ]);
  });

  it.each([
    ['text/plain', 'application/json as text'],
    ['application/x-www-form-urlencoded', 'a form'],
    ['application/jsonp', 'a look-alike'],
  ])('Content-Type %s (%s) → 415', async (contentType) => {
    const response = await post(bill(), { ...asAcme(), contentType });
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
    expect(split(await h.envelopes()).rejected.map((r) => r.reason)).toEqual(['unsupported_media_type']);
  });

  it('a body over 1 MB → 413 naming the limit, with 4 KB of it kept', async () => {
    const body = { bills: [bill({ note: 'x'.repeat(POS_MAX_BYTES) })] };
    const response = await post(body, asAcme());
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'request_too_large', message: 'a request may be at most 1024 KB' },
    });
    const { rejected, events } = split(await h.envelopes());
    expect(events).toEqual([]);
    expect(rejected[0]?.reason).toBe('request_too_large');
    expect(Buffer.byteLength(rejected[0]!.payload)).toBeLessThanOrEqual(4096);
    expect(rejected[0]!.payload.startsWith('{"bills":[{"bill_id":"BLR01-000123"')).toBe(true);
  });

  it('refuses by Content-Length before reading an oversized body', async () => {
    const response = await h.app.request('/v1/pos/bills', {
      method: 'POST',
      headers: {
        authorization: basicAuth(h.acme.write_key),
        'content-type': 'application/json',
        'content-length': String(50 * 1024 * 1024),
      },
      body: '{}',
    });
    expect(response.status).toBe(413);
    expect(split(await h.envelopes()).rejected[0]).toMatchObject({
      reason: 'request_too_large',
      payload: '',
    });
  });

  it(`more than ${MAX_BILLS_PER_REQUEST} bills → 413 too_many_bills, nothing of it accepted`, async () => {
    const response = await post({ bills: bills(MAX_BILLS_PER_REQUEST + 1) }, asAcme());
    expect(response.status).toBe(413);
    expect((await response.json()).error).toEqual({
      code: 'too_many_bills',
      message: `at most 500 bills per request, got 501`,
    });
    const { events, rejected } = split(await h.envelopes());
    expect(events).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual(['too_many_bills']);
  });

  it('a negative quantity → 400 naming the line and field', async () => {
    const lines = [{ product_id: 'SKU-SHIRT-M', quantity: -2, unit_price: 1499 }];
    const response = await post(anonymousBill({ lines, total: 2998 }), asAcme());
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'invalid_bill',
        message: 'lines.0.quantity: must be a whole number ≥ 1 (returns are not bills)',
      },
    });
    const { rejected, events } = split(await h.envelopes());
    expect(events).toEqual([]);
    expect(rejected).toEqual([
      expect.objectContaining({
        reason: 'invalid_bill',
        detail: expect.stringContaining('lines.0.quantity'),
      }),
    ]);
  });

  it('a negative price → 400 naming it', async () => {
    const lines = [{ product_id: 'SKU-SHIRT-M', quantity: 1, unit_price: -1499 }];
    const response = await post(anonymousBill({ lines, total: 0 }), asAcme());
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toBe('lines.0.unit_price: must not be negative');
  });

  it('a missing bill id → 400 "bill_id: required"', async () => {
    const response = await post(bill({ bill_id: undefined }), asAcme());
    expect(response.status).toBe(400);
    expect((await response.json()).error).toEqual({ code: 'invalid_bill', message: 'bill_id: required' });
    expect(split(await h.envelopes()).rejected.map((r) => r.reason)).toEqual(['invalid_bill']);
  });

  it('a total that does not add up → 400 naming the total and the sum it should be', async () => {
    const response = await post(bill({ total: 369800 }), asAcme());
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(
      /^total: 369800 does not match the lines: .*= 3698 INR/,
    );
  });

  it.each([
    ['an array', [bill()], '(root): expected a bill object or { "bills": [...] }'],
    ['a string', 'bill', '(root): expected a bill object or { "bills": [...] }'],
    ['null', null, '(root): expected a bill object or { "bills": [...] }'],
    ['an empty batch', { bills: [] }, 'bills: bills must hold at least one bill'],
    ['bills not an array', { bills: { 0: bill() } }, 'bills: expected an array of bills'],
  ])('%s as the body → 400 with its shape named', async (_, body, message) => {
    const response = await post(body, asAcme());
    expect(response.status).toBe(400);
    expect((await response.json()).error).toEqual({ code: 'invalid_bill', message });
    expect(split(await h.envelopes()).rejected).toHaveLength(1);
  });
});

describe('POS bills: a batch is checked bill by bill', () => {
  it('accepts the valid bills and reports each bad one by index, all kept', async () => {
    const batch = [
      bill(),
      anonymousBill({ bill_id: undefined }),
      anonymousBill({
        bill_id: 'B-2',
        lines: [{ product_id: 'p', quantity: -1, unit_price: 10 }],
        total: 10,
      }),
      anonymousBill({ bill_id: 'B-3' }),
    ];
    const response = await post({ bills: batch }, asAcme());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      accepted: 2,
      rejected: [
        { index: 1, code: 'invalid_bill', message: 'bill_id: required' },
        {
          index: 2,
          bill_id: 'B-2',
          code: 'invalid_bill',
          message: 'lines.0.quantity: must be a whole number ≥ 1 (returns are not bills)',
        },
      ],
    });
    const read = await h.envelopes();
    // In request order, events and rejections alike.
    expect(read.map(({ envelope }) => envelope.kind)).toEqual(['event', 'rejected', 'rejected', 'event']);
    const { events, rejected } = split(read);
    expect(events.map((event) => event.commerce.order_id)).toEqual(['BLR01-000123', 'B-3']);
    expect(rejected.map((r) => r.detail)).toEqual([
      'bills[1]: bill_id: required',
      'bills[2]: lines.0.quantity: must be a whole number ≥ 1 (returns are not bills)',
    ]);
    expect(JSON.parse(rejected[1]!.payload)).toMatchObject({ bill_id: 'B-2' });
  });

  it('a batch with no valid bill → 400, every bill reported and kept', async () => {
    const response = await post({ bills: [{ bill_id: 'A' }, 'not a bill'] }, asAcme());
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ success: false, accepted: 0 });
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    expect(body.rejected[0].message).toContain('store_id: required');
    expect(split(await h.envelopes()).rejected).toHaveLength(2);
  });

  it('refuses a second copy of a bill in one request, keeping the first; another store’s same number is fine', async () => {
    const batch = [
      anonymousBill({ bill_id: 'B-1' }),
      anonymousBill({
        bill_id: 'B-1',
        total: 199,
        lines: [{ product_id: 'p', quantity: 1, unit_price: 199 }],
      }),
      anonymousBill({ bill_id: 'B-1', store_id: 'DEL02' }),
    ];
    const response = await post({ bills: batch }, asAcme());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      accepted: 2,
      rejected: [
        {
          index: 1,
          bill_id: 'B-1',
          code: 'duplicate_bill',
          message: 'bill B-1 of store BLR01 is already bills[0] of this request',
        },
      ],
    });
    const { events, rejected } = split(await h.envelopes());
    expect(events.map((event) => [event.source_event_id, event.commerce.revenue])).toEqual([
      ['BLR01/B-1', 597],
      ['DEL02/B-1', 597],
    ]);
    expect(rejected.map((r) => r.reason)).toEqual(['duplicate_bill']);
  });
});

describe('POS bills: flow control and the bus', () => {
  it('charges one per bill and one per refused request, and answers 429 when the allowance is spent', async () => {
    // initech may send 5 at once and then almost nothing more (0.001/s): no refill during the test.
    const auth = { auth: basicAuth(initech.write_key) };
    expect((await post({ bills: bills(3, 'A') }, auth)).status).toBe(200); // 2 left
    expect((await post(null, { ...auth, raw: '{' })).status).toBe(400); // 1 left
    // All or nothing: a batch of 2 does not fit in 1, and none of it is published.
    const batch = await post({ bills: bills(2, 'B') }, auth);
    expect(batch.status).toBe(429);
    expect(Number(batch.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await batch.json()).error.code).toBe('rate_limited');
    expect((await post(anonymousBill({ bill_id: 'C' }), auth)).status).toBe(200); // 0 left
    expect((await post(anonymousBill({ bill_id: 'D' }), auth)).status).toBe(429);
    // A refused request is limited too, and not kept: a flood cannot fill the rejections.
    expect((await post(null, { ...auth, raw: '{' })).status).toBe(429);
    // Another brand has its own allowance.
    expect((await post(bill(), asAcme())).status).toBe(200);

    const { events, rejected } = split(await h.envelopes());
    expect(events.filter((event) => event.brand_id === 'initech').map((e) => e.commerce.order_id)).toEqual([
      'A-0',
      'A-1',
      'A-2',
      'C',
    ]);
    expect(rejected.map((r) => [r.brand_id, r.reason])).toEqual([['initech', 'invalid_json']]);
    expect(events.filter((event) => event.brand_id === 'acme')).toHaveLength(1);
  });

  it('answers 503 with Retry-After when the bus is down, for bills and rejections alike', async () => {
    await h.bus.close();
    const accepted = await post(bill(), asAcme());
    const refused = await post(null, { ...asAcme(), raw: '{' });
    for (const response of [accepted, refused]) {
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await response.json()).error.code).toBe('bus_unavailable');
    }
  });
});
