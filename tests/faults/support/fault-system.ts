// One test's system: a fresh data dir with its brands (made by the brand
// CLI), a fresh ClickHouse database, fresh topics, and the three roles as
// separate processes on the private services.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freshKafka } from './fresh-kafka';
import { killAll, startRole, type RoleName, type RoleProcess, type RoleSettings } from './roles';
import { CLICKHOUSE_URL, ROOT } from './services';

export interface BrandKeys {
  brand_id: string;
  write_key: string;
  read_key: string;
}

export interface FaultSystem {
  settings: RoleSettings;
  brands: BrandKeys[];
  roles: Record<RoleName, RoleProcess>;
  /** Starts a role again (after a kill); `roles` then holds the new process. */
  restart(role: RoleName): Promise<RoleProcess>;
  /** Kills every role, drops the database and removes the data dir. */
  close(): Promise<void>;
}

/** `tsx ingest/cli/brand.ts create <id>` against the data dir: the credentials it prints. */
function createBrand(dataDir: string, brandId: string): Promise<BrandKeys> {
  return new Promise((done, fail) => {
    execFile(
      resolve(ROOT, 'node_modules/.bin/tsx'),
      ['ingest/cli/brand.ts', 'create', brandId],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir } },
      (error, stdout, stderr) => {
        if (error) return fail(new Error(`brand create ${brandId} failed: ${stderr}`));
        const credentials = JSON.parse(stdout) as BrandKeys;
        done({
          brand_id: credentials.brand_id,
          write_key: credentials.write_key,
          read_key: credentials.read_key,
        });
      },
    );
  });
}

/** Runs one statement on the private ClickHouse server (test bookkeeping only). */
export async function clickhouse(statement: string): Promise<string> {
  const response = await fetch(CLICKHOUSE_URL, {
    method: 'POST',
    body: statement,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`ClickHouse refused "${statement}": ${text}`);
  return text;
}

export async function startFaultSystem(
  name: string,
  options: { brands: number; partitions: number; env?: Record<string, string> },
): Promise<FaultSystem> {
  const id = randomUUID().slice(0, 8);
  const dataDir = await mkdtemp(join(tmpdir(), `signalroom-faults-${name}-`));
  const settings: RoleSettings = {
    dataDir,
    database: `faults_${name}_${id}`,
    partitions: options.partitions,
    env: options.env,
  };
  const roles = {} as Record<RoleName, RoleProcess>;
  const close = async () => {
    await killAll();
    if (process.env.FAULTS_KEEP === '1') {
      console.log(`FAULTS_KEEP: kept database ${settings.database} and ${dataDir}`);
      return;
    }
    await clickhouse(`DROP DATABASE IF EXISTS ${settings.database}`).catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await freshKafka();
    const brands: BrandKeys[] = [];
    // One at a time: the CLI re-reads and rewrites the brands file.
    for (let i = 0; i < options.brands; i++) brands.push(await createBrand(dataDir, `${name}-${id}-b${i}`));
    // The processor first: it creates the topics and joins its group before traffic arrives.
    roles.processor = await startRole('processor', settings);
    [roles.ingest, roles.dashboard] = await Promise.all([
      startRole('ingest', settings),
      startRole('dashboard', settings),
    ]);
    return {
      settings,
      brands,
      roles,
      async restart(role) {
        roles[role] = await startRole(role, settings);
        return roles[role];
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
