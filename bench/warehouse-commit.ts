// Measures the DuckDB warehouse's processor commit (events + profiles + links +
// KPIs + checkpoint, one transaction, upserts) against a baseline measured in
// the same run: appending the same event rows to a bare DuckDB table with the
// appender, no transaction, no upserts. Reports both and their ratio.
//
//   npx tsx bench/warehouse-commit.ts [rounds=30] [events-per-batch=500]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbWarehouse } from '../ingest/warehouse/duckdb/index';
import { at, commit, event, kpi, link, profile } from '../tests/contract/warehouse-records';

const rounds = Number(process.argv[2] ?? 30);
const perBatch = Number(process.argv[3] ?? 500);

function summary(timings: number[]): { p50: number; p90: number; mean: number } {
  const sorted = [...timings].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: pick(0.5), p90: pick(0.9), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'signalroom-bench-'));
  try {
    const warehouse = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
    await warehouse.migrate();
    const ours: number[] = [];
    const batches = Array.from({ length: rounds + 1 }, (_, round) => {
      const ids = Array.from({ length: perBatch }, (_, i) => `${round}-${i}`);
      return commit(
        { consumer: 'processor', partition: 0, next_offset: (round + 1) * perBatch },
        {
          events: ids.map((id) => event('brand-a', `e-${id}`, { profile_id: `p-${id}` })),
          profiles: ids
            .slice(0, perBatch * 0.4)
            .map((id) => profile('brand-a', `p-${id}`, { version: round + 1 })),
          links: ids.slice(0, perBatch * 0.4).map((id) => link('brand-a', `${id}@example.com`, `p-${id}`)),
          kpis: [kpi('brand-a', at(round))],
        },
      );
    });
    for (const [round, batch] of batches.entries()) {
      const started = performance.now();
      await warehouse.commit(batch);
      if (round > 0) ours.push(performance.now() - started); // round 0 prepares statements
    }
    await warehouse.close();

    const instance = await DuckDBInstance.create(join(dir, 'baseline.duckdb'));
    const connection = await instance.connect();
    await connection.run(
      `CREATE TABLE events (brand_id VARCHAR, event_id VARCHAR, source VARCHAR, source_event_id VARCHAR,
        type VARCHAR, name VARCHAR, channel VARCHAR, profile_id VARCHAR, timestamp VARCHAR, received_at VARCHAR,
        revenue DOUBLE, category VARCHAR, properties VARCHAR)`,
    );
    const baseline: number[] = [];
    for (const [round, batch] of batches.entries()) {
      const started = performance.now();
      const appender = await connection.createAppender('events');
      for (const row of batch.events) {
        appender.appendVarchar(row.brand_id);
        appender.appendVarchar(row.event_id);
        appender.appendVarchar(row.source);
        appender.appendVarchar(row.source_event_id);
        appender.appendVarchar(row.type);
        appender.appendVarchar(row.name);
        appender.appendVarchar(row.channel);
        appender.appendVarchar(row.profile_id);
        appender.appendVarchar(row.timestamp);
        appender.appendVarchar(row.received_at);
        appender.appendDouble(row.revenue);
        if (row.category === null) appender.appendNull();
        else appender.appendVarchar(row.category);
        appender.appendVarchar(JSON.stringify(row.properties));
        appender.endRow();
      }
      appender.closeSync();
      if (round > 0) baseline.push(performance.now() - started);
    }
    connection.closeSync();

    const a = summary(ours);
    const b = summary(baseline);
    const fmt = (n: number) => n.toFixed(1);
    console.log(
      `rounds ${rounds}, ${perBatch} events + ${perBatch * 0.4} profiles + ${perBatch * 0.4} links per commit`,
    );
    console.log(
      `signalroom commit (one transaction, upserts):  p50 ${fmt(a.p50)} ms  p90 ${fmt(a.p90)} ms  mean ${fmt(a.mean)} ms`,
    );
    console.log(
      `baseline (append events only, no transaction):  p50 ${fmt(b.p50)} ms  p90 ${fmt(b.p90)} ms  mean ${fmt(b.mean)} ms`,
    );
    console.log(`ratio commit/baseline (p50): ${(a.p50 / b.p50).toFixed(2)}`);
    console.log(`events/s through commit (p50): ${Math.round((perBatch / a.p50) * 1000)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
