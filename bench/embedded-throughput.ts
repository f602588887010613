// End-to-end throughput of the embedded default (in-process bus with its
// fsync'd log, processor, DuckDB file) driven over HTTP with batched tracking
// calls. Reports, in one run: the rate the ingest accepted events (HTTP 2xx,
// event on the bus), the rate the processor finished them (warehouse commit),
// and their ratio.
//
//   npx tsx bench/embedded-throughput.ts [events=20000] [batch=100] [concurrency=4]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../ingest/log';
import { startSystem } from '../ingest/system';
import { loadConfig } from '../src/lib/shared/config';

const total = Number(process.argv[2] ?? 20_000);
const batchSize = Number(process.argv[3] ?? 100);
const concurrency = Number(process.argv[4] ?? 4);
const CATEGORIES = ['Shoes', 'Bags', 'Dresses', 'Jeans', 'Watches'];
const TYPES = ['Product Viewed', 'Product Viewed', 'Product Viewed', 'Product Added', 'Checkout Started'];

function call(i: number): Record<string, unknown> {
  const shopper = i % 5_000;
  if (i % 50 === 49) {
    return {
      type: 'track',
      event: 'Order Completed',
      messageId: `bench-${i}`,
      anonymousId: `anon-${shopper}`,
      userId: `cust-${shopper}`,
      properties: { order_id: `o-${i}`, revenue: 40 + (i % 7) * 10, currency: 'EUR' },
    };
  }
  return {
    type: 'track',
    event: TYPES[i % TYPES.length],
    messageId: `bench-${i}`,
    anonymousId: `anon-${shopper}`,
    properties: { product_id: `sku-${i % 300}`, category: CATEGORIES[i % CATEGORIES.length], price: 30 },
  };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'signalroom-bench-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error' }, []);
  const system = await startSystem({ config, log: createLogger('error') });
  try {
    // The pipeline's ceiling is measured, not the brand's flow control: no rate limit in the way.
    const brand = await system.brands.create('bench-brand', 'Bench', {
      rate_limit: { events_per_second: 1e6, burst: 1e6 },
    });
    const auth = `Basic ${Buffer.from(`${brand.write_key}:`).toString('base64')}`;
    const batches = Math.ceil(total / batchSize);
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < batches) {
        const b = next++;
        const batch = Array.from({ length: Math.min(batchSize, total - b * batchSize) }, (_, k) =>
          call(b * batchSize + k),
        );
        const response = await fetch(`${system.url}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({ batch }),
        });
        if (response.status !== 200)
          throw new Error(`batch ${b}: HTTP ${response.status} ${await response.text()}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const accepted = performance.now();
    for (;;) {
      const counters = await system.warehouse!.counters('bench-brand');
      if (counters.processed + counters.duplicates >= total) break;
      await new Promise((done) => setTimeout(done, 20));
    }
    const processed = performance.now();
    const ingestRate = total / ((accepted - started) / 1000);
    const endToEndRate = total / ((processed - started) / 1000);
    console.log(`${total} events in batches of ${batchSize}, ${concurrency} concurrent requests`);
    console.log(`ingest accepted (HTTP 2xx, on the bus):     ${Math.round(ingestRate)} events/s`);
    console.log(`end to end (processed, in the warehouse):   ${Math.round(endToEndRate)} events/s`);
    console.log(`ratio end-to-end / ingest: ${(endToEndRate / ingestRate).toFixed(2)}`);
  } finally {
    await system.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
