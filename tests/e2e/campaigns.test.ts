// The Campaigns page end to end in a real headless Chromium against the real
// system: visits tagged with UTM context and an attributed order (tracking
// API) and spend reports (POST /v1/spend) show up live in the table and
// charts, restatements replace figures without a reload, the table sorts and
// filters, a restart of the server is followed by a fresh snapshot with no
// double count, and brand B sees none of it. Needs `npm run build` first.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import type { CampaignSeriesBody, CampaignsBody } from '../../src/lib/server/api/responses';
import { basicAuth, getJson, postJson } from '../support/http';
import { screenshotPath, startE2eSystem, type E2eSystem } from './harness';

let system: E2eSystem;
let brandA: BrandCredentials;
let brandB: BrandCredentials;

beforeAll(async () => {
  system = await startE2eSystem([
    { id: 'e2e-camp-a', name: 'Campaigns A' },
    { id: 'e2e-camp-b', name: 'Campaigns B' },
  ]);
  brandA = system.brands['e2e-camp-a']!;
  brandB = system.brands['e2e-camp-b']!;
});

afterAll(async () => {
  await system?.close();
});

const HOUR_MS = 3_600_000;
const hourStart = () => new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS).toISOString();

async function sendSpend(brand: BrandCredentials, reports: Array<Record<string, unknown>>) {
  const response = await postJson(
    `${system.baseUrl}/v1/spend`,
    { reports },
    { authorization: basicAuth(brand.write_key) },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

const springSale = (cost: number) => ({
  campaign_id: 'spring-sale',
  campaign_name: 'Spring Sale',
  channel: 'facebook',
  period: 'hour',
  period_start: hourStart(),
  impressions: 1000,
  clicks: 50,
  cost,
});

async function openCampaigns(brand: BrandCredentials): Promise<Page> {
  const page = await system.signIn(brand);
  await page.getByRole('navigation').getByRole('link', { name: 'Campaigns', exact: true }).click();
  // Opened without a range, the page moves to today in the browser's zone.
  await page.waitForURL(/\/campaigns\?range=today&from=/);
  await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor();
  return page;
}

const row = (page: Page, campaignId: string, channel: string) =>
  page.locator(`[data-testid=campaign-row][data-campaign-id="${campaignId}"][data-channel="${channel}"]`);
const cell = (page: Page, campaignId: string, channel: string, column: string) =>
  row(page, campaignId, channel).locator(`[data-column=${column}]`);

async function waitForCell(page: Page, campaignId: string, channel: string, column: string, text: string) {
  await page.waitForFunction(
    ({ selector, text }) => document.querySelector(selector)?.textContent?.trim() === text,
    {
      selector: `[data-testid=campaign-row][data-campaign-id="${campaignId}"][data-channel="${channel}"] [data-column=${column}]`,
      text,
    },
    { timeout: 20_000 },
  );
}

describe('campaigns', () => {
  it('shows spend against attributed revenue live, sorts, filters and charts a campaign', async () => {
    const page = await openCampaigns(brandA);
    await page.locator('[data-testid=no-campaigns]').waitFor();
    await page.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = 'no reload'));

    // A shopper arrives from a Facebook ad and buys; the brand reports what the ads cost.
    const shopper = { userId: 'camp-shopper', anonymousId: 'camp-anon' };
    const campaign = { source: 'fb', medium: 'cpc', id: 'spring-sale', name: 'Spring Sale' };
    await system.send(brandA, [
      { type: 'page', ...shopper, name: 'Landing', properties: { path: '/spring' }, context: { campaign } },
      {
        type: 'track',
        ...shopper,
        event: 'Order Completed',
        properties: { order_id: 'camp-o1', revenue: 120, currency: 'EUR' },
      },
    ]);
    await sendSpend(brandA, [
      springSale(40),
      {
        campaign_id: 'tiktok-test',
        channel: 'tiktok',
        period: 'hour',
        period_start: hourStart(),
        impressions: 500,
        clicks: 10,
        cost: 25,
      },
    ]);

    await waitForCell(page, 'spring-sale', 'facebook', 'revenue', '120.00');
    await waitForCell(page, 'spring-sale', 'facebook', 'cost', '40.00');
    expect(await cell(page, 'spring-sale', 'facebook', 'roas').innerText()).toBe('3.00×');
    expect(await cell(page, 'spring-sale', 'facebook', 'orders').innerText()).toBe('1');
    expect(await cell(page, 'spring-sale', 'facebook', 'visits').innerText()).toBe('1');
    expect(await cell(page, 'spring-sale', 'facebook', 'ctr').innerText()).toBe('5%');
    expect(await cell(page, 'spring-sale', 'facebook', 'cpa').innerText()).toBe('40.00');
    expect(await row(page, 'spring-sale', 'facebook').innerText()).toContain('Spring Sale');
    await waitForCell(page, 'tiktok-test', 'tiktok', 'cost', '25.00');
    expect(await cell(page, 'tiktok-test', 'tiktok', 'roi').innerText()).toBe('-100%');
    const totals = page.locator('[data-testid=campaign-totals]');
    expect(await totals.locator('[data-column=cost]').innerText()).toBe('65.00');
    expect(await totals.locator('[data-column=revenue]').innerText()).toBe('120.00');

    // Highest spend first; Spend again sorts ascending.
    const ids = () =>
      page
        .locator('[data-testid=campaign-row]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-campaign-id')));
    expect(await ids()).toEqual(['spring-sale', 'tiktok-test']);
    const spendHeader = page.getByRole('columnheader', { name: /Spend/ });
    await spendHeader.getByRole('button').click();
    await expect(spendHeader.getAttribute('aria-sort')).resolves.toBe('ascending');
    expect(await ids()).toEqual(['tiktok-test', 'spring-sale']);

    // Filtered by channel, with the totals of what is shown.
    await page.getByLabel('Channel').selectOption('tiktok');
    expect(await ids()).toEqual(['tiktok-test']);
    expect(await totals.locator('[data-column=cost]').innerText()).toBe('25.00');
    await page.getByLabel('Channel').selectOption('');

    // The brand's charts, then the chosen campaign's.
    expect(await page.locator('[data-testid=campaign-chart]').count()).toBe(2);
    await page.getByRole('button', { name: 'Spring Sale' }).click();
    await page.locator('[data-testid=campaign-chart]', { hasText: 'Spring Sale: ROAS' }).waitFor();
    expect(await page.locator('[data-testid=campaign-chart]').count()).toBe(4);

    // A restatement replaces the hour's figures, live.
    await sendSpend(brandA, [springSale(60)]);
    await waitForCell(page, 'spring-sale', 'facebook', 'cost', '60.00');
    expect(await cell(page, 'spring-sale', 'facebook', 'roas').innerText()).toBe('2.00×');
    expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe(
      'no reload',
    );
    await page.screenshot({ path: screenshotPath('campaigns.png'), fullPage: true });

    // Other ranges keep the figures.
    await page.getByRole('button', { name: '7 days' }).click();
    await page.waitForURL(/range=7d/);
    await waitForCell(page, 'spring-sale', 'facebook', 'cost', '60.00');
    await page.context().close();
  });

  it('reads the same figures from the read API, and brand B reads none', async () => {
    const own = await getJson(`${system.baseUrl}/api/v1/campaigns`, brandA.read_key);
    expect(own.status).toBe(200);
    const body = own.body as CampaignsBody;
    expect(body.campaigns.find((r) => r.campaign_id === 'spring-sale')).toMatchObject({
      channel: 'facebook',
      cost: 60,
      revenue: 120,
      orders: 1,
      roas: 2,
    });
    const series = await getJson(
      `${system.baseUrl}/api/v1/campaigns/series?campaign_id=spring-sale&bucket=hour`,
      brandA.read_key,
    );
    const points = (series.body as CampaignSeriesBody).points;
    expect(points.reduce((sum, point) => sum + point.revenue, 0)).toBe(120);

    const other = await getJson(`${system.baseUrl}/api/v1/campaigns`, brandB.read_key);
    expect((other.body as CampaignsBody).campaigns).toEqual([]);
    const pageB = await openCampaigns(brandB);
    await pageB.locator('[data-testid=no-campaigns]').waitFor();
    await pageB.context().close();
  });

  it('after a server restart, reconnects to a fresh snapshot: nothing counted twice, live again', async () => {
    const page = await openCampaigns(brandA);
    await waitForCell(page, 'spring-sale', 'facebook', 'cost', '60.00');
    await system.stopServer();
    await page
      .locator('[data-testid=connection]', { hasText: /Connecting|Offline/ })
      .waitFor({ timeout: 30_000 });
    await system.startServer();
    await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor({ timeout: 60_000 });
    await waitForCell(page, 'spring-sale', 'facebook', 'revenue', '120.00');
    expect(await cell(page, 'spring-sale', 'facebook', 'cost').innerText()).toBe('60.00');
    await sendSpend(brandA, [springSale(80)]);
    await waitForCell(page, 'spring-sale', 'facebook', 'cost', '80.00');
    expect(await cell(page, 'spring-sale', 'facebook', 'revenue').innerText()).toBe('120.00');
    await page.context().close();
  }, 180_000);
});
