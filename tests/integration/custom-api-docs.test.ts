// docs/custom-api.md, proved against the whole system in one process (embedded
// default: in-process bus, DuckDB in a temp DATA_DIR), as a brand would use it:
// - Segment's own Node.js library, pointed at the server, delivers track,
//   identify and page, and they become the brand's profile;
// - every ```sh block of the doc that runs curl is run by bash, with the doc's
//   $SIGNALROOM_URL and $WRITE_KEY set, and must answer the status and the JSON
//   written under it;
// and every read is repeated as another brand, which sees nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { createLogger } from '../../ingest/log';
import { startSystem, type System } from '../../ingest/system';
import type { ProfileView, RejectedBody, StatusBody } from '../../src/lib/server/api/responses';
import { loadConfig } from '../../src/lib/shared/config';
import { getJson, waitFor } from '../support/http';

const run = promisify(execFile);
const DOC = resolve(import.meta.dirname, '../../docs/custom-api.md');

let dir: string;
let system: System;
/** Sends with the Node.js SDK. */
let sdkBrand: BrandCredentials;
/** Runs the doc's curl examples. */
let curlBrand: BrandCredentials;
/** Sends nothing; reads everything the others sent, and must find none of it. */
let otherBrand: BrandCredentials;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'custom-api-docs-'));
  const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'error' };
  system = await startSystem({ config: loadConfig(env, []), log: createLogger('error') });
  sdkBrand = await system.brands.create('sdk-shop', 'SDK Shop');
  curlBrand = await system.brands.create('curl-shop', 'Curl Shop');
  otherBrand = await system.brands.create('other-shop', 'Other Shop');
});
afterAll(async () => {
  await system?.close();
  await rm(dir, { recursive: true, force: true });
});

async function status(brand: BrandCredentials): Promise<StatusBody> {
  const response = await getJson(`${system.url}/api/v1/status`, brand.read_key);
  expect(response.status).toBe(200);
  return response.body as StatusBody;
}

/** Waits until the processor has handled everything accepted for the brand. */
function caughtUp(brand: BrandCredentials, processed: number): Promise<StatusBody> {
  return waitFor(
    `${brand.brand_id} to process ${processed} events`,
    async () => {
      const current = await status(brand);
      return current.pending === 0 && current.processed >= processed ? current : undefined;
    },
    30_000,
  );
}

function lookup(brand: BrandCredentials, identifier: string) {
  return getJson(
    `${system.url}/api/v1/profiles/lookup?identifier=${encodeURIComponent(identifier)}`,
    brand.read_key,
  );
}

async function expectOtherBrandSeesNothing(profileId: string, identifiers: string[]): Promise<void> {
  for (const identifier of identifiers) expect((await lookup(otherBrand, identifier)).status).toBe(404);
  const view = await getJson(`${system.url}/api/v1/profiles/${profileId}`, otherBrand.read_key);
  expect(view.status).toBe(404);
  expect(await status(otherBrand)).toEqual({
    accepted: 0,
    processed: 0,
    rejected: 0,
    duplicates: 0,
    pending: 0,
  });
  const rejected = await getJson(`${system.url}/api/v1/rejected`, otherBrand.read_key);
  expect((rejected.body as RejectedBody).rejected).toEqual([]);
}

describe('@segment/analytics-node pointed at Signalroom, as the doc configures it', () => {
  it('delivers track, identify and page into the brand’s profile, and only there', async () => {
    const analytics = new Analytics({ writeKey: sdkBrand.write_key, host: system.url, path: '/v1/batch' });
    const answers: number[] = [];
    const errors: unknown[] = [];
    analytics.on('http_response', (response) => answers.push(response.status));
    analytics.on('error', (error) => errors.push(error));

    analytics.track({
      anonymousId: 'sdk-cookie-1',
      event: 'Product Viewed',
      properties: { product_id: 'sku-7', category: 'Shoes', price: 80 },
    });
    analytics.identify({
      userId: 'sdk-cust-1',
      anonymousId: 'sdk-cookie-1',
      traits: { email: 'Ravi.Kumar@sdk.example.shop' },
    });
    analytics.page({ userId: 'sdk-cust-1', name: 'Cart', properties: { path: '/cart' } });
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(errors).toEqual([]);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((answer) => answer === 200)).toBe(true);

    const after = await caughtUp(sdkBrand, 3);
    expect(after).toMatchObject({ accepted: 3, processed: 3, rejected: 0, duplicates: 0 });

    const byEmail = await lookup(sdkBrand, 'email:ravi.kumar@sdk.example.shop');
    expect(byEmail.status).toBe(200);
    const profileId = (byEmail.body as ProfileView).profile.profile_id;
    const view = await getJson(`${system.url}/api/v1/profiles/${profileId}`, sdkBrand.read_key);
    expect(view.status).toBe(200);
    const body = view.body as ProfileView;
    expect(body.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'email', value: 'ravi.kumar@sdk.example.shop' },
        { type: 'user_id', value: 'sdk-cust-1' },
        { type: 'anonymous_id', value: 'sdk-cookie-1' },
      ]),
    );
    expect(body.recent_events.map((event) => event.type).sort()).toEqual([
      'identify',
      'page_viewed',
      'product_viewed',
    ]);
    expect(body.recent_events.every((event) => event.brand_id === 'sdk-shop')).toBe(true);

    await expectOtherBrandSeesNothing(profileId, [
      'email:ravi.kumar@sdk.example.shop',
      'user_id:sdk-cust-1',
      'anonymous_id:sdk-cookie-1',
    ]);
  });
});

