// The Imports page in a real headless Chromium against the real server: an
// orders CSV with one bad date uploaded from the page, its preview and the
// suggested mapping, the mapping's problems shown as they arise, the import
// started and its counters and outcome arriving over the socket (no reload,
// no polling), the error report naming the bad row; and a second brand that
// neither lists the import nor can download its report.
// Needs `npm run build` first (npm test does it).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { screenshotPath, startE2eSystem, type E2eSystem } from './harness';

let system: E2eSystem;
let brandA: BrandCredentials;
let brandB: BrandCredentials;

beforeAll(async () => {
  system = await startE2eSystem([
    { id: 'imp-a', name: 'Shop A' },
    { id: 'imp-b', name: 'Shop B' },
  ]);
  brandA = system.brands['imp-a']!;
  brandB = system.brands['imp-b']!;
});

afterAll(async () => {
  await system?.close();
});

// Row 3 (the header is row 1) has a date that could be 3 April or 4 March.
const ORDERS_CSV = [
  'Order ID,Created At,Email,SKU,Quantity,Price,Total,Currency',
  'IMP-1001,2025-03-01 10:15:00,asha@example.com,TEE-1,2,500,1000,INR',
  'IMP-1002,03/04/2025,ravi@example.com,MUG-2,1,350,350,INR',
  'IMP-1003,2025-03-02,meera@example.com,CAP-3,1,400,400,INR',
].join('\n');

const SUGGESTED: Record<string, string> = {
  order_id: 'Order ID',
  occurred_at: 'Created At',
  email: 'Email',
  product_id: 'SKU',
  quantity: 'Quantity',
  price: 'Price',
  total: 'Total',
  currency: 'Currency',
};

async function openImports(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Imports', exact: true }).click();
  await page.waitForURL(`${system.baseUrl}/imports`);
}

/** Fetches a path in the page, with its session cookie. */
const fetchInPage = (page: Page, path: string) =>
  page.evaluate(async (href) => {
    const response = await fetch(href);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  }, path);

