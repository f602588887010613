// The prediction input read in pages into columns (main thread) and put in time order (worker):
// orders with equal times keep event id order, products survive the UTF-8 column (non-ASCII too),
// orders after the run's time are left out, and another brand's orders are never read.
import { afterEach, describe, expect, it } from 'vitest';
import { inTimeOrder, readPredictionInput, transferables } from '../../../ingest/predictions/input';
import { createDuckDbWarehouse } from '../../../ingest/warehouse/duckdb/index';
import type { Warehouse } from '../../../ingest/warehouse/types';
import type { StoredEvent } from '../../../src/lib/shared/model';
import { commit, event, profile } from '../../contract/warehouse-records';

const A = 'brand-a';
const B = 'brand-b';
const AS_OF = Date.parse('2025-06-01T00:00:00.000Z');

let warehouse: Warehouse | undefined;
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
});

function order(brand: string, id: string, profileId: string, at: string, products: string[]): StoredEvent {
  return event(brand, id, {
    type: 'order_completed',
    name: 'Order Completed',
    profile_id: profileId,
    timestamp: at,
    revenue: 10,
    properties: { order_items: products.map((product_id) => ({ product_id, price: 1, quantity: 1 })) },
  });
}

describe('prediction input', () => {
  it('reads orders in pages and the worker puts them in time order, ties by event id', async () => {
    warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.migrate();
    const early = '2025-05-01T10:00:00.000Z';
    const late = '2025-05-20T10:00:00.000Z';
    await warehouse.commit(
      commit(
        { consumer: 'processor', partition: 0, next_offset: 1 },
        {
          profiles: [profile(A, 'p1'), profile(A, 'p2'), profile(B, 'p1')],
          events: [
            // Read in event id order (o1..o5); time order puts o4 and o2 (same time) first, in id order.
            order(A, 'o1', 'p1', late, ['tente-été', '帐篷']),
            order(A, 'o2', 'p2', early, []),
            order(A, 'o3', 'p2', late, ['socks']),
            order(A, 'o4', 'p1', early, ['🧦', 'x'.repeat(300)]),
            order(A, 'o5', 'p1', '2025-07-01T00:00:00.000Z', ['after-as-of']),
            order(B, 'o0', 'p1', early, ['brand-b-secret']),
          ],
        },
      ),
    );
    const read = await readPredictionInput(warehouse, A, AS_OF, 2);
    expect(read.profileIds).toEqual(['p1', 'p2']);
    expect([...read.orderCustomer]).toEqual([0, 1, 1, 0]);
    expect(transferables(read).length).toBe(11);

    const ordered = inTimeOrder(read);
    expect([...ordered.orderAt]).toEqual([early, early, late, late].map((t) => Date.parse(t)));
    expect([...ordered.orderCustomer]).toEqual([1, 0, 0, 1]);
    const productsOf = (i: number) =>
      ordered.products.slice(ordered.productStart[i], ordered.productStart[i + 1]);
    expect([0, 1, 2, 3].map(productsOf)).toEqual([
      [],
      ['🧦', 'x'.repeat(300)],
      ['tente-été', '帐篷'],
      ['socks'],
    ]);
    expect(ordered.products).not.toContain('brand-b-secret');
    expect(ordered.products).not.toContain('after-as-of');
  });
});
