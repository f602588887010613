// Two ways of offering load to the ingest:
//   steady     open loop: batch j goes out at start + j·batch/rate, whatever the
//              answers do (up to `maxInFlight` requests; beyond that the
//              schedule slips and the achieved rate says so);
//   saturate   closed loop: `concurrency` requests back to back, held back only
//              while the processor's backlog exceeds `maxBacklog` events, so the
//              processor is never idle and the backlog never runs away.
// Brands take turns, batch by batch.
import type { LiveLatency } from './live-latency';
import { sleep } from './processes';
import { postBatch, trackingCall, type BenchBrand } from './traffic';

export interface DriveResult {
  phase: string;
  seconds: number;
  sentEvents: number;
  acceptedEvents: number;
  requests: number;
  /** Non-2xx answers by status (0: the request failed). */
  failures: Record<number, number>;
  /** Request durations, ms. */
  requestMs: number[];
}

export interface Traffic {
  ingestUrl: string;
  brands: readonly BenchBrand[];
  batchSize: number;
  live: LiveLatency;
  /** Next call index per brand (messageIds stay unique across phases). */
  next: Map<string, number>;
  /** Events answered 2xx over all phases. */
  accepted: { events: number };
}

function createSender(traffic: Traffic, result: DriveResult) {
  let turn = 0;
  return async function sendOne(): Promise<void> {
    const brand = traffic.brands[turn++ % traffic.brands.length]!;
    const first = traffic.next.get(brand.brand_id) ?? 0;
    traffic.next.set(brand.brand_id, first + traffic.batchSize);
    const now = new Date();
    const calls = Array.from({ length: traffic.batchSize }, (_, k) =>
      trackingCall(brand.brand_id, first + k, now),
    );
    const mark = traffic.live.sending(brand.brand_id, calls.length, result.phase);
    result.sentEvents += calls.length;
    result.requests += 1;
    const outcome = await postBatch(traffic.ingestUrl, brand, calls);
    result.requestMs.push(outcome.durationMs);
    if (outcome.status >= 200 && outcome.status < 300) {
      mark.answered();
      result.acceptedEvents += calls.length;
      traffic.accepted.events += calls.length;
    } else {
      mark.failed();
      result.failures[outcome.status] = (result.failures[outcome.status] ?? 0) + 1;
    }
  };
}

function emptyResult(phase: string): DriveResult {
  return { phase, seconds: 0, sentEvents: 0, acceptedEvents: 0, requests: 0, failures: {}, requestMs: [] };
}

export async function driveSteady(
  traffic: Traffic,
  options: { phase: string; rate: number; seconds: number; maxInFlight?: number },
): Promise<DriveResult> {
  const result = emptyResult(options.phase);
  const sendOne = createSender(traffic, result);
  const maxInFlight = options.maxInFlight ?? 64;
  const intervalMs = (traffic.batchSize / options.rate) * 1000;
  const started = performance.now();
  const endAt = started + options.seconds * 1000;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  while (performance.now() < endAt) {
    const due = Math.floor((performance.now() - started) / intervalMs) + 1;
    while (sent < due && inFlight.size < maxInFlight) {
      const request = sendOne().finally(() => inFlight.delete(request));
      inFlight.add(request);
      sent += 1;
    }
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    else await sleep(Math.max(1, started + sent * intervalMs - performance.now()));
  }
  result.seconds = (performance.now() - started) / 1000;
  await Promise.all(inFlight);
  return result;
}

export async function driveSaturated(
  traffic: Traffic,
  options: {
    phase: string;
    seconds: number;
    concurrency: number;
    maxBacklog: number;
    /** Events the processor has finished, over all phases (kept fresh by the caller's sampler). */
    processed: () => number;
  },
): Promise<DriveResult> {
  const result = emptyResult(options.phase);
  const sendOne = createSender(traffic, result);
  const started = performance.now();
  const endAt = started + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < endAt) {
      if (traffic.accepted.events - options.processed() > options.maxBacklog) {
        await sleep(20);
        continue;
      }
      await sendOne();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
