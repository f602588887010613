// Alert scenarios through the real processor step (processBatch / processTick
// on simulated time, committed to the real embedded warehouse): spend and
// purchases drive ROI down and up again; flapping conversion; a silence that
// expires; a restart in the middle of a pending alert; and, through the real
// notifier and a real HTTP receiver, a receiver that fails twice then
// succeeds, with the delivery log stored, and notifications a crash left
// undelivered sent again at the next start.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertCommand } from '../../../../src/lib/shared/alert-rules';
import type { AdSpend } from '../../../../src/lib/shared/campaigns';
import type { RawEnvelope } from '../../../../src/lib/shared/events';
import type { Alert, AlertDelivery } from '../../../../src/lib/shared/model';
import { createAlertDispatch, createDeliveryLog } from '../../../../ingest/alerts/dispatch';
import { createNotifier } from '../../../../ingest/alerts/notifier';
import type { BrandRegistry } from '../../../../ingest/brands/types';
import { createBrandStates, type BrandStates } from '../../../../ingest/processor/brand-state';
import type { AlertNotice } from '../../../../ingest/processor/changes';
import { processBatch, processTick, type PipelineResult } from '../../../../ingest/processor/pipeline';
import type { Warehouse } from '../../../../ingest/warehouse/types';
import { simulatedTime, startReceiver, type Reply } from '../../alerts/receiver';
import { MINUTE, SECOND, T0, makeEvent } from '../fixtures';
import { batchOf, makeRegistry, openWarehouse, tempDir } from '../harness';

const iso = (ms: number) => new Date(ms).toISOString();
const GRACE = 5 * SECOND;

let warehouse: Warehouse;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
beforeEach(async () => {
  warehouse = await openWarehouse();
  cleanups.push(() => warehouse.close());
});

/** The processor on simulated time: messages in at their own times, ticks when told. */
async function processorFor(settings: Record<string, unknown>) {
  const brands: BrandRegistry = await makeRegistry(await tempDir(), [
    { id: 'acme', settings },
    { id: 'other', settings },
  ]);
  let now = T0;
  const clock = () => new Date(now);
  let states: BrandStates = createBrandStates({ warehouse, brands, clock });
  let offset = 0;
  const alerts: Alert[] = [];
  const notices: AlertNotice[] = [];
  const keep = async (result: PipelineResult) => {
    await warehouse.commit(result.commit);
    alerts.push(...result.commit.alerts);
    notices.push(...result.notices);
    return result;
  };
  return {
    brands,
    alerts,
    notices,
    setNow: (ms: number) => (now = ms),
    /** Processes envelopes as one batch with the clock at `atMs`. */
    async send(atMs: number, ...envelopes: RawEnvelope[]) {
      now = atMs;
      const values = envelopes.map((envelope) => ({
        key: brandOf(envelope),
        value: JSON.stringify(envelope),
      }));
      const result = await processBatch(batchOf(values, offset), { states, group: 'processor', clock });
      offset += values.length;
      return keep(result);
    },
    async tick(atMs: number) {
      now = atMs;
      const results = processTick({ states, group: 'processor' }, atMs, new Map([[0, offset]]), GRACE);
      for (const result of results) await keep(result);
      return results;
    },
    /**
     * A new process: memory gone, the brand reloaded from the warehouse (by
     * its next message, or, quiet as here, by the consumer's tick because it
     * has a source_silent rule: consumer.test.ts tests that part).
     */
    async restart() {
      states = createBrandStates({ warehouse, brands, clock });
      const state = await states.get('acme');
      state!.partition = 0;
    },
  };
}

function brandOf(envelope: RawEnvelope): string {
  switch (envelope.kind) {
    case 'event':
      return envelope.event.brand_id;
    case 'spend':
      return envelope.spend.brand_id;
    case 'rejected':
      return envelope.rejected.brand_id;
    case 'command':
    case 'alert_command':
      return envelope.command.brand_id;
  }
}

