// The read API over the real DuckDB warehouse and a real brand registry,
// mounted the way the composition root mounts it (under /api).
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
import type { ProfileView } from '../../../../src/lib/server/api/responses';
import { predictionRecord, predictionRunRecord } from '../../../support/prediction-records';
import { SESSION_COOKIE, SESSION_TTL_MS, createSessionCodec } from '../../../../src/lib/server/session';
import { NOW, SHARED_EMAIL, brandACommit, brandBCommit } from './fixtures';

const SECRET = 'read-api-test-secret-0123456789abcdef';
const ROUTES = [
  '/api/v1/profiles/lookup?identifier=email:ana@example.com',
  '/api/v1/profiles/high-intent',
  '/api/v1/profiles/a-ana',
  '/api/v1/kpis',
  '/api/v1/alerts',
  '/api/v1/alerts/a-alert-1',
  '/api/v1/alerts/a-alert-1/deliveries',
  '/api/v1/silences',
  '/api/v1/campaigns',
  '/api/v1/campaigns/series',
  '/api/v1/rejected',
  '/api/v1/merges',
  '/api/v1/status',
];

let dir: string;
let warehouse: Warehouse;
let edge: Hono;
let a: BrandCredentials;
let b: BrandCredentials;
const pending = new Map([['brand-a', 4]]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-api-'));
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
  edge = new Hono();
  edge.route(
    '/api',
    createReadApi({
      warehouse,
      brands,
      sessionSecret: SECRET,
      pending: async (brandId) => pending.get(brandId) ?? 0,
      clock: () => NOW,
    }),
  );
});

