// WooCommerce deliveries through the real pipeline: posted to the real ingest
// app, carried by the real in-process bus, processed by processBatch into the
// DuckDB warehouse, as tests/unit/processor/pos-bills.test.ts does for POS.
// The question here: however many deliveries an order makes, its revenue
// counts once.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrandStates, type BrandStates } from '../../../../ingest/processor/brand-state';
import type { Warehouse } from '../../../../ingest/warehouse/types';
import { drainToWarehouse, openWarehouse } from '../../processor/harness';
import { createBrandFixture, createHarness, NOW, type BrandFixture, type Harness } from '../harness';
import { customer25, order723, order727, wooJson } from './fixtures';

const GROUP = 'processor';
const MINUTE_TO = new Date(Date.parse(NOW) + 60_000).toISOString();
// The documented examples use example.com, which the processor rightly treats as junk: John gets a real-looking address.
const JOHN = { type: 'email', value: 'john.doe@mail.in' } as const;
const johnsBilling = { ...order727().billing, email: JOHN.value };

let fixture: BrandFixture;
let h: Harness;
let warehouse: Warehouse;
let states: BrandStates;

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
});
afterEach(async () => {
  await h.close();
  await warehouse.close();
});

async function deliver(brandId: 'acme' | 'globex', topic: string, payload: unknown, deliveryId: string) {
  const body = wooJson(payload);
  const secret = (brandId === 'acme' ? h.acme : h.globex).webhook_secrets.woocommerce;
  const response = await h.app.request(`/webhooks/woocommerce/${brandId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-delivery-id': deliveryId,
      'x-wc-webhook-source': `https://${brandId}-shop.example.com/`,
      'x-wc-webhook-signature': createHmac('sha256', secret).update(body).digest('base64'),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

function drain(): Promise<void> {
  return drainToWarehouse({ bus: h.bus, warehouse, states, group: GROUP, clock: () => new Date(NOW) });
}

describe('WooCommerce orders through the processor', () => {
  it("an order's many deliveries count its revenue once, and the other brand sees none of it", async () => {
    const placed = order727({
      billing: johnsBilling,
      status: 'pending',
      date_paid_gmt: null,
      date_modified_gmt: '2017-03-22T19:28:02',
    });
    const paid = order727({ billing: johnsBilling });
    const shipped = order727({
      billing: johnsBilling,
      status: 'completed',
      date_modified_gmt: '2017-03-24T09:00:00',
    });

    // Order 727: placed, then paid (and that delivery repeated), then shipped two days later.
    expect((await deliver('acme', 'order.created', placed, 'd-1')).status).toBe(200);
    expect((await deliver('acme', 'order.updated', paid, 'd-2')).status).toBe(200);
    expect((await deliver('acme', 'order.updated', paid, 'd-2')).status).toBe(200);
    expect(await deliver('acme', 'order.updated', shipped, 'd-3')).toEqual({
      status: 200,
      body: { ignored: true, reason: 'order 727: this update is not its payment' },
    });
    // Order 723 arrives already paid, and the update of its payment follows under its own delivery id.
    expect((await deliver('acme', 'order.created', order723(), 'd-4')).status).toBe(200);
    expect((await deliver('acme', 'order.updated', order723(), 'd-5')).status).toBe(200);
    // John registers: his WooCommerce id and the e-mail he bought with as a guest.
    expect((await deliver('acme', 'customer.created', customer25({ email: JOHN.value }), 'd-6')).status).toBe(
      200,
    );
    // globex's own shop has an order 727 too: a different brand's sale.
    expect(
      (await deliver('globex', 'order.created', order727({ billing: johnsBilling, total: '100.00' }), 'd-1'))
        .status,
    ).toBe(200);
    await drain();

    // After the processor committed, the payment update comes once more (a new delivery id).
    expect((await deliver('acme', 'order.updated', paid, 'd-7')).status).toBe(200);
    await drain();

    expect(await warehouse.counters('acme')).toEqual({
      brand_id: 'acme',
      processed: 4, // placed, 727 paid, 723 paid, customer
      duplicates: 3, // d-2 again, 723's update, d-7
      rejected: 0,
    });
    const [minute] = await warehouse.kpis('acme', NOW, MINUTE_TO);
    expect(minute).toMatchObject({ brand_id: 'acme', minute: NOW, purchases: 2 });
    expect(minute?.revenue).toBeCloseTo(29.35 + 39, 6);

    const john = await warehouse.lookupProfile('acme', JOHN);
    expect(john).toMatchObject({ orders: 1, channels: ['web'] });
    expect(john?.revenue).toBeCloseTo(29.35, 6);
    expect(john?.identifiers).toEqual(expect.arrayContaining([JOHN, { type: 'user_id', value: '25' }]));
    const joao = await warehouse.lookupProfile('acme', { type: 'user_id', value: '26' });
    expect(joao).toMatchObject({ orders: 1, revenue: 39 });

    // globex: only its own order, none of acme's revenue or profiles.
    expect(await warehouse.counters('globex')).toEqual({
      brand_id: 'globex',
      processed: 1,
      duplicates: 0,
      rejected: 0,
    });
    expect(await warehouse.kpis('globex', NOW, MINUTE_TO)).toEqual([
      expect.objectContaining({ brand_id: 'globex', purchases: 1, revenue: 100 }),
    ]);
    const globexJohn = await warehouse.lookupProfile('globex', JOHN);
    expect(globexJohn).toMatchObject({ brand_id: 'globex', orders: 1, revenue: 100 });
    expect(globexJohn?.profile_id).not.toBe(john?.profile_id);
    expect(await warehouse.lookupProfile('globex', { type: 'user_id', value: '25' })).toBeNull();
  });
});
