// The Segments page in a real headless Chromium against the real system: brand A's stored runs
// (three a day apart, seeded into the server's warehouse while it is stopped) show as the newest
// run's segments with their typical member, k and silhouettes, the sizes chart with its table,
// the drift and its largest moves, a segment's members linking to their profiles, and CSV
// downloads of a segment and of everyone (formula-looking cells neutralized). Brand B sees none
// of it, by page, download or read API; then B's shoppers order and the scheduled run, when it
// finishes, shows on B's open page without a reload. Needs `npm run build` first.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { createDuckDbWarehouse } from '../../ingest/warehouse/duckdb/index';
import type { SegmentRunsBody } from '../../src/lib/server/api/responses';
import { getJson, waitFor } from '../support/http';
import {
  HOSTILE_PROFILE,
  HOSTILE_SEGMENT,
  seedSegmentScenario,
  type SegmentScenario,
} from '../support/segment-scenario';
import { screenshotPath, startE2eSystem, type E2eSystem } from './harness';

const A = 'e2e-seg-a';
const B = 'e2e-seg-b';
/** More members than a page (50) in one segment and in everyone: the lists page by profile id. */
const OCCASIONAL = 53;

let system: E2eSystem;
let brandA: BrandCredentials;
let brandB: BrandCredentials;
let scenario: SegmentScenario;

beforeAll(async () => {
  system = await startE2eSystem([
    { id: A, name: 'Segments A' },
    { id: B, name: 'Segments B' },
  ]);
  brandA = system.brands[A]!;
  brandB = system.brands[B]!;
  // The embedded warehouse is one process's file: write A's runs while the server is stopped.
  await system.stopServer();
  // The stopped server's process lets go of the file's lock a moment after it exits.
  const warehouse = await waitFor(
    "the stopped server's warehouse lock",
    () => createDuckDbWarehouse({ path: join(system.dataDir, 'warehouse.duckdb') }),
    30_000,
  );
  try {
    await warehouse.migrate();
    scenario = await seedSegmentScenario(warehouse, A, new Date(), OCCASIONAL);
  } finally {
    await warehouse.close();
  }
  await system.startServer();
});

afterAll(async () => {
  await system?.close();
});

async function openSegments(brand: BrandCredentials): Promise<Page> {
  const page = await system.signIn(brand);
  await page.getByRole('navigation').getByRole('link', { name: 'Segments', exact: true }).click();
  await page.waitForURL(/\/segments$/);
  await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor();
  return page;
}

async function download(
  page: Page,
  testid: string,
): Promise<{ name: string; rows: Record<string, string>[] }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  const rows = parse(await readFile((await file.path())!, 'utf8'), { columns: true }) as Record<
    string,
    string
  >[];
  return { name: file.suggestedFilename(), rows };
}

const texts = (page: Page, selector: string) => page.locator(selector).allInnerTexts();

