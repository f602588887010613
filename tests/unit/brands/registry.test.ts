import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BrandRegistryError,
  BrandsFileError,
  createBrandRegistry,
  hashKey,
} from '../../../ingest/brands/registry';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brands-'));
  file = join(dir, 'brands.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A frozen clock: `created_at` is predictable, and the file re-check must not depend on it. */
function manualClock(start = '2024-05-01T12:00:00.000Z') {
  return { clock: () => new Date(start) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('hashKey', () => {
  it('is the SHA-256 hex of the key', () => {
    // sha256("abc"), a published test vector (FIPS 180-2)
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashKey('sr_write_a')).not.toBe(hashKey('sr_write_b'));
  });
});

describe('createBrandRegistry', () => {
  it('starts empty when the file does not exist', async () => {
    const registry = await createBrandRegistry({ file });
    expect(registry.list()).toEqual([]);
    expect(registry.get('acme')).toBeUndefined();
  });

  it('creates a brand whose keys and secrets resolve to it, and only to it', async () => {
    const { clock } = manualClock();
    const registry = await createBrandRegistry({ file, clock });
    const acme = await registry.create('acme', 'Acme Inc');
    const globex = await registry.create('globex');

    expect(acme.write_key).toMatch(/^sr_write_[A-Za-z0-9_-]{32}$/);
    expect(acme.read_key).toMatch(/^sr_read_[A-Za-z0-9_-]{32}$/);
    expect(acme.dashboard_user.username).toBe('admin@acme');

    expect(registry.byWriteKey(acme.write_key)?.brand_id).toBe('acme');
    expect(registry.byReadKey(acme.read_key)?.brand_id).toBe('acme');
    expect(registry.byWriteKey(globex.write_key)?.brand_id).toBe('globex');
    // A read key is not a write key, and near-misses do not match.
    expect(registry.byWriteKey(acme.read_key)).toBeUndefined();
    expect(registry.byReadKey(acme.write_key)).toBeUndefined();
    expect(registry.byWriteKey(acme.write_key.slice(0, -1))).toBeUndefined();
    expect(registry.byWriteKey('')).toBeUndefined();

    expect(registry.webhookSecret('acme', 'shopify')).toBe(acme.webhook_secrets.shopify);
    expect(registry.webhookSecret('globex', 'shopify')).toBe(globex.webhook_secrets.shopify);
    expect(acme.webhook_secrets.shopify).not.toBe(globex.webhook_secrets.shopify);
    expect(registry.webhookSecret('nobody', 'shopify')).toBeUndefined();

    expect(registry.get('acme')).toEqual({
      brand_id: 'acme',
      name: 'Acme Inc',
      created_at: '2024-05-01T12:00:00.000Z',
      settings: expect.objectContaining({ default_country: 'US' }),
    });
    expect(registry.get('globex')?.name).toBe('globex');
    expect(registry.list().map((brand) => brand.brand_id)).toEqual(['acme', 'globex']);
  });

  it('stores key hashes and a scrypt password hash, never the keys or password, in a 0600 file', async () => {
    const registry = await createBrandRegistry({ file });
    const credentials = await registry.create('acme');
    const text = await readFile(file, 'utf8');

    expect(text).not.toContain(credentials.write_key);
    expect(text).not.toContain(credentials.read_key);
    expect(text).not.toContain(credentials.dashboard_user.password);
    expect(text).toContain(hashKey(credentials.write_key));
    expect(text).toContain(hashKey(credentials.read_key));
    expect(text).toMatch(/"password_scrypt": "scrypt\$N=\d+,r=\d+,p=\d+\$[^$]+\$[^$]+"/);
    // Webhook secrets are kept in clear: an HMAC needs the secret itself.
    expect(text).toContain(credentials.webhook_secrets.shopify);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('verifies the dashboard user with its password only, and tells which brand', async () => {
    const registry = await createBrandRegistry({ file });
    const acme = await registry.create('acme');
    const globex = await registry.create('globex');

    expect((await registry.verifyUser('admin@acme', acme.dashboard_user.password))?.brand_id).toBe('acme');
    expect(await registry.verifyUser('admin@acme', globex.dashboard_user.password)).toBeUndefined();
    expect(await registry.verifyUser('admin@acme', acme.dashboard_user.password + 'x')).toBeUndefined();
    expect(await registry.verifyUser('admin@acme', '')).toBeUndefined();
    expect(await registry.verifyUser('admin@nobody', acme.dashboard_user.password)).toBeUndefined();
    expect((await registry.verifyUser('admin@globex', globex.dashboard_user.password))?.brand_id).toBe(
      'globex',
    );
  });

  it('refuses a duplicate brand id and an invalid one, leaving the file unchanged', async () => {
    const registry = await createBrandRegistry({ file });
    await registry.create('acme');
    const before = await readFile(file, 'utf8');

    await expect(registry.create('acme')).rejects.toThrow(/brand "acme" already exists/);
    await expect(registry.create('acme')).rejects.toBeInstanceOf(BrandRegistryError);
    for (const bad of ['A', 'Acme', 'acme corp', '-acme', 'a', 'x'.repeat(41), '../etc', 'acme_1', '']) {
      await expect(registry.create(bad), bad).rejects.toMatchObject({ code: 'invalid_brand_id' });
    }
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(registry.list()).toHaveLength(1);
  });

  it('sees brands another process created, within the re-check interval, without a restart', async () => {
    const { clock } = manualClock();
    const server = await createBrandRegistry({ file, clock, recheckIntervalMs: 1000 });
    const first = await server.create('acme');
    const checkedAt = performance.now(); // create just read the file

    // The CLI is a second registry on the same file.
    const cli = await createBrandRegistry({ file });
    expect(cli.byWriteKey(first.write_key)?.brand_id).toBe('acme');
    const second = await cli.create('globex');

    const unseen = server.byWriteKey(second.write_key);
    // Within the interval the server does not even stat the file (skipped only on a very slow machine).
    if (performance.now() - checkedAt < 1000) expect(unseen).toBeUndefined();
    await sleep(1050);
    expect(server.byWriteKey(second.write_key)?.brand_id).toBe('globex');
    expect(server.byWriteKey(first.write_key)?.brand_id).toBe('acme');
    expect(server.list().map((brand) => brand.brand_id)).toEqual(['acme', 'globex']);
  });

  it('does not lose a brand another process added when it creates one itself', async () => {
    const server = await createBrandRegistry({ file, clock: manualClock().clock });
    const cli = await createBrandRegistry({ file });
    await cli.create('acme');
    await server.create('globex'); // the server has not re-checked yet; create reads the file first
    await expect(server.create('acme')).rejects.toThrow(/already exists/);

    const reopened = await createBrandRegistry({ file });
    expect(reopened.list().map((brand) => brand.brand_id)).toEqual(['acme', 'globex']);
  });

  it('names the file and the bad field when the file is corrupt', async () => {
    await writeFile(file, '{"version": 1, "brands": [ {"brand_id": "acme"');
    await expect(createBrandRegistry({ file })).rejects.toThrow(BrandsFileError);
    await expect(createBrandRegistry({ file })).rejects.toThrow(`${file}: not valid JSON`);

    const registry = await createBrandRegistry({ file: join(dir, 'good.json') });
    await registry.create('acme');
    const good = JSON.parse(await readFile(join(dir, 'good.json'), 'utf8'));
    good.brands[0].write_key_sha256 = 'not-a-hash';
    good.brands[0].webhook_secrets.shopify = 42;
    await writeFile(file, JSON.stringify(good));
    const error = await createBrandRegistry({ file }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BrandsFileError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('brands.0.write_key_sha256: expected a SHA-256 hex digest');
    expect((error as Error).message).toContain('brands.0.webhook_secrets.shopify');

    // A brand's own junk list with a blank entry and a string where a list belongs: each named.
    const withJunk = JSON.parse(await readFile(join(dir, 'good.json'), 'utf8'));
    withJunk.brands[0].settings.junk_identifiers = { emails: ['  '], values: 'walk-in' };
    await writeFile(file, JSON.stringify(withJunk));
    const junkError = await createBrandRegistry({ file }).catch((caught: unknown) => caught);
    expect(junkError).toBeInstanceOf(BrandsFileError);
    expect((junkError as Error).message).toContain('brands.0.settings.junk_identifiers.emails.0');
    expect((junkError as Error).message).toContain('brands.0.settings.junk_identifiers.values');
  });

  it('rejects a file where two brands share an id or a username', async () => {
    const registry = await createBrandRegistry({ file: join(dir, 'good.json') });
    await registry.create('acme');
    await registry.create('globex');
    const good = JSON.parse(await readFile(join(dir, 'good.json'), 'utf8'));
    good.brands[1].users[0].username = 'admin@acme';
    await writeFile(file, JSON.stringify(good));
    await expect(createBrandRegistry({ file })).rejects.toThrow(
      /brands\.1\.users\.0\.username: username already used/,
    );
    good.brands[1].brand_id = 'acme';
    await writeFile(file, JSON.stringify(good));
    await expect(createBrandRegistry({ file })).rejects.toThrow(/brands\.1\.brand_id: duplicate brand id/);
  });

  it('keeps serving the last good brands when the file is broken while running, and reports it', async () => {
    const errors: Error[] = [];
    const registry = await createBrandRegistry({
      file,
      recheckIntervalMs: 50,
      onReloadError: (error) => errors.push(error),
    });
    const acme = await registry.create('acme');

    await writeFile(file, 'not json');
    await sleep(60);
    expect(registry.byWriteKey(acme.write_key)?.brand_id).toBe('acme');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain(`${file}: not valid JSON`);
  });
});
