// Saving a brand's alert rules and receivers through the registry: validated,
// written atomically into the brands file, and seen by another registry
// reading the same file (the processor's, in another process) on its reload.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrandRegistryError, createBrandRegistry } from '../../../ingest/brands/registry';
import { alertSettingsSchema, type AlertSettings } from '../../../src/lib/shared/alert-rules';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brands-alerts-'));
  file = join(dir, 'brands.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const SETTINGS: AlertSettings = alertSettingsSchema.parse({
  rules: [
    {
      rule_id: 'shop-silent',
      type: 'source_silent',
      subject: 'shopify',
      threshold: 10,
      recovery: 5,
      pending_minutes: 0,
      severity: 'critical',
    },
  ],
  receivers: [{ receiver_id: 'oncall', url: 'https://hooks.example.com/T1/B2', format: 'slack' }],
});

describe('updateAlertSettings', () => {
  it('rewrites the brands file with the new rules and keeps everything else', async () => {
    const registry = await createBrandRegistry({ file });
    const acme = await registry.create('acme', 'Acme');
    await registry.create('globex');
    const before = JSON.parse(await readFile(file, 'utf8')) as {
      brands: Array<{ brand_id: string; settings: Record<string, unknown> }>;
    };

    await registry.updateAlertSettings('acme', SETTINGS);

    expect(registry.get('acme')?.settings.alerts).toEqual(SETTINGS);
    const after = JSON.parse(await readFile(file, 'utf8')) as typeof before;
    const acmeAfter = after.brands.find((brand) => brand.brand_id === 'acme')!;
    expect(acmeAfter.settings['alerts']).toEqual(SETTINGS);
    // Only the alerts changed: credentials, other settings and the other brand are as they were.
    const acmeBefore = before.brands.find((brand) => brand.brand_id === 'acme')!;
    expect({ ...acmeAfter, settings: { ...acmeAfter.settings, alerts: null } }).toEqual({
      ...acmeBefore,
      settings: { ...acmeBefore.settings, alerts: null },
    });
    expect(after.brands.find((brand) => brand.brand_id === 'globex')).toEqual(
      before.brands.find((brand) => brand.brand_id === 'globex'),
    );
    expect(registry.byReadKey(acme.read_key)?.brand_id).toBe('acme');
  });

  it('refuses invalid settings and leaves the file untouched', async () => {
    const registry = await createBrandRegistry({ file });
    await registry.create('acme');
    const before = await readFile(file, 'utf8');
    const invalid = {
      ...SETTINGS,
      rules: [{ ...SETTINGS.rules[0]!, threshold: 5, recovery: 10 }],
    };
    const error = await registry.updateAlertSettings('acme', invalid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrandRegistryError);
    expect((error as BrandRegistryError).code).toBe('invalid_alert_settings');
    expect((error as Error).message).toMatch(/rules\.0\.recovery/);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses an unknown brand', async () => {
    const registry = await createBrandRegistry({ file });
    await registry.create('acme');
    await expect(registry.updateAlertSettings('nobody', SETTINGS)).rejects.toMatchObject({
      code: 'unknown_brand',
    });
  });

  it('keeps a brand another process added just before', async () => {
    const mine = await createBrandRegistry({ file, recheckIntervalMs: 60_000 });
    await mine.create('acme');
    const theirs = await createBrandRegistry({ file });
    await theirs.create('globex');
    await mine.updateAlertSettings('acme', SETTINGS);
    expect(mine.get('globex')).toBeDefined();
    const written = JSON.parse(await readFile(file, 'utf8')) as { brands: Array<{ brand_id: string }> };
    expect(written.brands.map((brand) => brand.brand_id)).toEqual(['acme', 'globex']);
  });

  it('is picked up by another registry on the same file at its next check', async () => {
    const dashboard = await createBrandRegistry({ file });
    await dashboard.create('acme');
    const processor = await createBrandRegistry({ file, recheckIntervalMs: 20 });
    expect(processor.get('acme')?.settings.alerts.rules.map((rule) => rule.rule_id)).not.toContain(
      'shop-silent',
    );
    await dashboard.updateAlertSettings('acme', SETTINGS);
    await sleep(40);
    expect(processor.get('acme')?.settings.alerts).toEqual(SETTINGS);
  });

  it('writes no temp files beside the brands file', async () => {
    const registry = await createBrandRegistry({ file });
    await registry.create('acme');
    await registry.updateAlertSettings('acme', SETTINGS);
    expect(await readdir(dir)).toEqual(['brands.json']);
  });
});
