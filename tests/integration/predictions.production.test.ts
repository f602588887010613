// The prediction run on the production back-ends (Kafka, ClickHouse 18.16), whole system in one
// process: orders go in over the tracking API, a run is triggered through the system's scheduler,
// and the stored scores, segments, recommendations and run record read back per brand. Repeating
// the run id changes nothing; brand B's orders and reads never meet brand A's.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { createLogger } from '../../ingest/log';
import { startSystem, type System } from '../../ingest/system';
import { loadConfig } from '../../src/lib/shared/config';
import type { StatusBody as Status } from '../../src/lib/server/api/responses';
import { basicAuth, getJson, postJson, waitFor } from '../support/http';
import { freshNames, productionEnv, productionServices, removeRunData } from '../support/production-backends';

const services = productionServices(process.env);
const WAIT_MS = 90_000;
const DAY = 86_400_000;

function orderEvent(userId: string, daysAgo: number, revenue: number, products: string[]) {
  return {
    type: 'track',
    event: 'Order Completed',
    userId,
    timestamp: new Date(Date.now() - daysAgo * DAY).toISOString(),
    properties: {
      revenue,
      products: products.map((product_id) => ({ product_id, price: revenue, quantity: 1 })),
    },
  };
}

/** 30 buyers of brand A: 12 regulars (monthly, recent), 10 lapsed (several orders a year ago), 8 new; 5 bought a tent with stakes, one a tent alone (lift 5). */
function brandAOrders() {
  const events: ReturnType<typeof orderEvent>[] = [];
  for (let i = 0; i < 12; i++)
    for (let m = 0; m < 8; m++)
      events.push(
        orderEvent(`reg-${i}`, 3 + i + m * 30, 150, m === 0 && i < 3 ? ['tent', 'stakes'] : ['socks']),
      );
  for (let i = 0; i < 10; i++)
    for (let m = 0; m < 4; m++)
      events.push(
        orderEvent(`lap-${i}`, 380 + i + m * 25, 90, m === 0 && i < 2 ? ['tent', 'stakes'] : ['lantern']),
      );
  for (let i = 0; i < 8; i++) events.push(orderEvent(`new-${i}`, 1 + i, 40, i === 0 ? ['tent'] : ['mug']));
  return events;
}

describe('predictions on the production back-ends (Kafka, ClickHouse)', { timeout: 3 * WAIT_MS }, () => {
  const names = freshNames('predictions');
  let dataDir: string;
  let system: System;
  let brandA: BrandCredentials;
  let brandB: BrandCredentials;

  async function caughtUp(credentials: BrandCredentials, processed: number) {
    await waitFor(
      `brand ${credentials.brand_id} to process ${processed}`,
      async () => {
        const response = await getJson(`${system.url}/api/v1/status`, credentials.read_key);
        const status = response.body as Status;
        return status.pending === 0 && status.processed >= processed ? status : undefined;
      },
      WAIT_MS,
    );
  }

  async function send(credentials: BrandCredentials, batch: unknown[]) {
    for (let i = 0; i < batch.length; i += 100) {
      const response = await postJson(
        `${system.url}/v1/batch`,
        { batch: batch.slice(i, i + 100) },
        { authorization: basicAuth(credentials.write_key) },
      );
      expect(response.status).toBe(200);
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'signalroom-it-'));
    const env = {
      ...productionEnv(services, names),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
    };
    system = await startSystem({ config: loadConfig(env, []), log: createLogger('error') });
    brandA = await system.brands.create('brand-a', 'Brand A');
    brandB = await system.brands.create('brand-b', 'Brand B');
  });

  afterAll(async () => {
    await system?.close();
    await rm(dataDir, { recursive: true, force: true });
    await removeRunData(services, names);
  });

  it('events in, a run triggered, scores and the run record read back per brand; a repeated run id changes nothing', async () => {
    const ordersA = brandAOrders();
    await send(brandA, ordersA);
    await send(brandB, [
      orderEvent('reg-0', 2, 999, ['b-secret-sku']),
      orderEvent('b-only', 2, 5, ['b-secret-sku']),
    ]);
    await caughtUp(brandA, ordersA.length);
    await caughtUp(brandB, 2);

    const warehouse = system.warehouse!;
    const predictions = system.predictions!;
    const run = await predictions.runNow('brand-a', { runId: 'it-run-1' });
    expect(run).toMatchObject({
      status: 'ok',
      error: null,
      customers: 30,
      buyers: 30,
      orders: ordersA.length,
    });
    expect(run.orders_with_products).toBe(ordersA.length);
    expect(run.segments.reduce((sum, s) => sum + s.size, 0)).toBe(30);
    expect((await warehouse.predictionRuns('brand-a', 10)).find((r) => r.run_id === 'it-run-1')).toEqual(run);

    const profileOf = async (brand: string, userId: string) =>
      (await warehouse.lookupProfile(brand, { type: 'user_id', value: userId }))!.profile_id;
    const regular = await warehouse.customerPrediction('brand-a', await profileOf('brand-a', 'reg-0'));
    const lapsed = await warehouse.customerPrediction('brand-a', await profileOf('brand-a', 'lap-9'));
    const newcomer = await warehouse.customerPrediction('brand-a', await profileOf('brand-a', 'new-0'));
    expect(regular).toMatchObject({ run_id: 'it-run-1', orders: 8, r: 5, f: 5 });
    expect(lapsed).toMatchObject({ orders: 4, r: 1 });
    expect(regular!.segment).not.toBe(lapsed!.segment);
    expect(newcomer!.recommendations[0]).toMatchObject({
      product_id: 'stakes',
      reason: 'bought_together',
      because: ['tent'],
    });
    expect(JSON.stringify([regular, lapsed, newcomer])).not.toContain('b-secret');

    const members = await warehouse.segmentMembers('brand-a', {
      runId: 'it-run-1',
      segment: null,
      after: null,
      limit: 100,
    });
    expect(members).toHaveLength(30);
    const bySegment = await warehouse.segmentMembers('brand-a', {
      runId: 'it-run-1',
      segment: regular!.segment,
      after: null,
      limit: 100,
    });
    expect(bySegment.map((p) => p.segment)).toEqual(bySegment.map(() => regular!.segment));

    // The same run id again: the same record, the same rows.
    expect(await predictions.runNow('brand-a', { runId: 'it-run-1' })).toEqual(run);
    expect(
      await warehouse.segmentMembers('brand-a', {
        runId: 'it-run-1',
        segment: null,
        after: null,
        limit: 100,
      }),
    ).toEqual(members);
    expect(
      (await warehouse.predictionRuns('brand-a', 50)).filter((r) => r.run_id === 'it-run-1'),
    ).toHaveLength(1);

    // Brand B: its own too-small outcome, none of A's scores under its name, none of its data in A's.
    const runB = await predictions.runNow('brand-b', { runId: 'it-run-b' });
    expect(runB).toMatchObject({
      status: 'not_enough_buyers',
      error: 'not enough buyers (n = 2 < 20)',
      customers: 2,
    });
    expect(await warehouse.customerPrediction('brand-b', regular!.profile_id)).toBeNull();
    expect(
      await warehouse.segmentMembers('brand-b', {
        runId: 'it-run-1',
        segment: null,
        after: null,
        limit: 100,
      }),
    ).toEqual([]);
    expect((await warehouse.predictionRuns('brand-b', 50)).map((r) => r.run_id)).not.toContain('it-run-1');
    expect(system.predictions!.stats()).toMatchObject({ failed: 0 });
  });
});
