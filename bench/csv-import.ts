// CSV import of a large orders file, measured in one run against a baseline:
//   baseline  csv-parse alone streaming the same file (the library's own rate)
//   upload    the importer storing the file (stream to disk, SHA-256) and reading its preview
//   import    rows → validated events → published to the in-process bus's fsync'd log,
//             checkpointed every batch; a consumer that only commits stands in for a
//             processor that keeps up, so this is the importer's own rate (in a running
//             system the processor's pace bounds it)
// Peak memory is sampled every 50 ms during each phase (RSS and V8 heap used):
// bounded memory means the peak does not grow with the file.
//
//   node --expose-gc --import tsx bench/csv-import.ts [rows=1000000] [lines-per-order=1] [bus-segment-messages=100000]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { createInProcessBus } from '../ingest/bus/in-process';
import { createImporter } from '../ingest/import/importer';
import { DEFAULT_GROUP as PROCESSOR_GROUP } from '../ingest/processor/pipeline';
import { TOPICS } from '../src/lib/shared/topics';

const rows = Number(process.argv[2] ?? 1_000_000);
const linesPerOrder = Number(process.argv[3] ?? 1);
/** The in-process bus keeps its last segments in memory until released: its default is 100,000. */
const segmentMessages = Number(process.argv[4] ?? 100_000);
const CATEGORIES = ['Shoes', 'Bags', 'Dresses', 'Jeans', 'Watches'];

async function writeOrdersFile(file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((done) => out.once('drain', () => done()));
  await write(
    'Order Number,Created At,Email,Phone,Lineitem SKU,Lineitem Quantity,Lineitem Price,Category,Total,Currency\n',
  );
  for (let i = 0; i < rows; i++) {
    const order = Math.floor(i / linesPerOrder);
    const day = String(1 + (order % 28)).padStart(2, '0');
    const bad = i % 1000 === 999; // one row in a thousand has a date that reads two ways
    const date = bad ? `${day}/03/2025` : `2025-03-${day} 10:${String(order % 60).padStart(2, '0')}:00 +0530`;
    await write(
      `#${100000 + order},${date},buyer${order % 50_000}@shop.example.in,+91 98${String(order % 100_000_000).padStart(8, '0')},` +
        `sku-${i % 3000},${1 + (i % 3)},${(100 + (i % 900)).toFixed(2)},${CATEGORIES[i % 5]},"${(1234.5 + order).toFixed(2)}",INR\n`,
    );
  }
  await new Promise<void>((done) => out.end(() => done()));
}

/** Runs `work` while sampling memory; returns its duration and the peaks above the starting point. */
async function measured<T>(work: () => Promise<T>) {
  globalThis.gc?.();
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 50);
  const began = performance.now();
  const result = await work();
  const ms = performance.now() - began;
  clearInterval(timer);
  const end = process.memoryUsage();
  peakRss = Math.max(peakRss, end.rss);
  peakHeap = Math.max(peakHeap, end.heapUsed);
  return { result, ms, peakRss, peakHeap, startRss: start.rss, startHeap: start.heapUsed };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'bench-csv-import-'));
  try {
    const file = join(dir, 'orders.csv');
    await writeOrdersFile(file);
    const bytes = (await stat(file)).size;
    console.log(
      `file: ${rows.toLocaleString()} rows, ${linesPerOrder} per order, ${mb(bytes)}; bus segments of ${segmentMessages.toLocaleString()} messages`,
    );

    const baseline = await measured(async () => {
      let count = 0;
      for await (const _record of createReadStream(file).pipe(parse({ bom: true }))) count++;
      return count;
    });

    const bus = createInProcessBus({ dir: join(dir, 'bus'), segmentMessages });
    // Stands in for a processor that keeps up (it only commits), so the import is paced by the
    // real lag, as in a running system, and the bus holds a bounded backlog.
    const drain = await bus.subscribe({
      topic: TOPICS.eventsRaw,
      group: PROCESSOR_GROUP,
      maxBatchSize: 5000,
      onBatch: async () => {},
    });
    const importer = createImporter({
      bus,
      root: join(dir, 'imports'),
      pending: (brandId) => bus.pendingForKey(TOPICS.eventsRaw, PROCESSOR_GROUP, brandId),
    });
    const upload = await measured(() =>
      importer.upload({
        brandId: 'bench',
        kind: 'orders',
        fileName: 'orders.csv',
        body: createReadStream(file),
        createdBy: 'bench',
      }),
    );
    const { job, suggested_mapping } = upload.result;
    const run = await measured(async () => {
      await importer.start('bench', job.import_id, suggested_mapping);
      await importer.settled('bench', job.import_id);
      return (await importer.get('bench', job.import_id))!;
    });
    await importer.close();
    await drain.stop();
    await bus.close();

    const rate = (ms: number) => Math.round(rows / (ms / 1000));
    const report = (name: string, m: Awaited<ReturnType<typeof measured>>) =>
      console.log(
        `${name.padEnd(9)} ${(m.ms / 1000).toFixed(1).padStart(6)} s  ${rate(m.ms).toLocaleString().padStart(9)} rows/s` +
          `  peak RSS ${mb(m.peakRss)} (start ${mb(m.startRss)})  peak heap ${mb(m.peakHeap)} (start ${mb(m.startHeap)})`,
      );
    report('baseline', baseline);
    report('upload', upload);
    report('import', run);
    console.log(
      `import: ${run.result.status}, ${run.result.rows_read.toLocaleString()} rows read, ` +
        `${run.result.rows_imported.toLocaleString()} imported as ${run.result.events_published.toLocaleString()} events, ` +
        `${run.result.rows_rejected.toLocaleString()} refused`,
    );
    console.log(`ratio import/baseline rate: ${(baseline.ms / run.ms).toFixed(3)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
