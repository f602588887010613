// The processor's CPU per event with no I/O: the production benchmark's
// tracking traffic, mapped as the ingest maps it, runs through the
// processor's stream step (parse, normalize, identity, intent, 360, KPIs)
// and the rendering of its ClickHouse commit and live messages. Every stage
// is timed on its own so a change shows where it saved.
//
//   npx tsx bench/processor-step.ts [events=100000] [batch=400] [brands=4]
//
// Brands come from a real registry and their state from an empty in-memory
// DuckDB warehouse (loaded once per brand, outside the timings).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '../src/lib/shared/topics';
import { planWrite, createWriteVersions } from '../clickhouse/commit';
import { createBrandRegistry } from '../ingest/brands/registry';
import type { ConsumedBatch } from '../ingest/bus/types';
import { eventEnvelope } from '../ingest/http/raw-publisher';
import { mapSegmentCall } from '../ingest/http/tracking/map-segment';
import { parseSegmentCall } from '../ingest/http/tracking/segment-schema';
import { createBrandStates } from '../ingest/processor/brand-state';
import { processBatch } from '../ingest/processor/pipeline';
import { createDuckDbWarehouse } from '../ingest/warehouse/duckdb/index';
import { trackingCall } from './support/traffic';

const total = Number(process.argv[2] ?? 100_000);
const batchSize = Number(process.argv[3] ?? 400);
const brandCount = Number(process.argv[4] ?? 4);

/** The envelopes the ingest would publish: brand by brand in turn, one partition per brand. */
function envelopes(brandIds: string[], now: Date): ConsumedBatch[] {
  const batches: ConsumedBatch[] = [];
  const perBrand = Math.ceil(total / brandIds.length);
  for (let start = 0; start < perBrand; start += batchSize) {
    for (const [partition, brandId] of brandIds.entries()) {
      const messages = [];
      for (let i = start; i < Math.min(perBrand, start + batchSize); i++) {
        const parsed = parseSegmentCall(trackingCall(brandId, i, now));
        if (!parsed.ok) throw new Error(`the bench traffic is invalid: ${parsed.message}`);
        const event = mapSegmentCall(parsed.call, {
          brand_id: brandId,
          event_id: randomUUID(),
          received_at: now.toISOString(),
          fallback_source_event_id: randomUUID(),
        });
        messages.push({
          topic: TOPICS.eventsRaw,
          partition,
          offset: i,
          key: brandId,
          value: JSON.stringify(eventEnvelope(event)),
        });
      }
      batches.push({ topic: TOPICS.eventsRaw, partition, messages, nextOffset: messages.at(-1)!.offset + 1 });
    }
  }
  return batches;
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'signalroom-bench-'));
  try {
    const brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
    const brandIds = Array.from({ length: brandCount }, (_, i) => `bench-${i}`);
    for (const id of brandIds) await brands.create(id);
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.migrate();
    const now = new Date();
    const states = createBrandStates({ warehouse, brands, clock: () => now });
    for (const id of brandIds) await states.get(id);
    const batches = envelopes(brandIds, now);
    const events = batches.reduce((sum, batch) => sum + batch.messages.length, 0);
    const versions = createWriteVersions();

    const spent = { process: 0, render: 0, live: 0 };
    let bytes = 0;
    const wall = performance.now();
    for (const batch of batches) {
      let mark = cpuMicros();
      const result = await processBatch(batch, { states, group: 'processor', clock: () => now });
      spent.process += cpuMicros() - mark;
      mark = cpuMicros();
      for (const insert of planWrite([result.commit], versions())) bytes += insert.statement.text.length;
      spent.render += cpuMicros() - mark;
      mark = cpuMicros();
      for (const message of result.live) bytes += JSON.stringify(message).length;
      spent.live += cpuMicros() - mark;
    }
    const seconds = (performance.now() - wall) / 1000;
    await warehouse.close();

    const per = (micros: number) => `${(micros / events).toFixed(1)} µs`;
    const sum = spent.process + spent.render + spent.live;
    console.log(`processor step: ${events} events, ${brandCount} brands, batches of ${batchSize}`);
    console.log(`  stream step (parse … KPIs)      ${per(spent.process)} CPU per event`);
    console.log(`  ClickHouse commit rendering     ${per(spent.render)} CPU per event`);
    console.log(`  live messages (JSON)            ${per(spent.live)} CPU per event`);
    console.log(
      `  total                           ${per(sum)} CPU per event, ${Math.round(events / seconds)} events/s`,
    );
    console.log(`  bytes rendered per event        ${Math.round(bytes / events)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
