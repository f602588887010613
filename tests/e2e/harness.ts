// What every browser test needs: the real server (`tsx ingest/main.ts --role
// all`, built dashboard) in a temp data dir with its brands, a headless
// Chromium, sending events through the tracking API, and signing in.
// Needs `npm run build` first (npm test does it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { basicAuth, postJson, waitFor } from '../support/http';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Where a browser test saves a screenshot: docs/ when asked to refresh the
 * README's pictures (`UPDATE_SCREENSHOTS=1 npm run test:e2e`), else a temporary
 * folder, so a test run never changes tracked files.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.UPDATE_SCREENSHOTS
    ? join(ROOT, 'docs')
    : join(tmpdir(), 'signalroom-e2e-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface E2eSystem {
  baseUrl: string;
  /** The server's DATA_DIR (its embedded warehouse is warehouse.duckdb there; open it only while the server is stopped). */
  dataDir: string;
  browser: Browser;
  /** The brands asked for, by id, with their credentials. */
  brands: Record<string, BrandCredentials>;
  /** Starts the server (again, after `stopServer`) on the same port and data. */
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  /** Sends Segment calls for a brand through the tracking API and checks they were accepted. */
  send(brand: BrandCredentials, calls: Array<Record<string, unknown>>): Promise<void>;
  /** A fresh browser context signed in as the brand's dashboard user, on the overview, live. */
  signIn(brand: BrandCredentials): Promise<Page>;
  close(): Promise<void>;
}

/** Creates the brands (before the server starts: it reads them at start), starts the server and a browser. */
export async function startE2eSystem(brands: Array<{ id: string; name: string }>): Promise<E2eSystem> {
  const dataDir = await mkdtemp(join(tmpdir(), 'signalroom-e2e-'));
  const credentials: Record<string, BrandCredentials> = {};
  for (const { id, name } of brands) credentials[id] = createBrand(dataDir, id, name);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  let server: ChildProcess | undefined;
  let serverLog = '';
  const startServer = async () => {
    serverLog = '';
    const child = spawn('npx', ['tsx', 'ingest/main.ts', '--role', 'all'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      detached: true, // its own process group, so stopServer ends npx, tsx and node together
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    child.stdout?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
    await waitFor(
      `the server at ${baseUrl}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited: ${serverLog}`);
        return (await fetch(`${baseUrl}/api/openapi.json`)).ok || undefined;
      },
      90_000,
    );
  };
  const stopServer = async () => {
    const child = server;
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
    if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  };

  await startServer();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  } catch (error) {
    await stopServer();
    throw error;
  }

  let sequence = 0;
  return {
    baseUrl,
    dataDir,
    browser,
    brands: credentials,
    startServer,
    stopServer,
    async send(brand, calls) {
      const batch = calls.map((call) => ({ messageId: `e2e-${brand.brand_id}-${++sequence}`, ...call }));
      const response = await postJson(
        `${baseUrl}/v1/batch`,
        { batch },
        { authorization: basicAuth(brand.write_key) },
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    },
    async signIn(brand) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${baseUrl}/`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.fill('input[name=username]', brand.dashboard_user.username);
      await page.fill('input[name=password]', brand.dashboard_user.password);
      await Promise.all([page.waitForURL(`${baseUrl}/`), page.click('button[type=submit]')]);
      await page.locator('[data-testid=connection]', { hasText: 'Live' }).waitFor();
      return page;
    },
    async close() {
      await browser.close();
      await stopServer();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function createBrand(dataDir: string, brandId: string, name: string): BrandCredentials {
  const result = spawnSync('npx', ['tsx', 'ingest/cli/brand.ts', 'create', brandId, '--name', name], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`brand create ${brandId} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as BrandCredentials;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}
