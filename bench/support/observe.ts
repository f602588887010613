// What the benchmark reads from the running system between two instants: the
// processor's counters, scheduler time per component (on a CPU, and waiting
// for one while the machine's other work has it) and for the whole machine,
// and ClickHouse's own insert counters.
import { readFile } from 'node:fs/promises';
import { groupSched, processSched, type Sched } from './processes';
import { processorHealth, type ProcessorHealth } from './roles';
import { clickhouse } from './services';

export interface Components {
  /** name → process group id (the roles, ClickHouse, the Kafka broker) */
  groups: Record<string, number>;
  processorUrl: string;
  clickhouseUrl: string;
}

export interface Snapshot {
  at: number;
  /** Wall clock, ms since 1970 (ClickHouse's query log is in wall-clock seconds). */
  wallMs: number;
  processor: ProcessorHealth;
  sched: Record<string, { all: Sched; main: Sched }>;
  machine: { busy: number; total: number };
  clickhouse: { inserts: number; insertedRows: number };
}

async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

async function clickhouseInserts(url: string): Promise<{ inserts: number; insertedRows: number }> {
  const text = await clickhouse(
    url,
    "SELECT event, value FROM system.events WHERE event IN ('InsertQuery', 'InsertedRows') FORMAT TSV",
  );
  const values = new Map(
    text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t') as [string, string]),
  );
  return {
    inserts: Number(values.get('InsertQuery') ?? 0),
    insertedRows: Number(values.get('InsertedRows') ?? 0),
  };
}

export async function snapshot(components: Components): Promise<Snapshot> {
  const sched: Snapshot['sched'] = {};
  for (const [name, pgid] of Object.entries(components.groups)) sched[name] = await groupSched(pgid);
  sched['bench driver'] = await processSched(process.pid);
  return {
    at: performance.now(),
    wallMs: Date.now(),
    processor: await processorHealth(components.processorUrl),
    sched,
    machine: await machineTicks(),
    clickhouse: await clickhouseInserts(components.clickhouseUrl),
  };
}

export interface Window {
  seconds: number;
  processedPerSecond: number;
  commitsPerSecond: number;
  eventsPerCommit: number;
  /** name → cores used on average (all threads), and cores' worth of time spent waiting for a CPU. */
  cores: Record<string, Sched>;
  /** name → its main thread's (node: the event loop's) share of the wall clock on a CPU and waiting for one. */
  mainThread: Record<string, Sched>;
  /** Share of the whole machine busy, 0..1. */
  machineBusy: number;
  clickhouseInsertsPerSecond: number;
  clickhouseRowsPerInsert: number;
  processorErrors: number;
  processorRetries: number;
}

export function between(start: Snapshot, end: Snapshot): Window {
  const seconds = (end.at - start.at) / 1000;
  const messages = end.processor.messages - start.processor.messages;
  const commits = end.processor.commits - start.processor.commits;
  const inserts = end.clickhouse.inserts - start.clickhouse.inserts;
  const cores: Record<string, Sched> = {};
  const mainThread: Record<string, Sched> = {};
  const rate = (a: Sched | undefined, b: Sched) => ({
    cpu: (b.cpu - (a?.cpu ?? 0)) / seconds,
    waiting: (b.waiting - (a?.waiting ?? 0)) / seconds,
  });
  for (const [name, sched] of Object.entries(end.sched)) {
    cores[name] = rate(start.sched[name]?.all, sched.all);
    mainThread[name] = rate(start.sched[name]?.main, sched.main);
  }
  return {
    seconds,
    processedPerSecond: messages / seconds,
    commitsPerSecond: commits / seconds,
    eventsPerCommit: commits > 0 ? messages / commits : 0,
    cores,
    mainThread,
    machineBusy:
      (end.machine.busy - start.machine.busy) / Math.max(1, end.machine.total - start.machine.total),
    clickhouseInsertsPerSecond: inserts / seconds,
    clickhouseRowsPerInsert:
      inserts > 0 ? (end.clickhouse.insertedRows - start.clickhouse.insertedRows) / inserts : 0,
    processorErrors: end.processor.errors - start.processor.errors,
    processorRetries: end.processor.retries - start.processor.retries,
  };
}

export interface TableInserts {
  table: string;
  inserts: number;
  rows: number;
  totalMs: number;
  meanMs: number;
  p99Ms: number;
}

/** The finished INSERTs between two snapshots, by table, from ClickHouse's query log (whole seconds). */
export async function insertsByTable(url: string, start: Snapshot, end: Snapshot): Promise<TableInserts[]> {
  const from = Math.floor(start.wallMs / 1000);
  const to = Math.ceil(end.wallMs / 1000);
  const text = await clickhouse(
    url,
    `SELECT replaceAll(extract(query, '^INSERT INTO ([^ (]+)'), '\`', '') AS t, count(), sum(written_rows),
       sum(query_duration_ms), avg(query_duration_ms), quantile(0.99)(query_duration_ms)
     FROM system.query_log
     WHERE type = 2 AND event_time >= toDateTime(${from}) AND event_time <= toDateTime(${to})
       AND query LIKE 'INSERT INTO%' AND query NOT LIKE '%bench_baseline%'
     GROUP BY t ORDER BY sum(query_duration_ms) DESC FORMAT TSV`,
  );
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [table, inserts, rows, totalMs, meanMs, p99Ms] = line.split('\t');
      return {
        table: table ?? '?',
        inserts: Number(inserts),
        rows: Number(rows),
        totalMs: Number(totalMs),
        meanMs: Number(meanMs),
        p99Ms: Number(p99Ms),
      };
    });
}
