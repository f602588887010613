// The processor on Kafka and ClickHouse writes the batches of one fetch, from
// several partitions, in one warehouse commit (few, large INSERTs), and every
// brand's results still land exactly once, apart from the other brands'.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openConnection } from '../../clickhouse/connection';
import { sql } from '../../clickhouse/sql';
import { createClickHouseWarehouse } from '../../clickhouse/warehouse';
import { createBrandRegistry } from '../../ingest/brands/registry';
import { createKafkaBus } from '../../ingest/bus/kafka/index';
import { partitionForKey } from '../../ingest/bus/kafka/partition-for-key';
import { eventEnvelope } from '../../ingest/http/raw-publisher';
import { createProcessor } from '../../ingest/processor/consumer';
import type { InboundEvent } from '../../src/lib/shared/events';
import { TOPICS } from '../../src/lib/shared/topics';
import { waitFor } from '../support/http';
import { freshNames, productionServices, removeRunData } from '../support/production-backends';

const services = productionServices(process.env);
const PARTITIONS = 4;
const BRANDS = Array.from({ length: 8 }, (_, i) => `brand-${i}`);
const PER_BRAND = 40;

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

function event(brandId: string, index: number, now: number): InboundEvent {
  const receivedAt = new Date(now - 60_000 + index * 100).toISOString();
  const order = index % 4 === 3;
  return {
    brand_id: brandId,
    event_id: `${brandId}-ev-${index}`,
    source: 'track',
    source_event_id: `${brandId}-msg-${index}`,
    type: order ? 'order_completed' : 'product_viewed',
    name: order ? 'Order Completed' : 'Product Viewed',
    channel: 'web',
    timestamp: receivedAt,
    received_at: receivedAt,
    identifiers: { user_id: `${brandId}-shopper-${index % 5}` },
    traits: {},
    properties: {},
    commerce: order ? { order_id: `${brandId}-o-${index}`, revenue: 10 } : { category: 'shoes' },
    context: {},
  };
}

describe('processor commits on Kafka and ClickHouse', () => {
  it("writes several partitions' batches in one commit, every brand's events once and apart", async () => {
    const names = freshNames('commits');
    cleanup.push(() => removeRunData(services, names));
    const dir = await mkdtemp(join(tmpdir(), 'signalroom-commits-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    expect(new Set(BRANDS.map((brand) => partitionForKey(brand, PARTITIONS))).size).toBeGreaterThan(2);

    const brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
    for (const brand of BRANDS) await brands.create(brand);
    const bus = createKafkaBus({
      brokers: services.kafkaBrokers.split(','),
      clientId: 'signalroom-commits-test',
      partitions: PARTITIONS,
      topicPrefix: names.topicPrefix,
    });
    cleanup.push(() => bus.close());
    const warehouse = await createClickHouseWarehouse({
      url: services.clickHouseUrl,
      database: names.database,
    });
    cleanup.push(() => warehouse.close());
    await warehouse.migrate();

    // Everything is on the broker before the processor starts: its first fetches hold every partition.
    const now = Date.now();
    await bus.publish(
      TOPICS.eventsRaw,
      BRANDS.flatMap((brand) =>
        Array.from({ length: PER_BRAND }, (_, i) => ({
          key: brand,
          value: JSON.stringify(eventEnvelope(event(brand, i, now))),
        })),
      ),
    );
    const processor = createProcessor({ bus, warehouse, brands, clock: () => new Date(), batchSize: 500 });
    await processor.start();
    cleanup.push(() => processor.stop());
    await waitFor(
      'every brand processed',
      async () => {
        for (const brand of BRANDS) {
          if ((await warehouse.counters(brand)).processed < PER_BRAND) return undefined;
        }
        return true;
      },
      60_000,
    );

    const stats = processor.stats();
    expect(stats.messages).toBe(BRANDS.length * PER_BRAND);
    expect(stats.commits).toBeLessThan(stats.batches);

    const admin = openConnection({ url: services.clickHouseUrl, database: names.database });
    cleanup.push(() => admin.close());
    // One commit = one write version: its redo-log rows name several partitions.
    const [widest] = await admin.rows(
      sql`SELECT version, count() AS partitions FROM commit_log FINAL GROUP BY version ORDER BY partitions DESC LIMIT 1`,
      'widest commit',
    );
    expect(Number(widest?.partitions)).toBeGreaterThan(1);

    const hour = (offset: number) => new Date(now + offset).toISOString();
    for (const [index, brand] of BRANDS.entries()) {
      expect(await warehouse.counters(brand)).toMatchObject({
        processed: PER_BRAND,
        duplicates: 0,
        rejected: 0,
      });
      const minutes = await warehouse.kpis(brand, hour(-3_600_000), hour(3_600_000));
      expect(minutes.reduce((sum, m) => sum + m.events, 0)).toBe(PER_BRAND);
      expect(minutes.reduce((sum, m) => sum + m.purchases, 0)).toBe(PER_BRAND / 4);
      const shopper = await warehouse.lookupProfile(brand, { type: 'user_id', value: `${brand}-shopper-0` });
      expect(shopper).toMatchObject({ brand_id: brand, event_count: PER_BRAND / 5 });
      const events = await warehouse.recentEvents(brand, [shopper!.profile_id], 100);
      expect(events.map((e) => e.brand_id)).toEqual(Array(PER_BRAND / 5).fill(brand));
      // The other brand cannot see this brand's shopper, by identifier or by id.
      const other = BRANDS[(index + 1) % BRANDS.length]!;
      expect(
        await warehouse.lookupProfile(other, { type: 'user_id', value: `${brand}-shopper-0` }),
      ).toBeNull();
      expect(await warehouse.getProfile(other, shopper!.profile_id)).toBeNull();
      expect(await warehouse.recentEvents(other, [shopper!.profile_id], 100)).toEqual([]);
    }
  });
});
