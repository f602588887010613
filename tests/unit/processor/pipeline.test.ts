import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertCommand } from '../../../src/lib/shared/alert-rules';
import type { AdSpend } from '../../../src/lib/shared/campaigns';
import type { InboundEvent, RawEnvelope } from '../../../src/lib/shared/events';
import type { LiveMessage } from '../../../src/lib/shared/live';
import type { BrandRegistry } from '../../../ingest/brands/types';
import type { Warehouse } from '../../../ingest/warehouse/types';
import { BrandLoadError, createBrandStates, type BrandStates } from '../../../ingest/processor/brand-state';
import { PoisonMessageError, processBatch, processTick } from '../../../ingest/processor/pipeline';
import { MINUTE_MS } from '../../../ingest/processor/kpi/minutes';
import { MINUTE, SECOND, T0, at, makeEvent } from './fixtures';
import { batchOf, envelopeOf, eventMessages, makeRegistry, openWarehouse, tempDir } from './harness';

const ACME_SETTINGS = {
  default_country: 'IN',
  // The shop's own placeholders: never a person, for acme only.
  junk_identifiers: {
    emails: ['FrontDesk@Acme-Shop.in'],
    values: ['walk-in'],
    phone_national_numbers: ['90000 12345'],
  },
  intent: { half_life_minutes: 60, medium_threshold: 10, high_threshold: 25 },
  alerts: {
    rules: [
      {
        rule_id: 'low-conversion',
        type: 'low_conversion',
        threshold: 0.1,
        recovery: 0.2,
        window_minutes: 1,
        pending_minutes: 0,
        min_sample: 3,
      },
    ],
  },
};

let warehouse: Warehouse;
let brands: BrandRegistry;
let now = T0;
const clock = () => new Date(now);
let states: BrandStates;

beforeEach(async () => {
  warehouse = await openWarehouse();
  brands = await makeRegistry(await tempDir(), [{ id: 'acme', settings: ACME_SETTINGS }, { id: 'other' }]);
  now = T0 + 10 * MINUTE;
  states = createBrandStates({ warehouse, brands, clock });
});

afterEach(async () => {
  await warehouse?.close();
});

async function run(values: { key: string; value: string }[], firstOffset = 0) {
  const result = await processBatch(batchOf(values, firstOffset), { states, group: 'processor', clock });
  await warehouse.commit(result.commit);
  return result;
}

const ev = (input: Parameters<typeof makeEvent>[0]) => makeEvent(input);

function live<K extends LiveMessage['event']>(messages: LiveMessage[], event: K) {
  return messages.filter((m): m is Extract<LiveMessage, { event: K }> => m.event === event);
}

