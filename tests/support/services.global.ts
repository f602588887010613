// vitest globalSetup of the integration project: real Kafka and ClickHouse for
// the tests that need them. A service whose URL is already in the environment
// (KAFKA_BROKERS, CLICKHOUSE_URL) is used as it is; otherwise it is started
// here on loopback ports by its infra/ script and stopped again at teardown.
// Workers inherit the variables set here.
import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { announced, runInfraScript as run } from './infra-scripts';

const root = resolve(import.meta.dirname, '../..');

interface Service {
  variable: 'KAFKA_BROKERS' | 'CLICKHOUSE_URL';
  up: string;
  down: string;
  /** Written by the up script; a live pid there means another run started the service. */
  pidFile: string;
  /** The up script's port variables, given free ports when this run starts the service. */
  ports: string[];
}

const SERVICES: Service[] = [
  {
    variable: 'KAFKA_BROKERS',
    up: 'infra/kafka/up.sh',
    down: 'infra/kafka/down.sh',
    pidFile: '.cache/kafka/run/kafka.pid',
    ports: ['KAFKA_PORT', 'KAFKA_CONTROLLER_PORT'],
  },
  {
    variable: 'CLICKHOUSE_URL',
    up: 'infra/clickhouse/up.sh',
    down: 'infra/clickhouse/down.sh',
    pidFile: '.cache/clickhouse/run/clickhouse-server.pid',
    ports: ['CLICKHOUSE_HTTP_PORT', 'CLICKHOUSE_TCP_PORT'],
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

/** A port nothing listens on now (the OS picks it), so another checkout's services never collide. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createNetServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  const started: Service[] = [];
  // One at a time: on two cores, starting the JVM and ClickHouse together only slows both.
  for (const service of SERVICES) {
    if (process.env[service.variable]) continue;
    // Another test run's service is used, never stopped: only what this run started is.
    const ours = !alive(service.pidFile);
    const ports: Record<string, string> = {};
    if (ours) for (const name of service.ports) ports[name] = String(process.env[name] ?? (await freePort()));
    process.env[service.variable] = announced(await run(service.up, ports), service.variable);
    if (ours) started.push(service);
  }
  return async () => {
    for (const service of started.reverse()) await run(service.down);
  };
}