describe('segments page', () => {
  let page: Page;

  it("shows the newest run's segments, k, silhouettes, sizes over time and drift", async () => {
    page = await openSegments(brandA);
    const newest = scenario.runs[0]!;
    expect(await page.locator('[data-testid=segments-run] h2').innerText()).toBe(`Run ${newest.run_id}`);
    const rows = page.locator('[data-testid=segment-row]');
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-segment')))).toEqual(
      newest.segments.map((s) => s.name),
    );
    expect(await texts(page, '[data-testid=segment-size]')).toEqual(['4', '3', '53', '1', '1']);
    const header = await page.locator('[data-testid=segments-table] thead').innerText();
    for (const unit of [
      'days since last order',
      'orders',
      'revenue',
      'events in 30 days',
      'share of 30-day events',
    ])
      expect(header).toContain(unit);
    // The champions' typical member: recency 6 days, 7.5 orders, 640.25 spent; "no orders" has none.
    const champions = await page.locator('[data-segment=champions]').innerText();
    expect(champions).toMatch(/champions\s+4\s+6\.5%\s+6\s+7\.5\s+640\.25\s+206/);
    expect(await page.locator('[data-segment="no orders"]').innerText()).toMatch(/no orders\s+1\s+1\.6%\s+—/);
    expect(await page.locator('[data-testid=segments-k]').innerText()).toBe('k = 4, silhouette 0.520');
    expect(await page.locator('[data-testid=segments-silhouettes]').innerText()).toMatch(
      /k\s+3\s+4\s+5\s+silhouette\s+0\.480\s+0\.520\s+0\.430/,
    );

    // Five segments over three runs: a dot each, and the same figures as a table, newest first.
    const chart = page.locator('[data-testid=segments-chart]');
    expect(await chart.locator('circle').count()).toBe(15);
    expect(await chart.locator('svg').getAttribute('aria-label')).toContain('Segment sizes over 3 runs');
    await page.getByText('Sizes per run as a table').click();
    expect(
      await page
        .locator('[data-testid=history-row]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-run-id'))),
    ).toEqual(scenario.runs.map((r) => r.run_id));
    // Columns: the newest run's largest first (occasional, champions, at risk, @SUM(1,1), no orders), all.
    expect(await page.locator(`[data-run-id="${A}-run-1"]`).innerText()).toMatch(/\s4\s+2\s+1\s+0\s+1\s+8$/);

    await page.screenshot({ path: screenshotPath('segments.png'), fullPage: true });
    expect(await texts(page, '[data-testid=drift-counts] dd')).toEqual(['5', '4', '2', '1']);
    expect(await texts(page, '[data-testid=drift-move]')).toEqual([
      '(entered) → champions: 2',
      'occasional → at risk: 2',
      'at risk → champions: 1',
      'occasional → (left): 1',
      `occasional → ${HOSTILE_SEGMENT}: 1`,
    ]);
  });

  it("lists a segment's members with RFM, churn and value, linking to their profiles", async () => {
    await page.click('[data-segment="at risk"] [data-testid=segment-link]');
    await page.waitForURL((url) => url.searchParams.get('segment') === 'at risk');
    await page.locator('[data-testid=members-table]').waitFor();
    const expected = scenario.members.filter((m) => m.segment === 'at risk');
    expect(
      await page
        .locator('[data-testid=member-row]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-profile-id'))),
    ).toEqual(expected.map((m) => m.profile_id));
    expect(await page.locator('[data-testid=member-link]').first().getAttribute('href')).toBe(
      `/profiles/${expected[0]!.profile_id}`,
    );
    expect(await texts(page, '[data-testid=member-rfm]')).toEqual(['5 · 4 · 3', '5 · 4 · 3', '5 · 4 · 3']);
    expect(await texts(page, '[data-testid=member-churn]')).toEqual(['25%', '30%', '35%']);
    expect(await texts(page, '[data-testid=member-value]')).toEqual(['140.00', '150.00', '160.00']);
    expect(await page.locator('[data-testid=members-next]').count()).toBe(0);

    const segment = await download(page, 'segments-export');
    expect(segment.name).toMatch(new RegExp(`^segment-${A}-at_risk-${A}-run-3-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
    expect(segment.rows.map((r) => [r.profile_id, r.segment, r.run_id, r.churn_probability])).toEqual(
      expected.map((m) => [m.profile_id, 'at risk', `${A}-run-3`, String(m.churn_probability)]),
    );
  });

  it('lists and exports everyone, formula-looking cells neutralized, and names an unknown segment', async () => {
    await page.goto(`${system.baseUrl}/segments`);
    await page.click('[data-testid=segments-all]');
    await page.waitForURL((url) => url.searchParams.get('all') === '1');
    await page.locator('[data-testid=members-table]').waitFor();
    const listed = () =>
      page
        .locator('[data-testid=member-row]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-profile-id')));
    const everyone = scenario.members.map((m) => m.profile_id);
    expect(await listed()).toEqual(everyone.slice(0, 50));
    expect(await page.locator('[data-testid=members-first]').count()).toBe(0);
    await page.click('[data-testid=members-next]');
    await page.waitForURL((url) => url.searchParams.get('after') === everyone[49]);
    await expect.poll(listed).toEqual(everyone.slice(50));
    expect(await page.locator('[data-testid=members-next]').count()).toBe(0);
    await page.locator('[data-testid=members-first]').waitFor();
    expect(await page.locator(`[data-profile-id="${A}-left"]`).count()).toBe(0);
    const all = await download(page, 'segments-export-all');
    expect(all.rows.map((r) => r.profile_id)).toEqual(
      scenario.members.map((m) => (m.profile_id === HOSTILE_PROFILE ? `'${HOSTILE_PROFILE}` : m.profile_id)),
    );
    expect(all.rows.find((r) => r.profile_id?.startsWith("'="))?.segment).toBe(`'${HOSTILE_SEGMENT}`);

    await page.goto(`${system.baseUrl}/segments?segment=${encodeURIComponent('vip"s')}`);
    expect(await page.locator('[data-testid=segments-problem]').innerText()).toBe(
      `unknown segment "vip\\"s"; run ${A}-run-3 has: "champions", "at risk", "occasional", "${HOSTILE_SEGMENT}", "no orders"`,
    );
    const bad = await page.request.get(`${system.baseUrl}/segments/export?segment=vips`);
    expect(bad.status()).toBe(400);
  });

  it("shows brand B none of A's runs or members, then B's own run live when it finishes", async () => {
    const other = await openSegments(brandB);
    expect(await other.locator('[data-testid=segments-table]').count()).toBe(0);
    // Before any order B's first run is refused (or not yet run): the page says why.
    expect(await other.locator('[data-testid=segments-notice]').innerText()).toMatch(
      /^(No prediction run yet for this brand: |The last prediction run \(.+\) was refused: not enough buyers \(n = 0 < 20\)\.)/,
    );
    for (const path of [
      '/segments?all=1',
      '/segments?segment=champions',
      `/segments?segment=${encodeURIComponent(HOSTILE_SEGMENT)}`,
    ]) {
      const html = await (await other.request.get(`${system.baseUrl}${path}`)).text();
      expect(html, path).not.toContain(`${A}-c1`);
      expect(html, path).not.toContain(`${A}-run-3`);
    }
    const exported = await other.request.get(`${system.baseUrl}/segments/export`);
    expect(exported.status()).toBe(404);
    expect(await exported.text()).not.toContain(A);
    const api = await getJson(`${system.baseUrl}/api/v1/segments`, brandB.read_key);
    expect(api.status).toBe(200);
    expect((api.body as SegmentRunsBody).runs.every((r) => r.brand_id === B)).toBe(true);
    const apiExport = await fetch(`${system.baseUrl}/api/v1/segments/export`, {
      headers: { authorization: `Bearer ${brandB.read_key}` },
    });
    expect(apiExport.status).toBe(404);

    // 24 buyers with different order counts and spend: enough for the scheduled run, which
    // rechecks a refused brand every minute; its 'predictions' event reloads the open page.
    await system.send(
      brandB,
      Array.from({ length: 24 }, (_, i) =>
        Array.from({ length: 1 + (i % 4) }, (_, j) => ({
          type: 'track',
          userId: `seg-b-${i}`,
          event: 'Order Completed',
          properties: {
            order_id: `seg-b-${i}-${j}`,
            revenue: 20 + 15 * i + j,
            products: [{ product_id: `p${j}`, price: 20 + 15 * i + j, quantity: 1 }],
          },
        })),
      ).flat(),
    );
    await other
      .locator('[data-testid=segments-live]', { hasText: 'buyers in' })
      .waitFor({ timeout: 170_000 });
    await other.locator('[data-testid=segments-table]').waitFor();
    expect(await other.locator('[data-testid=segments-notice]').count()).toBe(0);
    const runs = (await getJson(`${system.baseUrl}/api/v1/segments`, brandB.read_key))
      .body as SegmentRunsBody;
    const ok = runs.runs[0]!;
    expect(ok).toMatchObject({ brand_id: B, status: 'ok', buyers: 24 });
    expect(await other.locator('[data-testid=segments-run] h2').innerText()).toBe(`Run ${ok.run_id}`);
    const sizes = (await texts(other, '[data-testid=segment-size]')).map(Number);
    expect(sizes).toEqual(ok.segments.map((s) => s.size));
    expect(sizes.reduce((sum, n) => sum + n, 0)).toBe(24);
    // A's page still shows A's run only.
    await page.goto(`${system.baseUrl}/segments`);
    expect(await page.locator('[data-testid=segments-run] h2').innerText()).toBe(`Run ${A}-run-3`);
  }, 240_000);
});
