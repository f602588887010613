// The Integrations page in a real headless Chromium against the real server:
// every source with the URL to paste (built from the public URL), the
// brand's secrets masked until revealed, an event sent through the tracking
// API shown as received, a refused call shown with its reason, and a second
// brand that sees none of it and none of the first brand's secrets.
// Needs `npm run build` first (npm test does it).
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { basicAuth, postJson, waitFor } from '../support/http';
import { screenshotPath, startE2eSystem, type E2eSystem } from './harness';

let system: E2eSystem;
let brandA: BrandCredentials;
let brandB: BrandCredentials;
/** What the server was started with: no PUBLIC_URL, so http://localhost:<port>. */
let publicUrl: string;

beforeAll(async () => {
  system = await startE2eSystem([
    { id: 'int-a', name: 'Shop A' },
    { id: 'int-b', name: 'Shop B' },
  ]);
  brandA = system.brands['int-a']!;
  brandB = system.brands['int-b']!;
  publicUrl = `http://localhost:${new URL(system.baseUrl).port}`;
});

afterAll(async () => {
  await system?.close();
});

const section = (page: Page, source: string): Locator =>
  page.locator(`[data-testid=integration][data-source=${source}]`);

async function openIntegrations(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Integrations', exact: true }).click();
  await page.waitForURL(`${system.baseUrl}/integrations`);
}

describe('integrations page', () => {
  it('tells each source what to paste, shows what arrived and what was refused, per brand', async () => {
    const page = await system.signIn(brandA);
    await openIntegrations(page);

    const expectedUrls: Record<string, string> = {
      track: `${publicUrl}/v1`,
      shopify: `${publicUrl}/webhooks/shopify/int-a`,
      woocommerce: `${publicUrl}/webhooks/woocommerce/int-a`,
      whatsapp: `${publicUrl}/webhooks/whatsapp/int-a`,
      pos: `${publicUrl}/v1/pos/bills`,
      csv: `${publicUrl}/api/v1/imports`,
    };
    for (const [source, url] of Object.entries(expectedUrls)) {
      expect(await section(page, source).locator('[data-testid=integration-url]').innerText()).toBe(url);
    }
    expect(await section(page, 'shopify').innerText()).toContain('orders/create');
    expect(await section(page, 'woocommerce').innerText()).toContain('order.created');
    expect(await section(page, 'whatsapp').innerText()).toContain('A message comes in');
    expect(await section(page, 'track').innerText()).toContain('Nothing received yet');

    // Secrets are masked until revealed.
    const shopify = section(page, 'shopify');
    expect(await shopify.locator('[data-testid=secret]').innerText()).not.toContain(
      brandA.webhook_secrets.shopify,
    );
    await shopify.getByRole('button', { name: 'Reveal' }).click();
    expect(await shopify.locator('[data-testid=secret]').innerText()).toBe(brandA.webhook_secrets.shopify);

    // An event through the tracking API shows as received, and a refused call with its reason.
    await system.send(brandA, [{ type: 'track', userId: 'int-shopper', event: 'Product Viewed' }]);
    const refused = await postJson(
      `${system.baseUrl}/v1/track`,
      { type: 'track', userId: 'int-shopper', properties: { marker: 'int-refused' } },
      { authorization: basicAuth(brandA.write_key) },
    );
    expect(refused.status).toBe(400);
    await waitFor('the tracking API to show one event received', async () => {
      await page.reload();
      const text = await section(page, 'track').locator('[data-testid=integration-status]').innerText();
      return text.includes('1 in the last 24 h') ? text : undefined;
    });
    await waitFor('the refused call among the tracking API’s rejections', async () => {
      await page.reload();
      const rows = await section(page, 'track').locator('[data-testid=integration-rejected]').count();
      return rows === 1 || undefined;
    });
    expect(await section(page, 'shopify').innerText()).toContain('Nothing received yet');
    await page.screenshot({ path: screenshotPath('integrations.png'), fullPage: true });

    // Brand B: its own URLs, none of A's events, rejections or secrets anywhere in the page.
    const pageB = await system.signIn(brandB);
    await openIntegrations(pageB);
    expect(await section(pageB, 'shopify').locator('[data-testid=integration-url]').innerText()).toBe(
      `${publicUrl}/webhooks/shopify/int-b`,
    );
    expect(await section(pageB, 'track').innerText()).toContain('Nothing received yet');
    expect(await pageB.locator('[data-testid=integration-rejected]').count()).toBe(0);
    const html = await pageB.content();
    expect(html).not.toContain('int-a');
    for (const secret of Object.values(brandA.webhook_secrets)) expect(html).not.toContain(secret);
    expect(html).not.toContain(brandA.write_key);
    await section(pageB, 'shopify').getByRole('button', { name: 'Reveal' }).click();
    expect(await section(pageB, 'shopify').locator('[data-testid=secret]').innerText()).toBe(
      brandB.webhook_secrets.shopify,
    );
  });
});
