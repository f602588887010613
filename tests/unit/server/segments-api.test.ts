// The Segments read API (GET /api/v1/segments, /api/v1/segments/export) and the export stream
// over the real DuckDB warehouse with stored prediction runs: runs newest first, the newest ok
// run's members as CSV in keyset pages (formula-looking cells neutralized), refusals naming the
// problem, and tenancy: brand B's key or session sees none of brand A's runs or members.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrandRegistry } from '../../../ingest/brands/registry';
import type { BrandCredentials } from '../../../ingest/brands/types';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../../ingest/warehouse/types';
import { createReadApi } from '../../../src/lib/server/api/app';
import type { SegmentRunsBody } from '../../../src/lib/server/api/responses';
import {
  SEGMENT_EXPORT_COLUMNS,
  exportSegmentCsv,
  resolveSegmentExport,
} from '../../../src/lib/server/segments-export';
import { SESSION_COOKIE, createSessionCodec } from '../../../src/lib/server/session';
import {
  HOSTILE_PROFILE,
  HOSTILE_SEGMENT,
  memberRecord,
  runRecord,
  seedSegmentScenario,
  type SegmentScenario,
} from '../../support/segment-scenario';

const NOW = new Date('2026-03-02T12:00:00Z');
const SECRET = 'segments-api-test-secret-0123456789abcdef';
const A = 'brand-a';
const B = 'brand-b';
const EMPTY = 'brand-empty';
const REFUSED = 'brand-refused';
const FAILED = 'brand-failed';

let dir: string;
let warehouse: Warehouse;
let edge: Hono;
const keys: Record<string, BrandCredentials> = {};
let scenario: SegmentScenario;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segments-api-'));
  const brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
  for (const id of [A, B, EMPTY, REFUSED, FAILED]) keys[id] = await brands.create(id, id);
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  await warehouse.migrate();
  scenario = await seedSegmentScenario(warehouse, A, NOW);
  // Brand B: the same segment names and a run id of brand A's, its own member.
  await warehouse.savePredictionRun(
    runRecord(B, `${A}-run-3`, '2026-03-02T11:00:00.000Z', {
      segments: [{ name: 'champions', size: 1, share: 1, centroid: { recency: 2 } }],
    }),
  );
  await warehouse.savePredictions([
    memberRecord(B, 'b-secret', '2026-03-02T11:00:30.000Z', { run_id: `${A}-run-3` }),
  ]);
  await warehouse.savePredictionRun(
    runRecord(REFUSED, 'r-1', '2026-03-02T11:00:00.000Z', {
      status: 'not_enough_buyers',
      error: 'not enough buyers (n = 3 < 20)',
      k: null,
      silhouette: null,
      silhouettes: [],
      segments: [],
    }),
  );
  // An ok run, then a failed one: the export still reads the ok run.
  await warehouse.savePredictionRun(runRecord(FAILED, 'f-1', '2026-03-01T11:00:00.000Z'));
  await warehouse.savePredictions([
    memberRecord(FAILED, 'f-member', '2026-03-01T11:00:30.000Z', { run_id: 'f-1' }),
  ]);
  await warehouse.savePredictionRun(
    runRecord(FAILED, 'f-2', '2026-03-02T11:00:00.000Z', {
      status: 'failed',
      error: 'worker exited with code 1',
      segments: [],
    }),
  );
  edge = new Hono();
  edge.route(
    '/api',
    createReadApi({ warehouse, brands, sessionSecret: SECRET, pending: async () => 0, clock: () => NOW }),
  );
});

afterAll(async () => {
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
});

const bearer = (brand: string) => ({ authorization: `Bearer ${keys[brand]!.read_key}` });
const sessionOf = (brand: string) => ({
  cookie: `${SESSION_COOKIE}=${createSessionCodec(SECRET, () => NOW).issue(brand, `admin@${brand}`)}`,
});

