// POST /v1/spend over the real in-process bus and a real brand registry: what
// reaches events.raw is read back from the bus itself.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../../../ingest/brands/types';
import { MAX_REPORTS_PER_REQUEST, SPEND_MAX_BYTES } from '../../../../ingest/http/spend/app';
import type { AdSpend } from '../../../../src/lib/shared/campaigns';
import {
  basicAuth,
  createBrandFixture,
  createHarness,
  NOW,
  split,
  type BrandFixture,
  type Harness,
} from '../harness';

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

/** An hour of a Facebook retargeting campaign, reported an hour after it ended (NOW is 12:00Z). */
function report(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    campaign_id: 'fb-retargeting-cart',
    campaign_name: 'Retargeting: abandoned carts',
    channel: 'facebook',
    period: 'hour',
    period_start: '2024-05-01T10:00:00Z',
    impressions: 12000,
    clicks: 340,
    cost: 1530.5,
    currency: 'INR',
    ...overrides,
  };
}

interface PostInit {
  auth?: string;
  contentType?: string;
  raw?: string;
}

function post(body: unknown, init: PostInit = {}) {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
  if (init.auth !== undefined) headers.authorization = init.auth;
  return h.app.request('/v1/spend', { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
}

const asAcme = (): PostInit => ({ auth: basicAuth(h.acme.write_key) });

async function spendRows(): Promise<AdSpend[]> {
  return (await h.envelopes()).flatMap(({ envelope }) => (envelope.kind === 'spend' ? [envelope.spend] : []));
}

async function refusedWith(body: unknown, message: string, init: PostInit = asAcme()) {
  const response = await post(body, init);
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({ error: { code: 'invalid_spend', message } });
  const read = await h.envelopes();
  expect(read.map(({ envelope }) => envelope.kind)).toEqual(['rejected']);
  expect(split(read).rejected[0]).toMatchObject({
    reason: 'invalid_spend',
    detail: message,
    source: 'track',
  });
}

describe('spend: accepted', () => {
  it('accepts a batch, one spend envelope per report keyed by the brand, after the bus has them', async () => {
    const reports = [
      report(),
      report({ channel: 'instagram', campaign_name: undefined, currency: undefined }),
      report({
        campaign_id: 'google-brand-search',
        campaign_name: undefined,
        channel: 'google_ads',
        period: 'day',
        period_start: '2024-04-30T00:00:00.000+00:00',
        impressions: undefined,
        clicks: undefined,
        cost: 0,
      }),
    ];
    const response = await post({ reports }, asAcme());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, accepted: 3 });

    const read = await h.envelopes();
    expect(read.map(({ key }) => key)).toEqual(['acme', 'acme', 'acme']);
    expect(await spendRows()).toEqual([
      {
        brand_id: 'acme',
        campaign_id: 'fb-retargeting-cart',
        campaign_name: 'Retargeting: abandoned carts',
        channel: 'facebook',
        period: 'hour',
        period_start: '2024-05-01T10:00:00.000Z',
        impressions: 12000,
        clicks: 340,
        cost: 1530.5,
        currency: 'INR',
        source: 'track',
        received_at: NOW,
      },
      expect.objectContaining({
        channel: 'instagram',
        // The name defaults to the id; no currency is null.
        campaign_name: 'fb-retargeting-cart',
        currency: null,
      }),
      expect.objectContaining({
        campaign_id: 'google-brand-search',
        campaign_name: 'google-brand-search',
        period: 'day',
        period_start: '2024-04-30T00:00:00.000Z',
        impressions: 0,
        clicks: 0,
        cost: 0,
      }),
    ]);
  });

  it('accepts a single report object as a batch of one', async () => {
    const response = await post(report(), asAcme());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, accepted: 1 });
    expect((await spendRows()).map((row) => row.campaign_id)).toEqual(['fb-retargeting-cart']);
  });

  it('normalises period_start to UTC with milliseconds, whatever offset it was written in', async () => {
    // 15:30+05:30 is 10:00Z: on the hour in UTC.
    await post(report({ period_start: '2024-05-01T15:30:00+05:30' }), asAcme());
    expect((await spendRows())[0]?.period_start).toBe('2024-05-01T10:00:00.000Z');
  });

  it('accepts the hour running now and tomorrow (time zones ahead of UTC), and the edge of 400 days ago', async () => {
    const reports = [
      report({ period_start: '2024-05-01T12:00:00Z' }),
      report({ period: 'day', period_start: '2024-05-02T00:00:00Z' }),
      // 2023-03-28 ends 2023-03-29T00:00Z, 399.5 days before NOW: inside the 400.
      report({ period: 'day', period_start: '2023-03-28T00:00:00Z' }),
    ];
    const response = await post({ reports }, asAcme());
    expect(response.status).toBe(200);
    expect(await spendRows()).toHaveLength(3);
  });

  it('resending a report publishes it again with the same key, for the processor to replace', async () => {
    await post(report(), asAcme());
    await post(report({ cost: 1612 }), asAcme());
    expect((await spendRows()).map((row) => row.cost)).toEqual([1530.5, 1612]);
  });

  it('does not collide with the tracking API or POS mounted under /v1', async () => {
    const get = await h.app.request('/v1/spend', { headers: { authorization: basicAuth(h.acme.write_key) } });
    expect(get.status).toBe(404);
    expect((await get.json()).error.code).toBe('not_found');
    const nested = await post(report(), { ...asAcme() });
    expect(nested.status).toBe(200);
  });
});

