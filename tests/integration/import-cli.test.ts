// `npm run import` as a user runs it: a separate process streaming a file to
// a running Signalroom (embedded default), following the progress, saving the
// error report. Then the imported customers are read back, as their brand only.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { createLogger } from '../../ingest/log';
import { startSystem, type System } from '../../ingest/system';
import type { StatusBody } from '../../src/lib/server/api/responses';
import { loadConfig } from '../../src/lib/shared/config';
import { getJson, waitFor } from '../support/http';

const run = promisify(execFile);
const ROWS = 3000;

let dir: string;
let system: System;
let acme: BrandCredentials;
let globex: BrandCredentials;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-cli-'));
  const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'error' };
  system = await startSystem({ config: loadConfig(env, []), log: createLogger('error') });
  acme = await system.brands.create('acme', 'Acme');
  globex = await system.brands.create('globex', 'Globex');
});
afterAll(async () => {
  await system?.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'ingest/cli/import.ts', ...args], {
    env: { ...process.env, ...env },
    timeout: 120_000,
  }).then(
    (ok) => ({ code: 0, ...ok }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('npm run import', { timeout: 180_000 }, () => {
  it('imports a customers file with a mapping override, saves the error report, and only its brand sees them', async () => {
    const lines = ['Customer No,Mail,Mobile,Given Name'];
    for (let i = 1; i <= ROWS; i++) lines.push(`C${i},cli${i}@example.shop,,Name ${i}`);
    lines.push(',,,No identifier'); // refused: nothing names this customer
    const file = join(dir, 'customers.csv');
    await writeFile(file, lines.join('\n'));

    const env = { SIGNALROOM_URL: system.url, SIGNALROOM_WRITE_KEY: acme.write_key };
    const result = await cli(['--kind', 'customers', '--map', 'user_id=Customer No', file], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('user_id        ← Customer No');
    expect(result.stdout).toContain('email          ← Mail');
    expect(result.stdout).toContain(
      'done: 1 row was not imported; the error report lists it with its reason',
    );
    const report = await readFile(`${file}.errors.csv`, 'utf8');
    expect(report).toContain(`${ROWS + 2},,,"the customer has no identifier: it needs a customer id`);

    await waitFor(
      'the processor to take every imported customer',
      async () => {
        const status = (await getJson(`${system.url}/api/v1/status`, acme.read_key)).body as StatusBody;
        return status.pending === 0 && status.processed >= ROWS ? status : undefined;
      },
      60_000,
    );
    const lookup = (brand: BrandCredentials, identifier: string) =>
      getJson(
        `${system.url}/api/v1/profiles/lookup?identifier=${encodeURIComponent(identifier)}`,
        brand.read_key,
      );
    const found = await lookup(acme, `user_id:C${ROWS}`);
    expect(found.status).toBe(200);
    expect(JSON.stringify(found.body)).toContain(`cli${ROWS}@example.shop`);
    expect((await lookup(globex, `user_id:C${ROWS}`)).status).toBe(404);
    expect((await getJson(`${system.url}/api/v1/imports`, globex.read_key)).body).toEqual({ imports: [] });
  });

  it('says what is wrong with its arguments, the mapping or the key', async () => {
    const file = join(dir, 'orders.csv');
    await writeFile(file, 'Ref,Amount\n1,5\n');
    const env = { SIGNALROOM_URL: system.url, SIGNALROOM_WRITE_KEY: acme.write_key };
    const noKind = await cli([file], env);
    expect(noKind.code).toBe(2);
    expect(noKind.stderr).toContain('--kind must be one of customers, orders, events, spend');
    const unmapped = await cli(['--kind', 'orders', file], env);
    expect(unmapped.code).toBe(2);
    expect(unmapped.stderr).toContain('order_id (Order id) needs a column');
    const badKey = await cli(['--kind', 'orders', file], { ...env, SIGNALROOM_WRITE_KEY: 'nope' });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('refused 401: unknown write key');
  });
});
