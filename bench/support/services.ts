// The benchmark's own Kafka broker and ClickHouse server: their own ports and
// run dirs, so a test run using the default ones (19092, 18123) is never
// touched. Kafka goes through infra/kafka's scripts (KAFKA_RUN_DIR and ports
// are theirs to take); ClickHouse is started here from infra/clickhouse's
// config template, because its scripts keep one fixed run dir.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Cleanup } from './cleanup';
import { run, sleep, startChild } from './processes';

/** A port free right now on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface KafkaService {
  brokers: string;
  /** The broker's java process. */
  pid: number;
}

export async function startKafka(repo: string, runDir: string, cleanup: Cleanup): Promise<KafkaService> {
  const env = {
    ...process.env,
    KAFKA_RUN_DIR: runDir,
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
  };
  cleanup.add('kafka', async () => {
    await run('bash', ['infra/kafka/down.sh'], { cwd: repo, env });
  });
  // A broker left in this run dir by a killed run is replaced, not reused.
  await run('bash', ['infra/kafka/down.sh'], { cwd: repo, env });
  const output = await run('bash', ['infra/kafka/up.sh'], { cwd: repo, env });
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(output)?.[1];
  if (!brokers) throw new Error(`infra/kafka/up.sh printed no KAFKA_BROKERS:\n${output}`);
  const pid = Number((await readFile(join(runDir, 'kafka.pid'), 'utf8')).trim());
  await waitForGroupCoordinator(brokers);
  return { brokers, pid };
}

/**
 * A fresh broker answers metadata requests before it can coordinate consumer
 * groups (__consumer_offsets is created on the first FindCoordinator). A
 * processor started in that gap exits ("Failed to find group coordinator"),
 * so the roles start only once a group lookup succeeds.
 */
async function waitForGroupCoordinator(brokers: string): Promise<void> {
  const kafka = new Kafka({
    clientId: 'bench-wait',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await admin.describeGroups(['bench-coordinator-probe']);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

export interface ClickHouseService {
  url: string;
  pid: number;
}

export async function startClickHouse(
  repo: string,
  runDir: string,
  cleanup: Cleanup,
): Promise<ClickHouseService> {
  await rm(runDir, { recursive: true, force: true });
  for (const dir of ['data', 'tmp', 'log', 'user_files', 'format_schemas'])
    await mkdir(join(runDir, dir), { recursive: true });
  const httpPort = await freePort();
  const tcpPort = await freePort();
  const template = await readFile(join(repo, 'infra/clickhouse/config.xml'), 'utf8');
  // The tests' config, plus a query log flushed every second: the benchmark reads
  // each INSERT's duration from it to tell where a commit's time goes.
  const queryLog =
    '<query_log><database>system</database><table>query_log</table>' +
    '<flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>\n</yandex>';
  await writeFile(
    join(runDir, 'config.xml'),
    template
      .replaceAll('@RUN_DIR@', runDir)
      .replaceAll('@HTTP_PORT@', String(httpPort))
      .replaceAll('@TCP_PORT@', String(tcpPort))
      .replace('</yandex>', queryLog),
  );
  const users = await readFile(join(repo, 'infra/clickhouse/users.xml'), 'utf8');
  if (!users.includes('<max_threads>'))
    throw new Error('infra/clickhouse/users.xml has no default profile to extend');
  await writeFile(
    join(runDir, 'users.xml'),
    users.replace('<max_threads>', '<log_queries>1</log_queries>\n            <max_threads>'),
  );
  const server = startChild('/usr/sbin/clickhouse-server', [`--config-file=${join(runDir, 'config.xml')}`], {
    cwd: runDir,
    env: process.env,
    logFile: join(runDir, 'log', 'stdout.log'),
  });
  cleanup.add('clickhouse', async () => {
    await server.stop(30_000);
    await rm(runDir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await fetch(`${url}/ping`).then(
      (response) => response.text(),
      () => '',
    );
    if (answer.trim() === 'Ok.') break;
    const exited = await Promise.race([server.exited, sleep(200).then(() => undefined)]);
    if (exited !== undefined) throw new Error(`clickhouse-server exited (${exited}); see ${runDir}/log`);
    if (Date.now() > deadline) throw new Error(`clickhouse-server did not answer ${url}/ping within 60 s`);
  }
  return { url, pid: server.pid };
}

/** Runs one statement over ClickHouse's HTTP interface and returns the body. */
export async function clickhouse(url: string, sql: string, body?: string): Promise<string> {
  const target = body === undefined ? url : `${url}/?query=${encodeURIComponent(sql)}`;
  const response = await fetch(target, { method: 'POST', body: body ?? sql });
  const text = await response.text();
  if (!response.ok) throw new Error(`ClickHouse ${response.status}: ${text.slice(0, 500)}`);
  return text;
}