async function get(path: string, headers: Record<string, string>) {
  const response = await edge.request(path, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const rowsOf = (csv: string) => parse(csv, { columns: true }) as Array<Record<string, string>>;
/** A profile id as the CSV writes it: a formula-looking one behind a single quote. */
const exported = (id: string) => (id === HOSTILE_PROFILE ? `'${id}` : id);

describe('GET /api/v1/segments', () => {
  it("lists the brand's runs newest first with segments, silhouettes and drift", async () => {
    const response = await get('/api/v1/segments', bearer(A));
    expect(response.status).toBe(200);
    const body = JSON.parse(response.text) as SegmentRunsBody;
    expect(body.runs).toEqual(scenario.runs);
    expect(body.runs[0]!.drift?.previous_run_id).toBe(`${A}-run-2`);
    const limited = JSON.parse((await get('/api/v1/segments?limit=1', sessionOf(A))).text) as SegmentRunsBody;
    expect(limited.runs.map((r) => r.run_id)).toEqual([`${A}-run-3`]);
  });

  it.each(['0', '-1', '101', '1.5', 'ten', '', '1e2', "1' OR '1'='1"])('refuses limit=%j', async (limit) => {
    const response = await get(`/api/v1/segments?limit=${encodeURIComponent(limit)}`, bearer(A));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({ error: 'limit must be a whole number from 1 to 100' });
  });

  it('shows brand B only its own run, by key and by session, and a brand without runs none', async () => {
    for (const headers of [bearer(B), sessionOf(B)]) {
      const body = JSON.parse((await get('/api/v1/segments', headers)).text) as SegmentRunsBody;
      expect(body.runs.map((r) => [r.brand_id, r.run_id])).toEqual([[B, `${A}-run-3`]]);
      expect(JSON.stringify(body)).not.toContain(HOSTILE_SEGMENT);
    }
    expect(JSON.parse((await get('/api/v1/segments', bearer(EMPTY))).text)).toEqual({ runs: [] });
    expect((await get('/api/v1/segments', {})).status).toBe(401);
  });
});

describe('GET /api/v1/segments/export', () => {
  it('exports one segment of the newest ok run as CSV, each row naming the run', async () => {
    const response = await get('/api/v1/segments/export?segment=at%20risk', bearer(A));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="segment-${A}-at_risk-${A}-run-3-2026-03-02.csv"`,
    );
    expect(response.text.split('\r\n')[0]).toBe(SEGMENT_EXPORT_COLUMNS.map(([name]) => name).join(','));
    const rows = rowsOf(response.text);
    expect(rows.map((r) => r.profile_id)).toEqual([`${A}-r1`, `${A}-r2`, `${A}-r3`]);
    const r1 = scenario.members.find((m) => m.profile_id === `${A}-r1`)!;
    expect(rows[0]).toEqual({
      profile_id: r1.profile_id,
      segment: 'at risk',
      orders: String(r1.orders),
      revenue: String(r1.revenue),
      recency_days: String(r1.recency_days),
      r: '5',
      f: '4',
      m: '3',
      churn_probability: String(r1.churn_probability),
      p_alive: '0.75',
      expected_purchases_12m: '1.5',
      predicted_value_12m: String(r1.predicted_value_12m),
      recommendations: `sku'${A}-r1`,
      // Named as its orders named it (the shared test record's label).
      recommendation_names: `Name of '${A}-r1`,
      run_id: `${A}-run-3`,
      computed_at: r1.computed_at,
    });
  });

  it("exports every member of the run without a segment, not an older run's stale row", async () => {
    for (const path of ['/api/v1/segments/export', '/api/v1/segments/export?segment=']) {
      const rows = rowsOf((await get(path, sessionOf(A))).text);
      expect(rows.map((r) => r.profile_id)).toEqual(scenario.members.map((m) => exported(m.profile_id)));
      expect(rows.map((r) => r.profile_id)).not.toContain(`${A}-left`);
      const noOrders = rows.find((r) => r.segment === 'no orders')!;
      expect([noOrders.r, noOrders.churn_probability, noOrders.predicted_value_12m]).toEqual(['', '', '']);
    }
  });

  it('neutralizes a profile id and a segment name a spreadsheet would run', async () => {
    const response = await get(
      `/api/v1/segments/export?segment=${encodeURIComponent(HOSTILE_SEGMENT)}`,
      bearer(A),
    );
    expect(response.status).toBe(200);
    const rows = rowsOf(response.text);
    expect(rows.map((r) => [r.profile_id, r.segment])).toEqual([
      [`'${HOSTILE_PROFILE}`, `'${HOSTILE_SEGMENT}`],
    ]);
    expect(response.headers.get('content-disposition')).toMatch(/filename="segment-brand-a-_SUM_1_1_-/);
  });

  it('refuses an unknown segment naming it and the valid names', async () => {
    const hostile = `champions'; DROP TABLE customer_predictions; --${'x'.repeat(300)}`;
    for (const name of ['vips', 'Champions', hostile]) {
      const response = await get(`/api/v1/segments/export?segment=${encodeURIComponent(name)}`, bearer(A));
      expect(response.status).toBe(400);
      const { error } = JSON.parse(response.text) as { error: string };
      expect(error).toContain(`unknown segment ${JSON.stringify(name.slice(0, 200)).slice(0, -1)}`);
      expect(error).toContain(
        `run ${A}-run-3 has: "champions", "at risk", "occasional", "${HOSTILE_SEGMENT}", "no orders"`,
      );
      expect(error.length).toBeLessThan(400);
    }
  });

  it('answers 404 saying why when the brand has no ok run', async () => {
    const none = await get('/api/v1/segments/export', bearer(EMPTY));
    expect(none.status).toBe(404);
    expect(JSON.parse(none.text).error).toMatch(/^no prediction run yet for this brand/);
    const refused = await get('/api/v1/segments/export?segment=champions', bearer(REFUSED));
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.text).error).toBe(
      'the last prediction run (2026-03-02T11:00:00.000Z) was refused: not enough buyers (n = 3 < 20)',
    );
  });

  it('after a failed run still exports the last ok run', async () => {
    const rows = rowsOf((await get('/api/v1/segments/export', bearer(FAILED))).text);
    expect(rows.map((r) => [r.profile_id, r.run_id])).toEqual([['f-member', 'f-1']]);
  });

  it("gives brand B its own member only, under a run id and segment names that are also A's", async () => {
    for (const headers of [bearer(B), sessionOf(B)]) {
      const response = await get('/api/v1/segments/export?segment=champions', headers);
      expect(rowsOf(response.text).map((r) => r.profile_id)).toEqual(['b-secret']);
      const all = await get('/api/v1/segments/export', headers);
      expect(rowsOf(all.text).map((r) => r.profile_id)).toEqual(['b-secret']);
      expect(all.text).not.toContain(`${A}-c1`);
      // A's segment is unknown to B's run.
      const other = await get('/api/v1/segments/export?segment=at%20risk', headers);
      expect(other.status).toBe(400);
    }
    expect((await get('/api/v1/segments/export', {})).status).toBe(401);
  });
});

describe('exportSegmentCsv', () => {
  it('reads keyset pages that cover every member once, in profile order', async () => {
    const wanted = await resolveSegmentExport(warehouse, A, null);
    if (!wanted.ok) throw new Error(wanted.problem);
    for (const pageSize of [1, 2, 3, 11, 12]) {
      const csv = await new Response(await exportSegmentCsv(warehouse, A, wanted.value, pageSize)).text();
      expect(
        rowsOf(csv).map((r) => r.profile_id),
        `page ${pageSize}`,
      ).toEqual(scenario.members.map((m) => exported(m.profile_id)));
      expect(csv.match(/^profile_id,/gm)).toHaveLength(1);
    }
  });
});
