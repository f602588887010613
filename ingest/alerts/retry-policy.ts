// When a delivery attempt is retried, and how long after.
//
//   2xx                   delivered
//   408, 429, 5xx         retriable (the receiver is busy or down)
//   network error, timeout retriable
//   3xx                   permanent: the request is not followed, so a moved
//                         receiver fails loudly instead of a POST turning into a GET
//   other 4xx             permanent: the same request will be refused again
//
// Backoff: 1 s, 2 s, 4 s, ... doubling, capped at 5 min, for as long as the
// notification is younger than an hour (counted from notify(), so time spent
// queued behind another notification counts too). An alert an hour late no
// longer helps whoever is on call, and the alert itself is on the dashboard;
// the give-up is in the delivery log. With the defaults that is 20 attempts,
// the last at 58.5 min. An age rather than an attempt count bounds what
// on-call staff can miss, however the delays add up.
// A Retry-After (seconds or an HTTP date) stretches the delay, never shortens
// it below the backoff (a `Retry-After: 0` must not make a hot loop), and is
// bounded by the same cap. No jitter: each receiver is its own URL with one
// request in flight, so there is no herd to spread.

export interface BackoffPolicy {
  /** The delay after the first failed attempt. */
  initialMs: number;
  /** Each further failure multiplies the delay by this. */
  factor: number;
  /** No delay, Retry-After included, is longer than this. */
  maxDelayMs: number;
  /** A notification older than this (since notify()) is given up instead of retried. */
  giveUpAfterMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = {
  initialMs: 1_000,
  factor: 2,
  maxDelayMs: 5 * 60_000,
  giveUpAfterMs: 60 * 60_000,
};

export type AttemptResult =
  | { kind: 'delivered'; status: number }
  | { kind: 'retriable'; status: number | null; error: string; retryAfterMs: number | null }
  | { kind: 'permanent'; status: number; error: string };

/** Classifies a receiver's answer; `detail` is the start of its body, for the log. */
export function classifyResponse(
  status: number,
  retryAfter: string | null,
  detail: string,
  nowMs: number,
): AttemptResult {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const error = detail === '' ? `HTTP ${status}` : `HTTP ${status}: ${detail}`;
  if (status === 408 || status === 429 || status >= 500)
    return { kind: 'retriable', status, error, retryAfterMs: parseRetryAfter(retryAfter, nowMs) };
  return { kind: 'permanent', status, error };
}

/** Retry-After as a delay: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date always ends in GMT; Date.parse alone would take '-5' for a year.
  const date = /GMT$/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** The delay before the next attempt, after `failedAttempts` (≥ 1) attempts failed. */
export function retryDelayMs(
  failedAttempts: number,
  retryAfterMs: number | null,
  policy: BackoffPolicy,
): number {
  const backoff = policy.initialMs * policy.factor ** (failedAttempts - 1);
  return Math.min(Math.max(backoff, retryAfterMs ?? 0), policy.maxDelayMs);
}