interface CurlExample {
  script: string;
  status: number;
  body: unknown;
}

/** Every ```sh block that runs curl, with the status and JSON answer the doc writes under it. */
function curlExamples(markdown: string): CurlExample[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].filter((block) =>
    /\bcurl\b/.test(block[1]!),
  );
  return blocks.map((block) => {
    const after = markdown.slice(block.index + block[0].length);
    const answer = /^\s*\n[^\n`]*answers `(\d{3})`[^\n]*\n+```json\n([\s\S]*?)```/.exec(after);
    if (!answer) throw new Error(`no documented answer under the curl example:\n${block[1]}`);
    return { script: block[1]!, status: Number(answer[1]), body: JSON.parse(answer[2]!) as unknown };
  });
}

describe('the curl examples in docs/custom-api.md', () => {
  it('each answers the status and body written under it, and the events become the brand’s', async () => {
    const examples = curlExamples(await readFile(DOC, 'utf8'));
    // track, identify, page, batch, the three refusals, and the call as analytics.js sends it.
    expect(examples.length).toBeGreaterThanOrEqual(8);

    for (const example of examples) {
      // curl as the doc writes it, with the status appended on a line of its own.
      const script = `curl() { command curl --write-out '\\n%{http_code}' "$@"; }\n${example.script}`;
      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
        env: { ...process.env, SIGNALROOM_URL: system.url, WRITE_KEY: curlBrand.write_key },
        timeout: 30_000,
      });
      const lines = stdout.trimEnd().split('\n');
      const statusCode = Number(lines.pop());
      const body = JSON.parse(lines.join('\n')) as unknown;
      expect({ status: statusCode, body }, example.script).toEqual({
        status: example.status,
        body: example.body,
      });
    }

    // Accepted: track, identify, page, the batch's order and retry, and the
    // text/plain call on /v1/t; the retry (the track's messageId again) is
    // counted once. Kept as rejections: the batch's nameless identify, the
    // hostile call and the form (the call without a key has no brand to be kept for).
    const after = await waitFor(
      'the curl brand to process the examples',
      async () => {
        const current = await status(curlBrand);
        return current.pending === 0 && current.processed + current.duplicates >= 6 && current.rejected >= 3
          ? current
          : undefined;
      },
      30_000,
    );
    expect(after).toMatchObject({ accepted: 6, processed: 5, duplicates: 1, rejected: 3 });

    const rejected = await getJson(`${system.url}/api/v1/rejected`, curlBrand.read_key);
    const reasons = (rejected.body as RejectedBody).rejected.map((row) => row.reason).sort();
    expect(reasons).toEqual(['invalid_event', 'invalid_event', 'unsupported_media_type']);
    const hostile = (rejected.body as RejectedBody).rejected.find((row) =>
      row.payload.includes('DROP TABLE'),
    );
    expect(hostile?.brand_id).toBe('curl-shop');

    // The identify linked the cookie, the customer id, the e-mail and the phone into one person.
    const byEmail = await lookup(curlBrand, 'email:asha.rao@example.shop');
    expect(byEmail.status).toBe(200);
    const profileId = (byEmail.body as ProfileView).profile.profile_id;
    for (const identifier of ['anonymous_id:cookie-7f3a', 'user_id:cust-1001', 'phone:+919876543210']) {
      const other = await lookup(curlBrand, identifier);
      expect(other.status, identifier).toBe(200);
      expect((other.body as ProfileView).profile.profile_id, identifier).toBe(profileId);
    }
    const view = await getJson(`${system.url}/api/v1/profiles/${profileId}`, curlBrand.read_key);
    const body = view.body as ProfileView;
    // The order: 2 × 49 from its products, as the doc says when revenue is absent.
    expect(body.profile).toMatchObject({ orders: 1, revenue: 98 });
    expect(body.recent_events.map((event) => event.type).sort()).toEqual([
      'identify',
      'order_completed',
      'page_viewed',
      'product_viewed',
      'product_viewed',
    ]);

    await expectOtherBrandSeesNothing(profileId, [
      'email:asha.rao@example.shop',
      'user_id:cust-1001',
      'anonymous_id:cookie-7f3a',
      'phone:+919876543210',
    ]);
  });
});
