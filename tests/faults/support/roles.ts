// Real role processes (ingest/main.ts --role <role>) on the private services,
// as production runs them: one OS process per role, sharing the brands file
// (DATA_DIR), the Kafka topics and the ClickHouse database.
//
// Started as `node --import tsx`, as the containers do, not through the tsx
// CLI: that runs the program in a child process and SIGKILLs it when it does
// not acknowledge a relayed signal within 30 ms, so a busy processor's SIGTERM
// would be a crash. Each role still gets a process group of its own
// (detached), and signals go to the whole group, helpers included.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { CLICKHOUSE_URL, KAFKA_BROKERS, ROOT } from './services';

export type RoleName = 'ingest' | 'processor' | 'dashboard';

export interface RoleSettings {
  dataDir: string;
  /** A fresh database per test; migrate() creates it. */
  database: string;
  partitions: number;
  /** Extra environment, e.g. PROCESSOR_BATCH_SIZE. */
  env?: Record<string, string>;
}

export interface RoleProcess {
  role: RoleName;
  /** http://127.0.0.1:<port>, once the role listens. */
  url: string;
  pid: number;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** Signals the process group and resolves once the program has exited. */
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

const LISTENING = /signalroom listening url="(http:\/\/[^"]+)"/;
const KEPT_LINES = 200;

/** Every role process started and not yet known to be gone: killAll() ends them. */
const running = new Set<RoleProcess>();

// Role processes run in groups of their own, so they would outlive a test worker that exits
// without its afterAll (a crash, a hard timeout): take them along.
process.once('exit', () => {
  for (const role of running) {
    try {
      process.kill(-role.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function roleEnv(settings: RoleSettings): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? ROOT,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: settings.dataDir,
    BUS: 'kafka',
    KAFKA_BROKERS,
    KAFKA_PARTITIONS: String(settings.partitions),
    WAREHOUSE: 'clickhouse',
    CLICKHOUSE_URL,
    CLICKHOUSE_DATABASE: settings.database,
    LOG_LEVEL: 'info',
    ...settings.env,
  };
}

/** Starts a role and resolves once it listens; rejects (and kills it) if it exits or `timeoutMs` passes first. */
export async function startRole(
  role: RoleName,
  settings: RoleSettings,
  timeoutMs = 90_000,
): Promise<RoleProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'ingest/main.ts', '--role', role], {
    cwd: ROOT,
    env: roleEnv(settings),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn the ${role} role`);
  const lines: string[] = [];
  let url: string | undefined;
  let listening!: (url: string) => void;
  const ready = new Promise<string>((done) => (listening = done));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  // The whole output also goes to <data dir>/<role>-<pid>.log (kept with FAULTS_KEEP=1).
  const log = createWriteStream(join(settings.dataDir, `${role}-${pid}.log`));
  child.once('exit', () => log.end());
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      const match = url === undefined ? LISTENING.exec(line) : null;
      if (match) listening((url = match[1]!));
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  const handle: RoleProcess = {
    role,
    pid,
    get url() {
      if (url === undefined) throw new Error(`the ${role} role is not listening yet`);
      return url;
    },
    output: () => lines.join('\n'),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-pid, signal);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
        }
      }
      await exited;
      running.delete(handle);
    },
  };
  running.add(handle);

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    await handle.kill('SIGKILL');
    throw new Error(
      `the ${role} role ${outcome === 'exited' ? 'exited' : `did not listen within ${timeoutMs} ms`}:\n` +
        handle.output(),
    );
  }
  return handle;
}

/**
 * Stops every role process still running (afterAll, also after a failure):
 * SIGTERM first, so consumers leave their groups (a SIGKILLed member would
 * hold the next test's processor back for a whole session timeout), then
 * SIGKILL whatever is still there after `graceMs`.
 */
export async function killAll(graceMs = 10_000): Promise<void> {
  await Promise.all(
    [...running].map(async (role) => {
      const timer = setTimeout(() => void role.kill('SIGKILL'), graceMs);
      await role.kill('SIGTERM');
      clearTimeout(timer);
    }),
  );
}

/** GET /healthz of a role, parsed. */
export async function health<T = unknown>(role: RoleProcess): Promise<T> {
  const response = await fetch(`${role.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${role.role} /healthz answered ${response.status}`);
  return (await response.json()) as T;
}
