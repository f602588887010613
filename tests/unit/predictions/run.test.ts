// The prediction run end to end on a real (in-memory DuckDB) warehouse: planted purchase histories
// in, the stored scores, segments, churn ranking and recommendations out, stable across runs and
// idempotent by run id; hostile brands (no orders, one buyer, no products, huge revenue); merged
// parts followed to their survivor; and nothing of another brand read or written.
import { afterEach, describe, expect, it } from 'vitest';
import { computePredictions } from '../../../ingest/predictions/compute';
import { computeOffThread, type Compute } from '../../../ingest/predictions/off-thread';
import { runBrandPredictions } from '../../../ingest/predictions/run';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../../ingest/warehouse/types';
import type { Profile, StoredEvent } from '../../../src/lib/shared/model';
import type { CustomerPrediction } from '../../../src/lib/shared/predictions';
import { commit, event, profile } from '../../contract/warehouse-records';

const A = 'brand-a';
const B = 'brand-b';
const DAY = 86_400_000;
const AS_OF = new Date('2025-06-01T00:00:00.000Z');
const inline: Compute = async (input, previous, options) => computePredictions(input, previous, options);

let warehouse: Warehouse | undefined;
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
});

let seq = 0;
function order(
  brand: string,
  profileId: string,
  daysAgo: number,
  revenue: number,
  products: string[] = [],
): StoredEvent {
  seq += 1;
  return event(brand, `o-${String(seq).padStart(6, '0')}`, {
    type: 'order_completed',
    name: 'Order Completed',
    profile_id: profileId,
    timestamp: new Date(AS_OF.getTime() - daysAgo * DAY).toISOString(),
    revenue,
    properties: products.length
      ? { order_items: products.map((product_id) => ({ product_id, price: 1, quantity: 1 })) }
      : {},
  });
}

interface Planted {
  profiles: Profile[];
  events: StoredEvent[];
  groups: Record<'loyal' | 'lapsed' | 'new' | 'browsers', string[]>;
}

/** Loyal: monthly big orders for two years, the last days ago. Lapsed: several good orders, none for a year. New: one small order this week. Browsers: no orders. */
function planted(brand: string): Planted {
  const groups: Planted['groups'] = { loyal: [], lapsed: [], new: [], browsers: [] };
  const events: StoredEvent[] = [];
  for (let i = 0; i < 20; i++) {
    const id = `loyal-${i}`;
    groups.loyal.push(id);
    for (let m = 0; m < 24; m++)
      events.push(
        order(brand, id, 2 + (i % 3) + m * 30, 200 + i, m === 0 && i < 5 ? ['tent', 'stakes'] : ['socks']),
      );
  }
  for (let i = 0; i < 20; i++) {
    const id = `lapsed-${i}`;
    groups.lapsed.push(id);
    for (let m = 0; m < 5; m++)
      events.push(
        order(brand, id, 400 + i + m * 20, 120 + i, m === 0 && i < 5 ? ['tent', 'stakes'] : ['lantern']),
      );
  }
  for (let i = 0; i < 20; i++) {
    const id = `new-${i}`;
    groups.new.push(id);
    events.push(order(brand, id, 1 + (i % 5), 30 + i, i < 3 ? ['tent'] : ['socks']));
  }
  for (let i = 0; i < 10; i++) groups.browsers.push(`browser-${i}`);
  const profiles = Object.values(groups)
    .flat()
    .map((id) => profile(brand, id, { intent_score: id.startsWith('new') ? 40 : 5 }));
  return { profiles, events, groups };
}

async function open(...commits: Parameters<typeof commit>[1][]): Promise<Warehouse> {
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  await warehouse.migrate();
  let offset = 0;
  for (const parts of commits) {
    offset += 1;
    await warehouse.commit(commit({ consumer: 'processor', partition: 0, next_offset: offset }, parts));
  }
  return warehouse;
}

