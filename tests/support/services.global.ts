// vitest globalSetup of the integration project: real Kafka and ClickHouse for
// the tests that need them. A service whose URL is already in the environment
// (KAFKA_BROKERS, CLICKHOUSE_URL) is used as it is; otherwise it is started
// here on loopback ports by its infra/ script and stopped again at teardown.
// Workers inherit the variables set here.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

interface Service {
  variable: 'KAFKA_BROKERS' | 'CLICKHOUSE_URL';
  up: string;
  down: string;
  /** Written by the up script; a live pid there means another run started the service. */
  pidFile: string;
}

const SERVICES: Service[] = [
  {
    variable: 'KAFKA_BROKERS',
    up: 'infra/kafka/up.sh',
    down: 'infra/kafka/down.sh',
    pidFile: '.cache/kafka/run/kafka.pid',
  },
  {
    variable: 'CLICKHOUSE_URL',
    up: 'infra/clickhouse/up.sh',
    down: 'infra/clickhouse/down.sh',
    pidFile: '.cache/clickhouse/run/clickhouse-server.pid',
  },
];

function alive(pidFile: string): boolean {
  try {
    const pid = Number(readFileSync(resolve(root, pidFile), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function run(script: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      'bash',
      [resolve(root, script)],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`${script} failed (${error.message}):\n${stderr}\n${stdout}`.trim()));
        else done(stdout);
      },
    );
  });
}

/** The last `NAME=value` line a start script printed. */
function announced(output: string, variable: string): string {
  const line = output
    .trim()
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(`${variable}=`));
  if (!line) throw new Error(`start script did not print ${variable}=...:\n${output}`);
  return line.slice(variable.length + 1).trim();
}

export default async function setup(): Promise<() => Promise<void>> {
  const started: Service[] = [];
  // One at a time: on two cores, starting the JVM and ClickHouse together only slows both.
  for (const service of SERVICES) {
    if (process.env[service.variable]) continue;
    // Another test run's service is used, never stopped: only what this run started is.
    const ours = !alive(service.pidFile);
    process.env[service.variable] = announced(await run(service.up), service.variable);
    if (ours) started.push(service);
  }
  return async () => {
    for (const service of started.reverse()) await run(service.down);
  };
}
