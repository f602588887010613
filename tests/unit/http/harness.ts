// A fresh ingest app per test over the REAL in-process bus and a real brand
// registry on a temp file; `envelopes()` reads back what reached events.raw.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawEnvelope } from '../../../src/lib/shared/events';
import { createBrandRegistry } from '../../../ingest/brands/registry';
import type { BrandCredentials, BrandRegistry } from '../../../ingest/brands/types';
import { createInProcessBus } from '../../../ingest/bus/in-process';
import type { Bus } from '../../../ingest/bus/types';
import { createIngestApp } from '../../../ingest/http/app';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { readEnvelopes } from '../../support/bus-reader';

export const NOW = '2024-05-01T12:00:00.000Z';
/** The public URL the app is configured with; requests arrive at http://localhost, as behind a proxy. */
export const PUBLIC_URL = 'https://signals.example.com';

export interface Harness {
  app: ReturnType<typeof createIngestApp>;
  bus: Bus;
  brands: BrandRegistry;
  acme: BrandCredentials;
  globex: BrandCredentials;
  /** Every message on events.raw so far, validated against the bus contract, with its key. */
  envelopes(): Promise<{ key: string; envelope: RawEnvelope }[]>;
  close(): Promise<void>;
}

export interface BrandFixture {
  brands: BrandRegistry;
  acme: BrandCredentials;
  globex: BrandCredentials;
  remove(): Promise<void>;
}

/** Two brands in a real registry on a temp file; created once per test file (scrypt is slow on purpose). */
export async function createBrandFixture(): Promise<BrandFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ingest-brands-'));
  const brands = await createBrandRegistry({ file: join(dir, 'brands.json'), clock: () => new Date(NOW) });
  const acme = await brands.create('acme');
  const globex = await brands.create('globex');
  return { brands, acme, globex, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A fresh bus and app over the brand fixture. */
export async function createHarness(
  fixture: BrandFixture,
  options: { wrapBus?: (bus: Bus) => Bus; publicUrl?: string } = {},
): Promise<Harness> {
  const { brands, acme, globex } = fixture;
  const realBus = createInProcessBus();
  const bus = options.wrapBus ? options.wrapBus(realBus) : realBus;
  let ids = 0;
  const app = createIngestApp({
    bus,
    brands,
    publicUrl: options.publicUrl ?? PUBLIC_URL,
    clock: () => new Date(NOW),
    newId: () => `id-${++ids}`,
    reportError: (error) => {
      throw error;
    },
  });

  const envelopes = () => readEnvelopes(realBus);

  return {
    app,
    bus,
    brands,
    acme,
    globex,
    envelopes,
    async close() {
      await realBus.close();
    },
  };
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/** Events and rejections of a read-back, for short assertions. */
export function split(read: { key: string; envelope: RawEnvelope }[]) {
  return {
    events: read.flatMap(({ envelope }) => (envelope.kind === 'event' ? [envelope.event] : [])),
    rejected: read.flatMap(({ envelope }) => (envelope.kind === 'rejected' ? [envelope.rejected] : [])),
    keys: read.map(({ key }) => key),
  };
}

/**
 * The hooks of a test file of the ingest app: one brand fixture for the file,
 * a fresh harness for each test, handed to `onEach` before the test runs.
 */
export function useHarness(onEach: (harness: Harness, fixture: BrandFixture) => void): void {
  let fixture: BrandFixture;
  let harness: Harness;
  beforeAll(async () => {
    fixture = await createBrandFixture();
  });
  afterAll(async () => {
    await fixture.remove();
  });
  beforeEach(async () => {
    harness = await createHarness(fixture);
    onEach(harness, fixture);
  });
  afterEach(async () => {
    await harness.close();
  });
}