async function scores(w: Warehouse, brand: string, runId: string): Promise<Map<string, CustomerPrediction>> {
  const rows = await w.segmentMembers(brand, { runId, segment: null, after: null, limit: 1000 });
  return new Map(rows.map((r) => [r.profile_id, r]));
}

const run = (w: Warehouse, brandId: string, runId: string, compute: Compute = inline, asOf = AS_OF) =>
  runBrandPredictions({ warehouse: w, compute, clock: () => asOf }, { brandId, runId, asOf });

describe('prediction run', () => {
  it('stores RFM, a segment per planted group, churn ranked by lapse, value and recommendations', async () => {
    const a = planted(A);
    const b = planted(B);
    const w = await open({
      profiles: [...a.profiles, ...b.profiles.slice(0, 5)],
      events: [...a.events, order(B, 'loyal-0', 1, 5, ['b-secret-sku'])],
    });
    const record = await run(w, A, 'run-1');
    expect(record).toMatchObject({
      status: 'ok',
      error: null,
      customers: 70,
      buyers: 60,
      orders: a.events.length,
    });
    expect(record.k).toBeGreaterThanOrEqual(3);
    expect(record.clv?.repeat_customers).toBe(40);
    expect(record.segments.reduce((s, x) => s + x.size, 0)).toBe(70);
    const stored = await scores(w, A, 'run-1');
    expect(stored.size).toBe(70);

    const segmentOf = (ids: string[]) => new Set(ids.map((id) => stored.get(id)!.segment));
    for (const group of ['loyal', 'lapsed', 'new'] as const)
      expect(segmentOf(a.groups[group]).size, group).toBe(1);
    expect(segmentOf(a.groups.browsers)).toEqual(new Set(['no orders']));
    const names = ['loyal', 'lapsed', 'new'].map((g) => [...segmentOf(a.groups[g as 'loyal'])][0]);
    expect(new Set(names).size).toBe(3);
    expect(stored.get('new-0')!.segment).toBe('new');

    const loyal = stored.get('loyal-0')!;
    expect(loyal).toMatchObject({
      orders: 24,
      r: 5,
      f: 5,
      run_id: 'run-1',
      computed_at: AS_OF.toISOString(),
    });
    expect(stored.get('lapsed-19')).toMatchObject({ orders: 5, r: 1 });
    expect(stored.get('browser-0')).toMatchObject({
      orders: 0,
      r: null,
      f: null,
      m: null,
      churn_probability: null,
      recency_days: null,
    });
    // Churn (P(no purchase in 12 months)): every lapsed buyer above every loyal one; value the other way.
    const churn = (ids: string[]) => ids.map((id) => stored.get(id)!.churn_probability!);
    expect(Math.min(...churn(a.groups.lapsed))).toBeGreaterThan(Math.max(...churn(a.groups.loyal)));
    const value = (ids: string[]) => ids.map((id) => stored.get(id)!.predicted_value_12m!);
    expect(Math.min(...value(a.groups.loyal))).toBeGreaterThan(Math.max(...value(a.groups.lapsed)));
    expect(loyal.expected_purchases_12m).toBeGreaterThan(5);

    // 10 of the 13 tent buyers also bought stakes (lift 4.6): a tent-only buyer is offered stakes because of the tent.
    expect(stored.get('new-0')!.recommendations[0]).toEqual({
      product_id: 'stakes',
      reason: 'bought_together',
      because: ['tent'],
      score: expect.any(Number),
      labels: {},
    });
    expect(stored.get('browser-0')!.recommendations.every((r) => r.reason === 'popular')).toBe(true);
    // Tenancy: nothing of brand B's read into A's run, nothing of A's written for B.
    expect(JSON.stringify([...stored.values()])).not.toContain('b-secret');
    expect(await w.customerPrediction(B, 'loyal-0')).toBeNull();
    expect(await w.predictionRuns(B, 10)).toEqual([]);
  });

  it('gives the same segments again (stable names, drift all stayed) and a repeated run id changes nothing', async () => {
    const a = planted(A);
    const w = await open({ profiles: a.profiles, events: a.events });
    await run(w, A, 'run-1');
    const first = await scores(w, A, 'run-1');
    const later = new Date(AS_OF.getTime() + 1000);
    const second = await run(w, A, 'run-2', inline, later);
    expect(second.drift).toMatchObject({
      previous_run_id: 'run-1',
      stayed: 70,
      moved: 0,
      entered: 0,
      left: 0,
    });
    const again = await scores(w, A, 'run-2');
    for (const [id, p] of first) expect(again.get(id)!.segment, id).toBe(p.segment);

    // The same run id again: the finished record is returned, nothing is rewritten or duplicated.
    expect(await run(w, A, 'run-2', inline, later)).toEqual(second);
    expect((await w.predictionRuns(A, 10)).map((r) => r.run_id)).toEqual(['run-2', 'run-1']);
    expect((await scores(w, A, 'run-2')).size).toBe(70);
  });

  it('a run cut before its record, run again with its id, leaves one set of rows and one record', async () => {
    const a = planted(A);
    const w = await open({ profiles: a.profiles, events: a.events });
    const crashing: Warehouse = {
      ...w,
      savePredictionRun: () => Promise.reject(new Error('power cut')),
    };
    await expect(
      runBrandPredictions(
        { warehouse: crashing, compute: inline, clock: () => AS_OF },
        { brandId: A, runId: 'run-x', asOf: AS_OF },
      ),
    ).rejects.toThrow('power cut');
    expect((await scores(w, A, 'run-x')).size).toBe(70);
    expect(await w.predictionRuns(A, 10)).toEqual([]);
    const done = await run(w, A, 'run-x');
    expect(done.status).toBe('ok');
    expect((await scores(w, A, 'run-x')).size).toBe(70);
    expect((await w.predictionRuns(A, 10)).map((r) => r.run_id)).toEqual(['run-x']);
  });

  it('follows merges: orders of merged parts count for their survivor', async () => {
    const a = planted(A);
    const merged = [
      profile(A, 'part-1', { merged_into: 'part-2' }),
      profile(A, 'part-2', { merged_into: 'loyal-0' }),
    ];
    const w = await open({
      profiles: [...a.profiles, ...merged],
      events: [...a.events, order(A, 'part-1', 3, 10), order(A, 'part-2', 4, 10)],
    });
    await run(w, A, 'run-1');
    const stored = await scores(w, A, 'run-1');
    expect(stored.get('loyal-0')!.orders).toBe(26);
    expect(stored.has('part-1')).toBe(false);
  });

  it('runs the models in a worker thread with the same result', async () => {
    const a = planted(A);
    const w = await open({ profiles: a.profiles, events: a.events });
    const record = await run(w, A, 'run-w', computeOffThread);
    expect(record.status).toBe('ok');
    const offThread = await scores(w, A, 'run-w');
    const w2 = await createDuckDbWarehouse({ path: ':memory:' });
    try {
      await w2.migrate();
      await w2.commit(
        commit(
          { consumer: 'processor', partition: 0, next_offset: 1 },
          { profiles: a.profiles, events: a.events },
        ),
      );
      await run(w2, A, 'run-w');
      expect(await scores(w2, A, 'run-w')).toEqual(offThread);
    } finally {
      await w2.close();
    }
  }, 20_000);
});

