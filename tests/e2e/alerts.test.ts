// Alerts end to end in a real headless Chromium against the real system: a
// source_silent rule and a webhook receiver set on the Alerts page (saved into
// the brands file, read by the processor), the alert firing live (header
// count, toast, open set), acknowledged and silenced from the page, its
// delivery log showing the receiver's answer, and resolving live when the
// source speaks again. Brand B can neither read nor acknowledge it.
// Needs `npm run build` first. Takes about four minutes: the rule fires when
// a closed minute finds the source silent for more than one minute.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { getJson } from '../support/http';
import { screenshotPath, startE2eSystem, type E2eSystem } from './harness';

let system: E2eSystem;
let brandA: BrandCredentials;
let brandB: BrandCredentials;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ state?: string; alert_id?: string }> = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      try {
        received.push(JSON.parse(body) as { state?: string });
      } catch {
        received.push({});
      }
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  system = await startE2eSystem([
    { id: 'e2e-alerts-a', name: 'Alerts A' },
    { id: 'e2e-alerts-b', name: 'Alerts B' },
  ]);
  brandA = system.brands['e2e-alerts-a']!;
  brandB = system.brands['e2e-alerts-b']!;
});

afterAll(async () => {
  await system?.close();
  await new Promise((done) => receiver?.close(done));
});

const FIRE_TIMEOUT_MS = 200_000;

async function openAlertsPage(brand: BrandCredentials): Promise<Page> {
  const page = await system.signIn(brand);
  await page.getByRole('navigation').getByRole('link', { name: 'Alerts', exact: true }).click();
  await page.waitForURL(`${system.baseUrl}/alerts`);
  await page.getByRole('heading', { name: 'Open alerts' }).waitFor();
  return page;
}

/** Fills the add-rule form (opened by its button) and submits it. */
async function addRule(page: Page, fields: Record<string, string>) {
  const form = page.getByRole('form', { name: 'Add a rule' });
  if (!(await form.isVisible())) await page.getByRole('button', { name: 'Add a rule' }).click();
  await form.getByLabel('Rule id').fill(fields['rule_id']!);
  await form.getByLabel('Type').selectOption(fields['type']!);
  await form.getByLabel('Severity').selectOption(fields['severity']!);
  await form.getByLabel('Subject').fill(fields['subject']!);
  await form.getByLabel('Threshold').fill(fields['threshold']!);
  await form.getByLabel('Recovery').fill(fields['recovery']!);
  await form.getByLabel('Window (minutes)').fill('1');
  await form.getByLabel('Pending (minutes)').fill('0');
  await form.getByRole('button', { name: 'Add rule' }).click();
  return form;
}

/** Posts an Alerts page action as a form without JavaScript would, and answers the status. */
function postAction(page: Page, action: string, fields: Record<string, string>): Promise<number> {
  return page.evaluate(
    async ({ action, fields }) => {
      const body = new FormData();
      for (const [name, value] of Object.entries(fields)) body.set(name, value);
      return (await fetch(`/alerts?/${action}`, { method: 'POST', body, headers: { accept: 'text/html' } }))
        .status;
    },
    { action, fields },
  );
}

const visit = (anonymousId: string) => [
  { type: 'page', anonymousId, name: 'Home', properties: { path: '/' } },
];