const event = (input: Parameters<typeof makeEvent>[0]): RawEnvelope => ({
  kind: 'event',
  event: makeEvent(input),
});
const command = (command: AlertCommand): RawEnvelope => ({ kind: 'alert_command', command });

/** A store sale: the POS source speaking (source_silent rules watch it). */
const posSale = (id: string, ms: number) =>
  event({
    event_id: id,
    source: 'pos',
    channel: 'store',
    identifiers: { loyalty_id: 'L-1' },
    received_at: iso(ms),
  });

function spend(fields: Partial<AdSpend>): RawEnvelope {
  return {
    kind: 'spend',
    spend: {
      brand_id: 'acme',
      campaign_id: 'spring',
      campaign_name: 'Spring sale',
      channel: 'facebook',
      period: 'hour',
      period_start: iso(T0),
      impressions: 10_000,
      clicks: 200,
      cost: 100,
      currency: 'EUR',
      source: 'track',
      received_at: iso(T0 + 61 * MINUTE),
      ...fields,
    },
  };
}

/** What an on-call person would have seen: each notification's state and time. */
const told = (notices: AlertNotice[]) =>
  notices.map(
    (n) =>
      `${n.state} ${n.alert.rule_id}/${n.alert.subject} @${n.state === 'firing' ? n.alert.fired_at : n.alert.resolved_at}`,
  );

/** The distinct states an alert went through, in order, with when each began. */
function transitions(alerts: Alert[], alertId: string): string[] {
  const seen: string[] = [];
  for (const alert of alerts.filter((a) => a.alert_id === alertId)) {
    const line = `${alert.state}${alert.acknowledged_by ? ' (acked)' : ''}`;
    if (seen.at(-1) !== line) seen.push(line);
  }
  return seen;
}

const at = (minutes: number, seconds = 0) => T0 + minutes * MINUTE + seconds * SECOND;

