// POS bills through the real pipeline: posted to the real ingest app, carried
// by the real in-process bus, consumed from the warehouse's checkpoint as the
// processor does, processed by processBatch into the DuckDB warehouse.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/lib/shared/model';
import { createBrandStates, type BrandStates } from '../../../ingest/processor/brand-state';
import type { Warehouse } from '../../../ingest/warehouse/types';
import { anonymousBill, bill } from '../http/pos/fixtures';
import {
  basicAuth,
  createBrandFixture,
  createHarness,
  NOW,
  type BrandFixture,
  type Harness,
} from '../http/harness';
import { drainToWarehouse, openWarehouse } from './harness';

const GROUP = 'processor';
const MINUTE_FROM = NOW;
const MINUTE_TO = new Date(Date.parse(NOW) + 60_000).toISOString();
const PRIYA = { type: 'phone', value: '+919876543210' } as const;

let fixture: BrandFixture;
let h: Harness;
let warehouse: Warehouse;
let states: BrandStates;
/** Every event the processor stored, across drains. */
let stored: StoredEvent[];

beforeAll(async () => {
  fixture = await createBrandFixture();
});
afterAll(async () => {
  await fixture.remove();
});
beforeEach(async () => {
  h = await createHarness(fixture);
  warehouse = await openWarehouse();
  states = createBrandStates({ warehouse, brands: fixture.brands, clock: () => new Date(NOW) });
  stored = [];
});
afterEach(async () => {
  await h.close();
  await warehouse.close();
});

async function postBills(writeKey: string, body: unknown) {
  const response = await h.app.request('/v1/pos/bills', {
    method: 'POST',
    headers: { authorization: basicAuth(writeKey), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

function drain(): Promise<void> {
  return drainToWarehouse({
    bus: h.bus,
    warehouse,
    states,
    group: GROUP,
    clock: () => new Date(NOW),
    onCommit: (commit) => stored.push(...commit.events),
  });
}

function storedBill(brandId: string, billId: string): StoredEvent {
  const found = stored.filter((e) => e.brand_id === brandId && e.properties.bill_id === billId);
  expect(found, `${brandId} ${billId}`).toHaveLength(1);
  return found[0]!;
}

describe('POS bills through the processor', () => {
  it('a re-sent bill adds its revenue once, a bill without identifiers counts in the minute, and the other brand sees none of it', async () => {
    const acme = h.acme.write_key;
    // Priya's bill, then a batch with a walk-in sale and Priya's bill re-sent (the till retried).
    expect((await postBills(acme, bill())).status).toBe(200);
    expect(await postBills(acme, { bills: [anonymousBill(), bill()] })).toEqual({
      status: 200,
      body: { success: true, accepted: 2, rejected: [] },
    });
    await drain();
    // Sent once more after the processor has committed: the dedupe holds across batches.
    expect((await postBills(acme, bill())).status).toBe(200);
    // A bad bill is kept as a rejection for acme.
    expect((await postBills(acme, bill({ bill_id: 'BAD', total: -1 }))).status).toBe(400);
    // globex's own till happens to use the same store and bill numbers: a different brand's sale.
    expect(
      (
        await postBills(
          h.globex.write_key,
          bill({ total: 1000, discount: 0, rounding: 0, lines: [oneLine(1000)] }),
        )
      ).status,
    ).toBe(200);
    await drain();

    expect(await warehouse.counters('acme')).toEqual({
      brand_id: 'acme',
      processed: 2,
      duplicates: 2,
      rejected: 1,
    });
    expect(await warehouse.kpis('acme', MINUTE_FROM, MINUTE_TO)).toEqual([
      expect.objectContaining({
        brand_id: 'acme',
        minute: NOW,
        events: 2,
        active_users: 2,
        purchases: 2,
        revenue: 3698 + 597,
        conversion_rate: 1,
      }),
    ]);

    const priya = await warehouse.lookupProfile('acme', PRIYA);
    expect(priya).toMatchObject({ orders: 1, revenue: 3698, channels: ['store'], event_count: 1 });
    expect(priya?.identifiers).toEqual(
      expect.arrayContaining([PRIYA, { type: 'loyalty_id', value: 'LOY-778' }]),
    );

    // The walk-in sale lands on a profile of its own, with no identifiers: it joins no one.
    const walkIn = storedBill('acme', 'BLR01-000124');
    expect(walkIn).toMatchObject({ source: 'pos', channel: 'store', revenue: 597, type: 'order_completed' });
    expect(walkIn.profile_id).not.toBe(priya?.profile_id);
    expect(await warehouse.getProfile('acme', walkIn.profile_id)).toMatchObject({
      identifiers: [],
      orders: 1,
      revenue: 597,
    });
    expect((await warehouse.rejected('acme', 10)).map((r) => [r.source, r.reason])).toEqual([
      ['pos', 'invalid_bill'],
    ]);

    // globex: only its own bill; none of acme's revenue, profiles or rejections.
    expect(await warehouse.counters('globex')).toEqual({
      brand_id: 'globex',
      processed: 1,
      duplicates: 0,
      rejected: 0,
    });
    expect(await warehouse.kpis('globex', MINUTE_FROM, MINUTE_TO)).toEqual([
      expect.objectContaining({ brand_id: 'globex', events: 1, purchases: 1, revenue: 1000 }),
    ]);
    const globexPriya = await warehouse.lookupProfile('globex', PRIYA);
    expect(globexPriya).toMatchObject({ brand_id: 'globex', orders: 1, revenue: 1000 });
    expect(globexPriya?.profile_id).not.toBe(priya?.profile_id);
    expect(await warehouse.getProfile('globex', walkIn.profile_id)).toBeNull();
    expect(await warehouse.rejected('globex', 10)).toEqual([]);
  });

  it('walk-ins with the same placeholder number are two sales by two nobodies, not one customer', async () => {
    // Tills often make the cashier type something: the placeholder is junk and links no one.
    const placeholder = { phone: '0000000000', email: 'test@test.com' };
    const response = await postBills(h.acme.write_key, {
      bills: [
        anonymousBill({ bill_id: 'W-1', ...placeholder }),
        anonymousBill({ bill_id: 'W-2', ...placeholder }),
      ],
    });
    expect(response.status).toBe(200);
    await drain();

    const [first, second] = [storedBill('acme', 'W-1'), storedBill('acme', 'W-2')];
    expect(first.profile_id).not.toBe(second.profile_id);
    expect(await warehouse.kpis('acme', MINUTE_FROM, MINUTE_TO)).toEqual([
      expect.objectContaining({ events: 2, active_users: 2, purchases: 2, revenue: 2 * 597 }),
    ]);
    expect(await warehouse.lookupProfile('acme', { type: 'phone', value: '0000000000' })).toBeNull();
    expect(await warehouse.kpis('globex', MINUTE_FROM, MINUTE_TO)).toEqual([]);
  });
});

function oneLine(price: number) {
  return { product_id: 'SKU-GIFT', name: 'Gift card', quantity: 1, unit_price: price };
}
