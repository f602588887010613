// The read API's campaign and alert routes over the real DuckDB warehouse:
// figures from the shared formulas, hostile parameters answered 400 with the
// problem named, and brand B never reading brand A's campaigns, alerts,
// silences or delivery log.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrandRegistry } from '../../../../ingest/brands/registry';
import type { BrandCredentials } from '../../../../ingest/brands/types';
import { createDuckDbWarehouse } from '../../../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../../../ingest/warehouse/types';
import { createReadApi } from '../../../../src/lib/server/api/app';
import type {
  AlertDeliveriesBody,
  AlertsBody,
  CampaignSeriesBody,
  CampaignsBody,
  SilencesBody,
} from '../../../../src/lib/server/api/responses';
import type { Alert } from '../../../../src/lib/shared/model';
import { SESSION_COOKIE, createSessionCodec } from '../../../../src/lib/server/session';
import { NOW, brandACommit, brandBCommit, deliveries } from './fixtures';

const SECRET = 'read-api-campaigns-secret-0123456789abcdef';

let dir: string;
let warehouse: Warehouse;
let edge: Hono;
let a: BrandCredentials;
let b: BrandCredentials;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-api-campaigns-'));
  const brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
  a = await brands.create('brand-a', 'Brand A');
  b = await brands.create('brand-b', 'Brand B');
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  await warehouse.migrate();
  await warehouse.commit({
    checkpoint: { consumer: 'test', partition: 0, next_offset: 1 },
    ...brandACommit('brand-a'),
  });
  await warehouse.commit({
    checkpoint: { consumer: 'test', partition: 0, next_offset: 2 },
    ...brandBCommit('brand-b'),
  });
  await warehouse.recordDeliveries(deliveries('brand-a', 'brand-b'));
  edge = new Hono();
  edge.route(
    '/api',
    createReadApi({
      warehouse,
      brands,
      sessionSecret: SECRET,
      pending: async () => 0,
      clock: () => NOW,
    }),
  );
});

