// The Profiles page, its CSV export and the Customer-360 timeline in a real
// headless Chromium against the real server: search by an identifier, sorts,
// next and previous pages, an export whose rows are the list's, a timeline of
// web (a UTM-tagged visit), store and WhatsApp events that pages older, and
// another brand that can neither list, export nor open the profile.
// Needs `npm run build` first.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { computeTwilioSignature } from '../../ingest/http/whatsapp/twilio-signature';
import type { ProfilesListBody, ProfileView, StatusBody } from '../../src/lib/server/api/responses';
import { basicAuth, getJson, postJson, waitFor } from '../support/http';
import { screenshotPath, startE2eSystem, type E2eSystem } from './harness';

let system: E2eSystem;
let brandA: BrandCredentials;
let brandB: BrandCredentials;

const PEOPLE = 30;
const ANA = { email: 'ana.star@northwind.shop', phone: '+14155550123', userId: 'cust-ana-1' };
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

beforeAll(async () => {
  system = await startE2eSystem([
    { id: 'e2e-prof-a', name: 'Profiles A' },
    { id: 'e2e-prof-b', name: 'Profiles B' },
  ]);
  brandA = system.brands['e2e-prof-a']!;
  brandB = system.brands['e2e-prof-b']!;

  // Thirty shoppers of A with an order each (revenue 10..300), seen at different times.
  const people = Array.from({ length: PEOPLE }, (_, i) => [
    {
      type: 'identify',
      userId: `cust-${i}`,
      traits: { email: `person-${i}@northwind.shop` },
      timestamp: minutesAgo(200 - i),
    },
    {
      type: 'track',
      event: 'Order Completed',
      userId: `cust-${i}`,
      properties: {
        order_id: `o-${i}`,
        revenue: 10 * (i + 1),
        currency: 'USD',
        // Six shoppers bought a shirt with socks, the rest a hat: socks are what goes with a shirt
        // (6 of 7 shirt buyers, lift 6·31/(7·6) ≈ 4.4 over the recommender's gate of 4).
        products:
          i < 6
            ? [
                { product_id: 'SKU-SHIRT', category: 'Shirts', price: 5 },
                { product_id: 'SKU-SOCKS', name: 'Merino socks', category: 'Accessories', price: 5 },
              ]
            : [{ product_id: 'SKU-HAT', category: 'Accessories', price: 5 }],
      },
      // Last seen in another order than revenue: odd people most recently.
      timestamp: minutesAgo(i % 2 === 1 ? 60 - i : 150 - i),
    },
  ]).flat();
  await system.send(brandA, people);

  // Ana: 60 older page views, then a UTM-tagged visit, a cart add, a big order.
  await system.send(brandA, [
    {
      type: 'identify',
      userId: ANA.userId,
      traits: { email: ANA.email, phone: ANA.phone },
      timestamp: minutesAgo(300),
    },
    ...Array.from({ length: 60 }, (_, i) => ({
      type: 'page',
      userId: ANA.userId,
      name: `Old page ${i}`,
      properties: { path: `/old/${i}`, title: `Old page ${i}` },
      timestamp: minutesAgo(290 - i),
    })),
    {
      type: 'page',
      userId: ANA.userId,
      name: 'Home',
      properties: {
        title: 'Home',
        url: 'https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=spring-sale&utm_id=c-77',
      },
      timestamp: minutesAgo(20),
    },
    {
      type: 'track',
      event: 'Product Added',
      userId: ANA.userId,
      properties: { product_id: 'sku-1', name: 'Linen shirt', category: 'Shirts', price: 60 },
      timestamp: minutesAgo(19),
    },
    {
      type: 'track',
      event: 'Order Completed',
      userId: ANA.userId,
      properties: { order_id: 'o-ana', revenue: 5000, currency: 'USD' },
      timestamp: minutesAgo(18),
    },
  ]);
  // A store bill and a WhatsApp message by Ana's phone.
  const bill = await postJson(
    `${system.baseUrl}/v1/pos/bills`,
    {
      bill_id: 'BLR01-1',
      store_id: 'BLR01',
      store_name: 'Indiranagar',
      time: minutesAgo(10),
      currency: 'USD',
      lines: [{ product_id: 'SKU-SHIRT', name: 'Linen shirt', quantity: 2, unit_price: 50 }],
      total: 100,
      phone: ANA.phone,
    },
    { authorization: basicAuth(brandA.write_key) },
  );
  expect(bill.status, JSON.stringify(bill.body)).toBe(200);
  await sendWhatsApp(brandA, ANA.phone, 'SM-e2e-1');
  // Brand B: its own shopper, richer than anyone of A.
  await system.send(brandB, [
    { type: 'identify', userId: 'b-1', traits: { email: 'bob@b.example' }, timestamp: minutesAgo(30) },
    {
      type: 'track',
      event: 'Order Completed',
      userId: 'b-1',
      properties: { order_id: 'b-o', revenue: 99_999 },
      timestamp: minutesAgo(29),
    },
  ]);
  await processed(brandA, PEOPLE * 2 + 1 + 60 + 3 + 2);
  await processed(brandB, 2);
}, 180_000);