describe('prediction run, hostile brands', () => {
  it('a brand with no orders: not enough buyers, nothing stored but the record', async () => {
    const w = await open({ profiles: [profile(A, 'p1'), profile(A, 'p2')] });
    const record = await run(w, A, 'run-1');
    expect(record).toMatchObject({
      status: 'not_enough_buyers',
      error: 'not enough buyers (n = 0 < 20)',
      customers: 2,
      buyers: 0,
    });
    expect(await w.customerPrediction(A, 'p1')).toBeNull();
    expect((await w.predictionRuns(A, 10))[0]).toEqual(record);
    expect(await w.predictionRuns(B, 10)).toEqual([]);
  });

  it('a brand with no profiles at all, and one with one buyer', async () => {
    const w = await open({ profiles: [profile(A, 'only')], events: [order(A, 'only', 3, 50, ['x'])] });
    expect((await run(w, A, 'run-1')).error).toBe('not enough buyers (n = 1 < 20)');
    expect((await run(w, 'brand-empty', 'run-1')).error).toBe('not enough buyers (n = 0 < 20)');
  });

  it('labels recommendations with product names from the latest order that named them', async () => {
    const a = planted(A);
    const named = (e: StoredEvent, names: Record<string, string>): StoredEvent => {
      const items = (e.properties.order_items ?? []) as Array<{ product_id: string }>;
      return {
        ...e,
        properties: { order_items: items.map((item) => ({ ...item, name: names[item.product_id] })) },
      };
    };
    // The lapsed group's tents are older orders (400+ days ago) than the loyal group's: their
    // name is the one replaced. A hostile name is cut; an empty one is no name.
    const long = 'S'.repeat(5_000);
    const events = a.events.map((e) =>
      e.profile_id.startsWith('lapsed')
        ? named(e, { tent: 'Old tent name', stakes: '   ' })
        : named(e, { tent: 'Ridge tent 2P', stakes: long }),
    );
    const w = await open({ profiles: a.profiles, events });
    await run(w, A, 'run-1');
    const stored = await scores(w, A, 'run-1');
    expect(stored.get('new-0')!.recommendations[0]).toMatchObject({
      product_id: 'stakes',
      because: ['tent'],
      labels: { tent: 'Ridge tent 2P', stakes: 'S'.repeat(200) },
    });
    // Products no order named keep no label.
    const socks = [...stored.values()]
      .flatMap((p) => p.recommendations)
      .find((r) => r.product_id === 'socks');
    expect(socks?.labels).toEqual({});
  });

  it('orders without products: scores and segments, no recommendations', async () => {
    const a = planted(A);
    const w = await open({ profiles: a.profiles, events: a.events.map((e) => ({ ...e, properties: {} })) });
    const record = await run(w, A, 'run-1');
    expect(record).toMatchObject({ status: 'ok', orders_with_products: 0 });
    const stored = await scores(w, A, 'run-1');
    expect([...stored.values()].every((p) => p.recommendations.length === 0)).toBe(true);
    expect(stored.get('loyal-0')!.f).toBe(5);
  });

  it('huge revenue: a customer whose total is not finite is left out and counted, the rest are scored', async () => {
    const a = planted(A);
    const huge = [
      order(A, 'loyal-0', 1, 1e308),
      order(A, 'loyal-0', 2, 1e308),
      order(A, 'lapsed-0', 500, 1e300),
    ];
    const w = await open({ profiles: a.profiles, events: [...a.events, ...huge] });
    const record = await run(w, A, 'run-1');
    expect(record.status).toBe('ok');
    expect(record.excluded).toEqual([{ reason: 'revenue does not add up to a finite number', count: 1 }]);
    const stored = await scores(w, A, 'run-1');
    expect(stored.has('loyal-0')).toBe(false);
    expect(stored.get('lapsed-0')!.m).toBe(5);
    expect(Number.isFinite(stored.get('lapsed-0')!.predicted_value_12m)).toBe(true);
  });

  it('a failure is a stored record with the error, not only a log line', async () => {
    const a = planted(A);
    const w = await open({ profiles: a.profiles, events: a.events });
    const broken: Compute = () => Promise.reject(new RangeError('model exploded'));
    const record = await run(w, A, 'run-1', broken);
    expect(record).toMatchObject({ status: 'failed', error: 'RangeError: model exploded' });
    expect((await w.predictionRuns(A, 10))[0]).toEqual(record);
  });
});