describe('processBatch', () => {
  it('turns a batch into one commit with a checkpoint, and keeps every row in its brand', async () => {
    const events: InboundEvent[] = [
      ev({ event_id: 'a1', identifiers: { anonymous_id: 'cookie-1' }, received_at: at(1 * SECOND) }),
      ev({
        event_id: 'a2',
        type: 'product_added',
        identifiers: { anonymous_id: 'cookie-1', email: ' Priya@Shop.IN ' },
        commerce: { category: 'Shoes' },
        received_at: at(2 * SECOND),
      }),
      ev({
        event_id: 'a3',
        type: 'order_completed',
        channel: 'whatsapp',
        identifiers: { phone: 'whatsapp:+919876543210', email: 'priya@shop.in' },
        commerce: { revenue: 100 },
        received_at: at(3 * SECOND),
      }),
      ev({
        brand_id: 'other',
        event_id: 'o1',
        identifiers: { email: 'priya@shop.in' },
        received_at: at(4 * SECOND),
      }),
    ];
    const { commit } = await run(eventMessages(events));

    expect(commit.checkpoint).toEqual({ consumer: 'processor', partition: 0, next_offset: 4 });
    expect(commit.events.map((e) => e.event_id)).toEqual(['a1', 'a2', 'a3', 'o1']);
    const ids = commit.profiles.map((p) => `${p.brand_id}/${p.profile_id}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(commit.counters).toEqual(
      expect.arrayContaining([
        { brand_id: 'acme', processed: 3, duplicates: 0, rejected: 0 },
        { brand_id: 'other', processed: 1, duplicates: 0, rejected: 0 },
      ]),
    );
    expect(await warehouse.checkpoint('processor', 0)).toBe(4);

    const priya = await warehouse.lookupProfile('acme', { type: 'phone', value: '+919876543210' });
    expect(priya).toMatchObject({ event_count: 3, orders: 1, revenue: 100, channels: ['web', 'whatsapp'] });
    expect(priya?.categories).toEqual({ Shoes: 1 });
    const otherPriya = await warehouse.lookupProfile('other', { type: 'email', value: 'priya@shop.in' });
    expect(otherPriya).toMatchObject({ brand_id: 'other', event_count: 1, revenue: 0 });
    expect(otherPriya?.profile_id).not.toBe(priya?.profile_id);
    expect(await warehouse.lookupProfile('other', { type: 'phone', value: '+919876543210' })).toBeNull();

    const acmeKpis = await warehouse.kpis('acme', at(0), at(MINUTE));
    expect(acmeKpis).toEqual([
      expect.objectContaining({
        events: 3,
        active_users: 1,
        carts: 1,
        purchases: 1,
        revenue: 100,
        conversion_rate: 1,
      }),
    ]);
    expect(await warehouse.kpis('other', at(0), at(MINUTE))).toEqual([
      expect.objectContaining({ brand_id: 'other', events: 1, revenue: 0 }),
    ]);
  });

  it("drops the brand's own junk identifiers, on top of the built-in list, and only for that brand", async () => {
    const placeholders = { email: 'frontdesk@acme-shop.in', loyalty_id: 'WALK-IN', phone: '+91 90000 12345' };
    const result = await run(
      eventMessages([
        ev({
          brand_id: 'acme',
          event_id: 'j1',
          identifiers: { ...placeholders, user_id: 'c-1' },
          received_at: at(SECOND),
        }),
        ev({
          brand_id: 'acme',
          event_id: 'j2',
          identifiers: { ...placeholders, user_id: 'c-2' },
          received_at: at(2 * SECOND),
        }),
        ev({
          brand_id: 'acme',
          event_id: 'j3',
          identifiers: { email: 'null', user_id: 'c-3' },
          received_at: at(3 * SECOND),
        }),
        ev({
          brand_id: 'other',
          event_id: 'j4',
          identifiers: { ...placeholders, user_id: 'o-1' },
          received_at: at(4 * SECOND),
        }),
      ]),
    );
    // acme: three customers, none linked to the placeholders, so none merged through them.
    const acme = result.commit.profiles.filter((p) => p.brand_id === 'acme');
    expect(acme).toHaveLength(3);
    for (const profile of acme) expect(profile.identifiers.map((id) => id.type)).toEqual(['user_id']);
    expect(result.commit.merges.filter((m) => m.brand_id === 'acme')).toEqual([]);
    // other: the same values are ordinary identifiers there.
    const [other] = result.commit.profiles.filter((p) => p.brand_id === 'other');
    expect(other!.identifiers.map((id) => id.type).sort()).toEqual([
      'email',
      'loyalty_id',
      'phone',
      'user_id',
    ]);
    expect(
      await warehouse.lookupProfile('other', { type: 'email', value: 'frontdesk@acme-shop.in' }),
    ).toMatchObject({
      brand_id: 'other',
    });
    expect(
      await warehouse.lookupProfile('acme', { type: 'email', value: 'frontdesk@acme-shop.in' }),
    ).toBeNull();
  });

  it('gives a store kiosk its own profile once three shoppers used it, with no purchase intent of its own', async () => {
    const kiosk = { device_id: 'kiosk-1' };
    const shoppers = ['a@shop.in', 'b@shop.in', 'c@shop.in'].map((email, i) =>
      ev({
        brand_id: 'acme',
        event_id: `s${i}`,
        identifiers: { ...kiosk, email },
        received_at: at(i * SECOND),
      }),
    );
    // Then someone checks out on the kiosk without signing in, twice.
    const anonymous = [0, 1].map((i) =>
      ev({
        brand_id: 'acme',
        event_id: `anon${i}`,
        type: 'checkout_started',
        identifiers: kiosk,
        received_at: at((10 + i) * SECOND),
      }),
    );
    const result = await run(eventMessages([...shoppers, ...anonymous]));
    const share = result.commit.merges.find((m) => m.action === 'share');
    expect(share).toMatchObject({ identifiers: [{ type: 'device_id', value: 'kiosk-1' }], event_id: 's2' });
    const device = result.commit.profiles.find((p) => p.profile_id === share!.into_profile_id)!;
    expect(device).toMatchObject({ event_count: 2, intent_score: 0, intent_level: 'low' });
    expect(
      result.commit.events.filter((e) => e.profile_id === device.profile_id).map((e) => e.event_id),
    ).toEqual(['anon0', 'anon1']);
    expect(live(result.live, 'intent').map((m) => m.payload.entry.profile_id)).not.toContain(
      device.profile_id,
    );
    expect(await warehouse.lookupProfile('acme', { type: 'device_id', value: 'kiosk-1' })).toMatchObject({
      profile_id: device.profile_id,
    });
    expect(await warehouse.lookupProfile('other', { type: 'device_id', value: 'kiosk-1' })).toBeNull();
  });

  it('stores hostile messages as rejected with a reason, never throwing them away', async () => {
    const good = ev({ event_id: 'g1', identifiers: { email: 'a@shop.in' } });
    const rejectedByIngest = {
      kind: 'rejected',
      rejected: {
        brand_id: 'acme',
        rejection_id: 'ingest-1',
        source: 'shopify',
        received_at: at(0),
        reason: 'bad_signature',
        detail: 'HMAC mismatch',
        payload: '{}',
      },
    };
    const { commit } = await run([
      { key: 'acme', value: 'this is not json {' },
      {
        key: 'acme',
        value: JSON.stringify({ kind: 'event', event: { brand_id: 'acme', source: 'shopify' } }),
      },
      { key: 'acme', value: JSON.stringify(rejectedByIngest) },
      { key: 'ghost', value: envelopeOf(ev({ brand_id: 'ghost', event_id: 'x1' })) },
      { key: 'other', value: envelopeOf(ev({ brand_id: 'acme', event_id: 'x2' })) },
      { key: 'acme', value: envelopeOf(ev({ event_id: 'x3', received_at: 'not a date' })) },
      { key: 'acme', value: envelopeOf(good) },
    ]);
    const reasons = commit.rejected.map((r) => `${r.brand_id}:${r.reason}`);
    expect(reasons).toEqual([
      'acme:corrupt_message',
      'acme:corrupt_message',
      'acme:bad_signature',
      'ghost:unknown_brand',
      'acme:brand_mismatch',
      'acme:invalid_received_at',
    ]);
    expect(commit.rejected[1]).toMatchObject({
      source: 'shopify',
      detail: expect.stringContaining('RawEnvelope'),
    });
    expect(commit.events.map((e) => e.event_id)).toEqual(['g1']);
    expect(await warehouse.counters('acme')).toMatchObject({ processed: 1, rejected: 5 });
    expect(await warehouse.counters('other')).toMatchObject({ processed: 0, rejected: 0 });
    const stored = await warehouse.rejected('acme', 10);
    expect(stored.map((r) => r.reason).sort()).toEqual(
      ['bad_signature', 'brand_mismatch', 'corrupt_message', 'corrupt_message', 'invalid_received_at'].sort(),
    );
    expect(await warehouse.rejected('other', 10)).toEqual([]);
  });

  it('ignores duplicates by source id, within a batch and after the state is reloaded', async () => {
    const first = ev({
      event_id: 'd1',
      source_event_id: 'msg-1',
      type: 'order_completed',
      commerce: { revenue: 10 },
    });
    const retry = { ...first, event_id: 'd1-retry' };
    await run(eventMessages([first, retry]));
    states = createBrandStates({ warehouse, brands, clock }); // a restart: state from the warehouse
    const { commit } = await run(eventMessages([{ ...first, event_id: 'd1-again' }]), 2);
    expect(commit.events).toEqual([]);
    expect(await warehouse.counters('acme')).toMatchObject({ processed: 1, duplicates: 2 });
    const [kpi] = await warehouse.kpis('acme', at(0), at(MINUTE));
    expect(kpi).toMatchObject({ events: 1, purchases: 1, revenue: 10 });
    // The same source id in another brand is not a duplicate.
    const { commit: otherCommit } = await run(
      eventMessages([{ ...first, brand_id: 'other', event_id: 'o1' }]),
      3,
    );
    expect(otherCommit.events).toHaveLength(1);
  });

  it('pushes merges, refusals, intent entering and leaving the high list, KPIs and status live', async () => {
    const { live: messages } = await run(
      eventMessages([
        ev({
          event_id: 'm1',
          identifiers: { email: 'mum@family.in', device_id: 'tablet' },
          received_at: at(1 * SECOND),
        }),
        ev({
          event_id: 'm2',
          identifiers: { email: 'kid@family.in', device_id: 'tablet' },
          received_at: at(2 * SECOND),
        }),
        ev({
          event_id: 'm3',
          identifiers: { phone: '09876543210' },
          type: 'checkout_started',
          received_at: at(3 * SECOND),
        }),
        ev({
          event_id: 'm4',
          identifiers: { phone: '+91 98765 43210', email: 'mum@family.in' },
          type: 'product_added',
          received_at: at(4 * SECOND),
        }),
      ]),
    );
    const merges = live(messages, 'merge').map((m) => m.payload);
    expect(merges.map((m) => m.action)).toEqual(['refuse', 'merge']);
    expect(merges.every((m) => m.brand_id === 'acme')).toBe(true);

    const intents = live(messages, 'intent');
    // After the merge, mum's profile holds 20 (checkout) + 1 + 10 = 31 ≥ 25: high, once.
    expect(intents).toHaveLength(1);
    expect(intents[0]?.payload).toMatchObject({
      left: false,
      entry: { level: 'high', label: 'mum@family.in' },
    });
    expect(live(messages, 'kpi').map((m) => m.payload.events)).toEqual([4]);
    expect(live(messages, 'kpi')[0]?.payload.high_intent_profiles).toBe(1);
    expect(live(messages, 'status')).toEqual([
      { brand_id: 'acme', event: 'status', payload: { processed: 4, rejected: 0, duplicates: 0 } },
    ]);

    const { live: after } = await run(
      eventMessages([
        ev({
          event_id: 'm5',
          identifiers: { email: 'mum@family.in' },
          type: 'order_completed',
          commerce: { revenue: 50 },
          received_at: at(5 * SECOND),
        }),
      ]),
      4,
    );
    expect(live(after, 'intent')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ left: true }) }),
    ]);
    const history = await warehouse.mergeHistory('acme', [intents[0]!.payload.entry.profile_id], 10);
    expect(history.map((m) => m.action)).toContain('merge');
  });

  it('on a tick, decay moves a profile out of high intent and a low-conversion rule fires an alert', async () => {
    // Baseline: minutes 0..59, 3 users each, 1 buyer (33%). Window (minute 60): 4 users, no buyer.
    const events: InboundEvent[] = [];
    for (let m = 0; m < 60; m++) {
      for (let u = 0; u < 3; u++) {
        events.push(
          ev({
            event_id: `b${m}-${u}`,
            identifiers: { user_id: `u${m}-${u}` },
            type: u === 0 ? 'order_completed' : 'page_viewed',
            commerce: u === 0 ? { revenue: 1 } : {},
            received_at: at(m * MINUTE + u * SECOND),
          }),
        );
      }
    }
    for (let u = 0; u < 4; u++) {
      events.push(
        ev({
          event_id: `w${u}`,
          identifiers: { user_id: `w${u}` },
          type: 'checkout_started',
          received_at: at(60 * MINUTE + u * SECOND),
        }),
      );
    }
    events.push(
      ev({
        event_id: 'hot',
        identifiers: { user_id: 'w0' },
        type: 'checkout_started',
        received_at: at(60 * MINUTE + 10 * SECOND),
      }),
    );
    now = T0 + 61 * MINUTE;
    await run(eventMessages(events));

    const tickAt = T0 + 61 * MINUTE + 6 * SECOND;
    const [tick] = processTick(
      { states, group: 'processor' },
      tickAt,
      new Map([[0, events.length]]),
      5 * SECOND,
    );
    expect(tick?.commit.checkpoint).toEqual({
      consumer: 'processor',
      partition: 0,
      next_offset: events.length,
    });
    expect(tick?.commit.alerts).toEqual([
      expect.objectContaining({
        brand_id: 'acme',
        rule_id: 'low-conversion',
        rule_type: 'low_conversion',
        subject: 'brand',
        state: 'firing',
        severity: 'warning',
        value: 0,
        threshold: 0.1,
        started_at: new Date(T0 + 61 * MINUTE).toISOString(),
        fired_at: new Date(T0 + 61 * MINUTE).toISOString(),
        notified: true,
      }),
    ]);
    expect(tick?.notices).toEqual([{ alert: tick?.commit.alerts[0], state: 'firing' }]);
    expect(tick?.commit.alerts[0]?.message).toBe(
      'Conversion is 0.0% over the last 1 min vs 33.3% before (fires below 10.0%)',
    );
    await warehouse.commit(tick!.commit);
    expect(await warehouse.alerts('other', 10)).toEqual([]);

    // w0 holds 40 at minute 60: below 25 after log2(40/25) ≈ 0.68 half-lives (≈ 41 min).
    const later = T0 + 60 * MINUTE + 45 * MINUTE;
    const [decay] = processTick(
      { states, group: 'processor' },
      later,
      new Map([[0, events.length]]),
      5 * SECOND,
    );
    // It left high but is still medium: pushed as such (the overview drops it, the High-intent page
    // lists it at medium); left means below medium everywhere.
    const left = live(decay!.live, 'intent');
    expect(left).toEqual([expect.objectContaining({ payload: expect.objectContaining({ left: false }) })]);
    expect(left[0]?.payload.entry.level).toBe('medium');
    expect(decay?.commit.kpis).toEqual([
      expect.objectContaining({
        minute: new Date(Math.floor(later / MINUTE_MS) * MINUTE_MS).toISOString(),
        high_intent_profiles: 0,
      }),
    ]);
    // Nothing else is due: a second tick at the same time commits nothing.
    expect(
      processTick({ states, group: 'processor' }, later, new Map([[0, events.length]]), 5 * SECOND),
    ).toEqual([]);
  });

  it('a batch processed again after its state was dropped gives the same commit (no double counting)', async () => {
    const first = eventMessages([
      ev({
        event_id: 'r1',
        identifiers: { email: 'a@shop.in' },
        type: 'product_added',
        received_at: at(1 * SECOND),
      }),
    ]);
    const second = eventMessages([
      ev({
        event_id: 'r2',
        identifiers: { email: 'a@shop.in', phone: '+919876543210' },
        received_at: at(2 * SECOND),
      }),
      ev({
        event_id: 'r3',
        identifiers: { phone: '+919876543210' },
        type: 'order_completed',
        commerce: { revenue: 5 },
        received_at: at(3 * SECOND),
      }),
    ]);
    await run(first);
    const failed = await processBatch(batchOf(second, 1), { states, group: 'processor', clock });
    // The commit "failed": drop what the batch touched, as the consumer does, and run it again.
    for (const brandId of failed.brands) states.drop(brandId);
    const retried = await run(second, 1);
    expect(retried.commit).toEqual(failed.commit);
    expect(await warehouse.counters('acme')).toMatchObject({ processed: 3 });
  });

  it('an event older than the state horizon leaves its stored KPI minute alone', async () => {
    await run(
      eventMessages([ev({ event_id: 'early', identifiers: { user_id: 'u1' }, received_at: at(SECOND) })]),
    );
    now = T0 + 25 * 60 * MINUTE; // the processor was down for a day
    states = createBrandStates({ warehouse, brands, clock });
    const late = ev({ event_id: 'late', identifiers: { user_id: 'u1' }, received_at: at(2 * SECOND) });
    const { commit } = await run(eventMessages([late]), 1);
    expect(commit.kpis).toEqual([]);
    expect(commit.events.map((e) => e.event_id)).toEqual(['late']);
    expect(await warehouse.kpis('acme', at(0), at(MINUTE))).toEqual([expect.objectContaining({ events: 1 })]);
    expect(await warehouse.lookupProfile('acme', { type: 'user_id', value: 'u1' })).toMatchObject({
      event_count: 2,
    });
  });

  it('a failed snapshot load is retriable, never a poison message', async () => {
    const locked = createBrandStates({
      warehouse: {
        loadBrand: async () => {
          throw new Error('IO Error: Could not set lock on file');
        },
        intentModelState: async () => null,
      },
      brands,
      clock,
    });
    const attempt = processBatch(batchOf(eventMessages([ev({ event_id: 'l1' })])), {
      states: locked,
      group: 'processor',
      clock,
    });
    await expect(attempt).rejects.toBeInstanceOf(BrandLoadError);
    await expect(attempt).rejects.toMatchObject({ retriable: true });
    await expect(attempt).rejects.not.toBeInstanceOf(PoisonMessageError);
  });

  it('stores spend by key (a restatement replaces, also across batches) and refuses spend it cannot own', async () => {
    const report = (fields: Partial<AdSpend>): AdSpend => ({
      brand_id: 'acme',
      campaign_id: 'spring',
      campaign_name: 'Spring sale',
      channel: 'facebook',
      period: 'hour',
      period_start: at(0),
      impressions: 100,
      clicks: 5,
      cost: 10,
      currency: null,
      source: 'track',
      received_at: at(61 * MINUTE),
      ...fields,
    });
    const spend = (row: AdSpend, key = row.brand_id) => ({
      key,
      value: JSON.stringify({ kind: 'spend', spend: row } satisfies RawEnvelope),
    });
    const first = await run([
      spend(report({})),
      spend(report({ cost: 12 })),
      spend(report({ channel: 'instagram' })),
    ]);
    expect(first.commit.spend.map((row) => [row.channel, row.cost])).toEqual([
      ['facebook', 12],
      ['instagram', 10],
    ]);
    expect(live(first.live, 'spend')).toHaveLength(2);
    await run([spend(report({ cost: 15, received_at: at(62 * MINUTE) }))], 3);
    expect(
      (await warehouse.adSpend('acme', at(0), at(60 * MINUTE))).map((row) => [row.channel, row.cost]),
    ).toEqual([
      ['facebook', 15],
      ['instagram', 10],
    ]);

    const refused = await run(
      [
        spend(report({ brand_id: 'ghost' })),
        spend(report({ brand_id: 'other' }), 'acme'), // keyed to another brand's partition
        spend(report({ period_start: 'yesterday' })),
      ],
      4,
    );
    expect(refused.commit.spend).toEqual([]);
    expect(refused.commit.rejected.map((r) => [r.brand_id, r.reason])).toEqual([
      ['ghost', 'unknown_brand'],
      ['other', 'brand_mismatch'],
      ['acme', 'invalid_spend'],
    ]);
    expect(await warehouse.adSpend('other', at(0), at(60 * MINUTE))).toEqual([]);
  });

  it('refuses alert commands that do not apply, saying why, and changes nothing', async () => {
    const alertCommand = (command: AlertCommand) => ({
      key: command.brand_id,
      value: JSON.stringify({ kind: 'alert_command', command } satisfies RawEnvelope),
    });
    const base = { brand_id: 'acme', issued_by: 'oncall@acme', issued_at: at(MINUTE) };
    const { commit } = await run([
      alertCommand({ ...base, type: 'acknowledge', command_id: 'c1', alert_id: 'a_missing' }),
      alertCommand({
        ...base,
        type: 'silence',
        command_id: 'c2',
        rule_id: null,
        subject: null,
        ends_at: at(0),
        reason: '',
      }),
      alertCommand({
        ...base,
        type: 'silence',
        command_id: 'c3',
        rule_id: null,
        subject: null,
        ends_at: at(31 * 24 * 60 * MINUTE),
        reason: '',
      }),
      alertCommand({ ...base, type: 'unsilence', command_id: 'c4', silence_id: 's_missing' }),
      alertCommand({
        ...base,
        type: 'silence',
        command_id: 'c5',
        rule_id: 'low-conversion',
        subject: null,
        ends_at: at(2 * 60 * MINUTE),
        reason: 'launch',
      }),
    ]);
    expect(commit.rejected.map((r) => r.detail)).toEqual([
      expect.stringMatching(/^acknowledge by oncall@acme: alert a_missing is not open/),
      expect.stringMatching(/^silence by oncall@acme: the silence would end .* before it starts/),
      'silence by oncall@acme: a silence lasts at most 30 days',
      expect.stringMatching(/^unsilence by oncall@acme: silence s_missing is not active/),
    ]);
    expect(commit.rejected.every((r) => r.reason === 'command_refused' && r.source === 'dashboard')).toBe(
      true,
    );
    expect(commit.silences).toEqual([
      expect.objectContaining({
        rule_id: 'low-conversion',
        starts_at: at(MINUTE),
        ends_at: at(2 * 60 * MINUTE),
        reason: 'launch',
      }),
    ]);
    expect(await warehouse.silences('other')).toEqual([]);
  });
});
