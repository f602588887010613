// Runs the real CLI (tsx ingest/cli/brand.ts) against a temp DATA_DIR.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBrandRegistry } from '../../../ingest/brands/registry';
import type { BrandCredentials } from '../../../ingest/brands/types';

const root = resolve(import.meta.dirname, '../../..');
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'brand-cli-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function brandCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      join(root, 'node_modules/.bin/tsx'),
      [join(root, 'ingest/cli/brand.ts'), ...args],
      { cwd: root, env: { ...process.env, DATA_DIR: dataDir } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('npm run brand', { timeout: 30_000 }, () => {
  it('creates a brand, prints working credentials once, and lists brands without secrets', async () => {
    const created = await brandCli('create', 'acme', '--name', 'Acme Outdoor');
    expect(created.code).toBe(0);
    const credentials = JSON.parse(created.stdout) as BrandCredentials;
    expect(credentials.brand_id).toBe('acme');

    // The server's registry (another process) accepts what the CLI printed.
    const registry = await createBrandRegistry({ file: join(dataDir, 'brands.json') });
    expect(registry.byWriteKey(credentials.write_key)?.name).toBe('Acme Outdoor');
    expect(registry.webhookSecret('acme', 'shopify')).toBe(credentials.webhook_secrets.shopify);
    expect((await registry.verifyUser('admin@acme', credentials.dashboard_user.password))?.brand_id).toBe(
      'acme',
    );

    const listed = await brandCli('list');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { brand_id: 'acme', name: 'Acme Outdoor', created_at: expect.any(String) },
    ]);
    expect(listed.stdout).not.toContain(credentials.webhook_secrets.shopify);
    expect(listed.stdout).not.toContain(credentials.write_key);
  });

  it('sets the default phone country of a new brand', async () => {
    const created = await brandCli('create', 'mumbai-store', '--country', 'in');
    expect(created.code).toBe(0);
    const registry = await createBrandRegistry({ file: join(dataDir, 'brands.json') });
    expect(registry.get('mumbai-store')?.settings.default_country).toBe('IN');
  });

  it('exits 2 naming the problem for bad input, and writes nothing', async () => {
    expect(await brandCli('create', 'acme')).toMatchObject({ code: 0 });
    const before = await readFile(join(dataDir, 'brands.json'), 'utf8');
    const cases: [string[], RegExp][] = [
      [['create', 'acme'], /brand "acme" already exists/],
      [['create', 'Not OK'], /invalid brand id "Not OK"/],
      [['create'], /create needs a brand id/],
      [['create', 'beta', '--name'], /--name needs a value/],
      [['create', 'beta', '--colour', 'red'], /unknown option "--colour"/],
      [['create', 'beta', '--country', 'XX'], /two-letter ISO 3166 country code, got "XX"/],
      [['create', 'beta', '--country'], /two-letter ISO 3166 country code/],
      [['delete', 'acme'], /unknown command "delete"/],
      [[], /no command given/],
    ];
    for (const [args, message] of cases) {
      const result = await brandCli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect(await readFile(join(dataDir, 'brands.json'), 'utf8')).toBe(before);
  });
});
