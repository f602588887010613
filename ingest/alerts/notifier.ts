// Delivers alert notifications to a brand's webhook receivers.
//
// notify() only queues and returns: it never awaits the network and never
// throws, so the pipeline never waits on a receiver. Each receiver (brand +
// receiver_id) has its own lane: a FIFO queue with one request in flight, so
// a resolve never overtakes its firing, and a receiver that is down delays
// only its own lane. Failures are retried per retry-policy.ts; the lane waits
// out the backoff before trying its next notification.
//
// Every attempt and every give-up goes to `onDelivery`, the delivery log:
// nothing is dropped without a record. A lane holds at most
// `maxQueuePerReceiver` notifications; past that, its oldest one not in
// flight is given up (`queue_full`).
//
// Delivery is at least once: a receiver that took the request but answered
// too late is sent it again. Nothing here survives a restart: close()
// returns what is still undelivered, and persisting and re-notifying it is
// the caller's job.
import type { AlertNotification, AlertReceiver } from '../../src/lib/shared/alert-rules';
import type { AlertDelivery } from '../../src/lib/shared/model';
import { payloadFor } from './payloads';
import {
  DEFAULT_BACKOFF,
  classifyResponse,
  retryDelayMs,
  type AttemptResult,
  type BackoffPolicy,
} from './retry-policy';

export type GiveUpReason =
  /** The receiver refused it for good (3xx, or 4xx other than 408/429). */
  | 'rejected'
  /** Still failing when the next retry would pass `giveUpAfterMs`. */
  | 'expired'
  /** Pushed out of a full lane by newer notifications. */
  | 'queue_full'
  /** notify() after close(). */
  | 'closed';

/** One line of the delivery log (stored as the brand's alert_deliveries). */
export type DeliveryRecord = AlertDelivery;

/** A notification close() found undelivered. */
export interface Undelivered {
  notification: AlertNotification;
  receiver: AlertReceiver;
  /** Attempts already made (an in-flight one included). */
  attempts: number;
}

export type Cancel = () => void;

export interface NotifierDeps {
  fetch: typeof globalThis.fetch;
  clock: () => Date;
  /** Runs `fn` after `ms`; the seam tests drive simulated time through. */
  schedule: (ms: number, fn: () => void) => Cancel;
  /** The delivery log; must not throw (if it does, delivery carries on regardless). */
  onDelivery: (record: DeliveryRecord) => void;
}

export interface NotifierOptions {
  /** A request with no complete answer after this is aborted and retried. */
  timeoutMs: number;
  backoff: BackoffPolicy;
  maxQueuePerReceiver: number;
}

export const DEFAULT_NOTIFIER_OPTIONS: Readonly<NotifierOptions> = {
  timeoutMs: 10_000,
  backoff: DEFAULT_BACKOFF,
  maxQueuePerReceiver: 100,
};

export interface Notifier {
  notify(notification: AlertNotification, receivers: readonly AlertReceiver[]): void;
  close(): Undelivered[];
}

/** How much of a failing receiver's body goes into the log. */
const MAX_DETAIL_CHARS = 200;
const USER_AGENT = 'signalroom-alerts/1';

interface Entry {
  notification: AlertNotification;
  receiver: AlertReceiver;
  enqueuedMs: number;
  attempts: number;
}

interface Lane {
  entries: Entry[];
  /** Aborts the request in flight for entries[0] and cancels its timeout. */
  inFlight: Cancel | null;
  /** The backoff the lane is waiting out. */
  timer: Cancel | null;
}

export const defaultSchedule = (ms: number, fn: () => void): Cancel => {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
};

