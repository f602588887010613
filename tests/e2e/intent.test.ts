// The High-intent page in a real headless Chromium against the real server:
// a shopper who crosses into High in a category appears live with the reason,
// the level and category filters (in the URL) work, the shopper leaves live on
// buying, and another brand's session sees nothing of it. Needs `npm run build`
// first (npm test does it).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { screenshotPath, startE2eSystem, type E2eSystem } from './harness';

let system: E2eSystem;
let brandA: BrandCredentials;
let brandB: BrandCredentials;

beforeAll(async () => {
  system = await startE2eSystem([
    { id: 'intent-a', name: 'Brand A' },
    { id: 'intent-b', name: 'Brand B' },
  ]);
  brandA = system.brands['intent-a']!;
  brandB = system.brands['intent-b']!;
});

afterAll(async () => {
  await system?.close();
});

const EMAIL = 'runner.one@northwind.shop';
const shopper = { userId: 'runner-1', anonymousId: 'anon-runner-1' };
const trailShoes = {
  product_id: 'sku-trail',
  name: 'Trail shoes',
  category: 'Running',
  price: 90,
  quantity: 1,
};

/** Opens /intent with a query, live. */
async function openIntent(page: Page, query: string): Promise<void> {
  await page.goto(`${system.baseUrl}/intent${query}`);
  await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor();
}

const rowOf = (page: Page) => page.locator('[data-testid=intent-row]', { hasText: EMAIL });

describe('High intent page', () => {
  it('shows a shopper live with why when they cross into High in a category, and drops them when they buy', async () => {
    const running = await system.signIn(brandA);
    await openIntent(running, '?level=high&category=Running');
    const everything = await system.signIn(brandA);
    await openIntent(everything, '?level=medium');
    const bags = await system.signIn(brandA);
    await openIntent(bags, '?level=medium&category=Bags');
    const other = await system.signIn(brandB);
    await openIntent(other, '?level=medium');
    const otherRunning = await system.signIn(brandB);
    await openIntent(otherRunning, '?level=high&category=Running');
    await running.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = 'still here'));

    // Two views, a cart add and two checkouts in Running: 3 + 3 + 10 + 20 + 20 = 56, above High (50).
    await system.send(brandA, [
      { type: 'identify', ...shopper, traits: { email: 'Runner.One@Northwind.shop' } },
      ...['Product Viewed', 'Product Viewed', 'Product Added', 'Checkout Started', 'Checkout Started'].map(
        (event) => ({ type: 'track', ...shopper, event, properties: trailShoes }),
      ),
    ]);
    const row = rowOf(running);
    await row.waitFor({ timeout: 15_000 });
    // Live, not a reload.
    expect(await running.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe(
      'still here',
    );
    const reasons = await row.locator('[data-testid=intent-reasons]').innerText();
    expect(reasons).toContain('added Trail shoes to cart');
    expect(reasons).toContain('started checkout 2 times');
    expect(await row.locator('[data-testid=intent-categories]').innerText()).toMatch(/Running \d+/);
    expect(await row.locator('[data-testid=intent-level-cell]').innerText()).toBe('high');
    // The learned model's forecast for the category rides along (a fresh brand's model starts at
    // the fixed weights, so it is some percentage, not nothing).
    expect(await row.locator('[data-testid=intent-forecast]').innerText()).toMatch(/Running \d+(\.\d+)?\s?%/);
    const href = await row.locator('a').getAttribute('href');
    expect(href).toMatch(/^\/profiles\/.+/);
    await running.screenshot({ path: screenshotPath('intent.png'), fullPage: true });

    // Filters: every category at medium lists them too; Bags does not.
    await rowOf(everything).waitFor({ timeout: 15_000 });
    expect(await rowOf(bags).count()).toBe(0);

    // The form puts the filter in the URL and the list follows it.
    await everything.fill('[data-testid=intent-category]', 'Bags');
    await Promise.all([
      everything.waitForURL(/category=Bags/),
      everything.click('[data-testid=intent-filter-submit]'),
    ]);
    await everything.locator('[data-testid=intent-empty]').waitFor();
    await everything.fill('[data-testid=intent-category]', 'Running');
    await everything.selectOption('[data-testid=intent-level]', 'high');
    await Promise.all([
      everything.waitForURL(/level=high&category=Running/),
      everything.click('[data-testid=intent-filter-submit]'),
    ]);
    await rowOf(everything).waitFor({ timeout: 15_000 });

    // Brand B's sessions show nothing of A's shopper.
    for (const page of [other, otherRunning]) {
      expect(await page.locator('[data-testid=intent-row]').count()).toBe(0);
      expect(await page.locator('main').innerText()).not.toContain(EMAIL);
    }

    // The purchase in Running resets it: the row leaves without a reload.
    await system.send(brandA, [
      {
        type: 'track',
        ...shopper,
        event: 'Order Completed',
        properties: { order_id: 'order-1', revenue: 90, products: [trailShoes] },
      },
    ]);
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    await rowOf(everything).waitFor({ state: 'detached', timeout: 15_000 });
    expect(await running.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe(
      'still here',
    );
    expect(await other.locator('[data-testid=intent-row]').count()).toBe(0);

    // A bad filter is named, not a crash.
    await running.goto(`${system.baseUrl}/intent?level=low`);
    expect(await running.locator('.problem').innerText()).toContain('level must be medium or high');
  });
});