describe('alerts', () => {
  it('edits rules with every problem next to its field, and a receiver', async () => {
    const page = await openAlertsPage(brandA);
    // Recovery on the wrong side of an "above" threshold is refused, next to Recovery.
    const form = await addRule(page, {
      rule_id: 'track-silent',
      type: 'source_silent',
      severity: 'critical',
      subject: 'track',
      threshold: '1',
      recovery: '5',
    });
    await form.getByText('recovery must be at or below it').waitFor();
    await expect(form.getByLabel('Recovery').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await page.locator('[data-testid=rule][data-rule-id=track-silent]').count()).toBe(0);

    await form.getByLabel('Recovery').fill('1');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await page.locator('[data-testid=rule][data-rule-id=track-silent]').waitFor();

    // A receiver with a URL that is not http(s) is refused next to the URL; a good one is kept.
    const add = page.getByRole('form', { name: 'Add a receiver' });
    await add.getByLabel('Receiver id').fill('local');
    await add.getByLabel('Webhook URL').fill(receiverUrl);
    await add.getByLabel('Format').selectOption('json');
    await add.getByRole('button', { name: 'Add receiver' }).click();
    await page.locator('[data-testid=receiver]', { hasText: receiverUrl }).waitFor();

    // Saved into the brands file: a reload reads the rule back from it.
    await page.reload();
    await page.locator('[data-testid=rule][data-rule-id=track-silent]', { hasText: 'enabled' }).waitFor();
    await page.context().close();
  });

  it('fires live, is acknowledged, silenced and delivered, then resolves live', async () => {
    const page = await openAlertsPage(brandA);
    // Sound on, remembered in this browser.
    const sound = page.getByRole('button', { name: /^Sound/ });
    await expect(sound.getAttribute('aria-pressed')).resolves.toBe('false');
    await sound.click();
    await expect.poll(() => sound.getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    // The remembered choice is read once the page has hydrated (onMount): poll, a single read can
    // come before it (it did in CI, on a loaded machine).
    await expect
      .poll(() => page.getByRole('button', { name: /^Sound/ }).getAttribute('aria-pressed'))
      .toBe('true');
    await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor();
    await page.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = 'no reload'));

    // The source speaks once (after the rule exists), then stays silent.
    await system.send(brandA, visit('silent-1'));
    const toast = page.locator('[data-testid=alert-toast]', { hasText: 'critical alert firing' });
    await toast.waitFor({ timeout: FIRE_TIMEOUT_MS });
    await page.locator('[data-testid=firing-summary][data-firing="1"]').waitFor();
    expect(await page.locator('[data-testid=firing-critical]').innerText()).toBe('1 critical');
    const row = page.locator('[data-testid=alert-row][data-state=firing]', { hasText: 'track-silent' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/No events from track/);
    const alertId = (await row.getAttribute('data-alert-id'))!;
    await page.screenshot({ path: screenshotPath('alerts.png'), fullPage: true });

    // Acknowledge: the processor applies it and the row shows who, live.
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.locator('td', { hasText: /^admin@e2e-alerts-a$/ }).waitFor({ timeout: 15_000 });
    expect(await postAction(page, 'acknowledge', { alert_id: alertId })).toBe(409);

    // The receiver was told of the firing, and the delivery log says so.
    await row.getByRole('button', { name: 'Deliveries' }).click();
    const log = page.locator('[data-testid=delivery-log]');
    await log.locator('tr', { hasText: 'delivered' }).waitFor({ timeout: 15_000 });
    expect(received.some((body) => body.alert_id === alertId && body.state === 'firing')).toBe(true);

    // Silence its rule for an hour, then end the silence.
    await row.getByRole('button', { name: 'Silence' }).click();
    const silenceForm = page.getByRole('form', { name: 'Silence notifications' }).first();
    await silenceForm.getByLabel('1 hour').check();
    await silenceForm.getByLabel('Reason').fill('e2e: looking into it');
    await silenceForm.getByRole('button', { name: 'Silence' }).click();
    const silence = page.locator('[data-testid=silence]', { hasText: 'e2e: looking into it' });
    await silence.waitFor({ timeout: 15_000 });
    // An expiry in the past is refused.
    expect(
      await postAction(page, 'silence', {
        duration: 'custom',
        ends_at: new Date(Date.now() - 60_000).toISOString(),
        reason: 'x',
      }),
    ).toBe(400);
    await silence.getByRole('button', { name: 'End' }).click();
    await silence.waitFor({ state: 'detached', timeout: 15_000 });

    // Brand B: not its alert to read or acknowledge.
    expect((await getJson(`${system.baseUrl}/api/v1/alerts/${alertId}`, brandB.read_key)).status).toBe(404);
    const pageB = await openAlertsPage(brandB);
    expect(await postAction(pageB, 'acknowledge', { alert_id: alertId })).toBe(404);
    expect(await pageB.locator('[data-testid=alert-row]').count()).toBe(0);
    expect(await pageB.locator('[data-testid=firing-summary]').getAttribute('data-firing')).toBe('0');
    await pageB.context().close();

    // The source speaks again: the alert resolves live, toast and all, without a reload.
    await system.send(brandA, visit('silent-2'));
    await page
      .locator('[data-testid=alert-toast]', { hasText: 'Alert resolved' })
      .waitFor({ timeout: 120_000 });
    await page.locator('[data-testid=firing-summary][data-firing="0"]').waitFor();
    await page.locator('[data-testid=no-open-alerts]').waitFor();
    await page
      .locator('[data-testid=alert-history] [data-testid=alert-row]', { hasText: 'track-silent' })
      .waitFor();
    expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe(
      'no reload',
    );
    const stored = await getJson(`${system.baseUrl}/api/v1/alerts/${alertId}`, brandA.read_key);
    expect(stored.body).toMatchObject({
      state: 'resolved',
      acknowledged_by: 'admin@e2e-alerts-a',
      fired_at: expect.any(String),
      resolved_at: expect.any(String),
    });
    await page.context().close();
  }, 420_000);

  it('shows the firing set on every page, with links to Campaigns and Alerts', async () => {
    const page = await system.signIn(brandA);
    for (const path of ['/', '/campaigns', '/merges', '/imports']) {
      await page.goto(`${system.baseUrl}${path}`);
      await page.locator('[data-testid=firing-summary]').waitFor();
      const nav = page.getByRole('navigation');
      await nav.getByRole('link', { name: 'Campaigns', exact: true }).waitFor();
      await nav.getByRole('link', { name: 'Alerts', exact: true }).waitFor();
    }
    await page.context().close();
  });
});