afterAll(async () => {
  await system?.close();
});

async function sendWhatsApp(brand: BrandCredentials, phone: string, sid: string) {
  const path = `/webhooks/whatsapp/${brand.brand_id}`;
  const form = {
    MessageSid: sid,
    From: `whatsapp:${phone}`,
    To: 'whatsapp:+14155238886',
    Body: 'Is the shirt in M?',
    NumMedia: '0',
  };
  const params = new Map(Object.entries(form).map(([name, value]) => [name, [value]]));
  // The server checks the signature against its PUBLIC_URL, http://localhost:<port> by default.
  const signed = `http://localhost:${new URL(system.baseUrl).port}${path}`;
  const response = await fetch(`${system.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': computeTwilioSignature(brand.webhook_secrets.whatsapp, signed, params),
    },
    body: new URLSearchParams(form).toString(),
  });
  expect(response.status, await response.text()).toBe(200);
}

async function processed(brand: BrandCredentials, events: number) {
  await waitFor(
    `${events} events of ${brand.brand_id} processed`,
    async () => {
      const { body } = await getJson(`${system.baseUrl}/api/v1/status`, brand.read_key);
      const status = body as StatusBody;
      return status.processed >= events && status.pending === 0 ? status : undefined;
    },
    60_000,
  );
}

/** Every profile id of the list through the read API, in its order. */
async function listedIds(brand: BrandCredentials, sort: string, search = ''): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ sort, limit: '200', search, ...(cursor ? { cursor } : {}) });
    const { body } = await getJson(`${system.baseUrl}/api/v1/profiles?${query}`, brand.read_key);
    const page = body as ProfilesListBody;
    ids.push(...page.profiles.map((p) => p.profile_id));
    cursor = page.next;
  } while (cursor);
  return ids;
}

const rowIds = (page: Page) =>
  page
    .locator('[data-testid=profile-row]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-profile-id')));

async function navigate(page: Page, click: () => Promise<unknown>) {
  const before = page.url();
  await click();
  await page.waitForURL((url) => url.toString() !== before);
  await page.locator('[data-testid=profiles-page]').waitFor();
}

describe('Profiles page', () => {
  let page: Page;
  let anaId: string;

  it('lists by revenue with next and previous pages kept in the URL', async () => {
    page = await system.signIn(brandA);
    await page.click('nav >> text=Profiles');
    await page.waitForURL(`${system.baseUrl}/profiles`);
    const byRevenue = await listedIds(brandA, 'revenue');
    expect(byRevenue).toHaveLength(PEOPLE + 1);
    anaId = byRevenue[0]!;
    await expect.poll(() => rowIds(page)).toEqual(byRevenue.slice(0, 50));
    await expect(page.locator('[data-testid=profile-row]').first().innerText()).resolves.toContain(ANA.email);

    await navigate(page, () => page.selectOption('[data-testid=profiles-size]', '25'));
    expect(await rowIds(page)).toEqual(byRevenue.slice(0, 25));
    await navigate(page, () => page.click('[data-testid=profiles-next]'));
    expect(await rowIds(page)).toEqual(byRevenue.slice(25));
    expect(await page.locator('[data-testid=profiles-page]').innerText()).toBe('Page 2');
    expect(await page.locator('[data-testid=profiles-next]').count()).toBe(0);
    // A reload keeps the page: the state is in the URL.
    await page.reload();
    expect(await rowIds(page)).toEqual(byRevenue.slice(25));
    await navigate(page, () => page.click('[data-testid=profiles-previous]'));
    expect(await rowIds(page)).toEqual(byRevenue.slice(0, 25));
    await page.screenshot({ path: screenshotPath('profiles.png'), fullPage: true });
  });

  it('changes order with the sort', async () => {
    const byLastSeen = await listedIds(brandA, 'last_seen');
    expect(byLastSeen).not.toEqual(await listedIds(brandA, 'revenue'));
    await navigate(page, () => page.selectOption('[data-testid=profiles-sort]', 'last_seen'));
    expect(await rowIds(page)).toEqual(byLastSeen.slice(0, 25));
    expect(new URL(page.url()).searchParams.get('sort')).toBe('last_seen');
  });

  it('finds a profile by its phone or email, and says when nothing matches', async () => {
    // The national form is read in the brand's default country (US here).
    for (const search of [ANA.phone, '(415) 555-0123', ANA.email.toUpperCase(), ANA.userId]) {
      await page.fill('[data-testid=profiles-search]', search);
      await navigate(page, () => page.press('[data-testid=profiles-search]', 'Enter'));
      expect(await rowIds(page), search).toEqual([anaId]);
    }
    await page.fill('[data-testid=profiles-search]', 'nobody@nowhere.example');
    await navigate(page, () => page.press('[data-testid=profiles-search]', 'Enter'));
    await page.locator('[data-testid=profiles-empty]', { hasText: 'No profile matches' }).waitFor();
  });

  it('names a cursor it did not make instead of failing', async () => {
    await page.goto(`${system.baseUrl}/profiles?cursor=eyJ2IjoxfQ&page=2`);
    await page.locator('[data-testid=profiles-problem]', { hasText: 'invalid profiles cursor' }).waitFor();
    await page.goto(`${system.baseUrl}/profiles?sort=price`);
    await page.locator('[data-testid=profiles-problem]', { hasText: 'sort must be one of' }).waitFor();
  });

  it('exports every profile of the list, in its order, as CSV', async () => {
    await page.goto(`${system.baseUrl}/profiles?sort=revenue&size=25`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=profiles-export]'),
    ]);
    const rows = parse(await readFile((await download.path())!, 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((row) => row.profile_id)).toEqual(await listedIds(brandA, 'revenue'));
    expect(rows.map((row) => row.profile_id).slice(0, 25)).toEqual(await rowIds(page));
    expect(rows[0]).toMatchObject({ label: ANA.email, phones: `'${ANA.phone}`, customer_ids: ANA.userId });
    expect(download.suggestedFilename()).toMatch(/^profiles-e2e-prof-a-revenue-\d{4}-\d\d-\d\d\.csv$/);
  });

  it('shows the timeline across web, store, WhatsApp and a campaign, and pages older', async () => {
    await page.goto(`${system.baseUrl}/profiles`);
    await page.click(`[data-profile-id="${anaId}"] [data-testid=profile-link]`);
    await page.waitForURL(`${system.baseUrl}/profiles/${anaId}`);
    expect(new URL(page.url()).pathname).toBe(`/profiles/${anaId}`);
    const channels = () =>
      page
        .locator('[data-testid=timeline-event]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-channel')));
    await expect.poll(channels).toContain('store');
    const first = await channels();
    expect(first).toHaveLength(50);
    // Tracking calls without a browser context are on the server channel.
    expect(new Set(first)).toEqual(new Set(['web', 'server', 'store', 'whatsapp']));
    await page.locator('[data-testid=timeline-event]', { hasText: 'Bought in store Indiranagar' }).waitFor();
    await page.locator('[data-testid=timeline-event]', { hasText: 'Sent a WhatsApp message' }).waitFor();
    await page.locator('[data-testid=timeline-campaign]', { hasText: 'Campaign spring-sale' }).waitFor();
    await page
      .locator('[data-testid=timeline-event]', { hasText: 'Added Linen shirt to the cart' })
      .waitFor();
    await page.screenshot({ path: screenshotPath('customer-360.png'), fullPage: true });

    const newestTexts = await page.locator('[data-testid=timeline-event]').allInnerTexts();
    await page.click('[data-testid=timeline-older]');
    await page.locator('[data-testid=timeline-newest]').waitFor();
    const older = await page.locator('[data-testid=timeline-event]').allInnerTexts();
    // 60 views + identify + 3 web + store + WhatsApp = 66 events: 16 on the older page, the oldest first seen.
    expect(older).toHaveLength(66 - 50);
    expect(older.some((text) => newestTexts.includes(text))).toBe(false);
    expect(older[older.length - 1]).toContain('Identified');
    expect(await page.locator('[data-testid=timeline-older]').count()).toBe(0);

    await page.click('[data-testid=timeline-channels] >> text=Store');
    await page.waitForURL((url) => url.searchParams.get('channel') === 'store');
    await expect.poll(channels).toEqual(['store']);
  });

  it('shows the scheduled run’s scores with their reasons and recommendations, live', async () => {
    await page.goto(`${system.baseUrl}/profiles/${anaId}`);
    // Before the brand's first run with enough buyers, the panel says why there is nothing.
    // The scheduler rechecks a refused brand every minute: the run comes on its own.
    const view = await waitFor(
      'the scheduled run to score Ana',
      async () => {
        const { body } = await getJson(`${system.baseUrl}/api/v1/profiles/${anaId}`, brandA.read_key);
        // Scores are written before the run record: wait for the record too (the run is done).
        const { predictions } = body as ProfileView;
        return predictions.scores && predictions.scored_by ? (body as ProfileView) : undefined;
      },
      150_000,
    );
    const { scores, reasons } = view.predictions;
    // The page was open before the run: the live 'predictions' event (sent after the run record)
    // reloads it, so it ends up showing the finished run's scores and reasons.
    const why = () => page.locator('[data-testid=prediction-reasons] li').allInnerTexts();
    await expect
      .poll(why, { timeout: 30_000 })
      .toEqual([reasons!.segment, reasons!.rfm, reasons!.churn, reasons!.value]);
    expect(await page.locator('[data-testid=prediction-segment]').innerText()).toBe(scores!.segment);
    expect(scores).toMatchObject({ orders: 2, revenue: 5100 });
    // Ana outspent everyone: top quintile of monetary.
    expect(scores!.m).toBe(5);
    expect(await page.locator('[data-testid=prediction-rfm]').innerText()).toBe(
      `${scores!.r} · ${scores!.f} · ${scores!.m}`,
    );
    expect(reasons!.rfm).toContain('monetary 5: 5100.00 spent (top 20%)');
    // She bought a shirt in the store; other shirt buyers also bought socks.
    const recommended = await page.locator('[data-testid=recommendations] li').allInnerTexts();
    expect(recommended.length).toBeGreaterThan(0);
    // Named as the orders named them; the store bill named the shirt "Linen shirt".
    expect(recommended[0]).toMatch(/^Merino socks SKU-SOCKS\s+bought with Linen shirt by/);
    expect(recommended.join(' ')).not.toContain('SKU-SHIRT bought');
    await page.locator('[data-testid=intent-categories]', { hasText: 'Shirts' }).waitFor();
    await page.screenshot({ path: screenshotPath('customer-360-predictions.png'), fullPage: true });

    // The segment opens the Segments page on its members, Ana among them.
    await page.click('[data-testid=prediction-segment] a');
    await page.waitForURL(
      (url) => url.pathname === '/segments' && url.searchParams.get('segment') === scores!.segment,
    );
    await page.locator(`[data-testid=member-row][data-profile-id="${anaId}"]`).waitFor();
  }, 240_000);
});

