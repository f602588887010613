// The warehouse contract of the prediction run's reads and writes: survivors and orders in keyset
// pages that cover them once, merged parts, order line items from both stored shapes, channel
// activity, score upserts idempotent by run id and never overwritten by an older run, run records
// newest first, a segment's members paged, hostile ids, and tenancy. Each back-end's test runs it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../ingest/warehouse/types';
import type { CustomerPrediction, PredictionRun } from '../../src/lib/shared/predictions';
import type { WarehouseFixture } from './warehouse.contract';
import { predictionRecord, predictionRunRecord } from '../support/prediction-records';
import { at, commit, event, profile } from './warehouse-records';

const A = 'brand-a';
const B = 'brand-b';
const HOSTILE = `p'\\"%_;-- 😀`;

const prediction = (brand: string, id: string, fields: Partial<CustomerPrediction> = {}) =>
  predictionRecord(brand, id, at(60), fields);
const run = (brand: string, id: string, minute: number, fields: Partial<PredictionRun> = {}) =>
  predictionRunRecord(brand, id, at(minute), fields);

export function predictionsContract(name: string, make: () => Promise<WarehouseFixture>): void {
  describe(`warehouse contract, predictions: ${name}`, () => {
    let fixture: WarehouseFixture | undefined;
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    async function setup(): Promise<Warehouse> {
      fixture = await make();
      const warehouse = fixture.warehouse;
      await warehouse.migrate();
      const order = (brand: string, id: string, profileId: string, minute: number, properties = {}) =>
        event(brand, id, {
          type: 'order_completed',
          name: 'Order Completed',
          profile_id: profileId,
          timestamp: at(minute),
          revenue: 10 + minute,
          category: 'shoes',
          properties,
        });
      await warehouse.commit(
        commit(
          { consumer: 'processor', partition: 0, next_offset: 1 },
          {
            profiles: [
              profile(A, 'p1', { intent_score: 12 }),
              profile(A, 'm1', { merged_into: 'm2' }),
              profile(A, 'm2', { merged_into: 'p1' }),
              profile(A, HOSTILE),
              profile(A, 'p3'),
              profile(B, 'p1', { intent_score: 99 }),
              profile(B, 'b-only'),
            ],
            events: [
              order(A, 'o1', 'p1', 1, {
                order_items: [
                  {
                    product_id: 'sku-1',
                    category: 'shoes',
                    name: `Trail "shoe" ${HOSTILE}`,
                    price: 10,
                    quantity: 1,
                  },
                  { product_id: '', category: null },
                ],
              }),
              order(A, 'o2', 'm1', 2, {
                products: [
                  { product_id: 'sku-2', name: 'Tote' },
                  { sku: 'sku-3', category: 'bags' },
                ],
              }),
              order(A, `o3${HOSTILE}`, HOSTILE, 3),
              order(A, 'o4', 'p3', 4, { order_items: 'not a list' }),
              event(A, 'view', { profile_id: 'p1', channel: 'store', timestamp: at(5) }),
              event(A, 'chat', { profile_id: 'm1', channel: 'whatsapp', timestamp: at(6) }),
              event(A, 'old', { profile_id: 'p1', channel: 'web', timestamp: at(-600) }),
              order(B, 'b-secret-order', 'p1', 1, { order_items: [{ product_id: 'b-secret-sku' }] }),
            ],
          },
        ),
      );
      return warehouse;
    }

    it('pages survivors and orders by id once each, with line items of both stored shapes', async () => {
      const warehouse = await setup();
      const survivors: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const page = await warehouse.predictionSurvivors(A, after, 2);
        survivors.push(...page.map((s) => s.profile_id));
        if (page.length < 2) break;
        after = page[page.length - 1]!.profile_id;
      }
      expect(survivors).toEqual([HOSTILE, 'p1', 'p3']);
      const [p1] = await warehouse.predictionSurvivors(A, HOSTILE, 1);
      expect(p1).toEqual({ profile_id: 'p1', first_seen: at(0), last_seen: at(5), intent_score: 12 });
      expect(await warehouse.mergedParts(A)).toEqual([
        { profile_id: 'm1', merged_into: 'm2' },
        { profile_id: 'm2', merged_into: 'p1' },
      ]);

      const orders = [
        ...(await warehouse.predictionOrders(A, null, 3)),
        ...(await warehouse.predictionOrders(A, `o3${HOSTILE}`, 3)),
      ];
      expect(orders.map((o) => o.event_id)).toEqual(['o1', 'o2', `o3${HOSTILE}`, 'o4']);
      expect(orders[0]).toEqual({
        event_id: 'o1',
        profile_id: 'p1',
        timestamp: at(1),
        revenue: 11,
        category: 'shoes',
        items: [{ product_id: 'sku-1', category: 'shoes', name: `Trail "shoe" ${HOSTILE}` }],
      });
      expect(orders[1]!.items).toEqual([
        { product_id: 'sku-2', category: null, name: 'Tote' },
        { product_id: 'sku-3', category: 'bags', name: null },
      ]);
      expect(orders[2]!.items).toEqual([]);
      expect(orders[3]!.items).toEqual([]);
      expect(await warehouse.predictionOrders(A, 'o4', 10)).toEqual([]);
      await expect(warehouse.predictionOrders(A, null, 0)).rejects.toThrow(RangeError);

      const activity = [
        { profile_id: 'm1', web: 1, store: 0, whatsapp: 1, events: 2 },
        { profile_id: HOSTILE, web: 1, store: 0, whatsapp: 0, events: 1 },
        { profile_id: 'p1', web: 1, store: 1, whatsapp: 0, events: 2 },
        { profile_id: 'p3', web: 1, store: 0, whatsapp: 0, events: 1 },
      ];
      expect(await warehouse.channelActivity(A, at(0), null, 10)).toEqual(activity);
      // Keyset pages by profile_id, the same rows in two.
      const first = await warehouse.channelActivity(A, at(0), null, 2);
      expect(first).toEqual(activity.slice(0, 2));
      expect(await warehouse.channelActivity(A, at(0), first[1]!.profile_id, 2)).toEqual(activity.slice(2));
      await expect(warehouse.channelActivity(A, at(0), null, 0)).rejects.toThrow(RangeError);

      // Tenancy: brand B's reads hold none of A's rows, and A's none of B's.
      const bOrders = await warehouse.predictionOrders(B, null, 10);
      expect(bOrders.map((o) => o.event_id)).toEqual(['b-secret-order']);
      expect((await warehouse.predictionSurvivors(B, null, 10)).map((s) => s.profile_id)).toEqual([
        'b-only',
        'p1',
      ]);
      expect(await warehouse.mergedParts(B)).toEqual([]);
      expect(JSON.stringify(orders)).not.toContain('b-secret');
      expect(await warehouse.predictionOrders('brand-none', null, 10)).toEqual([]);
      const bActivity = await warehouse.channelActivity(B, at(0), null, 10);
      expect(bActivity.map((r) => r.profile_id)).not.toContain('m1');
      expect(bActivity.map((r) => r.profile_id)).not.toContain(HOSTILE);
      expect(await warehouse.channelActivity('brand-none', at(0), null, 10)).toEqual([]);
    });

    it('upserts scores idempotently by run id, keeps the newer run, pages a segment, per brand', async () => {
      const warehouse = await setup();
      const first = [
        prediction(A, 'p1'),
        prediction(A, HOSTILE, { segment: `at risk'`, r: null, f: null, m: null, recency_days: null }),
        prediction(A, 'p3', {
          churn_probability: null,
          p_alive: null,
          expected_purchases_12m: null,
          predicted_value_12m: null,
        }),
        prediction(B, 'p1', { segment: 'b-secret-segment', recommendations: [] }),
      ];
      await warehouse.savePredictions(first);
      await warehouse.savePredictions(first); // the same run again
      expect(await warehouse.customerPrediction(A, 'p1')).toEqual(first[0]);
      expect(await warehouse.customerPrediction(A, HOSTILE)).toEqual(first[1]);
      expect(await warehouse.customerPrediction(A, 'p3')).toEqual(first[2]);
      expect(await warehouse.customerPrediction(B, 'p1')).toEqual(first[3]);
      expect(await warehouse.customerPrediction(B, HOSTILE)).toBeNull();

      const all = await warehouse.segmentMembers(A, {
        runId: 'run-1',
        segment: null,
        after: null,
        limit: 10,
      });
      expect(all.map((p) => p.profile_id)).toEqual([HOSTILE, 'p1', 'p3']);
      const paged = [
        ...(await warehouse.segmentMembers(A, {
          runId: 'run-1',
          segment: 'champions',
          after: null,
          limit: 1,
        })),
        ...(await warehouse.segmentMembers(A, {
          runId: 'run-1',
          segment: 'champions',
          after: 'p1',
          limit: 1,
        })),
      ];
      expect(paged.map((p) => p.profile_id)).toEqual(['p1', 'p3']);
      expect(
        await warehouse.segmentMembers(A, {
          runId: 'run-1',
          segment: 'b-secret-segment',
          after: null,
          limit: 10,
        }),
      ).toEqual([]);

      // A later run replaces a profile's row; an older run written after it does not.
      const later = prediction(A, 'p1', { run_id: 'run-2', computed_at: at(120), segment: 'new' });
      await warehouse.savePredictions([later]);
      await warehouse.savePredictions([prediction(A, 'p1', { run_id: 'run-0', computed_at: at(30) })]);
      expect(await warehouse.customerPrediction(A, 'p1')).toEqual(later);
      expect(
        (await warehouse.segmentMembers(A, { runId: 'run-1', segment: null, after: null, limit: 10 })).map(
          (p) => p.profile_id,
        ),
      ).toEqual([HOSTILE, 'p3']);
    });

    it('stores run records once per run id, newest first, per brand', async () => {
      const warehouse = await setup();
      await warehouse.savePredictionRun(run(A, 'run-1', 60));
      await warehouse.savePredictionRun(run(A, 'run-2', 120, { status: 'failed', error: `boom '\\` }));
      await warehouse.savePredictionRun(run(A, 'run-2', 120, { status: 'failed', error: `boom '\\` }));
      await warehouse.savePredictionRun(run(B, 'b-secret-run', 200));
      const runs = await warehouse.predictionRuns(A, 10);
      expect(runs).toEqual([
        run(A, 'run-2', 120, { status: 'failed', error: `boom '\\` }),
        run(A, 'run-1', 60),
      ]);
      expect(await warehouse.predictionRuns(A, 1)).toEqual([runs[0]]);
      expect((await warehouse.predictionRuns(B, 10)).map((r) => r.run_id)).toEqual(['b-secret-run']);
      expect(JSON.stringify(runs)).not.toContain('b-secret');
    });
  });
}
