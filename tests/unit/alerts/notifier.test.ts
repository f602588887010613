// The notifier against a real HTTP receiver (node:http on 127.0.0.1) with the
// real fetch; backoff and timeouts run on simulated time through the
// schedule/clock seams, so no test sleeps. Each scenario asserts the exact
// delivery log and what the receiver got.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createNotifier,
  type DeliveryRecord,
  type Notifier,
  type NotifierOptions,
} from '../../../ingest/alerts/notifier';
import { slackPayload } from '../../../ingest/alerts/payloads';
import type { AlertNotification, AlertReceiver } from '../../../src/lib/shared/alert-rules';
import { simulatedTime, startReceiver, type Reply } from './receiver';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const t = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const firing: AlertNotification = {
  brand_id: 'acme',
  alert_id: 'al-1',
  rule_id: 'roi-floor',
  rule_type: 'roi_drop',
  subject: 'spring-sale',
  severity: 'critical',
  state: 'firing',
  message: 'ROI fell to -35% over 15 minutes',
  value: -0.35,
  threshold: 0.2,
  at: t(0),
  url: 'https://signalroom.example/alerts/al-1',
};
const resolved: AlertNotification = { ...firing, state: 'resolved', value: 0.31, at: t(1) };
const other = (alert_id: string): AlertNotification => ({ ...firing, alert_id });

// ── a notifier wired to both ─────────────────────────────────────────────────

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(reply: (path: string, nth: number) => Reply, options: Partial<NotifierOptions> = {}) {
  const server = await startReceiver(reply);
  const time = simulatedTime(T0);
  const log: DeliveryRecord[] = [];
  const notifier: Notifier = createNotifier(
    { fetch: globalThis.fetch, clock: time.clock, schedule: time.schedule, onDelivery: (r) => log.push(r) },
    options,
  );
  cleanups.push(server.close, () => void notifier.close());
  return { ...server, time, log, notifier };
}

const until = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 2 });

/** A delivery record with the fields a scenario does not name at their quiet values. */
function record(
  n: AlertNotification,
  receiver_id: string,
  fields: Pick<DeliveryRecord, 'attempt' | 'at' | 'outcome'> & Partial<DeliveryRecord>,
): DeliveryRecord {
  return {
    brand_id: n.brand_id,
    alert_id: n.alert_id,
    receiver_id,
    state: n.state,
    status: null,
    error: null,
    give_up_reason: null,
    next_attempt_at: null,
    ...fields,
  };
}

const UNAVAILABLE: Reply = { status: 503, body: 'unavailable' };
const OK: Reply = { status: 200, body: 'ok' };

// ── scenarios ────────────────────────────────────────────────────────────────