describe('imports page', () => {
  it('uploads, previews, maps, imports live, reports the bad row, and keeps it to the brand', async () => {
    const page = await system.signIn(brandA);
    await openImports(page);
    expect(await page.locator('[data-testid=import]').count()).toBe(0);

    // Upload: orders is the default kind; an unusable file is refused with the server's words.
    expect(await page.locator('[data-testid=import-kind][value=orders]').isChecked()).toBe(true);
    await page.setInputFiles('[data-testid=import-file]', {
      name: 'broken.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Order ID,,Total\nX,1,2\n'),
    });
    await page.click('[data-testid=upload-import]');
    expect(await page.locator('[data-testid=upload-error]').innerText()).toBe(
      'column 2 of the header has no name',
    );

    await page.setInputFiles('[data-testid=import-file]', {
      name: 'orders.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(ORDERS_CSV),
    });
    await page.click('[data-testid=upload-import]');
    const preview = page.locator('[data-testid=import-preview]');
    await preview.waitFor();
    const importId = (await preview.getAttribute('data-import-id'))!;
    expect(importId).toBeTruthy();

    // The preview: the headers and every row as read.
    expect(await preview.locator('th').allInnerTexts()).toEqual(ORDERS_CSV.split('\n')[0]!.split(','));
    const rows = preview.locator('[data-testid=import-preview-row]');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(1).locator('td').allInnerTexts()).toEqual(ORDERS_CSV.split('\n')[2]!.split(','));

    // The suggested mapping is preselected; the other fields have no column.
    const select = (field: string) => page.locator(`[data-testid=map-field][data-field=${field}]`);
    for (const [field, column] of Object.entries(SUGGESTED))
      expect(await select(field).inputValue(), field).toBe(column);
    for (const field of ['phone', 'loyalty_id', 'product_name', 'channel'])
      expect(await select(field).inputValue(), field).toBe('');
    expect(await page.locator('[data-testid=mapping-problems]').count()).toBe(0);
    const start = page.locator('[data-testid=start-import]');
    expect(await start.isEnabled()).toBe(true);

    // A required field without a column is a problem, shown at once, and Start waits for it.
    await select('order_id').selectOption('');
    expect(await page.locator('[data-testid=mapping-problems]').innerText()).toContain(
      'order_id (Order id) needs a column',
    );
    expect(await start.isDisabled()).toBe(true);
    await select('order_id').selectOption('Order ID');
    expect(await page.locator('[data-testid=mapping-problems]').count()).toBe(0);

    // The upload is listed already (pushed live), waiting for its mapping.
    const row = page.locator(`[data-testid=import][data-import-id="${importId}"]`);
    expect(await row.getAttribute('data-status')).toBe('uploaded');

    // Left for later, the server's list offers it again with the same preview.
    await page.reload();
    await row.getByRole('button', { name: 'Map and start' }).click();
    expect(await preview.getAttribute('data-import-id')).toBe(importId);
    expect(await rows.count()).toBe(3);
    expect(await select('order_id').inputValue()).toBe('Order ID');

    // Start: from here the page learns only from the socket.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const reads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname.startsWith('/api/'))
        reads.push(request.url());
    });
    await start.click();
    expect(await page.locator('[data-testid=import-started]').innerText()).toContain('orders.csv');
    expect(await page.locator('[data-testid=import-preview]').count()).toBe(0);
    await page.locator(`[data-testid=import][data-import-id="${importId}"][data-status=done]`).waitFor();
    const counters = {
      read: await row.locator('[data-testid=import-read]').innerText(),
      imported: await row.locator('[data-testid=import-imported]').innerText(),
      rejected: await row.locator('[data-testid=import-rejected]').innerText(),
      events: await row.locator('[data-testid=import-events]').innerText(),
    };
    expect(counters).toEqual({ read: '3', imported: '2', rejected: '1', events: '2' });
    expect(await row.locator('[data-testid=import-message]').innerText()).toBe(
      '1 row was not imported; the error report lists it with its reason',
    );
    expect(await row.locator('[data-testid=import-progress]').getAttribute('data-read-percent')).toBe('100');
    expect(await row.innerText()).toContain(brandA.dashboard_user.username);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(reads).toEqual([]);
    await page.screenshot({ path: screenshotPath('imports.png'), fullPage: true });

    // The error report names the bad row (spreadsheet numbering), its column, value and reason.
    const link = row.locator('[data-testid=import-error-report]');
    expect(await link.innerText()).toBe('Download error report');
    const href = (await link.getAttribute('href'))!;
    expect(href).toBe(`/api/v1/imports/${importId}/errors.csv`);
    const report = await fetchInPage(page, href);
    expect(report.status).toBe(200);
    expect(report.type).toContain('text/csv');
    const lines = report.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`row,column,value,error,${ORDERS_CSV.split('\n')[0]}`);
    expect(lines[1]).toMatch(
      /^3,Created At,03\/04\/2025,.*day\/month or month\/day.*,IMP-1002,03\/04\/2025,/,
    );

    // Reloaded, the server's list says the same.
    await page.reload();
    expect(await row.getAttribute('data-status')).toBe('done');
    expect(await row.locator('[data-testid=import-rejected]').innerText()).toBe('1');

    // Brand B: no such import, in the list, the API or the report.
    const pageB = await system.signIn(brandB);
    await openImports(pageB);
    expect(await pageB.locator('[data-testid=import]').count()).toBe(0);
    expect(await pageB.content()).not.toContain(importId);
    expect((await fetchInPage(pageB, href)).status).toBe(404);
    expect((await fetchInPage(pageB, `/api/v1/imports/${importId}`)).status).toBe(404);
    expect(JSON.parse((await fetchInPage(pageB, '/api/v1/imports')).text)).toEqual({ imports: [] });
  });

  it('stops a running import and discards an upload, after asking', async () => {
    const page = await system.signIn(brandA);
    await openImports(page);
    const asked: string[] = [];
    page.on('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });

    // Large enough to still be running when Stop is pressed: the processor paces the import.
    const lines = ['Order ID,Created At,Email,Total'];
    for (let i = 0; i < 200_000; i++)
      lines.push(`BIG-${i},2025-03-01,buyer${i % 500}@shop.example.in,${10 + (i % 90)}`);
    await page.setInputFiles('[data-testid=import-file]', {
      name: 'big.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n')),
    });
    await page.click('[data-testid=upload-import]');
    const preview = page.locator('[data-testid=import-preview]');
    await preview.waitFor();
    const bigId = (await preview.getAttribute('data-import-id'))!;
    await page.locator('[data-testid=start-import]').click();
    const big = page.locator(`[data-testid=import][data-import-id="${bigId}"]`);
    await page.locator(`[data-testid=import][data-import-id="${bigId}"][data-status=running]`).waitFor();
    await big.getByRole('button', { name: 'Stop' }).click();
    await page.locator(`[data-testid=import][data-import-id="${bigId}"][data-status=cancelled]`).waitFor();
    expect(asked).toEqual(['Stop importing big.csv? The rows imported so far stay imported.']);
    const imported = Number(
      (await big.locator('[data-testid=import-imported]').innerText()).replace(/\D/g, ''),
    );
    expect(imported).toBeLessThan(200_000);
    expect(await big.locator('[data-testid=import-message]').innerText()).toMatch(
      /^cancelled by admin@imp-a; the [\d,]+ rows imported before stay imported$/,
    );
    expect(await big.getByRole('button', { name: 'Stop' }).count()).toBe(0);

    // An upload never started is discarded the same way.
    await page.setInputFiles('[data-testid=import-file]', {
      name: 'later.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(ORDERS_CSV),
    });
    await page.click('[data-testid=upload-import]');
    await preview.waitFor();
    const laterId = (await preview.getAttribute('data-import-id'))!;
    const later = page.locator(`[data-testid=import][data-import-id="${laterId}"]`);
    await later.getByRole('button', { name: 'Discard' }).click();
    await page.locator(`[data-testid=import][data-import-id="${laterId}"][data-status=cancelled]`).waitFor();
    expect(asked[1]).toBe('Discard the upload of later.csv?');

    // Brand B can cancel neither.
    const pageB = await system.signIn(brandB);
    const foreign = await pageB.evaluate(
      (id) => fetch(`/api/v1/imports/${id}/cancel`, { method: 'POST' }).then((r) => r.status),
      bigId,
    );
    expect(foreign).toBe(404);
  });
});
