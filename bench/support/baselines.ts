// The two baselines the pipeline is held against, measured on the same broker
// and server in the same run:
//   Kafka       Apache Kafka's own ProducerPerformance tool (acks=all), records
//               the size of our average events.raw message;
//   ClickHouse  the events the pipeline wrote, read back and INSERTed raw
//               (JSONEachRow over HTTP) into a copy of the events table, in
//               batches the size of the processor's commits.
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { run } from './processes';
import { clickhouse } from './services';

/** Mean size in bytes of the values of up to `limit` messages at the start of `topic`. */
export async function meanMessageBytes(brokers: string, topic: string, limit: number): Promise<number> {
  const kafka = new Kafka({
    clientId: 'bench-sample',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `bench-sample-${Date.now()}` });
  let bytes = 0;
  let count = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((done) => {
      const timer = setTimeout(done, 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (count >= limit) return;
          bytes += message.value?.length ?? 0;
          count += 1;
          if (count >= limit) {
            clearTimeout(timer);
            done();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  if (count === 0) throw new Error(`no messages to sample on ${topic}`);
  return bytes / count;
}

export interface ProducerPerfResult {
  records: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  line: string;
}

export async function kafkaProducerPerf(options: {
  repo: string;
  brokers: string;
  topic: string;
  partitions: number;
  records: number;
  recordBytes: number;
}): Promise<ProducerPerfResult> {
  const kafka = new Kafka({
    clientId: 'bench-admin',
    brokers: options.brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic: options.topic, numPartitions: options.partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  const output = await run(
    'java',
    [
      '-Xmx512m',
      '-cp',
      `${join(options.repo, '.cache/kafka/lib')}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      options.topic,
      '--num-records',
      String(options.records),
      '--record-size',
      String(Math.round(options.recordBytes)),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${options.brokers}`,
      'acks=all',
    ],
    { cwd: options.repo },
  );
  // The summary line: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, ..."
  const line = output
    .split('\n')
    .filter((l) => l.includes('records sent') && l.includes('50th'))
    .pop();
  const match =
    line &&
    /([\d.]+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\).*?(\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th/.exec(
      line,
    );
  if (!line || !match) throw new Error(`ProducerPerformance printed no summary:\n${output.slice(-2000)}`);
  return {
    records: Number(match[1]),
    recordsPerSecond: Number(match[2]),
    mbPerSecond: Number(match[3]),
    p50Ms: Number(match[4]),
    p99Ms: Number(match[5]),
    line: line.trim(),
  };
}

export interface RawInsertResult {
  rows: number;
  batchRows: number;
  inserts: number;
  rowsPerSecond: number;
  meanRowBytes: number;
}

/** Copies up to `maxRows` of `source`'s rows into a fresh table of the same structure, `batchRows` per INSERT. */
export async function clickhouseRawInsert(options: {
  url: string;
  source: string;
  target: string;
  maxRows: number;
  batchRows: number;
}): Promise<RawInsertResult> {
  const [database] = options.target.split('.');
  await clickhouse(options.url, `CREATE DATABASE IF NOT EXISTS ${database}`);
  await clickhouse(options.url, `DROP TABLE IF EXISTS ${options.target}`);
  await clickhouse(options.url, `CREATE TABLE ${options.target} AS ${options.source}`);
  const text = await clickhouse(
    options.url,
    `SELECT * FROM ${options.source} LIMIT ${options.maxRows} FORMAT JSONEachRow`,
  );
  const rows = text.split('\n').filter((line) => line.length > 0);
  const bodies: string[] = [];
  for (let i = 0; i < rows.length; i += options.batchRows)
    bodies.push(rows.slice(i, i + options.batchRows).join('\n'));
  const insert = `INSERT INTO ${options.target} FORMAT JSONEachRow`;
  const started = performance.now();
  for (const body of bodies) await clickhouse(options.url, insert, body);
  const seconds = (performance.now() - started) / 1000;
  const copied = Number((await clickhouse(options.url, `SELECT count() FROM ${options.target}`)).trim());
  if (copied !== rows.length) throw new Error(`raw insert: ${copied} rows landed of ${rows.length}`);
  return {
    rows: rows.length,
    batchRows: options.batchRows,
    inserts: bodies.length,
    rowsPerSecond: rows.length / seconds,
    meanRowBytes: rows.reduce((n, row) => n + Buffer.byteLength(row) + 1, 0) / Math.max(1, rows.length),
  };
}
