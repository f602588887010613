// Delivers generated requests and keeps the books. A request the server could
// not take right now (503/429/502/504, or a network error) is kept and sent
// again later with the very same body, so its messageIds / webhook id let
// ingest deduplicate it: never lost, never counted twice. Any other refusal is
// a bug in the generator: counted as failed and reported, never retried.
import type { OutgoingRequest } from './segment';

export type Send = (request: Request) => Promise<Response>;

/** The server refused a generated request for good; a retry cannot help. */
export class DemoDeliveryError extends Error {
  override name = 'DemoDeliveryError';
  readonly retriable = false;
  constructor(
    readonly status: number,
    readonly url: string,
    readonly detail: string,
  ) {
    super(`demo traffic: ${url} answered ${status}: ${detail}`);
  }
}

/** Stopping gave up on requests still waiting for the server. */
export class DemoDrainError extends Error {
  override name = 'DemoDrainError';
  readonly retriable = true;
  constructor(readonly pendingEvents: number) {
    super(`demo traffic: stopped with ${pendingEvents} events not yet accepted by the server`);
  }
}

export interface DeliveryStats {
  /** Events handed to the server at least once (each counted once however often it is retried). */
  sent: number;
  /** Events in requests the server answered with 2xx. */
  accepted: number;
  /** Events the server refused for good: a 4xx or 500, or calls a 2xx batch answer lists as `rejected`. */
  failed: number;
  /** Sent, neither accepted nor failed yet: in flight or waiting to be retried. */
  pending: number;
  /** Sent events by call: `page`, `identify`, the track event name, or `shopify orders/create`. */
  byType: Record<string, number>;
}

export interface DeliveryOptions {
  send: Send;
  /** Milliseconds now, from the injected clock. */
  now: () => number;
  onError: (error: unknown) => void;
}

interface Parcel {
  request: OutgoingRequest;
  events: number;
  attempts: number;
  retryAt: number;
}

const RETRIABLE_STATUS = new Set([429, 502, 503, 504]);
const MAX_RETRY_DELAY_MS = 60_000;

export interface Delivery {
  submit(request: OutgoingRequest, labels: readonly string[]): void;
  /** Sends again every waiting request whose time has come. */
  retryDue(): void;
  inFlight(): number;
  /** Events waiting for a retry. */
  waitingEvents(): number;
  /** When the earliest waiting request may be sent again (ms), if any. */
  nextRetryAt(): number | undefined;
  /** Resolves when every request in flight has been answered (or failed). */
  settled(): Promise<void>;
  stats(): DeliveryStats;
}

export function createDelivery(options: DeliveryOptions): Delivery {
  const { send, now, onError } = options;
  const inFlight = new Set<Promise<void>>();
  let waiting: Parcel[] = [];
  const counts = { sent: 0, accepted: 0, failed: 0 };
  const byType: Record<string, number> = {};

  const retryLater = (parcel: Parcel, delayMs: number) => {
    parcel.retryAt = now() + Math.min(Math.max(delayMs, 0), MAX_RETRY_DELAY_MS);
    waiting.push(parcel);
  };
  const backoff = (attempts: number) => Math.min(500 * 2 ** (attempts - 1), 30_000);

  const attempt = async (parcel: Parcel): Promise<void> => {
    parcel.attempts += 1;
    const { url, headers, body } = parcel.request;
    let response: Response;
    try {
      response = await send(new Request(url, { method: 'POST', headers, body }));
    } catch {
      // Network error (server down, connection reset): the request may or may not have
      // landed; resending the same ids is safe because ingest deduplicates them.
      retryLater(parcel, backoff(parcel.attempts));
      return;
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      // A batch may be accepted in part: the tracking API lists refused calls in `rejected`.
      const refused = Math.min(rejectedCalls(text), parcel.events);
      counts.accepted += parcel.events - refused;
      if (refused > 0) {
        counts.failed += refused;
        onError(
          new DemoDeliveryError(response.status, url, `${refused} call(s) refused: ${text.slice(0, 500)}`),
        );
      }
    } else if (RETRIABLE_STATUS.has(response.status)) {
      retryLater(
        parcel,
        retryAfterMs(response.headers.get('retry-after'), now()) ?? backoff(parcel.attempts),
      );
    } else {
      counts.failed += parcel.events;
      onError(new DemoDeliveryError(response.status, url, text.slice(0, 500)));
    }
  };

  const dispatch = (parcel: Parcel) => {
    const pending = attempt(parcel).finally(() => inFlight.delete(pending));
    inFlight.add(pending);
  };

  return {
    submit(request, labels) {
      counts.sent += labels.length;
      for (const label of labels) byType[label] = (byType[label] ?? 0) + 1;
      dispatch({ request, events: labels.length, attempts: 0, retryAt: 0 });
    },
    retryDue() {
      const time = now();
      const due = waiting.filter((parcel) => parcel.retryAt <= time);
      if (due.length === 0) return;
      waiting = waiting.filter((parcel) => parcel.retryAt > time);
      for (const parcel of due) dispatch(parcel);
    },
    inFlight: () => inFlight.size,
    waitingEvents: () => waiting.reduce((sum, parcel) => sum + parcel.events, 0),
    nextRetryAt: () =>
      waiting.reduce<number | undefined>(
        (soonest, parcel) => Math.min(soonest ?? parcel.retryAt, parcel.retryAt),
        undefined,
      ),
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    stats: () => ({
      ...counts,
      pending: counts.sent - counts.accepted - counts.failed,
      byType: { ...byType },
    }),
  };
}

/** How many calls a 2xx answer lists as refused (`{ rejected: [...] }`); 0 for any other body. */
function rejectedCalls(body: string): number {
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'rejected' in parsed &&
      Array.isArray(parsed.rejected)
    ) {
      return parsed.rejected.length;
    }
  } catch {
    // Not JSON: a plain 2xx accepts the whole request.
  }
  return 0;
}

/** `Retry-After` as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday and month; anything else (e.g. "-3") is junk, not a date.
  if (!/^[A-Za-z]{3}, /.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(date - nowMs, 0);
}
