// One test's system: a fresh data dir with its brands, a fresh ClickHouse
// database, fresh topics, and the three roles as separate processes on the
// private services.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBrandRegistry } from '../../../ingest/brands/registry';
import { freshKafka } from './fresh-kafka';
import { killAll, startRole, type RoleName, type RoleProcess, type RoleSettings } from './roles';
import { CLICKHOUSE_URL } from './services';

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

/**
 * Brands as the brand CLI (ingest/cli/brand.ts) makes them, through the same
 * registry on the same brands file, in this process: three tsx start-ups
 * would cost more than the rest of a test's setup.
 */
async function createBrands(dataDir: string, ids: string[]): Promise<BrandKeys[]> {
  const registry = await createBrandRegistry({ file: join(dataDir, 'brands.json') });
  const brands: BrandKeys[] = [];
  for (const id of ids) {
    const { brand_id, write_key, read_key } = await registry.create(id);
    brands.push({ brand_id, write_key, read_key });
  }
  return brands;
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
    const brands = await createBrands(
      dataDir,
      Array.from({ length: options.brands }, (_, i) => `${name}-${id}-b${i}`),
    );
    // Together: each role creates the topics it uses if they are missing (an existing one is kept).
    [roles.processor, roles.ingest, roles.dashboard] = await Promise.all([
      startRole('processor', settings),
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
