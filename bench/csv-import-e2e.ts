// CSV import through the whole embedded system: the file uploaded over HTTP to
// /api/v1/imports, started with the suggested mapping, and done when the
// processor has every event in the DuckDB warehouse. Here the processor's pace
// bounds the import (the importer keeps at most 5,000 events ahead of it), so
// the baseline is the same system taking the same orders as tracking calls
// (bench/embedded-throughput.ts's path) in the same run.
//
//   npx tsx bench/csv-import-e2e.ts [orders=100000]
import { createWriteStream } from 'node:fs';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../ingest/log';
import { startSystem, type System } from '../ingest/system';
import type { BrandCredentials } from '../ingest/brands/types';
import type { StatusBody } from '../src/lib/server/api/responses';
import { loadConfig } from '../src/lib/shared/config';
import type { ImportJob, ImportPreview } from '../src/lib/shared/imports';

const orders = Number(process.argv[2] ?? 100_000);

async function writeFileOfOrders(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('order_id,occurred_at,email,product_id,quantity,price,category,total,currency\n');
  for (let i = 0; i < orders; i++) {
    const line = `csv-${i},2025-03-${String(1 + (i % 28)).padStart(2, '0')},buyer${i % 20_000}@shop.example.in,sku-${i % 300},1,${40 + (i % 7) * 10},Shoes,${40 + (i % 7) * 10},EUR\n`;
    if (!out.write(line)) await new Promise<void>((done) => out.once('drain', () => done()));
  }
  await new Promise<void>((done) => out.end(() => done()));
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function processed(system: System, brand: BrandCredentials): Promise<StatusBody> {
  const response = await fetch(`${system.url}/api/v1/status`, {
    headers: { authorization: `Bearer ${brand.read_key}` },
  });
  return (await response.json()) as StatusBody;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((done) => setTimeout(done, 100));
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'bench-csv-e2e-'));
  const config = loadConfig(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'error' },
    [],
  );
  const system = await startSystem({ config, log: createLogger('error') });
  try {
    const brand = await system.brands.create('bench', 'Bench');
    // The pipeline is measured, not the brand's flow control: no rate limit in the baseline's way
    // (an import is not rate-limited; the processor's lag paces it).
    const baselineBrand = await system.brands.create('baseline', 'Baseline', {
      rate_limit: { events_per_second: 1e6, burst: 1e6 },
    });
    const file = join(dir, 'orders.csv');
    await writeFileOfOrders(file);

    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

    // Baseline: the same orders as Segment "Order Completed" calls, 100 per /v1/batch, 4 in flight.
    const baselineStart = performance.now();
    let next = 0;
    const sender = async () => {
      while (next < orders) {
        const from = next;
        next += 100;
        const batch = [];
        for (let i = from; i < Math.min(from + 100, orders); i++)
          batch.push({
            type: 'track',
            event: 'Order Completed',
            messageId: `t-${i}`,
            userId: `buyer${i % 20_000}`,
            properties: { order_id: `t-${i}`, revenue: 40 + (i % 7) * 10, currency: 'EUR' },
          });
        const response = await fetch(`${system.url}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic(baselineBrand.write_key) },
          body: JSON.stringify({ batch }),
        });
        if (response.status !== 200) throw new Error(`batch refused: ${response.status}`);
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    await until(async () => (await processed(system, baselineBrand)).processed >= orders);
    const baselineMs = performance.now() - baselineStart;

    const importStart = performance.now();
    const upload = await fetch(`${system.url}/api/v1/imports?kind=orders&file_name=orders.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: basic(brand.write_key) },
      body: await readFile(file),
    });
    const preview = (await upload.json()) as ImportPreview;
    await fetch(`${system.url}/api/v1/imports/${preview.job.import_id}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(brand.write_key) },
      body: JSON.stringify({ mapping: preview.suggested_mapping }),
    });
    let job: ImportJob = preview.job;
    await until(async () => {
      const response = await fetch(`${system.url}/api/v1/imports/${preview.job.import_id}`, {
        headers: { authorization: basic(brand.write_key) },
      });
      job = ((await response.json()) as ImportPreview).job;
      return job.status !== 'running' && job.status !== 'uploaded';
    });
    const importedMs = performance.now() - importStart;
    await until(async () => (await processed(system, brand)).processed >= orders);
    const importMs = performance.now() - importStart;
    clearInterval(sampler);

    const rate = (ms: number) => Math.round(orders / (ms / 1000)).toLocaleString();
    console.log(
      `${orders.toLocaleString()} orders; import ${job.status}, ${job.events_published.toLocaleString()} events`,
    );
    console.log(
      `baseline (tracking API, processed)   ${(baselineMs / 1000).toFixed(1)} s  ${rate(baselineMs)} orders/s`,
    );
    console.log(
      `CSV import, importer finished        ${(importedMs / 1000).toFixed(1)} s  ${rate(importedMs)} rows/s`,
    );
    console.log(
      `CSV import, processed (end to end)   ${(importMs / 1000).toFixed(1)} s  ${rate(importMs)} rows/s`,
    );
    console.log(
      `ratio import/baseline rate: ${(baselineMs / importMs).toFixed(2)}; peak RSS of the process ${(peakRss / 1024 / 1024).toFixed(0)} MB`,
    );
  } finally {
    await system.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