export function createNotifier(deps: NotifierDeps, options: Partial<NotifierOptions> = {}): Notifier {
  const { timeoutMs, backoff, maxQueuePerReceiver } = { ...DEFAULT_NOTIFIER_OPTIONS, ...options };
  const lanes = new Map<string, Lane>();
  let closed = false;

  const nowMs = () => deps.clock().getTime();
  const iso = (ms: number) => new Date(ms).toISOString();

  function log(
    entry: Entry,
    fields: Omit<DeliveryRecord, 'brand_id' | 'alert_id' | 'receiver_id' | 'state'>,
  ) {
    const { brand_id, alert_id, state } = entry.notification;
    try {
      deps.onDelivery({ brand_id, alert_id, receiver_id: entry.receiver.receiver_id, state, ...fields });
    } catch {
      // A broken log sink must not stop delivery (see NotifierDeps.onDelivery).
    }
  }

  function giveUp(entry: Entry, reason: GiveUpReason, status: number | null, error: string) {
    log(entry, {
      attempt: entry.attempts,
      at: iso(nowMs()),
      outcome: 'gave_up',
      status,
      error,
      give_up_reason: reason,
      next_attempt_at: null,
    });
  }

  function notify(notification: AlertNotification, receivers: readonly AlertReceiver[]): void {
    for (const receiver of receivers) {
      const entry: Entry = { notification, receiver, enqueuedMs: nowMs(), attempts: 0 };
      if (closed) {
        giveUp(entry, 'closed', null, 'the notifier is closed');
        continue;
      }
      // receiver_id is unique within a brand only.
      const key = `${notification.brand_id}\u0000${receiver.receiver_id}`;
      let lane = lanes.get(key);
      if (!lane) {
        lane = { entries: [], inFlight: null, timer: null };
        lanes.set(key, lane);
      }
      lane.entries.push(entry);
      if (lane.entries.length > maxQueuePerReceiver) {
        // The head in flight stays (its answer is on the way); the lane's backoff timer stays too,
        // so the next notification still waits it out.
        const [dropped] = lane.entries.splice(lane.inFlight ? 1 : 0, 1);
        if (dropped)
          giveUp(
            dropped,
            'queue_full',
            null,
            `queue full: over ${maxQueuePerReceiver} pending for this receiver`,
          );
      }
      run(key, lane);
    }
  }

  function run(key: string, lane: Lane): void {
    if (closed || lane.inFlight || lane.timer) return;
    const entry = lane.entries[0];
    if (!entry) {
      lanes.delete(key);
      return;
    }
    void attempt(key, lane, entry);
  }

  async function attempt(key: string, lane: Lane, entry: Entry): Promise<void> {
    const controller = new AbortController();
    entry.attempts += 1;
    let timedOut = false;
    const cancelTimeout = deps.schedule(timeoutMs, () => {
      timedOut = true;
      controller.abort();
    });
    lane.inFlight = () => {
      cancelTimeout();
      controller.abort();
    };
    const result = await send(entry, controller.signal, () => timedOut);
    cancelTimeout();
    if (closed) return; // close() aborted it and returned the entry as undelivered
    lane.inFlight = null;
    settle(key, lane, entry, result);
  }

  async function send(entry: Entry, signal: AbortSignal, timedOut: () => boolean): Promise<AttemptResult> {
    try {
      const response = await deps.fetch(entry.receiver.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
        body: JSON.stringify(payloadFor(entry.receiver.format, entry.notification)),
        signal,
        redirect: 'manual',
      });
      if (response.ok) {
        await response.body?.cancel();
        return { kind: 'delivered', status: response.status };
      }
      const detail = (await response.text()).trim().slice(0, MAX_DETAIL_CHARS);
      return classifyResponse(response.status, response.headers.get('retry-after'), detail, nowMs());
    } catch (error) {
      const text = timedOut() ? `timed out after ${timeoutMs} ms` : describe(error);
      return { kind: 'retriable', status: null, error: text, retryAfterMs: null };
    }
  }

  function settle(key: string, lane: Lane, entry: Entry, result: AttemptResult): void {
    const now = nowMs();
    const base = { attempt: entry.attempts, at: iso(now), status: result.status };
    if (result.kind === 'delivered') {
      log(entry, { ...base, outcome: 'delivered', error: null, give_up_reason: null, next_attempt_at: null });
    } else if (result.kind === 'permanent') {
      log(entry, {
        ...base,
        outcome: 'gave_up',
        error: result.error,
        give_up_reason: 'rejected',
        next_attempt_at: null,
      });
    } else {
      const delay = retryDelayMs(entry.attempts, result.retryAfterMs, backoff);
      if (now + delay <= entry.enqueuedMs + backoff.giveUpAfterMs) {
        log(entry, {
          ...base,
          outcome: 'failed',
          error: result.error,
          give_up_reason: null,
          next_attempt_at: iso(now + delay),
        });
        lane.timer = deps.schedule(delay, () => {
          lane.timer = null;
          run(key, lane);
        });
        return;
      }
      log(entry, {
        ...base,
        outcome: 'gave_up',
        error: result.error,
        give_up_reason: 'expired',
        next_attempt_at: null,
      });
    }
    // Delivered or given up: the next notification goes at once.
    lane.entries.shift();
    run(key, lane);
  }

  function close(): Undelivered[] {
    closed = true;
    const undelivered: Undelivered[] = [];
    for (const lane of lanes.values()) {
      lane.timer?.();
      lane.inFlight?.();
      for (const { notification, receiver, attempts } of lane.entries)
        undelivered.push({ notification, receiver, attempts });
    }
    lanes.clear();
    return undelivered;
  }

  return { notify, close };
}

/** fetch's own errors say little ("fetch failed"); the cause says what happened. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
