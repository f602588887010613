// Operators' identity decisions in a real headless Chromium against the real
// server: a merge of four profiles waits on the Review queue with its
// evidence; a rejection is remembered, an approval merges; an unmerge from
// the profile page splits two profiles back into what they were; and another
// brand can neither see a review nor decide it. Needs `npm run build` first.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import type { MergesBody, ProfileView, StatusBody } from '../../src/lib/server/api/responses';
import type { MergeRecord } from '../../src/lib/shared/model';
import { getJson, waitFor } from '../support/http';
import { screenshotPath, startE2eSystem, type E2eSystem } from './harness';

let system: E2eSystem;
let brandA: BrandCredentials;
let brandB: BrandCredentials;

beforeAll(async () => {
  system = await startE2eSystem([
    { id: 'e2e-id-a', name: 'Identity A' },
    { id: 'e2e-id-b', name: 'Identity B' },
  ]);
  brandA = system.brands['e2e-id-a']!;
  brandB = system.brands['e2e-id-b']!;
});

afterAll(async () => {
  await system?.close();
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

const pageViews = (count: number, who: Record<string, string>, timestamp: string) =>
  Array.from({ length: count }, () => ({
    type: 'page',
    ...who,
    name: 'Home',
    properties: { path: '/' },
    timestamp,
  }));

/**
 * Four people, each known by one identifier of a different type (customer id,
 * email, phone, loyalty id: a Segment call carries one of each), then one
 * event that carries all four: more than three profiles, so a review.
 */
function fourPeople(tag: string, phone: string) {
  const ids = {
    userId: `${tag}-user`,
    email: `${tag}.two@northwind.shop`,
    phone,
    loyalty: `${tag}-loyal-4`,
  };
  const people = [
    { type: 'identify', userId: ids.userId, timestamp: minutesAgo(40) },
    ...pageViews(2, { userId: ids.userId }, minutesAgo(39)),
    {
      type: 'identify',
      anonymousId: `${tag}-anon-2`,
      traits: { email: ids.email },
      timestamp: minutesAgo(30),
    },
    {
      type: 'identify',
      anonymousId: `${tag}-anon-3`,
      traits: { phone: ids.phone },
      timestamp: minutesAgo(20),
    },
    {
      type: 'identify',
      anonymousId: `${tag}-anon-4`,
      traits: { loyalty_id: ids.loyalty },
      timestamp: minutesAgo(10),
    },
  ];
  const evidence = {
    type: 'identify',
    userId: ids.userId,
    traits: { email: ids.email, phone: ids.phone, loyalty_id: ids.loyalty },
  };
  return { ids, people, evidence };
}

async function api<T>(brand: BrandCredentials, path: string): Promise<T> {
  const response = await getJson(`${system.baseUrl}/api/v1${path}`, brand.read_key);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as T;
}

/** Waits until the processor has taken everything sent for the brand. */
async function processed(brand: BrandCredentials): Promise<void> {
  await waitFor(`${brand.brand_id} to be processed`, async () =>
    (await api<StatusBody>(brand, '/status')).pending === 0 ? true : undefined,
  );
}

const merges = async (brand: BrandCredentials, action: string) =>
  (await api<MergesBody>(brand, `/merges?action=${action}&limit=500`)).merges;

/** The review record that names this customer id among its identifiers. */
async function reviewOf(brand: BrandCredentials, userId: string): Promise<MergeRecord | undefined> {
  return (await merges(brand, 'review')).find((record) =>
    record.identifiers.some((id) => id.type === 'user_id' && id.value === userId),
  );
}

const profileOf = (brand: BrandCredentials, identifier: string) =>
  api<ProfileView>(brand, `/profiles/lookup?identifier=${encodeURIComponent(identifier)}`);

/** Posts a decision form from the page, as the browser posts a form, and answers the HTTP status. */
function postDecision(page: Page, path: string, mergeId: string): Promise<number> {
  return page.evaluate(
    async ({ path, mergeId }) => {
      const body = new FormData();
      body.set('merge_id', mergeId);
      // As a form without JavaScript posts it: the answer is the page, with the action's status.
      return (await fetch(path, { method: 'POST', body, headers: { accept: 'text/html' } })).status;
    },
    { path, mergeId },
  );
}

describe('identity decisions', () => {
  it('shows a held merge live with its evidence; a rejection is remembered, an approval merges', async () => {
    const page = await system.signIn(brandA);
    await page.goto(`${system.baseUrl}/reviews`);
    await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor();
    expect(await page.locator('[data-testid=review]').count()).toBe(0);

    // The review request arrives while the page is open.
    const rejected = fourPeople('rv1', '+919876500001');
    await system.send(brandA, rejected.people);
    await system.send(brandA, [rejected.evidence]);
    await page.locator('[data-testid=reviews-arrived]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid=reviews-arrived] button').click();
    const card = page.locator('[data-testid=review]', { hasText: 'rv1-user' });
    await card.waitFor();

    // Every profile it would join, side by side, with what each holds.
    expect(await card.locator('[data-testid=review-profile]').count()).toBe(4);
    const text = await card.innerText();
    for (const value of ['rv1-user', 'rv1.two@northwind.shop', '+919876500001', 'rv1-loyal-4']) {
      expect(text).toContain(value);
    }
    const userColumn = card.locator('[data-testid=review-profile]', { hasText: 'rv1-user' }).first();
    // Its own three events and the one that asked (it went to the best match, the customer id's).
    expect(await userColumn.locator('[data-testid=review-profile-events]').innerText()).toBe('4');

    await page.screenshot({ path: screenshotPath('review-queue.png'), fullPage: true });

    // The overview's identity panel counts it as waiting.
    const overview = await system.signIn(brandA);
    await overview.locator('[data-testid=identity-row][data-action=review]').first().waitFor();
    expect(await overview.locator('[data-testid=identity-pending]').innerText()).toMatch(/1 waiting/);

    // Reject: the card goes as the decision is applied, without a reload.
    await card.locator('[data-testid=reject]').click();
    await page.locator('[data-testid=decision-message]', { hasText: 'Rejection sent' }).waitFor();
    await card.waitFor({ state: 'detached', timeout: 20_000 });
    await overview.locator('[data-testid=identity-row][data-action=reject]').first().waitFor();
    expect(await overview.locator('[data-testid=identity-pending]').innerText()).not.toMatch(/waiting/);

    // The same evidence again is not asked about again.
    const reviewsBefore = (await merges(brandA, 'review')).length;
    await system.send(brandA, [rejected.evidence]);
    await processed(brandA);
    expect((await merges(brandA, 'review')).length).toBe(reviewsBefore);
    await page.reload();
    expect(await page.locator('[data-testid=review]', { hasText: 'rv1-user' }).count()).toBe(0);
    // Nobody was merged.
    expect((await profileOf(brandA, 'user_id:rv1-user')).merged_profiles).toEqual([]);

    // Another four: approve, and they are one profile, the oldest surviving.
    const approved = fourPeople('rv2', '+919876500002');
    await system.send(brandA, approved.people);
    await system.send(brandA, [approved.evidence]);
    await processed(brandA);
    await page.reload();
    const second = page.locator('[data-testid=review]', { hasText: 'rv2-user' });
    await second.waitFor();
    await second.locator('[data-testid=approve]').click();
    await page.locator('[data-testid=decision-message]', { hasText: 'Approval sent' }).waitFor();
    await second.waitFor({ state: 'detached', timeout: 20_000 });

    await processed(brandA);
    const survivor = await profileOf(brandA, 'user_id:rv2-user');
    expect(survivor.merged_profiles).toHaveLength(3);
    expect(survivor.profile.event_count).toBe(4 + 1 + 1 + 1);
    await page.goto(`${system.baseUrl}/profiles/${encodeURIComponent(survivor.profile.profile_id)}`);
    expect(await page.locator('[data-testid=merged-profile]').count()).toBe(3);
    const shown = await page.locator('main').innerText();
    for (const value of ['rv2.two@northwind.shop', '+919876500002', 'rv2-loyal-4'])
      expect(shown).toContain(value);

    // Deciding it again is refused with a reason, not sent.
    const decided = (await reviewOf(brandA, 'rv2-user'))!;
    expect(await postDecision(page, '/reviews?/reject', decided.merge_id)).toBe(409);
    await page.context().close();
    await overview.context().close();
  });

  it('unmerges two profiles from the survivor’s page: each has its own events again, and stays apart', async () => {
    // A customer (older), an anonymous visitor, then one event naming both: they merge.
    await system.send(brandA, [
      {
        type: 'identify',
        userId: 'um-user',
        traits: { email: 'um@northwind.shop' },
        timestamp: minutesAgo(30),
      },
      ...pageViews(2, { userId: 'um-user' }, minutesAgo(29)),
    ]);
    await system.send(brandA, pageViews(5, { anonymousId: 'um-cookie' }, minutesAgo(20)));
    await processed(brandA);
    const customer = (await profileOf(brandA, 'user_id:um-user')).profile;
    const visitor = (await profileOf(brandA, 'anonymous_id:um-cookie')).profile;
    expect([customer.event_count, visitor.event_count]).toEqual([3, 5]);

    await system.send(brandA, [{ type: 'identify', userId: 'um-user', anonymousId: 'um-cookie' }]);
    await processed(brandA);
    const merged = await profileOf(brandA, 'anonymous_id:um-cookie');
    expect(merged.profile.profile_id).toBe(customer.profile_id);
    expect(merged.merged_profiles).toEqual([visitor.profile_id]);
    expect(merged.profile.event_count).toBe(3 + 5 + 1);

    const page = await system.signIn(brandA);
    await page.goto(`${system.baseUrl}/profiles/${encodeURIComponent(customer.profile_id)}`);
    await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor();
    expect(await page.locator('[data-testid=profile-events]').innerText()).toBe('9');
    const row = page.locator('[data-testid=merge-history-row][data-action=merge]', {
      hasText: visitor.profile_id,
    });
    await row.locator('[data-testid=unmerge] summary').click();
    expect(await row.locator('[data-testid=unmerge] form').innerText()).toContain('Split');
    await row.locator('[data-testid=unmerge-confirm]').click();
    await page.locator('[data-testid=decision-message]', { hasText: 'Unmerge sent' }).waitFor();

    // The page follows the split as soon as the processor applied it.
    await page.locator('[data-testid=merged-profile]').waitFor({ state: 'detached', timeout: 20_000 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid=profile-events]')?.textContent === '4',
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.locator('[data-testid=unmerge]').count()).toBe(0);

    // The visitor's page is its own again, with its own events.
    const response = await page.goto(`${system.baseUrl}/profiles/${encodeURIComponent(visitor.profile_id)}`);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/profiles/${visitor.profile_id}`);
    expect(await page.locator('[data-testid=profile-events]').innerText()).toBe('5');

    // On the merge log, the merge is marked undone: no Unmerge button; the unmerge is there.
    await page.goto(`${system.baseUrl}/merges`);
    await page
      .locator('[data-testid=merge-row][data-action=unmerge]', { hasText: customer.profile_id })
      .waitFor();
    const mergeRow = page.locator('[data-testid=merge-row][data-action=merge]', {
      hasText: visitor.profile_id,
    });
    expect(await mergeRow.locator('[data-testid=unmerge]').count()).toBe(0);

    // The same two identifiers together again: the split holds.
    await system.send(brandA, [{ type: 'identify', userId: 'um-user', anonymousId: 'um-cookie' }]);
    await processed(brandA);
    expect((await profileOf(brandA, 'user_id:um-user')).merged_profiles).toEqual([]);
    expect((await profileOf(brandA, 'anonymous_id:um-cookie')).profile.profile_id).toBe(visitor.profile_id);
    await page.context().close();
  });

  it('shows another brand none of the reviews and refuses its decisions on them', async () => {
    const held = fourPeople('rv3', '+919876500003');
    await system.send(brandA, held.people);
    await system.send(brandA, [held.evidence]);
    await processed(brandA);
    const review = await reviewOf(brandA, 'rv3-user');
    expect(review).toBeDefined();
    const merge = (await merges(brandA, 'merge'))[0]!;

    const pageB = await system.signIn(brandB);
    expect(await pageB.locator('[data-testid=identity-row]').count()).toBe(0);
    await pageB.goto(`${system.baseUrl}/reviews`);
    expect(await pageB.locator('[data-testid=review]').count()).toBe(0);
    expect(await pageB.locator('main').innerText()).not.toContain('rv3-user');

    // B posting A's ids: not found, whichever page's action it uses.
    expect(await postDecision(pageB, '/reviews?/approve', review!.merge_id)).toBe(404);
    expect(await postDecision(pageB, '/reviews?/reject', review!.merge_id)).toBe(404);
    expect(await postDecision(pageB, '/merges?/unmerge', merge.merge_id)).toBe(404);
    // Nor through the read API.
    expect((await getJson(`${system.baseUrl}/api/v1/merges?action=review`, brandB.read_key)).body).toEqual({
      merges: [],
    });
    // A form posted from another site is refused before any action runs.
    const crossSite = await fetch(`${system.baseUrl}/reviews?/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: `merge_id=${encodeURIComponent(review!.merge_id)}`,
    });
    expect(crossSite.status).toBe(403);

    // A's review is still waiting, undecided.
    await processed(brandA);
    const decided = [...(await merges(brandA, 'approve')), ...(await merges(brandA, 'reject'))];
    expect(decided.some((record) => record.into_profile_id === review!.into_profile_id)).toBe(false);
    const pageA = await system.signIn(brandA);
    await pageA.goto(`${system.baseUrl}/reviews`);
    await pageA.locator('[data-testid=review]', { hasText: 'rv3-user' }).waitFor();
    await pageA.context().close();
    await pageB.context().close();
  });
});