describe('another brand', () => {
  it('can neither list, export nor open the profile', async () => {
    const anaId = (await listedIds(brandA, 'revenue'))[0]!;
    const page = await system.signIn(brandB);
    await page.goto(`${system.baseUrl}/profiles`);
    await expect.poll(() => rowIds(page)).toEqual(await listedIds(brandB, 'revenue'));
    expect(await rowIds(page)).not.toContain(anaId);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=profiles-export]'),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv).not.toContain(anaId);
    expect(csv).not.toContain(ANA.email);
    expect((parse(csv, { columns: true }) as unknown[]).length).toBe(1);

    await page.goto(`${system.baseUrl}/profiles?q=${encodeURIComponent(ANA.email)}`);
    await page.locator('[data-testid=profiles-empty]', { hasText: 'No profile matches' }).waitFor();
    const response = await page.goto(`${system.baseUrl}/profiles/${anaId}`);
    expect(response?.status()).toBe(404);
    // B's own customer: B's single buyer is too few for a run, and B's page says so, not A's run.
    const bobId = (await listedIds(brandB, 'revenue'))[0]!;
    await page.goto(`${system.baseUrl}/profiles/${bobId}`);
    const missing = await page.locator('[data-testid=predictions-missing]').innerText();
    expect(missing).toMatch(/not enough buyers|first prediction run has not finished/);
    const { body } = await getJson(`${system.baseUrl}/api/v1/profiles/${bobId}`, brandB.read_key);
    expect((body as ProfileView).predictions.scores).toBeNull();
    expect(JSON.stringify(body)).not.toContain(anaId);
    const exported = await page.request.get(
      `${system.baseUrl}/profiles/export?q=${encodeURIComponent(ANA.phone)}`,
    );
    expect(await exported.text()).not.toContain(anaId);
  });
});