describe('the alert notifier', () => {
  it('retries a receiver that fails twice then succeeds: exactly 3 attempts, failed, failed, delivered', async () => {
    const { notifier, receiver, received, log, time } = await setup((_, nth) =>
      nth <= 2 ? UNAVAILABLE : OK,
    );
    const ops = receiver('ops');
    notifier.notify(firing, [ops]);

    await until(() => expect(log).toHaveLength(1));
    const failed = { outcome: 'failed', status: 503, error: 'HTTP 503: unavailable' } as const;
    expect(log[0]).toEqual(record(firing, 'ops', { attempt: 1, at: t(0), ...failed, next_attempt_at: t(1) }));
    expect(time.pending()).toEqual([t(1)]);

    time.advance(999);
    expect(time.pending()).toEqual([t(1)]); // not yet
    time.advance(1);
    await until(() => expect(log).toHaveLength(2));
    expect(log[1]).toEqual(record(firing, 'ops', { attempt: 2, at: t(1), ...failed, next_attempt_at: t(3) }));

    time.advance(2000);
    await until(() => expect(log).toHaveLength(3));
    expect(log[2]).toEqual(
      record(firing, 'ops', { attempt: 3, at: t(3), outcome: 'delivered', status: 200 }),
    );
    expect(time.pending()).toEqual([]);
    expect(received.map((r) => r.body)).toEqual([1, 2, 3].map(() => ({ ...firing, version: 1 })));
  });

  it('delivers a resolve after its firing, even when the firing needed a retry', async () => {
    const { notifier, receiver, received, log, time } = await setup((_, nth) =>
      nth === 1 ? UNAVAILABLE : OK,
    );
    const ops = receiver('ops');
    notifier.notify(firing, [ops]);
    notifier.notify(resolved, [ops]);

    await until(() => expect(log).toHaveLength(1));
    expect(received.map((r) => r.body.state)).toEqual(['firing']); // the resolve waits its turn

    time.advance(1000);
    await until(() => expect(log).toHaveLength(3));
    expect(log).toEqual([
      record(firing, 'ops', {
        attempt: 1,
        at: t(0),
        outcome: 'failed',
        status: 503,
        error: 'HTTP 503: unavailable',
        next_attempt_at: t(1),
      }),
      record(firing, 'ops', { attempt: 2, at: t(1), outcome: 'delivered', status: 200 }),
      record(resolved, 'ops', { attempt: 1, at: t(1), outcome: 'delivered', status: 200 }), // at once, no backoff
    ]);
    expect(received.map((r) => r.body.state)).toEqual(['firing', 'firing', 'resolved']);
  });

  it('gives up at once on a 400, and the next notification still goes', async () => {
    const { notifier, receiver, received, log, time } = await setup(() => ({
      status: 400,
      body: 'invalid_payload',
    }));
    const slack = receiver('slack', 'slack');
    notifier.notify(firing, [slack]);
    notifier.notify(resolved, [slack]);

    await until(() => expect(log).toHaveLength(2));
    const rejected = {
      attempt: 1,
      at: t(0),
      outcome: 'gave_up',
      status: 400,
      error: 'HTTP 400: invalid_payload',
      give_up_reason: 'rejected',
    } as const;
    expect(log).toEqual([record(firing, 'slack', rejected), record(resolved, 'slack', rejected)]);
    expect(time.pending()).toEqual([]);
    time.advance(3_600_000);
    expect(received).toHaveLength(2);
  });

  it('waits as long as Retry-After asks on a 429, but no longer than the 5 min cap', async () => {
    const { notifier, receiver, log, time } = await setup((_, nth) =>
      nth === 1
        ? { status: 429, headers: { 'retry-after': '30' } }
        : nth === 2
          ? { status: 429, headers: { 'retry-after': '86400' } }
          : OK,
    );
    notifier.notify(firing, [receiver('ops')]);

    await until(() => expect(log).toHaveLength(1));
    const limited = { outcome: 'failed', status: 429, error: 'HTTP 429' } as const;
    expect(log[0]).toEqual(
      record(firing, 'ops', { attempt: 1, at: t(0), ...limited, next_attempt_at: t(30) }),
    );

    time.advance(30_000);
    await until(() => expect(log).toHaveLength(2));
    expect(log[1]).toEqual(
      record(firing, 'ops', { attempt: 2, at: t(30), ...limited, next_attempt_at: t(330) }),
    );

    time.advance(300_000);
    await until(() => expect(log).toHaveLength(3));
    expect(log[2]).toEqual(
      record(firing, 'ops', { attempt: 3, at: t(330), outcome: 'delivered', status: 200 }),
    );
  });

  it('aborts a hanging receiver after the timeout and retries it', async () => {
    const { notifier, receiver, received, abandoned, log, time } = await setup((_, nth) =>
      nth === 1 ? 'hang' : OK,
    );
    notifier.notify(firing, [receiver('ops')]);
    await until(() => expect(received).toHaveLength(1));
    expect(time.pending()).toEqual([t(10)]); // the 10 s timeout

    time.advance(10_000);
    await until(() => expect(log).toHaveLength(1));
    expect(log[0]).toEqual(
      record(firing, 'ops', {
        attempt: 1,
        at: t(10),
        outcome: 'failed',
        error: 'timed out after 10000 ms',
        next_attempt_at: t(11),
      }),
    );
    await until(() => expect(abandoned).toEqual(['/ops'])); // the connection was really dropped

    time.advance(1000);
    await until(() => expect(log).toHaveLength(2));
    expect(log[1]).toEqual(
      record(firing, 'ops', { attempt: 2, at: t(11), outcome: 'delivered', status: 200 }),
    );
  });

  it('delivers to a healthy receiver at once while another hangs', async () => {
    const { notifier, receiver, received, log } = await setup((path) => (path === '/down' ? 'hang' : OK));
    const down = receiver('down');
    const ops = receiver('ops');
    notifier.notify(firing, [down, ops]);
    notifier.notify(other('al-2'), [down, ops]);

    await until(() => expect(log).toHaveLength(2));
    expect(log).toEqual([
      record(firing, 'ops', { attempt: 1, at: t(0), outcome: 'delivered', status: 200 }),
      record(other('al-2'), 'ops', { attempt: 1, at: t(0), outcome: 'delivered', status: 200 }),
    ]);
    // The hanging receiver has its first request and holds its second back; no simulated time passed.
    expect(received.filter((r) => r.path === '/down').map((r) => r.body.alert_id)).toEqual(['al-1']);
  });

  it('keeps the same receiver_id of two brands in separate lanes', async () => {
    const { notifier, port, log } = await setup((path) => (path === '/acme' ? 'hang' : OK));
    const receiverAt = (path: string): AlertReceiver => ({
      receiver_id: 'ops',
      url: `http://127.0.0.1:${port}${path}`,
      format: 'json',
    });
    notifier.notify(firing, [receiverAt('/acme')]);
    const globex = { ...firing, brand_id: 'globex' };
    notifier.notify(globex, [receiverAt('/globex')]);

    await until(() => expect(log).toHaveLength(1));
    expect(log[0]).toEqual(
      record(globex, 'ops', { attempt: 1, at: t(0), outcome: 'delivered', status: 200 }),
    );
  });

  it('gives up the oldest waiting notification when a lane is full, and says so', async () => {
    const { notifier, receiver, received, log, time } = await setup(() => UNAVAILABLE, {
      maxQueuePerReceiver: 2,
    });
    const ops = receiver('ops');
    notifier.notify(firing, [ops]);
    await until(() => expect(log).toHaveLength(1)); // al-1 now waits out its backoff

    notifier.notify(other('al-2'), [ops]);
    notifier.notify(other('al-3'), [ops]);
    expect(log[1]).toEqual(
      record(firing, 'ops', {
        attempt: 1,
        at: t(0),
        outcome: 'gave_up',
        error: 'queue full: over 2 pending for this receiver',
        give_up_reason: 'queue_full',
      }),
    );
    expect(time.pending()).toEqual([t(1)]); // the lane still waits out the backoff before al-2

    time.advance(1000);
    await until(() => expect(log).toHaveLength(3));
    expect(log[2]).toMatchObject({ alert_id: 'al-2', attempt: 1, at: t(1), outcome: 'failed' });
    expect(received.map((r) => r.body.alert_id)).toEqual(['al-1', 'al-2']);
  });

  it('spares the notification in flight when a lane overflows', async () => {
    const { notifier, receiver, received, log } = await setup(() => 'hang', { maxQueuePerReceiver: 2 });
    const ops = receiver('ops');
    notifier.notify(firing, [ops]);
    await until(() => expect(received).toHaveLength(1));

    notifier.notify(other('al-2'), [ops]);
    notifier.notify(other('al-3'), [ops]);
    expect(log).toEqual([
      record(other('al-2'), 'ops', {
        attempt: 0,
        at: t(0),
        outcome: 'gave_up',
        error: 'queue full: over 2 pending for this receiver',
        give_up_reason: 'queue_full',
      }),
    ]);
    expect(notifier.close().map((u) => [u.notification.alert_id, u.attempts])).toEqual([
      ['al-1', 1],
      ['al-3', 0],
    ]);
  });

  it('gives up a notification once its next retry would pass the give-up age', async () => {
    const backoff = { initialMs: 1000, factor: 2, maxDelayMs: 4000, giveUpAfterMs: 10_000 };
    const { notifier, receiver, log, time } = await setup(() => UNAVAILABLE, { backoff });
    notifier.notify(firing, [receiver('ops')]);

    const failed = { outcome: 'failed', status: 503, error: 'HTTP 503: unavailable' } as const;
    await until(() => expect(log).toHaveLength(1));
    time.advance(1000);
    await until(() => expect(log).toHaveLength(2));
    time.advance(2000);
    await until(() => expect(log).toHaveLength(3));
    time.advance(4000);
    await until(() => expect(log).toHaveLength(4));
    expect(log).toEqual([
      record(firing, 'ops', { attempt: 1, at: t(0), ...failed, next_attempt_at: t(1) }),
      record(firing, 'ops', { attempt: 2, at: t(1), ...failed, next_attempt_at: t(3) }),
      record(firing, 'ops', { attempt: 3, at: t(3), ...failed, next_attempt_at: t(7) }),
      // t(7) + 4 s would be past t(10)
      record(firing, 'ops', {
        attempt: 4,
        at: t(7),
        ...failed,
        outcome: 'gave_up',
        give_up_reason: 'expired',
      }),
    ]);
    expect(time.pending()).toEqual([]);
  });

  it('posts Slack and JSON bodies as application/json with its user agent', async () => {
    const { notifier, receiver, received, log } = await setup(() => OK);
    const hostile = { ...firing, subject: '<!channel> & co' };
    notifier.notify(hostile, [receiver('slack', 'slack'), receiver('ops', 'json')]);

    await until(() => expect(log).toHaveLength(2));
    const byPath = new Map(received.map((r) => [r.path, r]));
    for (const r of received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toBe('signalroom-alerts/1');
    }
    expect(byPath.get('/slack')?.body).toEqual(slackPayload(hostile));
    expect(byPath.get('/slack')?.body.blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            ':rotating_light: *FIRING* · critical · roi_drop `roi-floor` on *&lt;!channel&gt; &amp; co*\n' +
            'ROI fell to -35% over 15 minutes\n' +
            'Value -0.35 vs threshold 0.2\n' +
            '<https://signalroom.example/alerts/al-1|Open the alert>',
        },
      },
    ]);
    expect(byPath.get('/ops')?.body).toEqual({ ...hostile, version: 1 });
  });

  it('returns from notify() at once, without throwing, when every receiver is down', async () => {
    const gone = await startReceiver(() => OK);
    await gone.close(); // nothing listens on its port now
    const time = simulatedTime(T0);
    const log: DeliveryRecord[] = [];
    const notifier = createNotifier({
      fetch: globalThis.fetch,
      clock: time.clock,
      schedule: time.schedule,
      onDelivery: (r) => log.push(r),
    });
    cleanups.push(() => void notifier.close());

    expect(notifier.notify(firing, [gone.receiver('a'), gone.receiver('b')])).toBeUndefined();
    expect(log).toEqual([]); // nothing happened yet: the attempts run after notify() returned

    await until(() => expect(log).toHaveLength(2));
    const refused = {
      attempt: 1,
      at: t(0),
      outcome: 'failed',
      error: `fetch failed: connect ECONNREFUSED 127.0.0.1:${gone.port}`,
      next_attempt_at: t(1),
    } as const;
    expect(log).toEqual([record(firing, 'a', refused), record(firing, 'b', refused)]);
  });

  it('keeps delivering when the delivery log itself throws', async () => {
    const server = await startReceiver(() => OK);
    const time = simulatedTime(T0);
    let calls = 0;
    const notifier = createNotifier({
      fetch: globalThis.fetch,
      clock: time.clock,
      schedule: time.schedule,
      onDelivery: () => {
        calls += 1;
        throw new Error('log is down');
      },
    });
    cleanups.push(server.close, () => void notifier.close());

    expect(() => notifier.notify(firing, [server.receiver('ops')])).not.toThrow();
    expect(() => notifier.notify(resolved, [server.receiver('ops')])).not.toThrow();
    await until(() => expect(calls).toBe(2));
    expect(server.received.map((r) => r.body.state)).toEqual(['firing', 'resolved']);
  });

  it('close() cancels timers, aborts the request in flight and returns what is undelivered', async () => {
    const { notifier, receiver, received, abandoned, log, time } = await setup((path) =>
      path === '/down' ? 'hang' : UNAVAILABLE,
    );
    const ops = receiver('ops');
    const down = receiver('down');
    notifier.notify(firing, [ops, down]);
    notifier.notify(other('al-2'), [ops]);
    await until(() => expect(log).toHaveLength(1)); // ops failed once and waits out its backoff
    await until(() => expect(received).toHaveLength(2)); // down holds its request

    expect(notifier.close()).toEqual([
      { notification: firing, receiver: ops, attempts: 1 },
      { notification: other('al-2'), receiver: ops, attempts: 0 },
      { notification: firing, receiver: down, attempts: 1 },
    ]);
    expect(time.pending()).toEqual([]); // the backoff and the 10 s timeout are both gone
    await until(() => expect(abandoned).toEqual(['/down']));

    time.advance(3_600_000);
    notifier.notify(resolved, [ops]);
    expect(log.slice(1)).toEqual([
      record(resolved, 'ops', {
        attempt: 0,
        at: t(3600),
        outcome: 'gave_up',
        error: 'the notifier is closed',
        give_up_reason: 'closed',
      }),
    ]);
    expect(received).toHaveLength(2);
  });
});
