// The dashboard in a real headless Chromium against the real server
// (`tsx ingest/main.ts --role all`, built dashboard): sign in, watch a KPI
// tile move while events arrive, see a shopper turn high-intent, and prove a
// second brand sees none of it. Needs `npm run build` first (npm test does it).
import type { Page } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { SOCKET_PATH, type LiveListeners } from '../../src/lib/shared/live';
import { basicAuth, getJson, postJson, waitFor } from '../support/http';
import { screenshotPath, startE2eSystem, type E2eSystem } from './harness';

let system: E2eSystem;
let baseUrl: string;
let brandA: BrandCredentials;
let brandB: BrandCredentials;
const sockets: Socket[] = [];

beforeAll(async () => {
  system = await startE2eSystem([
    { id: 'e2e-a', name: 'Brand A' },
    { id: 'e2e-b', name: 'Brand B' },
  ]);
  baseUrl = system.baseUrl;
  brandA = system.brands['e2e-a']!;
  brandB = system.brands['e2e-b']!;
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await system?.close();
});

const send = (brand: BrandCredentials, calls: Array<Record<string, unknown>>) => system.send(brand, calls);
const signIn = (brand: BrandCredentials): Promise<Page> => system.signIn(brand);

const pageViews = (count: number, anonymousId: string) =>
  Array.from({ length: count }, () => ({
    type: 'page',
    anonymousId,
    name: 'Home',
    properties: { path: '/' },
  }));

async function tileValue(page: Page, testid: string): Promise<number> {
  const text = await page.locator(`[data-testid=${testid}-hour]`).innerText();
  return Number(text.replace(/[^\d.-]/g, ''));
}

function liveClient(readKey: string): { socket: Socket<LiveListeners>; seen: unknown[] } {
  const socket: Socket<LiveListeners> = connect(baseUrl, { path: SOCKET_PATH, auth: { token: readKey } });
  sockets.push(socket);
  const seen: unknown[] = [];
  socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
  return { socket, seen };
}