afterAll(async () => {
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const sessionOf = (brandId: string) => ({
  cookie: `${SESSION_COOKIE}=${createSessionCodec(SECRET, () => NOW).issue(brandId, `admin@${brandId}`)}`,
});

async function get<T = { error: string }>(
  path: string,
  headers: Record<string, string> = bearer(a.read_key),
) {
  const response = await edge.request(path, { headers });
  return { status: response.status, body: (await response.json()) as T };
}

const DAY = 'from=2026-03-01T00:00:00Z&to=2026-03-01T10:15:00Z';

describe('GET /api/v1/campaigns', () => {
  it('sums spend against attributed revenue per campaign and channel, with the brand totals', async () => {
    const { status, body } = await get<CampaignsBody>(`/api/v1/campaigns?${DAY}`);
    expect(status).toBe(200);
    expect(body.from).toBe('2026-03-01T00:00:00.000Z');
    expect(body.to).toBe('2026-03-01T10:15:00.000Z');
    expect(body.campaigns.map((row) => [row.campaign_id, row.campaign_name, row.channel])).toEqual([
      ['spring-sale', 'Spring sale', 'facebook'],
      ['spring-sale', 'Spring sale', 'instagram'],
      ['brand-search', 'brand-search', 'google_ads'],
    ]);
    const [facebook, instagram, search] = body.campaigns;
    expect(facebook).toMatchObject({ cost: 100, impressions: 1000, clicks: 50, visits: 15, orders: 3 });
    expect(facebook).toMatchObject({ revenue: 400, roas: 4, roi: 3, ctr: 0.05, conversion_rate: 0.06 });
    expect(facebook!.cpa).toBeCloseTo(100 / 3, 9);
    expect(instagram).toMatchObject({ cost: 50, orders: 0, revenue: 0, roas: 0, roi: -1, cpa: null });
    expect(search).toMatchObject({ cost: 30, orders: 1, revenue: 90, roas: 3, cpa: 30 });
    expect(body.totals).toMatchObject({ cost: 180, impressions: 1700, clicks: 88, orders: 4, revenue: 490 });
    expect(body.totals.roas).toBeCloseTo(490 / 180, 9);
  });

  it('prorates spend and counts only the minutes inside a range that splits hours', async () => {
    const { body } = await get<CampaignsBody>(
      '/api/v1/campaigns?from=2026-03-01T09:30:00Z&to=2026-03-01T10:00:00Z',
    );
    const byKey = Object.fromEntries(body.campaigns.map((row) => [`${row.campaign_id}/${row.channel}`, row]));
    expect(byKey['spring-sale/facebook']).toMatchObject({ cost: 50, orders: 3, revenue: 400 });
    // A day's spend reported 10 hours in is spread over those 10 hours: 3 per hour.
    expect(byKey['brand-search/google_ads']!.cost).toBeCloseTo(1.5, 9);
    expect(byKey['brand-search/google_ads']!.orders).toBe(0);
  });

  it('defaults to the 24 hours up to the end of the current minute', async () => {
    const { body } = await get<CampaignsBody>('/api/v1/campaigns');
    expect([body.from, body.to]).toEqual(['2026-02-28T10:16:00.000Z', '2026-03-01T10:16:00.000Z']);
    expect(body.campaigns).toHaveLength(3);
  });
});

describe('GET /api/v1/campaigns/series', () => {
  it('gives every hour of the range, zeros included, for the brand', async () => {
    const { status, body } = await get<CampaignSeriesBody>(
      '/api/v1/campaigns/series?from=2026-03-01T07:00:00Z&to=2026-03-01T10:00:00Z&bucket=hour',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ bucket: 'hour', campaign_id: null, channel: null });
    expect(body.points.map((p) => [p.at, Number(p.cost.toFixed(6)), p.orders, p.revenue])).toEqual([
      ['2026-03-01T07:00:00.000Z', 3, 0, 0],
      ['2026-03-01T08:00:00.000Z', 3, 1, 90],
      ['2026-03-01T09:00:00.000Z', 153, 3, 400],
    ]);
  });

  it('filters by campaign and channel, and aligns the range to the bucket', async () => {
    const { body } = await get<CampaignSeriesBody>(
      '/api/v1/campaigns/series?from=2026-03-01T08:30:00Z&to=2026-03-01T09:30:00Z&bucket=hour&campaign_id=spring-sale&channel=facebook',
    );
    expect([body.from, body.to]).toEqual(['2026-03-01T08:00:00.000Z', '2026-03-01T10:00:00.000Z']);
    expect(body).toMatchObject({ campaign_id: 'spring-sale', channel: 'facebook' });
    expect(body.points.map((p) => [p.cost, p.revenue])).toEqual([
      [0, 0],
      [100, 400],
    ]);
  });

  it('sums days, and picks days by itself for a long range', async () => {
    const { body } = await get<CampaignSeriesBody>(
      '/api/v1/campaigns/series?from=2026-02-25T00:00:00Z&to=2026-03-02T00:00:00Z',
    );
    expect(body.bucket).toBe('day');
    expect(body.points).toHaveLength(5);
    expect(body.points.at(-1)).toMatchObject({ at: '2026-03-01T00:00:00.000Z', cost: 180, revenue: 490 });
  });
});

describe('hostile campaign parameters', () => {
  it.each([
    ['/api/v1/campaigns?from=yesterday', /from "yesterday" is not an ISO-8601/],
    ['/api/v1/campaigns?from=2026-02-30T00:00:00Z', /not an ISO-8601/],
    ['/api/v1/campaigns?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', /from must be before to/],
    ['/api/v1/campaigns?from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z', /from must be before to/],
    ['/api/v1/campaigns?from=2025-11-01T00:00:00Z&to=2026-03-01T00:00:00Z', /longer than 92 days/],
    ['/api/v1/campaigns/series?bucket=minute', /bucket "minute" is not one of hour, day/],
    [
      '/api/v1/campaigns/series?from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z&bucket=hour',
      /bucket=hour covers at most 14 days/,
    ],
    ['/api/v1/campaigns/series?channel=myspace', /channel "myspace" is not one of facebook/],
    ['/api/v1/campaigns/series?campaign_id=a%00b', /control characters/],
    [`/api/v1/campaigns/series?campaign_id=${'x'.repeat(201)}`, /longer than 200/],
    ["/api/v1/campaigns/series?channel=facebook'%20OR%201=1--", /is not one of/],
  ])('%s answers 400', async (path, problem) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error).toMatch(problem);
  });

  it('treats a hostile campaign id as a name that matches nothing', async () => {
    const { status, body } = await get<CampaignSeriesBody>(
      `/api/v1/campaigns/series?${DAY}&campaign_id=${encodeURIComponent("spring-sale' OR '1'='1")}`,
    );
    expect(status).toBe(200);
    expect(body.points.every((point) => point.cost === 0 && point.revenue === 0)).toBe(true);
  });
});