describe('roi_drop driven by spend and attributed purchases', () => {
  const SETTINGS = {
    alerts: {
      rules: [
        {
          rule_id: 'roi',
          type: 'roi_drop',
          severity: 'critical',
          threshold: 0,
          recovery: 0.5,
          window_minutes: 60,
          pending_minutes: 10,
          min_sample: 10,
        },
      ],
    },
  };

  it('goes pending, fires after its pending time, resolves when revenue recovers, telling twice', async () => {
    const p = await processorFor(SETTINGS);
    const utm = { campaign: { source: 'fb', medium: 'paid_social', name: 'spring' } };
    await p.send(
      at(61, 30),
      event({ event_id: 'visit', identifiers: { user_id: 'u1' }, context: utm, received_at: iso(at(5)) }),
      event({
        event_id: 'order-1',
        identifiers: { user_id: 'u1' },
        type: 'order_completed',
        commerce: { order_id: 'o1', revenue: 50 },
        received_at: iso(at(30)),
      }),
      // Never touched by a campaign: revenue, but nobody's.
      event({
        event_id: 'order-2',
        identifiers: { user_id: 'u2' },
        type: 'order_completed',
        commerce: { order_id: 'o2', revenue: 500 },
        received_at: iso(at(31)),
      }),
      // The hour 10:00-11:00 cost 100, reported at 11:01:30.
      spend({ received_at: iso(at(61, 30)) }),
    );
    expect(p.alerts).toEqual([]); // no spend in any window judged before the report

    // Minute 11:01 closes: window 10:02-11:02 holds 58/60 of the spend and the 50.
    await p.tick(at(62, 6));
    expect(p.alerts).toEqual([
      expect.objectContaining({
        rule_id: 'roi',
        rule_type: 'roi_drop',
        subject: 'brand',
        state: 'pending',
        started_at: iso(at(62)),
        fired_at: null,
        threshold: 0,
      }),
    ]);
    expect(p.alerts[0]?.value).toBeCloseTo((50 - 100 * (58 / 60)) / (100 * (58 / 60)), 9);
    const alertId = p.alerts[0]!.alert_id;

    await p.tick(at(71, 6)); // 9 minutes pending: not yet
    expect(p.alerts.at(-1)).toMatchObject({ state: 'pending' });
    await p.tick(at(72, 6)); // 10 minutes: fires
    expect(p.alerts.at(-1)).toMatchObject({ state: 'firing', fired_at: iso(at(72)), notified: true });
    expect(p.alerts.at(-1)?.message).toMatch(
      /^ROI of brand is -\d+\.\d% over the last 60 min \(fires below 0\.0%\)$/,
    );

    // A big order from the campaign's visitor: revenue 250 against ~75 of spend.
    await p.send(
      at(74, 30),
      event({
        event_id: 'order-3',
        identifiers: { user_id: 'u1' },
        type: 'order_completed',
        commerce: { order_id: 'o3', revenue: 200 },
        received_at: iso(at(74, 30)),
      }),
    );
    await p.tick(at(75, 6));
    expect(p.alerts.at(-1)).toMatchObject({ state: 'resolved', resolved_at: iso(at(75)) });

    expect(transitions(p.alerts, alertId)).toEqual(['pending', 'firing', 'resolved']);
    expect(told(p.notices)).toEqual([
      `firing roi/brand @${iso(at(72))}`,
      `resolved roi/brand @${iso(at(75))}`,
    ]);

    // Attribution as stored: the visit, and orders 1 and 3 for spring; order 2 for nobody.
    const activity = await warehouse.campaignActivity('acme', iso(T0), iso(at(120)), 'hour');
    expect(activity).toEqual([
      expect.objectContaining({
        minute: iso(T0),
        campaign_id: 'spring',
        channel: 'facebook',
        visits: 1,
        orders: 1,
        revenue: 50,
      }),
      expect.objectContaining({
        minute: iso(at(60)),
        campaign_id: 'spring',
        channel: 'facebook',
        visits: 0,
        orders: 1,
        revenue: 200,
      }),
    ]);
    expect(await warehouse.adSpend('acme', iso(T0), iso(at(60)))).toHaveLength(1);
    // The other brand has the same rules and sees none of it.
    expect(await warehouse.alerts('other', 10)).toEqual([]);
    expect(await warehouse.campaignActivity('other', iso(T0), iso(at(120)), 'hour')).toEqual([]);
    expect(await warehouse.adSpend('other', iso(T0), iso(at(120)))).toEqual([]);
  });

  it('a campaign visitor who was anonymous keeps the touch when merged into the known buyer', async () => {
    const p = await processorFor(SETTINGS);
    const utm = { campaign: { source: 'ig', medium: 'social', name: 'reels-may' } };
    await p.send(
      at(2),
      event({
        event_id: 'known',
        identifiers: { user_id: 'u1', email: 'asha@example.shop' },
        received_at: iso(at(0)),
      }),
      event({
        event_id: 'ad-click',
        identifiers: { anonymous_id: 'cookie-9' },
        context: utm,
        received_at: iso(at(1)),
      }),
      // Logs in on the same browser: the cookie's profile merges into the older, known one.
      event({
        event_id: 'order',
        identifiers: { anonymous_id: 'cookie-9', email: 'asha@example.shop' },
        type: 'order_completed',
        commerce: { revenue: 120 },
        received_at: iso(at(2)),
      }),
    );
    expect((await warehouse.mergeLog('acme', ['merge'], 10)).length).toBeGreaterThan(0);
    const activity = await warehouse.campaignActivity('acme', iso(T0), iso(at(60)), 'hour');
    expect(activity).toEqual([
      expect.objectContaining({
        campaign_id: 'reels-may',
        channel: 'instagram',
        visits: 1,
        orders: 1,
        revenue: 120,
      }),
    ]);
  });

  it('a touch older than the attribution window earns the campaign nothing', async () => {
    const p = await processorFor({ ...SETTINGS, attribution: { window_days: 1 } });
    const utm = { campaign: { source: 'google', medium: 'cpc', id: 'g-42', name: 'Brand search' } };
    await p.send(
      at(0),
      event({
        event_id: 'visit',
        identifiers: { user_id: 'u1' },
        context: utm,
        timestamp: iso(at(-25 * 60)),
        received_at: iso(at(0)),
      }),
      event({
        event_id: 'order',
        identifiers: { user_id: 'u1' },
        type: 'order_completed',
        commerce: { revenue: 80 },
        received_at: iso(at(1)),
      }),
    );
    const activity = await warehouse.campaignActivity('acme', iso(T0), iso(at(60)), 'hour');
    expect(activity).toEqual([
      expect.objectContaining({ campaign_id: 'g-42', channel: 'google_ads', visits: 1, orders: 0 }),
    ]);
  });
});

