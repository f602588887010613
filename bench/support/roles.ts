// The three roles of a production deployment, each its own process started
// the way an operator starts it (`tsx ingest/main.ts --role <role>`), on the
// benchmark's Kafka and ClickHouse. They share one DATA_DIR for the brands file.
import { join } from 'node:path';
import type { Cleanup } from './cleanup';
import { sleep, startChild, type Child } from './processes';
import { freePort } from './services';

export type RoleName = 'ingest' | 'processor' | 'dashboard';

export interface RunningRole {
  role: RoleName;
  url: string;
  child: Child;
  logFile: string;
}

export interface RoleEnvironment {
  repo: string;
  dataDir: string;
  kafkaBrokers: string;
  clickhouseUrl: string;
  /** Extra variables, e.g. PROCESSOR_BATCH_SIZE. */
  extra?: Record<string, string>;
}

export async function startRole(
  role: RoleName,
  environment: RoleEnvironment,
  cleanup: Cleanup,
): Promise<RunningRole> {
  const port = await freePort();
  const logFile = join(environment.dataDir, `${role}.log`);
  // Only what the role needs: a BUS or PORT in the caller's shell must not leak in.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    BUS: 'kafka',
    KAFKA_BROKERS: environment.kafkaBrokers,
    WAREHOUSE: 'clickhouse',
    CLICKHOUSE_URL: environment.clickhouseUrl,
    CLICKHOUSE_DATABASE: 'signalroom',
    DATA_DIR: environment.dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-bench-session-secret',
    ...environment.extra,
  };
  // `BENCH_ROLE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'` profiles every role.
  const nodeArgs = process.env.BENCH_ROLE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = startChild(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'ingest/main.ts', '--role', role],
    {
      cwd: environment.repo,
      env,
      logFile,
    },
  );
  cleanup.add(`${role} role`, () => child.stop());
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return { role, url, child, logFile };
    const exited = await Promise.race([child.exited, sleep(250).then(() => undefined)]);
    if (exited !== undefined)
      throw new Error(`the ${role} role exited (${exited}) during start; see ${logFile}`);
    if (Date.now() > deadline)
      throw new Error(`the ${role} role did not answer /healthz in 120 s; see ${logFile}`);
  }
}

/** The processor's counters from its /healthz (ProcessorStats in ingest/processor/consumer.ts). */
export interface ProcessorHealth {
  batches: number;
  messages: number;
  commits: number;
  errors: number;
  retries: number;
  rejected: number;
  duplicates: number;
  lastError: string | null;
}

export async function processorHealth(processorUrl: string): Promise<ProcessorHealth> {
  const response = await fetch(`${processorUrl}/healthz`);
  const body = (await response.json()) as { processor?: ProcessorHealth };
  if (!body.processor) throw new Error(`the processor's /healthz has no counters: ${JSON.stringify(body)}`);
  return body.processor;
}