describe('dashboard', () => {
  it('refuses a wrong password on the login form', async () => {
    const page = await (await system.browser.newContext()).newPage();
    await page.goto(`${baseUrl}/login`);
    await page.fill('input[name=username]', brandA.dashboard_user.username);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await expect(page.locator('.error').innerText()).resolves.toBe('Wrong username or password');
    // The username stays filled in for the next try (rendered as the field's default value).
    expect(await page.inputValue('input[name=username]')).toBe(brandA.dashboard_user.username);
    await page.context().close();
  });

  it('shows brand A its events live, its high-intent shopper, and brand B none of it', async () => {
    const pageA = await signIn(brandA);
    expect(await pageA.locator('[data-testid=brand-name]').innerText()).toBe('Brand A');
    const before = await tileValue(pageA, 'kpi-events');
    // A marker that a reload or navigation would wipe out.
    await pageA.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = 'still here'));

    await send(brandA, pageViews(5, 'visitor-a1'));
    await pageA.waitForFunction(
      (previous) => {
        const text = document.querySelector('[data-testid=kpi-events-hour]')?.textContent ?? '';
        return Number(text.replace(/[^\d.-]/g, '')) > previous;
      },
      before,
      { timeout: 15_000 },
    );
    expect(await tileValue(pageA, 'kpi-events')).toBe(before + 5);
    expect(await pageA.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe(
      'still here',
    );

    // A shopper who adds to cart twice and starts checkout twice is at high intent (10+10+20+20 ≥ 50).
    const shopper = { userId: 'shopper-1', anonymousId: 'anon-shopper-1' };
    await send(brandA, [
      { type: 'identify', ...shopper, traits: { email: 'Shopper.One@Northwind.shop' } },
      ...['Product Added', 'Product Added', 'Checkout Started', 'Checkout Started'].map((event, i) => ({
        type: 'track',
        ...shopper,
        event,
        properties: { product_id: `sku-${i}`, category: 'shoes', price: 80, quantity: 1 },
      })),
    ]);
    const row = pageA.locator('[data-testid=high-intent-row]', { hasText: 'shopper.one@northwind.shop' });
    await row.waitFor({ timeout: 15_000 });
    expect(await pageA.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe(
      'still here',
    );
    // Each row says why: two adds and two checkouts in shoes.
    const why = await row.locator('[data-testid=high-intent-reasons]').innerText();
    expect(why).toContain('started checkout 2 times');
    expect(why).toMatch(/added .* to cart/);

    await pageA.screenshot({ path: screenshotPath('dashboard.png'), fullPage: true });

    // The row links to the shopper's 360 page.
    const href = await row.locator('a').getAttribute('href');
    const profileId = decodeURIComponent(href!.replace('/profiles/', ''));
    const ownView = await getJson(
      `${baseUrl}/api/v1/profiles/${encodeURIComponent(profileId)}`,
      brandA.read_key,
    );
    expect(ownView.status).toBe(200);

    // Brand B, signed in: none of A's numbers, none of A's shoppers.
    const pageB = await signIn(brandB);
    expect(await pageB.locator('[data-testid=brand-name]').innerText()).toBe('Brand B');
    expect(await tileValue(pageB, 'kpi-events')).toBe(0);
    expect(await pageB.locator('[data-testid=high-intent-row]').count()).toBe(0);

    // B's read key: 404 for A's profile, by id and by identifier.
    expect(
      (await getJson(`${baseUrl}/api/v1/profiles/${encodeURIComponent(profileId)}`, brandB.read_key)).status,
    ).toBe(404);
    const lookup = `${baseUrl}/api/v1/profiles/lookup?identifier=${encodeURIComponent('email:shopper.one@northwind.shop')}`;
    expect((await getJson(lookup, brandA.read_key)).status).toBe(200);
    expect((await getJson(lookup, brandB.read_key)).status).toBe(404);

    // Live: while A sends, A's socket and A's page hear it; B's socket and B's page do not.
    const a = liveClient(brandA.read_key);
    const b = liveClient(brandB.read_key);
    await Promise.all(
      [a.socket, b.socket].map((socket) => new Promise<void>((done) => socket.once('connect', () => done()))),
    );
    const shownToA = await tileValue(pageA, 'kpi-events');
    await send(brandA, pageViews(3, 'visitor-a2'));
    await waitFor('A’s socket to hear a KPI update', async () =>
      a.seen.some((message) => (message as { event: string }).event === 'kpi') ? true : undefined,
    );
    await pageA.waitForFunction(
      (previous) =>
        Number(
          (document.querySelector('[data-testid=kpi-events-hour]')?.textContent ?? '').replace(
            /[^\d.-]/g,
            '',
          ),
        ) > previous,
      shownToA,
      { timeout: 15_000 },
    );
    await new Promise((done) => setTimeout(done, 500));
    expect(b.seen).toEqual([]);
    expect(await tileValue(pageB, 'kpi-events')).toBe(0);
    expect(await pageB.locator('[data-testid=high-intent-row]').count()).toBe(0);
  });

  it('shows a shopper’s 360 page and the brand’s rejected events', async () => {
    const page = await signIn(brandA);
    const lookup = await getJson(
      `${baseUrl}/api/v1/profiles/lookup?identifier=${encodeURIComponent('email:shopper.one@northwind.shop')}`,
      brandA.read_key,
    );
    const profileId = (lookup.body as { profile: { profile_id: string } }).profile.profile_id;
    await page.goto(`${baseUrl}/profiles/${encodeURIComponent(profileId)}`);
    expect(await page.locator('[data-testid=intent-level]').innerText()).toMatch(/high/i);
    expect(await page.locator('main').innerText()).toContain('shopper.one@northwind.shop');
    expect(await page.locator('main').innerText()).toContain('Started checkout');

    // A track call without an event name is refused, kept, and shown to its brand only.
    const refused = await postJson(
      `${baseUrl}/v1/track`,
      { type: 'track', userId: 'shopper-1', properties: { marker: 'rejected-e2e' } },
      { authorization: basicAuth(brandA.write_key) },
    );
    expect(refused.status).toBe(400);
    await page.goto(`${baseUrl}/rejected`);
    await expect(
      page.locator('[data-testid=rejected-row]', { hasText: 'rejected-e2e' }).count(),
    ).resolves.toBe(1);
    const pageB = await signIn(brandB);
    await pageB.goto(`${baseUrl}/rejected`);
    expect(await pageB.locator('main').innerText()).not.toContain('rejected-e2e');
    // And B cannot open A's shopper's page.
    const response = await pageB.goto(`${baseUrl}/profiles/${encodeURIComponent(profileId)}`);
    expect(response?.status()).toBe(404);
  });

  it('shows merges live on the Merge log, filters them, and shows brand B none of them', async () => {
    const page = await signIn(brandA);
    await page.goto(`${baseUrl}/merges`);
    await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor();
    const before = await page.locator('[data-testid=merge-row]').count();

    // An anonymous visitor, then a login that carries the visitor's cookie and a known customer's email:
    // the two profiles merge, and the record appears without a reload.
    await send(brandA, pageViews(2, 'merge-log-cookie'));
    await send(brandA, [
      { type: 'identify', userId: 'merge-log-customer', traits: { email: 'merge.log@northwind.shop' } },
    ]);
    await send(brandA, [
      {
        type: 'identify',
        anonymousId: 'merge-log-cookie',
        traits: { email: 'merge.log@northwind.shop' },
      },
    ]);
    const merged = page.locator('[data-testid=merge-row][data-action=merge]', {
      hasText: 'email: merge.log@northwind.shop',
    });
    await merged.first().waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=merge-row]').count()).toBeGreaterThan(before);

    // The survivor's link opens its 360 page.
    const survivor = await merged.first().locator('td:nth-child(3) a').innerText();
    await Promise.all([
      page.waitForURL(/\/merges\?action=refuse$/),
      page.click('form.filters button[value=refuse]'),
    ]);
    expect(await page.locator('[data-testid=merge-row][data-action=merge]').count()).toBe(0);
    expect((await page.goto(`${baseUrl}/merges?action=explode`))?.status()).toBe(400);
    expect((await page.goto(`${baseUrl}/profiles/${encodeURIComponent(survivor)}`))?.status()).toBe(200);

    // A store kiosk three shoppers sign in on becomes a shared device, with a profile of its own.
    await send(
      brandA,
      ['kiosk.one', 'kiosk.two', 'kiosk.three'].map((name) => ({
        type: 'identify',
        userId: name,
        context: { device: { id: 'e2e-kiosk' } },
        traits: { email: `${name}@northwind.shop` },
      })),
    );
    await page.goto(`${baseUrl}/merges`);
    const shared = page.locator('[data-testid=merge-row][data-action=share]', { hasText: 'e2e-kiosk' });
    await shared.first().waitFor({ timeout: 20_000 });
    const kioskProfile = await shared.first().locator('td:nth-child(3) a').innerText();
    await page.goto(`${baseUrl}/profiles/${encodeURIComponent(kioskProfile)}`);
    await page.locator('[data-testid=shared-device]').waitFor();

    const pageB = await signIn(brandB);
    await pageB.goto(`${baseUrl}/merges`);
    expect(await pageB.locator('main').innerText()).not.toContain('merge.log@northwind.shop');
    expect(await pageB.locator('main').innerText()).not.toContain('e2e-kiosk');
  });

  it('catches up after the server restarts: no gap, no double count', async () => {
    const page = await signIn(brandA);
    const before = await tileValue(page, 'kpi-events');
    expect(before).toBeGreaterThan(0);

    await system.stopServer();
    await page.locator('[data-testid=connection]', { hasText: /Connecting|Offline/ }).waitFor();
    await system.startServer();
    // Sent while the browser is still reconnecting, or just after: either way counted once.
    await send(brandA, pageViews(4, 'visitor-a3'));
    await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      (expected) =>
        Number(
          (document.querySelector('[data-testid=kpi-events-hour]')?.textContent ?? '').replace(
            /[^\d.-]/g,
            '',
          ),
        ) === expected,
      before + 4,
      { timeout: 15_000 },
    );
    await new Promise((done) => setTimeout(done, 1_500));
    expect(await tileValue(page, 'kpi-events')).toBe(before + 4);
  });
});