describe('cost_spike against a trailing baseline', () => {
  it('judges nothing in the first hours of spend, then fires when an hour costs ten times the usual', async () => {
    const p = await processorFor({
      alerts: {
        rules: [
          {
            rule_id: 'spend',
            type: 'cost_spike',
            threshold: 2,
            recovery: 1.3,
            window_minutes: 60,
            pending_minutes: 0,
            min_sample: 1,
          },
        ],
      },
    });
    // Hours 10:00..17:00 cost 10 each, each reported a minute after it ended.
    for (let hour = 0; hour < 8; hour += 1) {
      const start = at(hour * 60);
      await p.send(
        at(hour * 60 + 61),
        spend({ period_start: iso(start), cost: 10, received_at: iso(at(hour * 60 + 61)) }),
      );
    }
    // The first report was sudden spend against nothing before it: no spike, no alert.
    await p.tick(at(8 * 60 + 30, 6));
    expect(p.alerts).toEqual([]);

    await p.send(
      at(9 * 60 + 1),
      spend({ period_start: iso(at(8 * 60)), cost: 100, received_at: iso(at(9 * 60 + 1)) }),
    );
    await p.tick(at(9 * 60 + 2, 6));
    expect(p.alerts.at(-1)).toMatchObject({
      rule_id: 'spend',
      rule_type: 'cost_spike',
      subject: 'brand',
      state: 'firing',
    });
    expect(p.alerts.at(-1)!.value).toBeGreaterThan(5);
    expect(told(p.notices)).toEqual([`firing spend/brand @${iso(at(9 * 60 + 2))}`]);
  });
});

describe('flapping conversion', () => {
  it('fires once and resolves once while the value wanders between threshold and recovery', async () => {
    const p = await processorFor({
      alerts: {
        rules: [
          {
            rule_id: 'conv',
            type: 'low_conversion',
            threshold: 0.2,
            recovery: 0.5,
            window_minutes: 1,
            pending_minutes: 0,
            min_sample: 4,
          },
        ],
      },
    });
    // 10 shoppers a minute; buyers per minute: 50%, 10% (fire), 30%, 10%, 40% (all held), 60% (resolve).
    const buyers = [5, 1, 3, 1, 4, 6];
    const envelopes: RawEnvelope[] = [];
    buyers.forEach((count, minute) => {
      for (let u = 0; u < 10; u += 1)
        envelopes.push(
          event({
            event_id: `m${minute}-u${u}`,
            identifiers: { user_id: `m${minute}-u${u}` },
            type: u < count ? 'order_completed' : 'page_viewed',
            commerce: u < count ? { revenue: 10 } : {},
            received_at: iso(at(minute, u)),
          }),
        );
    });
    await p.send(at(6), ...envelopes);
    await p.tick(at(6, 6));
    expect(told(p.notices)).toEqual([
      `firing conv/brand @${iso(at(2))}`,
      `resolved conv/brand @${iso(at(6))}`,
    ]);
    expect(transitions(p.alerts, p.notices[0]!.alert.alert_id)).toEqual(['firing', 'resolved']);
  });
});