describe('spend: authentication and tenancy', () => {
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
      const response = await post({ reports: [report()] }, { auth });
      expect(response.status, String(auth)).toBe(401);
      expect(response.headers.get('www-authenticate'), String(auth)).toBe(
        'Basic realm="signalroom spend API"',
      );
      expect((await response.json()).error.code, String(auth)).toBe(code);
    }
    expect(await h.envelopes()).toEqual([]);
  });

  it('does not take a write key from the body', async () => {
    const response = await post({ reports: [report()], writeKey: h.acme.write_key });
    expect(response.status).toBe(401);
    expect(await h.envelopes()).toEqual([]);
  });

  it("takes the brand from the key only: globex's key cannot publish spend for acme", async () => {
    const body = { brand_id: 'acme', reports: [{ ...report(), brand_id: 'acme' }] };
    const response = await post(body, { auth: basicAuth(h.globex.write_key) });
    expect(response.status).toBe(200);
    const read = await h.envelopes();
    expect(read.map(({ key }) => key)).toEqual(['globex']);
    expect((await spendRows()).map((row) => row.brand_id)).toEqual(['globex']);
  });

  it("keeps a brand's refused reports under that brand only", async () => {
    await post(report({ cost: -1 }), { auth: basicAuth(h.globex.write_key) });
    const read = await h.envelopes();
    expect(read.map(({ key }) => key)).toEqual(['globex']);
    expect(split(read).rejected).toEqual([expect.objectContaining({ brand_id: 'globex', source: 'track' })]);
  });
});