describe('alerts, deliveries and silences', () => {
  it('filters alerts by state; open is pending and firing', async () => {
    const ids = async (query: string) =>
      (await get<AlertsBody>(`/api/v1/alerts?${query}`)).body.alerts.map((alert) => alert.alert_id);
    expect(await ids('state=open')).toEqual(['a-alert-3', 'a-alert-1']);
    expect(await ids('state=firing')).toEqual(['a-alert-1']);
    expect(await ids('state=resolved,pending')).toEqual(['a-alert-3', 'a-alert-2']);
    expect(await ids('state=open&limit=1')).toEqual(['a-alert-3']);
    for (const state of ['bogus', 'firing,', "firing' OR 1=1"]) {
      const { status, body } = await get(`/api/v1/alerts?state=${encodeURIComponent(state)}`);
      expect(status, state).toBe(400);
      expect(body.error).toMatch(/is not one of pending, firing, resolved, open/);
    }
  });

  it('reads one alert in its full shape, and 404s an id the brand does not have', async () => {
    const { status, body } = await get<Alert>('/api/v1/alerts/a-alert-2');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      alert_id: 'a-alert-2',
      rule_id: 'shop-silent',
      rule_type: 'source_silent',
      subject: 'shopify',
      state: 'resolved',
      threshold: 10,
      fired_at: expect.any(String),
      resolved_at: expect.any(String),
      acknowledged_by: null,
    });
    for (const id of ['nope', 'x'.repeat(300), encodeURIComponent("a-alert-1' OR '1'='1")]) {
      const missing = await get(`/api/v1/alerts/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.body.error).toMatch(/^no alert /);
    }
  });

  it("lists an alert's delivery log", async () => {
    const { status, body } = await get<AlertDeliveriesBody>('/api/v1/alerts/a-alert-1/deliveries');
    expect(status).toBe(200);
    expect(body.alert_id).toBe('a-alert-1');
    expect(body.deliveries).toEqual([
      expect.objectContaining({ receiver_id: 'oncall', outcome: 'delivered', status: 200 }),
    ]);
    expect((await get('/api/v1/alerts/nope/deliveries')).status).toBe(404);
    expect((await get('/api/v1/alerts/a-alert-1/deliveries?limit=0')).status).toBe(400);
  });

  it('lists active silences by default, every recent one with state=all', async () => {
    const active = await get<SilencesBody>('/api/v1/silences');
    expect(active.body.silences.map((silence) => silence.silence_id)).toEqual(['a-sil-1']);
    const all = await get<SilencesBody>('/api/v1/silences?state=all');
    expect(all.body.silences.map((silence) => silence.silence_id).sort()).toEqual(['a-sil-1', 'a-sil-2']);
    const bad = await get('/api/v1/silences?state=expired');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/not one of active, all/);
  });
});

describe("tenancy: brand B reads none of brand A's campaigns or alerts", () => {
  const credentialsOfB = () => [bearer(b.read_key), sessionOf('brand-b')];

  it('sees its own campaigns only, whatever the query names', async () => {
    for (const headers of credentialsOfB()) {
      const { body } = await get<CampaignsBody>(`/api/v1/campaigns?${DAY}&brand_id=brand-a`, headers);
      expect(body.campaigns.map((row) => row.campaign_id)).toEqual(['b-camp']);
      const series = await get<CampaignSeriesBody>(
        `/api/v1/campaigns/series?${DAY}&campaign_id=spring-sale&brand_id=brand-a`,
        headers,
      );
      expect(series.body.points.every((point) => point.cost === 0 && point.revenue === 0)).toBe(true);
    }
  });

  it("gets 404 for A's alerts and their deliveries, and sees only its own silences", async () => {
    for (const headers of credentialsOfB()) {
      for (const id of ['a-alert-1', 'a-alert-2', 'a-alert-3']) {
        expect((await get(`/api/v1/alerts/${id}`, headers)).status).toBe(404);
        expect((await get(`/api/v1/alerts/${id}/deliveries`, headers)).status).toBe(404);
      }
      const alerts = await get<AlertsBody>('/api/v1/alerts?state=open', headers);
      expect(alerts.body.alerts.map((alert) => alert.alert_id)).toEqual(['b-alert-1']);
      const own = await get<AlertDeliveriesBody>('/api/v1/alerts/b-alert-1/deliveries', headers);
      expect(own.body.deliveries.map((row) => row.brand_id)).toEqual(['brand-b']);
      const silences = await get<SilencesBody>('/api/v1/silences?state=all', headers);
      expect(silences.body.silences.map((silence) => silence.silence_id)).toEqual(['b-sil-1']);
    }
  });
});