describe('silences and acknowledgement', () => {
  const QUIET = {
    alerts: {
      rules: [
        {
          rule_id: 'pos-quiet',
          type: 'source_silent',
          subject: 'pos',
          threshold: 5,
          recovery: 1,
          window_minutes: 1,
          pending_minutes: 0,
        },
      ],
    },
  };

  it('a silenced firing is told when the silence expires, and its resolve after', async () => {
    const p = await processorFor(QUIET);
    await p.send(at(0), posSale('sale-1', at(0)));
    await p.send(
      at(1),
      command({
        type: 'silence',
        brand_id: 'acme',
        command_id: 'c-silence',
        rule_id: 'pos-quiet',
        subject: null,
        ends_at: iso(at(10)),
        reason: 'store closed for stocktake',
        issued_by: 'oncall@acme',
        issued_at: iso(at(1)),
      }),
    );
    await p.tick(at(8, 6));
    const firing = p.alerts.at(-1)!;
    expect(firing).toMatchObject({ state: 'firing', fired_at: iso(at(6)), notified: false });
    expect(p.notices).toEqual([]);

    await p.send(
      at(8, 10),
      command({
        type: 'acknowledge',
        brand_id: 'acme',
        command_id: 'c-ack',
        alert_id: firing.alert_id,
        issued_by: 'oncall@acme',
        issued_at: iso(at(8, 10)),
      }),
      // Another brand cannot acknowledge it: refused, nothing changes.
      command({
        type: 'acknowledge',
        brand_id: 'other',
        command_id: 'c-ack-other',
        alert_id: firing.alert_id,
        issued_by: 'mallory@other',
        issued_at: iso(at(8, 10)),
      }),
    );
    expect(p.alerts.at(-1)).toMatchObject({
      state: 'firing',
      acknowledged_by: 'oncall@acme',
      acknowledged_at: iso(at(8, 10)),
    });
    expect((await warehouse.rejected('other', 10)).map((r) => r.reason)).toEqual(['command_refused']);

    await p.tick(at(11, 6)); // the silence ended at 10:10: the firing is told now
    expect(told(p.notices)).toEqual([`firing pos-quiet/pos @${iso(at(6))}`]);
    expect(p.notices[0]?.alert).toMatchObject({ notified: true, acknowledged_by: 'oncall@acme' });

    await p.send(at(12, 10), posSale('sale-2', at(12, 10)));
    await p.tick(at(13, 6));
    expect(told(p.notices)).toEqual([
      `firing pos-quiet/pos @${iso(at(6))}`,
      `resolved pos-quiet/pos @${iso(at(13))}`,
    ]);
    expect(transitions(p.alerts, firing.alert_id)).toEqual(['firing', 'firing (acked)', 'resolved (acked)']);

    expect(await warehouse.silences('acme')).toEqual([
      expect.objectContaining({
        rule_id: 'pos-quiet',
        ends_at: iso(at(10)),
        created_by: 'oncall@acme',
        cancelled_at: null,
      }),
    ]);
    expect(await warehouse.silences('other')).toEqual([]);
    expect(await warehouse.alert('other', firing.alert_id)).toBeNull();
  });

  it('an alert resolved under a silence that hid its firing is never told at all', async () => {
    const p = await processorFor(QUIET);
    await p.send(at(0), posSale('sale-1', at(0)));
    await p.send(
      at(1),
      command({
        type: 'silence',
        brand_id: 'acme',
        command_id: 'c-silence',
        rule_id: null,
        subject: 'pos',
        ends_at: iso(at(60)),
        reason: 'maintenance',
        issued_by: 'oncall@acme',
        issued_at: iso(at(1)),
      }),
    );
    await p.tick(at(8, 6));
    await p.send(at(9, 10), posSale('sale-2', at(9, 10)));
    await p.tick(at(10, 6));
    expect(p.alerts.at(-1)).toMatchObject({ state: 'resolved' });
    expect(p.notices).toEqual([]);
  });

  it('ending a silence early tells a firing it held back; a second end is refused', async () => {
    const p = await processorFor(QUIET);
    await p.send(at(0), posSale('sale-1', at(0)));
    const silence = command({
      type: 'silence',
      brand_id: 'acme',
      command_id: 'c-silence',
      rule_id: null,
      subject: null,
      ends_at: iso(at(120)),
      reason: 'deploy',
      issued_by: 'oncall@acme',
      issued_at: iso(at(1)),
    });
    await p.send(at(1), silence);
    await p.tick(at(7, 6));
    expect(p.notices).toEqual([]);
    const [stored] = await warehouse.silences('acme', iso(at(7)));
    const end = (seconds: number) =>
      command({
        type: 'unsilence',
        brand_id: 'acme',
        command_id: `c-end-${seconds}`,
        silence_id: stored!.silence_id,
        issued_by: 'oncall@acme',
        issued_at: iso(at(7, seconds)),
      });
    await p.send(at(7, 10), end(10), end(20));
    expect((await warehouse.rejected('acme', 10)).map((r) => r.detail)).toEqual([
      expect.stringContaining('is not active'),
    ]);
    expect(await warehouse.silences('acme', iso(at(7, 30)))).toEqual([]);
    await p.tick(at(8, 6));
    expect(told(p.notices)).toEqual([`firing pos-quiet/pos @${iso(at(6))}`]);
  });
});

