// The warehouse contract's campaign and alert records (spend, campaign
// minutes, touches, silences, the alert life cycle, the delivery log). Run by
// warehouse.contract.ts inside each back-end's suite; every case also asks
// brand-b and proves it sees none of brand-a's rows.
import { expect, it } from 'vitest';
import type { Warehouse } from '../../ingest/warehouse/types';
import {
  alert,
  at,
  campaignMinute,
  commit,
  delivery,
  event,
  silence,
  spend,
  touch,
} from './warehouse-records';

/** Every record anywhere in `value` belongs to `brand`, and no text of another brand shows up. */
export function expectOnlyBrand(value: unknown, brand: string, foreignMarker: string): void {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      if ('brand_id' in node) expect(node.brand_id).toBe(brand);
      Object.values(node).forEach(walk);
    }
  };
  walk(value);
  expect(JSON.stringify(value)).not.toContain(foreignMarker);
}

const DAY = '2024-05-01T00:00:00.000Z';
const NEXT_DAY = '2024-05-02T00:00:00.000Z';

let offset = 0;
const cp = () => ({ consumer: 'processor', partition: 0, next_offset: ++offset });

/** Registers the cases; `setup` gives a migrated warehouse on fresh storage. */
export function campaignAndAlertCases(setup: () => Promise<Warehouse>): void {
  it('round-trips every campaign and alert record, every field set or null', async () => {
    const warehouse = await setup();
    const full = {
      spend: spend('brand-a', 'c1', { currency: null, source: 'csv', cost: 0.1 + 0.2 }),
      minute: campaignMinute('brand-a', at(1), 'c1', { revenue: 33.333333333333336 }),
      touch: touch('brand-a', 'p1'),
      silence: silence('brand-a', 's1', { rule_id: null, subject: 'c1', cancelled_at: at(9) }),
      alert: alert('brand-a', 'a1', {
        rule_id: 'roi-drop',
        rule_type: 'roi_drop',
        subject: 'c1',
        severity: 'critical',
        value: -0.25,
        threshold: 0,
        notified: true,
        acknowledged_by: 'ops@example.com',
        acknowledged_at: at(8),
        state: 'resolved',
        resolved_at: at(9),
        updated_at: at(9),
      }),
      pending: alert('brand-a', 'a2', { state: 'pending', fired_at: null }),
    };
    const deliveries = [
      delivery('brand-a', 'a1', {
        outcome: 'gave_up',
        attempt: 3,
        status: null,
        error: 'connect ECONNREFUSED',
        give_up_reason: 'expired',
      }),
      delivery('brand-a', 'a1', {
        outcome: 'failed',
        attempt: 2,
        at: at(3),
        status: 503,
        error: 'Service Unavailable',
        next_attempt_at: at(4),
      }),
    ];
    await warehouse.commit(
      commit(cp(), {
        spend: [full.spend],
        campaigns: [full.minute],
        touches: [full.touch],
        silences: [full.silence],
        alerts: [full.alert, full.pending],
      }),
    );
    await warehouse.recordDeliveries(deliveries);

    expect(await warehouse.adSpend('brand-a', at(0), at(60))).toEqual([full.spend]);
    expect(await warehouse.campaignActivity('brand-a', at(0), at(60), 'minute')).toEqual([full.minute]);
    expect(await warehouse.silences('brand-a')).toEqual([full.silence]);
    expect(await warehouse.alert('brand-a', 'a1')).toEqual(full.alert);
    expect(await warehouse.alert('brand-a', 'a2')).toEqual(full.pending);
    expect(await warehouse.alertDeliveries('brand-a', 'a1', 10)).toEqual(deliveries);
    const snapshot = await warehouse.loadBrand('brand-a', at(-60), at(-60));
    expect(snapshot).toMatchObject({
      openAlerts: [full.pending],
      spend: [full.spend],
      campaigns: [full.minute],
      touches: [full.touch],
      silences: [], // cancelled
    });

    const other = await warehouse.loadBrand('brand-b', at(-60), at(-60));
    expect([other.openAlerts, other.spend, other.campaigns, other.touches]).toEqual([[], [], [], []]);
    expect(await warehouse.alert('brand-b', 'a1')).toBeNull();
    expect(await warehouse.alertDeliveries('brand-b', 'a1', 10)).toEqual([]);
    expect(await warehouse.silences('brand-b')).toEqual([]);
  });

  it('replaces a spend report restated under its key; the last of a batch wins', async () => {
    const warehouse = await setup();
    const first = spend('brand-a', 'c1', { cost: 10, clicks: 5 });
    const otherKeys = [
      spend('brand-a', 'c1', { channel: 'google_ads', cost: 1 }),
      spend('brand-a', 'c1', { period: 'day', period_start: DAY, cost: 2 }),
      spend('brand-a', 'c1', { period_start: at(60), cost: 3 }),
      spend('brand-a', 'c2', { cost: 4 }),
      spend('brand-b', 'c1', { cost: 99 }),
    ];
    await warehouse.commit(commit(cp(), { spend: [first, ...otherKeys] }));
    const restated = spend('brand-a', 'c1', { cost: 12.75, clicks: 7, received_at: at(120) });
    const last = spend('brand-a', 'c1', { cost: 13.5, clicks: 8, received_at: at(130) });
    await warehouse.commit(commit(cp(), { spend: [restated, last] }));

    const stored = await warehouse.adSpend('brand-a', DAY, NEXT_DAY);
    expect(stored).toHaveLength(5);
    expect(
      stored.filter((r) => r.campaign_id === 'c1' && r.channel === 'facebook' && r.period === 'hour'),
    ).toEqual([last, otherKeys[2]]);
    expect(stored.map((r) => r.cost).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 13.5]);
    expect(await warehouse.adSpend('brand-b', DAY, NEXT_DAY)).toEqual([otherKeys[4]]);
  });

  it('returns spend periods overlapping [from, to), hours and days, by period start', async () => {
    const warehouse = await setup();
    const hour = spend('brand-a', 'hourly', { period_start: at(0) }); // 10:00-11:00
    const day = spend('brand-a', 'daily', { period: 'day', period_start: DAY }); // the whole of May 1st
    const nextHour = spend('brand-a', 'hourly', { period_start: at(60) }); // 11:00-12:00
    await warehouse.commit(commit(cp(), { spend: [nextHour, hour, day, spend('brand-b', 'hourly')] }));

    const ids = async (from: string, to: string) =>
      (await warehouse.adSpend('brand-a', from, to)).map((r) => `${r.campaign_id}@${r.period_start}`);
    expect(await ids(DAY, NEXT_DAY)).toEqual([`daily@${DAY}`, `hourly@${at(0)}`, `hourly@${at(60)}`]);
    // A period ending exactly at `from` is left out; one starting exactly at `to` too.
    expect(await ids(at(60), at(61))).toEqual([`daily@${DAY}`, `hourly@${at(60)}`]);
    expect(await ids(at(59, 59), at(60))).toEqual([`daily@${DAY}`, `hourly@${at(0)}`]);
    expect(await ids(at(-10), at(0))).toEqual([`daily@${DAY}`]);
    expect(await ids(at(-10), at(0, 1))).toEqual([`daily@${DAY}`, `hourly@${at(0)}`]);
    expect(await ids(NEXT_DAY, '2024-05-03T00:00:00.000Z')).toEqual([]);
    expect(await ids('2024-05-01T23:59:59.000Z', NEXT_DAY)).toEqual([`daily@${DAY}`]);

    // The snapshot keeps the reports whose period ends after `since`.
    const since = async (time: string) =>
      (await warehouse.loadBrand('brand-a', time, time)).spend.map(
        (r) => `${r.campaign_id}@${r.period_start}`,
      );
    expect(await since(at(60))).toEqual([`daily@${DAY}`, `hourly@${at(60)}`]);
    expect(await since(at(59))).toEqual([`daily@${DAY}`, `hourly@${at(0)}`, `hourly@${at(60)}`]);
    expect(await since(NEXT_DAY)).toEqual([]);
    expect((await warehouse.loadBrand('brand-b', at(0), at(0))).spend.map((r) => r.brand_id)).toEqual([
      'brand-b',
    ]);
  });

  it('upserts campaign minutes whole, and sums them per UTC minute, hour and day bucket', async () => {
    const warehouse = await setup();
    const rows = [
      campaignMinute('brand-a', at(0), 'c1', { visits: 1, orders: 0, revenue: 0 }),
      campaignMinute('brand-a', at(1), 'c1', { visits: 2, orders: 1, revenue: 10.5 }),
      campaignMinute('brand-a', at(1), 'c1', { channel: 'email', visits: 4, orders: 0, revenue: 0 }),
      campaignMinute('brand-a', at(1), 'c0', { visits: 8, orders: 2, revenue: 2.25 }),
      campaignMinute('brand-a', at(59), 'c1', { visits: 16, orders: 1, revenue: 5 }),
      campaignMinute('brand-a', at(60), 'c1', { visits: 32, orders: 3, revenue: 30 }),
      campaignMinute('brand-a', '2024-05-02T00:30:00.000Z', 'c1', { visits: 64, orders: 1, revenue: 1 }),
      campaignMinute('brand-b', at(1), 'c1', { visits: 1000, orders: 100, revenue: 1000 }),
    ];
    await warehouse.commit(commit(cp(), { campaigns: rows }));
    // Replaced whole, not added to: the processor writes a minute's absolute totals.
    const replaced = campaignMinute('brand-a', at(0), 'c1', { visits: 3, orders: 1, revenue: 7.5 });
    await warehouse.commit(commit(cp(), { campaigns: [campaignMinute('brand-a', at(0), 'c1'), replaced] }));

    expect(await warehouse.campaignActivity('brand-a', at(0), at(2), 'minute')).toEqual([
      replaced,
      rows[3],
      rows[2],
      rows[1],
    ]);
    const bucket = (minute: string, campaign_id: string, fields: Parameters<typeof campaignMinute>[3]) =>
      campaignMinute('brand-a', minute, campaign_id, fields);
    expect(await warehouse.campaignActivity('brand-a', at(0), at(61), 'hour')).toEqual([
      bucket(at(0), 'c0', { visits: 8, orders: 2, revenue: 2.25 }),
      bucket(at(0), 'c1', { channel: 'email', visits: 4, orders: 0, revenue: 0 }),
      bucket(at(0), 'c1', { visits: 21, orders: 3, revenue: 23 }),
      bucket(at(60), 'c1', { visits: 32, orders: 3, revenue: 30 }),
    ]);
    // Minutes from `from` on count; the bucket they fall in may start before it.
    expect(await warehouse.campaignActivity('brand-a', at(1), NEXT_DAY, 'day')).toEqual([
      bucket(DAY, 'c0', { visits: 8, orders: 2, revenue: 2.25 }),
      bucket(DAY, 'c1', { channel: 'email', visits: 4, orders: 0, revenue: 0 }),
      bucket(DAY, 'c1', { visits: 50, orders: 5, revenue: 45.5 }),
    ]);
    expect(await warehouse.campaignActivity('brand-a', DAY, '2024-05-03T00:00:00.000Z', 'day')).toEqual([
      bucket(DAY, 'c0', { visits: 8, orders: 2, revenue: 2.25 }),
      bucket(DAY, 'c1', { channel: 'email', visits: 4, orders: 0, revenue: 0 }),
      bucket(DAY, 'c1', { visits: 53, orders: 6, revenue: 53 }),
      bucket(NEXT_DAY, 'c1', { visits: 64, orders: 1, revenue: 1 }),
    ]);
    expect(await warehouse.campaignActivity('brand-a', at(2), at(2), 'hour')).toEqual([]);
    expect(
      (await warehouse.loadBrand('brand-a', at(59), at(59))).campaigns.map((c) => [c.minute, c.visits]),
    ).toEqual([
      [at(59), 16],
      [at(60), 32],
      ['2024-05-02T00:30:00.000Z', 64],
    ]);
    expect(await warehouse.campaignActivity('brand-b', DAY, NEXT_DAY, 'day')).toEqual([
      campaignMinute('brand-b', DAY, 'c1', { visits: 1000, orders: 100, revenue: 1000 }),
    ]);
  });

  it("keeps each profile's last touch, and loads those from touchesSince on", async () => {
    const warehouse = await setup();
    await warehouse.commit(
      commit(cp(), {
        touches: [
          touch('brand-a', 'p1', { campaign_id: 'old', touched_at: at(1) }),
          touch('brand-a', 'p2', { campaign_id: 'spring', touched_at: at(-30) }),
          touch('brand-a', 'p3', { campaign_id: 'first', touched_at: at(2) }),
          touch('brand-a', 'p3', { campaign_id: 'second', channel: 'email', touched_at: at(4) }),
          touch('brand-b', 'p1', { campaign_id: 'other brand', touched_at: at(20) }),
        ],
      }),
    );
    const newer = touch('brand-a', 'p1', { campaign_id: 'new', channel: 'tiktok', touched_at: at(10) });
    await warehouse.commit(commit(cp(), { touches: [newer] }));

    const touches = async (brand: string, since: string) =>
      (await warehouse.loadBrand(brand, at(60), since)).touches.map((t) => [t.profile_id, t.campaign_id]);
    expect(await touches('brand-a', at(-60))).toEqual([
      ['p2', 'spring'],
      ['p3', 'second'],
      ['p1', 'new'],
    ]);
    expect(await touches('brand-a', at(4))).toEqual([
      ['p3', 'second'],
      ['p1', 'new'],
    ]);
    expect(await touches('brand-a', at(4, 1))).toEqual([['p1', 'new']]);
    expect(await touches('brand-a', at(11))).toEqual([]);
    expect((await warehouse.loadBrand('brand-a', at(60), at(10))).touches).toEqual([newer]);
    expect(await touches('brand-b', at(-60))).toEqual([['p1', 'other brand']]);
  });

  it('lists active silences (not cancelled, ending after a time) and every silence; a cancel ends one', async () => {
    const warehouse = await setup();
    const soon = silence('brand-a', 'soon', { ends_at: at(30) });
    const later = silence('brand-a', 'later', { rule_id: null, subject: 'c1', ends_at: at(90) });
    const over = silence('brand-a', 'over', { ends_at: at(5) });
    await warehouse.commit(
      commit(cp(), { silences: [later, soon, over, silence('brand-b', 'soon', { reason: 'of brand-b' })] }),
    );
    const ids = async (activeAt?: string) =>
      (await warehouse.silences('brand-a', activeAt)).map((x) => x.silence_id);
    expect(await ids(at(0))).toEqual(['over', 'soon', 'later']);
    expect(await ids(at(5))).toEqual(['soon', 'later']); // ending exactly now: over
    expect(await ids(at(31))).toEqual(['later']);
    expect(await ids()).toEqual(['later', 'soon', 'over']);

    const cancelled = { ...later, cancelled_at: at(10) };
    await warehouse.commit(commit(cp(), { silences: [cancelled] }));
    expect(await ids(at(10))).toEqual(['soon']);
    expect(await warehouse.silences('brand-a')).toEqual([cancelled, soon, over]);
    expect((await warehouse.loadBrand('brand-a', at(4), at(4))).silences).toEqual([over, soon]);
    expect((await warehouse.loadBrand('brand-a', at(30), at(30))).silences).toEqual([]);
    expectOnlyBrand(await warehouse.silences('brand-b'), 'brand-b', 'planned');
    expect((await warehouse.silences('brand-b', at(0))).map((x) => x.reason)).toEqual(['of brand-b']);
  });

  it('loads open alerts (pending and firing, any age) and no resolved ones', async () => {
    const warehouse = await setup();
    await warehouse.commit(
      commit(cp(), {
        alerts: [
          alert('brand-a', 'ancient', { started_at: at(-600), fired_at: at(-590), updated_at: at(-590) }),
          alert('brand-a', 'pending', {
            state: 'pending',
            fired_at: null,
            started_at: at(5),
            updated_at: at(5),
          }),
          alert('brand-a', 'done', { state: 'resolved', resolved_at: at(6), updated_at: at(6) }),
          alert('brand-b', 'pending', { state: 'pending', fired_at: null, message: 'of brand-b' }),
        ],
      }),
    );
    const open = await warehouse.loadBrand('brand-a', at(60), at(60));
    expect(open.openAlerts.map((a) => [a.alert_id, a.state])).toEqual([
      ['ancient', 'firing'],
      ['pending', 'pending'],
    ]);
    // Pending becomes firing, then resolves: it leaves the open set.
    await warehouse.commit(
      commit(cp(), {
        alerts: [alert('brand-a', 'pending', { started_at: at(5), fired_at: at(10), updated_at: at(10) })],
      }),
    );
    expect((await warehouse.loadBrand('brand-a', at(60), at(60))).openAlerts.map((a) => a.state)).toEqual([
      'firing',
      'firing',
    ]);
    await warehouse.commit(
      commit(cp(), {
        alerts: [
          alert('brand-a', 'pending', {
            state: 'resolved',
            started_at: at(5),
            fired_at: at(10),
            resolved_at: at(12),
            updated_at: at(12),
          }),
        ],
      }),
    );
    expect((await warehouse.loadBrand('brand-a', at(60), at(60))).openAlerts.map((a) => a.alert_id)).toEqual([
      'ancient',
    ]);
    expect((await warehouse.loadBrand('brand-b', at(60), at(60))).openAlerts.map((a) => a.message)).toEqual([
      'of brand-b',
    ]);
  });

  it('keeps the delivery log once per line however often it is written, newest first', async () => {
    const warehouse = await setup();
    const log = [
      delivery('brand-a', 'a1', { attempt: 1, at: at(1), outcome: 'failed', status: 500, error: 'boom' }),
      delivery('brand-a', 'a1', { attempt: 2, at: at(2) }),
      delivery('brand-a', 'a1', { receiver_id: 'pager', attempt: 1, at: at(2) }),
      delivery('brand-a', 'a1', { state: 'resolved', attempt: 1, at: at(9) }),
      delivery('brand-a', 'a2', { attempt: 1, at: at(5) }),
    ];
    await warehouse.recordDeliveries(log);
    await warehouse.recordDeliveries(log); // the notifier's retry of a write that had landed
    await warehouse.recordDeliveries([log[0]!, log[0]!]);
    await warehouse.recordDeliveries([]);
    await warehouse.recordDeliveries([delivery('brand-b', 'a1', { error: 'of brand-b', outcome: 'failed' })]);

    expect(await warehouse.alertDeliveries('brand-a', 'a1', 10)).toEqual([log[3], log[1], log[2], log[0]]);
    expect(await warehouse.alertDeliveries('brand-a', undefined, 10)).toEqual([
      log[3],
      log[4],
      log[1],
      log[2],
      log[0],
    ]);
    expect(await warehouse.alertDeliveries('brand-a', undefined, 2)).toEqual([log[3], log[4]]);
    expect(await warehouse.alertDeliveries('brand-a', 'missing', 10)).toEqual([]);
    expect((await warehouse.alertDeliveries('brand-b', undefined, 10)).map((d) => d.error)).toEqual([
      'of brand-b',
    ]);
  });

  it('gives the processor every brand’s notified alerts and deliveries from a time on', async () => {
    const warehouse = await setup();
    const notifiedA = alert('brand-a', 'a1', { notified: true, updated_at: at(10) });
    const resolvedB = alert('brand-b', 'b1', {
      notified: true,
      state: 'resolved',
      resolved_at: at(12),
      updated_at: at(12),
    });
    await warehouse.commit(
      commit(cp(), {
        alerts: [
          notifiedA,
          resolvedB,
          alert('brand-a', 'silenced', { notified: false, updated_at: at(11) }),
          alert('brand-b', 'stale', { notified: true, updated_at: at(1) }),
        ],
      }),
    );
    const lines = [
      delivery('brand-b', 'b1', { state: 'resolved', at: at(12) }),
      delivery('brand-a', 'a1', { at: at(10) }),
      delivery('brand-a', 'stale', { at: at(1) }),
    ];
    await warehouse.recordDeliveries(lines);

    expect(await warehouse.recentNotifications(at(10))).toEqual({
      alerts: [notifiedA, resolvedB],
      deliveries: [lines[1], lines[0]],
    });
    expect(await warehouse.recentNotifications(at(13))).toEqual({ alerts: [], deliveries: [] });
  });

  it('reads sourceLastSeen in the snapshot as sourceActivity’s last, all time', async () => {
    const warehouse = await setup();
    await warehouse.commit(
      commit(cp(), {
        events: [
          event('brand-a', 'e1', { source: 'shopify', received_at: at(-600) }),
          event('brand-a', 'e2', { source: 'track', received_at: at(5) }),
          event('brand-b', 'e3', { source: 'pos', received_at: at(7) }),
        ],
      }),
    );
    const snapshot = await warehouse.loadBrand('brand-a', at(60), at(60));
    expect(snapshot.sourceLastSeen).toEqual([
      { source: 'shopify', received_at: at(-600) },
      { source: 'track', received_at: at(5) },
    ]);
    expect(snapshot.sourceLastSeen).toEqual((await warehouse.sourceActivity('brand-a', at(60))).last);
    expect((await warehouse.loadBrand('brand-b', at(60), at(60))).sourceLastSeen).toEqual([
      { source: 'pos', received_at: at(7) },
    ]);
  });
}