afterAll(async () => {
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const sessionOf = (brandId: string, at = NOW) => ({
  cookie: `${SESSION_COOKIE}=${createSessionCodec(SECRET, () => at).issue(brandId, `admin@${brandId}`)}`,
});

async function get<T = Record<string, unknown>>(path: string, headers: Record<string, string> = {}) {
  const response = await edge.request(path, { headers });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

describe('read API authentication', () => {
  it.each(ROUTES)('%s answers 401 JSON without a valid credential', async (path) => {
    for (const headers of [
      {},
      bearer('sr_read_unknown'),
      { authorization: `Basic ${Buffer.from(`${a.read_key}:`).toString('base64')}` },
      { authorization: 'Bearer' },
      sessionOf('brand-a', new Date(NOW.getTime() - SESSION_TTL_MS - 1)),
      { cookie: `${SESSION_COOKIE}=${createSessionCodec('x'.repeat(40)).issue('brand-a', 'admin@brand-a')}` },
      sessionOf('brand-deleted'),
    ]) {
      const response = await get<{ error: string }>(path, headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(response.body.error).toEqual(expect.any(String));
    }
  });

  it('a write key is not a read key', async () => {
    expect((await get('/api/v1/status', bearer(a.write_key))).status).toBe(401);
  });

  it('takes a session cookie the same as a read key', async () => {
    const byKey = await get('/api/v1/status', bearer(a.read_key));
    const bySession = await get('/api/v1/status', sessionOf('brand-a'));
    expect(bySession).toEqual(byKey);
  });

  it('serves its OpenAPI document without credentials', async () => {
    const response = await get<{ openapi: string }>('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
  });

  it('answers unknown API paths with JSON 404', async () => {
    const response = await get<{ error: string }>('/api/v1/nothing-here', bearer(a.read_key));
    expect(response.status).toBe(404);
    expect(response.body.error).toMatch(/no route GET \/api\/v1\/nothing-here/);
  });
});

describe('profiles', () => {
  it('looks a profile up by email, case-insensitively, and returns its 360 view', async () => {
    const { status, body } = await get<ProfileView>(
      '/api/v1/profiles/lookup?identifier=email:%20ANA@Example.com',
      bearer(a.read_key),
    );
    expect(status).toBe(200);
    expect(body.profile.profile_id).toBe('a-ana');
    expect(body.profile.brand_id).toBe('brand-a');
  });

  it('looks a profile up by phone written the way people write it', async () => {
    const { status, body } = await get<ProfileView>(
      `/api/v1/profiles/lookup?identifier=${encodeURIComponent('phone:(415) 555-0123')}`,
      bearer(a.read_key),
    );
    expect(status).toBe(200);
    expect(body.profile.profile_id).toBe('a-ana');
  });

  it('follows a merged identifier to the survivor', async () => {
    const { body } = await get<ProfileView>(
      '/api/v1/profiles/lookup?identifier=anonymous_id:anon-a',
      bearer(a.read_key),
    );
    expect(body.profile.profile_id).toBe('a-ana');
  });

  it.each([
    ['identifier=cookie:abc', /"cookie" is not one of/],
    ['identifier=email:nope', /not an email/],
    ['identifier=phone:12', /not a phone number/],
    ['', /identifier is required/],
  ])('answers 400 naming the problem for %j', async (query, problem) => {
    const { status, body } = await get<{ error: string }>(
      `/api/v1/profiles/lookup?${query}`,
      bearer(a.read_key),
    );
    expect(status).toBe(400);
    expect(body.error).toMatch(problem);
  });

  it('answers 404 JSON for an identifier nobody has', async () => {
    const { status, body } = await get<{ error: string }>(
      '/api/v1/profiles/lookup?identifier=email:nobody@example.com',
      bearer(a.read_key),
    );
    expect(status).toBe(404);
    expect(body.error).toMatch(/no profile has email nobody@example.com/);
  });

  it('builds the Customer-360 view: aov, identifiers, merged profiles, their events and merges', async () => {
    const { status, body } = await get<ProfileView>('/api/v1/profiles/a-ana', bearer(a.read_key));
    expect(status).toBe(200);
    // First seen an hour ago: two orders over the 30-day floor of the frequency.
    expect(body.profile).toMatchObject({
      profile_id: 'a-ana',
      orders: 2,
      revenue: 150,
      aov: 75,
      orders_per_month: 2,
    });
    // Its own part is the processor's bookkeeping for an unmerge, not part of the 360 view.
    expect(body.profile).not.toHaveProperty('own');
    expect(body.identifiers).toContainEqual({ type: 'email', value: SHARED_EMAIL });
    expect(body.merged_profiles).toEqual(['a-anon']);
    expect(body.recent_events.map((e) => e.event_id).sort()).toEqual(['a-e1', 'a-e2']);
    expect(body.merge_history.map((m) => m.merge_id)).toEqual(['a-merge-1']);
    expect(body.intent).toMatchObject({ score: 72, level: 'high', top_category: 'shoes' });
    // Half a minute after the score was computed, with a 60 minute half-life.
    expect(body.intent.current_score).toBeCloseTo(72 * 0.5 ** (1.5 / 60), 6);
  });

  it('answers a merged profile id with its survivor', async () => {
    const { body } = await get<ProfileView>('/api/v1/profiles/a-anon', bearer(a.read_key));
    expect(body.profile.profile_id).toBe('a-ana');
  });

  it('lists high-intent profiles as live-list entries, with a bounded limit', async () => {
    const { body } = await get<{ profiles: unknown[] }>(
      '/api/v1/profiles/high-intent?limit=5',
      bearer(a.read_key),
    );
    expect(body.profiles).toEqual([
      {
        profile_id: 'a-ana',
        score: 72,
        level: 'high',
        label: SHARED_EMAIL,
        top_category: 'shoes',
        last_seen: '2026-03-01T10:14:00.000Z',
        scored_at: '2026-03-01T10:14:00.000Z',
        categories: {},
        reasons: [],
        forecast: [],
      },
    ]);
    for (const limit of ['0', '201', 'abc', '1.5', '-1', '']) {
      const response = await get<{ error: string }>(
        `/api/v1/profiles/high-intent?limit=${limit}`,
        bearer(a.read_key),
      );
      expect(response.status, limit).toBe(400);
      expect(response.body.error).toMatch(/limit must be a whole number from 1 to 200/);
    }
  });
});

describe('KPIs, alerts, rejected events, status', () => {
  it('returns the last hour of KPI minutes by default, oldest first', async () => {
    const { body } = await get<{
      from: string;
      to: string;
      minutes: Array<{ minute: string; events: number }>;
    }>('/api/v1/kpis', bearer(a.read_key));
    expect(body.from).toBe('2026-03-01T09:16:00.000Z');
    expect(body.to).toBe('2026-03-01T10:16:00.000Z');
    expect(body.minutes.map((row) => [row.minute, row.events])).toEqual([
      ['2026-03-01T10:13:00.000Z', 11],
      ['2026-03-01T10:14:00.000Z', 13],
    ]);
  });

  it('returns an explicit range', async () => {
    const { body } = await get<{ minutes: Array<{ events: number }> }>(
      '/api/v1/kpis?from=2026-03-01T08:00:00Z&to=2026-03-01T09:00:00Z',
      bearer(a.read_key),
    );
    expect(body.minutes.map((row) => row.events)).toEqual([999]);
  });

  it.each([
    ['from=yesterday', /not an ISO-8601/],
    ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', /from is after to/],
    ['from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', /longer than 31 days/],
  ])('answers 400 for %s', async (query, problem) => {
    const { status, body } = await get<{ error: string }>(`/api/v1/kpis?${query}`, bearer(a.read_key));
    expect(status).toBe(400);
    expect(body.error).toMatch(problem);
  });

  it('lists alerts and rejected events', async () => {
    const alerts = await get<{ alerts: Array<{ alert_id: string }> }>('/api/v1/alerts', bearer(a.read_key));
    // Most recently changed first, every state.
    expect(alerts.body.alerts.map((alert) => alert.alert_id)).toEqual([
      'a-alert-3',
      'a-alert-1',
      'a-alert-2',
    ]);
    const rejected = await get<{
      rejected: Array<{ rejection_id: string; reason: string; payload: string }>;
    }>('/api/v1/rejected', bearer(a.read_key));
    expect(rejected.body.rejected).toEqual([
      expect.objectContaining({
        rejection_id: 'a-rej-1',
        reason: 'invalid_schema',
        payload: expect.stringContaining('brand-a'),
      }),
    ]);
  });

  it('lists the merge log, filtered by action, and names a bad filter or limit', async () => {
    const all = await get<{ merges: Array<{ merge_id: string; action: string }> }>(
      '/api/v1/merges',
      bearer(a.read_key),
    );
    expect(all.status).toBe(200);
    expect(all.body.merges.map((m) => [m.merge_id, m.action])).toEqual([['a-merge-1', 'merge']]);
    const filtered = await get<{ merges: unknown[] }>(
      '/api/v1/merges?action=refuse,demote',
      bearer(a.read_key),
    );
    expect(filtered.body.merges).toEqual([]);
    const bad = await get<{ error: string }>('/api/v1/merges?action=merge,explode', bearer(a.read_key));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe(
      'action "explode" is not one of merge, refuse, review, demote, share, unmerge, approve, reject',
    );
    const badLimit = await get<{ error: string }>('/api/v1/merges?limit=501', bearer(a.read_key));
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error).toBe('limit must be a whole number from 1 to 500');
  });

  it('counts accepted as processed + duplicates + pending', async () => {
    const { body } = await get('/api/v1/status', bearer(a.read_key));
    expect(body).toEqual({ accepted: 47, processed: 40, rejected: 1, duplicates: 3, pending: 4 });
  });
});

describe('Customer-360 predictions', () => {
  const runAt = '2026-03-01T06:00:00.000Z';
  beforeAll(async () => {
    await warehouse.savePredictionRun(
      predictionRunRecord('brand-a', 'a-run-1', runAt, {
        clv_refused: null,
        segments: [
          {
            name: 'champions',
            size: 1,
            share: 1,
            centroid: { recency: 9.6, frequency: 4.2, monetary: 310, tenure: 200 },
          },
        ],
      }),
    );
    await warehouse.savePredictions([
      predictionRecord('brand-a', 'a-ana', runAt, {
        run_id: 'a-run-1',
        orders: 2,
        revenue: 150,
        recency_days: 12,
        churn_probability: 0.2,
        p_alive: 0.9,
        expected_purchases_12m: 1.25,
        predicted_value_12m: 100,
        recommendations: [
          {
            product_id: 'socks',
            reason: 'bought_together',
            because: ['trail-shoe'],
            score: 0.4,
            labels: { socks: 'Wool socks', 'trail-shoe': 'Trail shoe' },
          },
        ],
      }),
    ]);
    // Brand B stores a row under A's profile id and a newer failed run: neither may reach A.
    await warehouse.savePredictionRun(
      predictionRunRecord('brand-b', 'b-run-1', '2026-03-01T09:00:00.000Z', {
        status: 'failed',
        error: 'b-boom',
      }),
    );
    await warehouse.savePredictions([
      predictionRecord('brand-b', 'a-ana', runAt, { run_id: 'b-run-1', segment: 'b-secret-segment' }),
      predictionRecord('brand-b', 'b-bea', runAt, { run_id: 'b-run-1', segment: 'new' }),
    ]);
  });

  it('shows the scores of the run that scored the profile, with their reasons', async () => {
    const { body } = await get<ProfileView>('/api/v1/profiles/a-anon', bearer(a.read_key));
    const { predictions } = body;
    expect(predictions.scores).toMatchObject({
      profile_id: 'a-ana',
      run_id: 'a-run-1',
      segment: 'champions',
      churn_probability: 0.2,
      predicted_value_12m: 100,
    });
    expect(predictions.latest_run).toMatchObject({ run_id: 'a-run-1', status: 'ok' });
    expect(predictions.scored_by?.run_id).toBe('a-run-1');
    expect(predictions.segment_typical).toMatchObject({ recency: 9.6, frequency: 4.2 });
    expect(predictions.reasons?.rfm).toContain('last order 12 days ago');
    expect(predictions.reasons?.segment).toContain(
      'last ordered 10 days ago, has 4.2 orders and spent 310.00',
    );
    expect(predictions.reasons?.churn).toMatch(
      /^20% chance of no order in the next 12 months, from 2 orders/,
    );
    expect(predictions.reasons?.value).toMatch(
      /^1\.25 expected orders in 12 months × 80\.00 expected per order/,
    );
    expect(JSON.stringify(body)).not.toContain('b-secret-segment');
    expect(JSON.stringify(body)).not.toContain('b-run-1');
  });

  it('brand B sees its own run and scores, never A’s', async () => {
    const { body } = await get<ProfileView>('/api/v1/profiles/b-bea', bearer(b.read_key));
    expect(body.predictions.scores).toMatchObject({ profile_id: 'b-bea', segment: 'new' });
    expect(body.predictions.latest_run).toMatchObject({
      run_id: 'b-run-1',
      status: 'failed',
      error: 'b-boom',
    });
    // The run that scored it is B's only run; A's is never looked at.
    expect(body.predictions.scored_by?.run_id).toBe('b-run-1');
    expect(JSON.stringify(body)).not.toContain('a-run-1');
  });

  it('after a newer run that failed, keeps the scores, reasons and typical member of the run that scored it', async () => {
    await warehouse.savePredictionRun(
      predictionRunRecord('brand-a', 'a-run-2', '2026-03-01T08:00:00.000Z', {
        status: 'failed',
        error: 'a-boom',
      }),
    );
    const { body } = await get<ProfileView>('/api/v1/profiles/a-ana', bearer(a.read_key));
    expect(body.predictions.latest_run).toMatchObject({
      run_id: 'a-run-2',
      status: 'failed',
      error: 'a-boom',
    });
    expect(body.predictions.scored_by?.run_id).toBe('a-run-1');
    expect(body.predictions.segment_typical).toMatchObject({ recency: 9.6 });
    expect(body.predictions.reasons?.segment).toContain('last ordered 10 days ago');
  });
});

describe('tenancy: brand B sees nothing of brand A', () => {
  const credentialsOfB = () => [bearer(b.read_key), sessionOf('brand-b')];

  it('gets its own profile for the email both brands know', async () => {
    for (const headers of credentialsOfB()) {
      const { body } = await get<ProfileView>(
        `/api/v1/profiles/lookup?identifier=email:${SHARED_EMAIL}`,
        headers,
      );
      expect(body.profile.profile_id).toBe('b-bea');
      expect(body.recent_events.every((e) => e.brand_id === 'brand-b')).toBe(true);
    }
  });

  it('gets 404 for identifiers and profile ids only A has', async () => {
    for (const headers of credentialsOfB()) {
      expect((await get('/api/v1/profiles/lookup?identifier=phone:+14155550123', headers)).status).toBe(404);
      expect((await get('/api/v1/profiles/lookup?identifier=anonymous_id:anon-a', headers)).status).toBe(404);
      for (const id of ['a-ana', 'a-anon', 'a-visitor']) {
        expect((await get(`/api/v1/profiles/${id}`, headers)).status).toBe(404);
      }
    }
  });

  it('reads only its own lists and numbers, whatever the query names', async () => {
    for (const headers of credentialsOfB()) {
      const highIntent = await get<{ profiles: Array<{ profile_id: string }> }>(
        '/api/v1/profiles/high-intent?brand_id=brand-a',
        headers,
      );
      expect(highIntent.body.profiles.map((p) => p.profile_id)).toEqual(['b-bea']);
      const kpis = await get<{ minutes: Array<{ brand_id: string; events: number }> }>(
        '/api/v1/kpis?from=2026-03-01T08:00:00Z&to=2026-03-01T11:00:00Z&brand_id=brand-a',
        headers,
      );
      expect(kpis.body.minutes).toEqual([expect.objectContaining({ brand_id: 'brand-b', events: 5 })]);
      const alerts = await get<{ alerts: Array<{ alert_id: string }> }>('/api/v1/alerts', headers);
      expect(alerts.body.alerts.map((alert) => alert.alert_id)).toEqual(['b-alert-1']);
      const rejected = await get<{ rejected: Array<{ rejection_id: string }> }>('/api/v1/rejected', headers);
      expect(rejected.body.rejected.map((r) => r.rejection_id)).toEqual(['b-rej-1']);
      const merges = await get<{ merges: unknown[] }>('/api/v1/merges?brand_id=brand-a', headers);
      expect(merges.body.merges).toEqual([]);
      const status = await get('/api/v1/status', headers);
      expect(status.body).toEqual({ accepted: 1, processed: 1, rejected: 1, duplicates: 0, pending: 0 });
    }
  });
});