describe('a restart in the middle of a pending alert', () => {
  const SETTINGS = {
    alerts: {
      rules: [
        {
          rule_id: 'pos-quiet',
          type: 'source_silent',
          subject: 'pos',
          threshold: 2,
          recovery: 1,
          window_minutes: 1,
          pending_minutes: 5,
        },
      ],
    },
  };

  async function run(restartAfterMinute: number | undefined) {
    const p = await processorFor(SETTINGS);
    await p.send(at(0), posSale('sale', at(0)));
    for (let minute = 1; minute <= 10; minute += 1) {
      await p.tick(at(minute, 6));
      if (minute === restartAfterMinute) await p.restart();
    }
    return p;
  }

  it('fires at the same minute, with the same alert and the same notification, as without it', async () => {
    const clean = await run(undefined);
    expect(told(clean.notices)).toEqual([`firing pos-quiet/pos @${iso(at(8))}`]);
    const pendingSince = clean.alerts.find((a) => a.state === 'pending')!;
    expect(pendingSince.started_at).toBe(iso(at(3)));

    await warehouse.close();
    warehouse = await openWarehouse();
    const restarted = await run(5); // pending since 10:03, restarted at 10:05
    expect(told(restarted.notices)).toEqual(told(clean.notices));
    expect(restarted.alerts.at(-1)).toEqual(clean.alerts.at(-1));
  });
});

