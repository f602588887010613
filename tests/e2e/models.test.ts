// The Models page end to end in a real headless Chromium against the real system: before any
// traffic the brand has no learned intent model; shoppers who look at shoes and buy them make the
// processor's learner hold predictions, label the held-back ones at the order and save the model,
// which the open page shows live (no reload); the read API serves the same model; brand B sees
// no model at all. A year of purchase history makes the scheduled prediction run fit the purchase
// model, whose check against the run rate the page shows. Needs `npm run build` first.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import type { IntentModelBody } from '../../src/lib/server/api/responses';
import { getJson } from '../support/http';
import { startE2eSystem, type E2eSystem } from './harness';

let system: E2eSystem;
let brandA: BrandCredentials;
let brandB: BrandCredentials;

beforeAll(async () => {
  system = await startE2eSystem([
    { id: 'e2e-models-a', name: 'Models A' },
    { id: 'e2e-models-b', name: 'Models B' },
  ]);
  brandA = system.brands['e2e-models-a']!;
  brandB = system.brands['e2e-models-b']!;
});

afterAll(async () => {
  await system?.close();
});

async function openModels(brand: BrandCredentials): Promise<Page> {
  const page = await system.signIn(brand);
  await page.getByRole('navigation').getByRole('link', { name: 'Models', exact: true }).click();
  await page.waitForURL(/\/models$/);
  await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor();
  return page;
}

const SHOPPERS = 60;

describe('models page', () => {
  it('shows the learned intent model live once it has held-back outcomes, to its own brand only', async () => {
    const pageA = await openModels(brandA);
    const pageB = await openModels(brandB);
    await pageA.locator('[data-testid=intent-model-none]').waitFor();
    await pageB.locator('[data-testid=intent-model-none]').waitFor();

    await system.send(
      brandA,
      Array.from({ length: SHOPPERS }, (_, i) => {
        const shopper = { userId: `model-shopper-${i}` };
        const shoe = { product_id: `shoe-${i % 5}`, category: 'shoes', price: 80, quantity: 1 };
        return [
          { type: 'track', ...shopper, event: 'Product Viewed', properties: shoe },
          { type: 'track', ...shopper, event: 'Product Added', properties: shoe },
          {
            type: 'track',
            ...shopper,
            event: 'Order Completed',
            properties: { order_id: `model-order-${i}`, revenue: 80, products: [shoe] },
          },
        ];
      }).flat(),
    );

    // Saved on the processor's next tick (15 s) and pushed: the open page changes without a reload.
    const panel = pageA.locator('[data-testid=intent-model]');
    await panel.waitFor({ timeout: 45_000 });
    const api = await getJson(`${system.baseUrl}/api/v1/models/intent`, brandA.read_key);
    expect(api.status).toBe(200);
    const model = (api.body as IntentModelBody).model!;
    expect(model.brand_id).toBe(brandA.brand_id);
    // Every held-back shopper's two predictions came true at the order; nothing can be judged yet
    // without a forecast that did not (those need the 7-day horizon), so the page says so.
    expect(model.learned.count).toBeGreaterThan(0);
    expect(model.learned.positives).toBe(model.learned.count);
    expect(model.learned.auc).toBeNull();
    expect(model.learned.count + model.pending).toBe(2 * SHOPPERS);
    await pageA.locator('[data-testid=model-waiting]').waitFor();
    expect(await pageA.locator('[data-testid=model-quality]').textContent()).toContain(
      String(model.learned.count),
    );
    await pageA.getByText('Weights learned').click();
    await pageA
      .locator('[data-testid=model-weights]')
      .getByText('Cart adds in the category since its last order (decayed)')
      .waitFor();

    // Brand B: no model, live or over the API.
    expect(await pageB.locator('[data-testid=intent-model]').count()).toBe(0);
    await pageB.locator('[data-testid=intent-model-none]').waitFor();
    const other = await getJson(`${system.baseUrl}/api/v1/models/intent`, brandB.read_key);
    expect(other).toEqual({ status: 200, body: { model: null } });
    expect((await getJson(`${system.baseUrl}/api/v1/models/intent`)).status).toBe(401);
  });

  it('shows the purchase model checked against the run rate after a scheduled run, to its own brand only', async () => {
    const pageA = await openModels(brandA);
    // A year of history: 40 regulars ordering every 2 to 10 weeks, a third of them gone quiet
    // five months ago. The scheduler rechecks the brand every minute and fits it on its own.
    const DAY = 86_400_000;
    const history = Array.from({ length: 40 }, (_, c) => {
      const every = 14 * (1 + (c % 5));
      const lastDaysAgo = c % 3 === 0 ? 150 + c : 3 + (c % 7);
      const orders = [];
      for (let daysAgo = 360 - (c % 7) * 10; daysAgo >= lastDaysAgo; daysAgo -= every)
        orders.push({
          type: 'track',
          userId: `regular-${c}`,
          event: 'Order Completed',
          timestamp: new Date(Date.now() - daysAgo * DAY).toISOString(),
          properties: { order_id: `regular-${c}-${daysAgo}`, revenue: 40 + (c % 4) * 25 },
        });
      return orders;
    }).flat();
    for (let i = 0; i < history.length; i += 200) await system.send(brandA, history.slice(i, i + 200));

    // The open page reloads on the run's live notice.
    const verdict = pageA.locator('[data-testid=purchase-model-verdict]');
    await verdict.waitFor({ timeout: 150_000 });
    expect(await verdict.innerText()).toMatch(
      /ranks who bought again with AUC \d\.\d{3} against the run rate's \d\.\d{3}/,
    );
    const auc = Number(await pageA.locator('[data-testid=check-auc-model]').innerText());
    // Better than chance at telling the regulars who went quiet from those still buying (a small
    // population: 0.66 here; bench/clv-model.ts measures the model on CDNOW-sized data).
    expect(auc).toBeGreaterThan(0.55);
    expect(auc).toBeLessThanOrEqual(1);
    await pageA.getByText(/^Fit of /).click();
    expect(await pageA.locator('[data-testid=purchase-model-fit]').innerText()).toMatch(/BG\/NBD\s+r \d/);

    // Brand B has no buyers: its page says there is no run or why its run gave nothing, never A's figures.
    const pageB = await openModels(brandB);
    const b = await pageB.locator('[data-testid=purchase-model]').innerText();
    expect(b).toMatch(/No prediction run yet|not enough buyers/);
    expect(await pageB.locator('[data-testid=purchase-model-verdict]').count()).toBe(0);
  }, 240_000);
});