describe('spend: bad input gets a 4xx naming the problem, and is kept as a rejection', () => {
  it('truncated JSON → 400 invalid_json, with the payload kept', async () => {
    const raw = JSON.stringify({ reports: [report()] }).slice(0, 70);
    const response = await post(null, { ...asAcme(), raw });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_json');
    expect(split(await h.envelopes()).rejected).toEqual([
      {
        brand_id: 'acme',
        rejection_id: expect.any(String),
        source: 'track',
        received_at: NOW,
        reason: 'invalid_json',
        detail: expect.stringContaining('not valid JSON'),
        payload: raw,
      },
    ]);
  });

  it.each([
    ['text/plain', 'JSON as text'],
    ['application/x-www-form-urlencoded', 'a form'],
    ['application/jsonp', 'a look-alike'],
    ['text/csv', 'a CSV file (that is the importer)'],
  ])('Content-Type %s (%s) → 415', async (contentType) => {
    const response = await post(report(), { ...asAcme(), contentType });
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
    expect(split(await h.envelopes()).rejected.map((r) => r.reason)).toEqual(['unsupported_media_type']);
  });

  it('a body over 1 MB → 413 naming the limit, with 4 KB of it kept', async () => {
    const body = { reports: [report({ note: 'x'.repeat(SPEND_MAX_BYTES) })] };
    const response = await post(body, asAcme());
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'request_too_large', message: 'a request may be at most 1024 KB' },
    });
    const read = await h.envelopes();
    expect(await spendRows()).toEqual([]);
    const rejected = split(read).rejected;
    expect(rejected[0]?.reason).toBe('request_too_large');
    expect(Buffer.byteLength(rejected[0]!.payload)).toBeLessThanOrEqual(4096);
    expect(rejected[0]!.payload.startsWith('{"reports":[{"campaign_id":"fb-retargeting-cart"')).toBe(true);
  });

  it('refuses by Content-Length before reading an oversized body', async () => {
    const response = await h.app.request('/v1/spend', {
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

  it(`more than ${MAX_REPORTS_PER_REQUEST} reports → 413 too_many_reports, nothing of it accepted`, async () => {
    const reports = Array.from({ length: MAX_REPORTS_PER_REQUEST + 1 }, (_, i) =>
      report({ campaign_id: `c-${i}` }),
    );
    const response = await post({ reports }, asAcme());
    expect(response.status).toBe(413);
    expect((await response.json()).error).toEqual({
      code: 'too_many_reports',
      message: 'at most 1000 reports per request, got 1001',
    });
    expect((await h.envelopes()).map(({ envelope }) => envelope.kind)).toEqual(['rejected']);
  });

  it.each([
    ['an array', [report()], '(root): expected a spend report or { "reports": [...] }'],
    ['a string', 'spend', '(root): expected a spend report or { "reports": [...] }'],
    ['null', null, '(root): expected a spend report or { "reports": [...] }'],
    ['an empty batch', { reports: [] }, 'reports: holds no report'],
    ['reports not an array', { reports: { 0: report() } }, 'reports: expected an array of spend reports'],
  ])('%s as the body → 400 with its shape named', async (_, body, message) => {
    await refusedWith(body, message);
  });

  it.each([
    [
      { channel: 'myspace' },
      'channel: "myspace" is not one of facebook, instagram, google_ads, tiktok, youtube, email, sms, whatsapp, affiliate, other',
    ],
    [{ channel: 'Facebook' }, 'channel: "Facebook" is not one of facebook, instagram,'],
    [{ cost: -0.01 }, 'cost: Too small: expected number to be >=0'],
    [{ cost: '12.50' }, 'cost: expected number, received string'],
    [{ cost: 1e13 }, 'cost: must be at most 1000000000000'],
    [{ cost: undefined }, 'cost: required'],
    [{ clicks: 3.5 }, 'clicks: clicks must be a whole number'],
    [{ impressions: -4 }, 'impressions: Too small: expected number to be >=0'],
    [{ period: 'week' }, 'period: "week" is not one of hour, day'],
    [{ period_start: '2024-05-01' }, 'period_start: period_start must be an ISO-8601 date-time'],
    [{ period_start: '2024-05-01T10:00:00' }, 'period_start: period_start must be an ISO-8601 date-time'],
    [{ period_start: '2024-05-01T10:30:00Z' }, 'period_start: an hour must start on the hour in UTC'],
    [{ period_start: '2024-05-01T10:00:00.001Z' }, 'period_start: an hour must start on the hour in UTC'],
    [{ period_start: '2024-05-01T10:00:00+05:30' }, 'period_start: an hour must start on the hour in UTC'],
    [
      { period: 'day', period_start: '2024-05-01T00:00:00+05:30' },
      'period_start: a day must start at midnight UTC',
    ],
    [
      { period: 'day', period_start: '2024-05-01T10:00:00Z' },
      'period_start: a day must start at midnight UTC',
    ],
    [{ period_start: '2024-05-02T13:00:00Z' }, 'period_start: is more than a day in the future'],
    [{ period_start: '2099-01-01T00:00:00Z' }, 'period_start: is more than a day in the future'],
    [{ period_start: '2023-03-01T00:00:00Z' }, 'period_start: the period ended more than 400 days ago'],
    [{ period_start: '1970-01-01T00:00:00Z' }, 'period_start: the period ended more than 400 days ago'],
    [{ campaign_id: '' }, 'campaign_id: campaign_id is empty'],
    [{ campaign_id: '   ' }, 'campaign_id: campaign_id is empty'],
    [{ campaign_id: 'spring\u0000sale' }, 'campaign_id: campaign_id has control characters'],
    [{ campaign_id: 'spring\nsale' }, 'campaign_id: campaign_id has control characters'],
    [{ campaign_id: 'x'.repeat(201) }, 'campaign_id: campaign_id is longer than 200 characters'],
    [{ campaign_id: 42 }, 'campaign_id: expected string, received number'],
    [{ campaign_name: 'Spring\u001b[31m' }, 'campaign_name: has control characters'],
    [{ currency: 'inr' }, 'currency: currency must be a 3-letter ISO 4217 code'],
  ])('a report with %j → 400 naming the report and field', async (overrides, message) => {
    const reports = [report({ campaign_id: 'fine' }), report({ campaign_id: 'fine-too' }), report(overrides)];
    const response = await post({ reports }, asAcme());
    expect(response.status).toBe(400);
    const error = (await response.json()).error;
    expect(error.code).toBe('invalid_spend');
    expect(error.message).toContain(`reports[2].${message}`);
    // All or nothing: the good reports are not stored either.
    const read = await h.envelopes();
    expect(read.map(({ envelope }) => envelope.kind)).toEqual(['rejected']);
    expect(split(read).rejected[0]?.detail).toBe(error.message);
  });

  it('a lone report names its fields without an index', async () => {
    await refusedWith(report({ cost: -5 }), 'cost: Too small: expected number to be >=0');
  });

  it('names every bad report, and the same key twice in one request', async () => {
    const reports = [
      report(),
      report({ clicks: 1.5 }),
      report({ cost: 10 }),
      'not a report',
      report({ channel: 'friendster', cost: -1 }),
    ];
    const response = await post({ reports }, asAcme());
    expect(response.status).toBe(400);
    const message: string = (await response.json()).error.message;
    const parts = message.split('; ');
    expect(parts.slice(0, 3)).toEqual([
      'reports[1].clicks: clicks must be a whole number',
      'reports[2]: the same campaign_id, channel, period and period_start as reports[0]',
      'reports[3]: expected object, received string',
    ]);
    // zod's wording of the enum is not ours: the report and field are.
    expect(parts.slice(3).map((part) => part.split(':')[0])).toEqual([
      'reports[4].channel',
      'reports[4].cost',
    ]);
    expect(await spendRows()).toEqual([]);
  });

  it('lists at most 10 problems and counts the rest', async () => {
    const reports = Array.from({ length: 15 }, (_, i) => report({ campaign_id: `c-${i}`, cost: -1 }));
    const response = await post({ reports }, asAcme());
    const message: string = (await response.json()).error.message;
    expect(message.split('; ')).toHaveLength(11);
    expect(message.endsWith('; and 5 more')).toBe(true);
  });
});

describe('spend: flow control and the bus', () => {
  it('charges one per report, one per refused request, all or nothing, and answers 429 when spent', async () => {
    // initech may send 5 at once and then almost nothing more (0.001/s): no refill during the test.
    const auth = { auth: basicAuth(initech.write_key) };
    const reports = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => report({ campaign_id: `${prefix}-${i}` }));
    expect((await post({ reports: reports(3, 'A') }, auth)).status).toBe(200); // 2 left
    expect((await post(null, { ...auth, raw: '{' })).status).toBe(400); // 1 left
    const batch = await post({ reports: reports(2, 'B') }, auth);
    expect(batch.status).toBe(429);
    expect(Number(batch.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await batch.json()).error.code).toBe('rate_limited');
    expect((await post(report({ campaign_id: 'C' }), auth)).status).toBe(200); // 0 left
    // A refused request is limited too, and not kept: a flood cannot fill the rejections.
    expect((await post(null, { ...auth, raw: '{' })).status).toBe(429);
    // Another brand has its own allowance.
    expect((await post(report(), asAcme())).status).toBe(200);

    const rows = await spendRows();
    expect(rows.filter((row) => row.brand_id === 'initech').map((row) => row.campaign_id)).toEqual([
      'A-0',
      'A-1',
      'A-2',
      'C',
    ]);
    expect(split(await h.envelopes()).rejected.map((r) => [r.brand_id, r.reason])).toEqual([
      ['initech', 'invalid_json'],
    ]);
  });

  it('answers 503 with Retry-After when the bus is down, for reports and rejections alike', async () => {
    await h.bus.close();
    const accepted = await post({ reports: [report()] }, asAcme());
    const refused = await post(report({ cost: -1 }), asAcme());
    for (const response of [accepted, refused]) {
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await response.json()).error.code).toBe('bus_unavailable');
    }
  });
});