// Real sockets and the warehouse: more than the unit default of 5 s on a busy 2-core machine.
describe('notifications through the notifier to a real receiver', { timeout: 30_000 }, () => {
  const SETTINGS = (url: string) => ({
    alerts: {
      rules: [
        {
          rule_id: 'pos-quiet',
          type: 'source_silent',
          subject: 'pos',
          threshold: 2,
          recovery: 1,
          window_minutes: 1,
          pending_minutes: 0,
        },
      ],
      receivers: [{ receiver_id: 'pager', url, format: 'json' }],
    },
  });

  async function wired(reply: (path: string, nth: number) => Reply) {
    const receiver = await startReceiver(reply);
    cleanups.push(receiver.close);
    const p = await processorFor(SETTINGS(receiver.receiver('pager').url));
    const time = simulatedTime(at(3, 6));
    const logErrors: unknown[] = [];
    cleanups.push(() => expect(logErrors).toEqual([]));
    const log = createDeliveryLog({
      warehouse,
      publish: async () => {},
      onError: (error) => logErrors.push(error),
      flushMs: 0,
    });
    const notifier = createNotifier({
      fetch: globalThis.fetch,
      clock: time.clock,
      schedule: time.schedule,
      onDelivery: log.record,
    });
    const dispatch = createAlertDispatch(notifier, {
      brands: p.brands,
      publicUrl: 'https://signalroom.example',
    });
    return { p, receiver, time, log, notifier, dispatch };
  }

  /** A sale, then silence: the rule fires on the tick at 10:03 and the dispatch is told. */
  async function fireAndNotify(
    p: Awaited<ReturnType<typeof processorFor>>,
    dispatch: ReturnType<typeof createAlertDispatch>,
  ): Promise<PipelineResult> {
    await p.send(at(0), posSale('sale', at(0)));
    const [tick] = await p.tick(at(3, 6));
    dispatch.notify(tick!.notices);
    return tick!;
  }

  /** Lets the receiver answer and the log write (real sockets, simulated backoff). */
  async function settle(until: () => boolean) {
    for (let i = 0; i < 1000 && !until(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(until()).toBe(true);
  }

  it('a receiver that fails twice then succeeds gets it on the third attempt, and the log says so', async () => {
    const { p, receiver, time, log, dispatch } = await wired((_path, nth) =>
      nth <= 2 ? { status: 503 } : { status: 200 },
    );
    const tick = await fireAndNotify(p, dispatch);
    // Advance only once the notifier has taken the answer and set its retry timer (1 s, then 2 s).
    const retryAt = (ms: number) => () => time.pending().includes(iso(at(3, 6) + ms));
    await settle(retryAt(1000));
    time.advance(1000);
    await settle(retryAt(3000));
    time.advance(2000);
    // Answered: no request (and so no timeout timer) left.
    await settle(() => receiver.received.length === 3 && time.pending().length === 0);
    await log.flush();

    const alertId = tick.notices[0]!.alert.alert_id;
    expect(receiver.received.map((r) => [r.path, r.body.state, r.body.alert_id])).toEqual([
      ['/pager', 'firing', alertId],
      ['/pager', 'firing', alertId],
      ['/pager', 'firing', alertId],
    ]);
    expect(receiver.received[2]?.body.url).toBe(`https://signalroom.example/alerts?alert=${alertId}`);
    const deliveries = await warehouse.alertDeliveries('acme', alertId, 10);
    expect(deliveries.map((d: AlertDelivery) => [d.attempt, d.outcome, d.status])).toEqual([
      [3, 'delivered', 200],
      [2, 'failed', 503],
      [1, 'failed', 503],
    ]);
    expect(await warehouse.alertDeliveries('other', alertId, 10)).toEqual([]);
    expect(await warehouse.alertDeliveries('other', undefined, 10)).toEqual([]);
  });

  it('what a stopped process left undelivered is sent again at the next start, and only that', async () => {
    let up = false;
    const { p, receiver, time, notifier, log, dispatch } = await wired(() =>
      up ? { status: 200 } : { status: 500 },
    );
    await fireAndNotify(p, dispatch);
    // The 500 taken: its retry is waiting (1 s on the simulated clock, never reached).
    await settle(() => time.pending().includes(iso(at(3, 6) + 1000)));
    expect(notifier.close()).toHaveLength(1); // the process stops with it undelivered
    await log.flush();

    // The next process: a new notifier; the receiver is back.
    up = true;
    const next = createNotifier({
      fetch: globalThis.fetch,
      clock: time.clock,
      schedule: time.schedule,
      onDelivery: log.record,
    });
    const again = createAlertDispatch(next, { brands: p.brands, publicUrl: 'https://signalroom.example' });
    expect(await again.resendUnfinished(warehouse, at(4))).toBe(1);
    await settle(() => receiver.received.length === 2 && time.pending().length === 0);
    await log.flush();
    expect((await warehouse.alertDeliveries('acme', undefined, 10)).map((d) => d.outcome)).toEqual([
      'delivered',
      'failed',
    ]);

    // Delivered now: a third start sends nothing.
    const third = createAlertDispatch(
      createNotifier({
        fetch: globalThis.fetch,
        clock: time.clock,
        schedule: time.schedule,
        onDelivery: log.record,
      }),
      {
        brands: p.brands,
        publicUrl: 'https://signalroom.example',
      },
    );
    expect(await third.resendUnfinished(warehouse, at(5))).toBe(0);
    next.close();
  });
});
