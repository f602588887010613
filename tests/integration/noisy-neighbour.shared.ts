// Noisy neighbours, the whole system in one process, run by a file per
// back-end pair (noisy-neighbour.embedded.test.ts, .production.test.ts).
// Brands share bus partitions, so a brand that floods the ingest would put
// its backlog ahead of everyone else's events. One brand ("flood") sends ten
// times the others' rate into a low rate limit while three quiet brands send
// steadily: the flood is refused with 429 + Retry-After and nothing refused is
// ever processed, and every quiet event is processed while the flood goes on,
// within the product's latency target, visible to its own brand only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineBackend } from './pipeline.shared';
import type { BrandCredentials } from '../../ingest/brands/types';
import { createLogger } from '../../ingest/log';
import { startSystem, type System } from '../../ingest/system';
import { loadConfig } from '../../src/lib/shared/config';
import type { KpiMinute } from '../../src/lib/shared/model';
import { basicAuth, getJson, postJson, waitFor } from '../support/http';
import type { StatusBody as Status } from '../../src/lib/server/api/responses';

/** Quiet brands: 10 events every 250 ms (40/s each); the flood: 100 every 250 ms (400/s), ten times as much. */
const TICK_MS = 250;
const TICKS = 16; // 4 s of traffic
const QUIET_BATCH = 10;
const FLOOD_BATCH = 100;
/** The flood's limit: a quarter of what it sends, so most of its batches are refused. */
const FLOOD_LIMIT = { events_per_second: 100, burst: 200 };
/**
 * The product's promise is that an accepted event is never held past the
 * latency target because another brand is busy: "live means live" (an event
 * shows within a second at normal load). 2 s at p99 leaves room for a noisy
 * 2-core machine running other tests; this is a promise being kept, not a
 * benchmark, so the bound is generous and only a queue behind the flood breaks it.
 */
const P99_TARGET_MS = 2_000;
const POLL_MS = 50;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function batchOf(brandId: string, tick: number, size: number): unknown[] {
  return Array.from({ length: size }, (_, i) => ({
    type: 'track',
    event: 'Product Viewed',
    messageId: `${brandId}-${tick}-${i}`,
    anonymousId: `${brandId}-shopper-${i}`,
    properties: { product_id: `sku-${i}`, category: 'Shoes', price: 20 },
  }));
}

interface Sent {
  /** Events the brand got a 2xx for, in the order it got them (per-brand order on the bus). */
  accepted: number;
  /** For each 2xx: when it came and how many of the brand's events were accepted by then. */
  acks: { at: number; acceptedSoFar: number }[];
  refusals: { retryAfter: string | null; body: unknown }[];
  otherStatuses: number[];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function noisyNeighbourSuite(name: string, makeBackend: () => Promise<PipelineBackend>): void {
  let dataDir: string;
  let system: System;
  let flood: BrandCredentials;
  let quietBrands: BrandCredentials[];

  let backend: PipelineBackend | undefined;

  beforeAll(async () => {
    backend = await makeBackend();
    dataDir = await mkdtemp(join(tmpdir(), 'signalroom-noisy-'));
    const config = loadConfig(
      { ...backend.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error' },
      [],
    );
    system = await startSystem({ config, log: createLogger('error') });
    flood = await system.brands.create('flood', 'Flood', { rate_limit: FLOOD_LIMIT });
    quietBrands = [];
    for (const id of ['quiet-1', 'quiet-2', 'quiet-3']) quietBrands.push(await system.brands.create(id, id));
  });

  afterAll(async () => {
    await system?.close();
    await rm(dataDir, { recursive: true, force: true });
    await backend?.cleanup?.();
  });

  async function status(credentials: BrandCredentials): Promise<Status> {
    const response = await getJson(`${system.url}/api/v1/status`, credentials.read_key);
    expect(response.status).toBe(200);
    return response.body as Status;
  }

  /**
   * Sends one batch per tick on a fixed schedule, one request at a time (so
   * the brand's events reach the bus in the order of their 2xx). A late tick is
   * sent at once rather than skipped: the loop is bounded by TICKS, not by time.
   */
  async function sendOnSchedule(brand: BrandCredentials, batchSize: number, startAt: number): Promise<Sent> {
    const sent: Sent = { accepted: 0, acks: [], refusals: [], otherStatuses: [] };
    for (let tick = 0; tick < TICKS; tick++) {
      const wait = startAt + tick * TICK_MS - Date.now();
      if (wait > 0) await sleep(wait);
      const response = await postJson(
        `${system.url}/v1/batch`,
        { batch: batchOf(brand.brand_id, tick, batchSize) },
        { authorization: basicAuth(brand.write_key) },
      );
      if (response.status === 200) {
        sent.accepted += (response.body as { accepted: number }).accepted;
        sent.acks.push({ at: Date.now(), acceptedSoFar: sent.accepted });
      } else if (response.status === 429) {
        // A flood does not honour Retry-After; it keeps to its schedule.
        sent.refusals.push({ retryAfter: response.headers.get('retry-after'), body: response.body });
      } else {
        sent.otherStatuses.push(response.status);
      }
    }
    return sent;
  }

  /**
   * Polls a brand's status, recording when each processed count was first seen,
   * until the brand has processed `target()` events (unknown while sending) or the deadline passes.
   */
  async function watchProcessed(
    brand: BrandCredentials,
    target: () => number | undefined,
    deadline: number,
  ): Promise<{ at: number; processed: number }[]> {
    const seen: { at: number; processed: number }[] = [{ at: Date.now(), processed: 0 }];
    while (Date.now() < deadline) {
      const { processed } = await status(brand);
      if (processed > seen.at(-1)!.processed) seen.push({ at: Date.now(), processed });
      const wanted = target();
      if (wanted !== undefined && processed >= wanted) break;
      await sleep(POLL_MS);
    }
    return seen;
  }

  describe(`a flooding brand next to quiet ones: ${name}`, () => {
    let floodSent: Sent;
    let quietSent: Sent[];
    let floodStartedAt: number;
    let floodEndedAt: number;
    let delaysMs: number[];
    let processedDuringFlood: number[];

    beforeAll(async () => {
      const startAt = Date.now() + 100;
      floodStartedAt = startAt;
      const deadline = startAt + TICKS * TICK_MS + 30_000;
      const totals = new Map<string, number>(); // set once a brand's sending is over
      const watchers = quietBrands.map((brand) =>
        watchProcessed(brand, () => totals.get(brand.brand_id), deadline),
      );
      const floodRun = sendOnSchedule(flood, FLOOD_BATCH, startAt).then((sent) => {
        floodEndedAt = Date.now();
        return sent;
      });
      quietSent = await Promise.all(
        quietBrands.map(async (brand) => {
          const sent = await sendOnSchedule(brand, QUIET_BATCH, startAt);
          totals.set(brand.brand_id, sent.accepted);
          return sent;
        }),
      );
      floodSent = await floodRun;
      const observed = await Promise.all(watchers);

      // An event's delay: from its 2xx to the first poll that showed its brand's
      // processed count covering it (per-brand order makes the count a cursor).
      delaysMs = [];
      processedDuringFlood = [];
      quietSent.forEach((sent, i) => {
        const seen = observed[i]!;
        let previous = 0;
        for (const ack of sent.acks) {
          const shown = seen.find((s) => s.processed >= ack.acceptedSoFar);
          const delay = shown ? Math.max(0, shown.at - ack.at) : Number.POSITIVE_INFINITY;
          for (let e = previous; e < ack.acceptedSoFar; e++) delaysMs.push(delay);
          previous = ack.acceptedSoFar;
        }
        processedDuringFlood.push(
          Math.max(0, ...seen.filter((s) => s.at <= floodEndedAt).map((s) => s.processed)),
        );
      });
    }, 60_000);

    it('refuses the flood with 429 and a whole-second Retry-After', () => {
      expect(floodSent.otherStatuses).toEqual([]);
      expect(floodSent.accepted).toBeGreaterThanOrEqual(FLOOD_LIMIT.burst);
      expect(floodSent.refusals.length).toBeGreaterThan(0);
      // However slow the machine made the requests, the flood got no more than its burst plus the rate over the time it sent.
      const sendingSeconds = (floodEndedAt - floodStartedAt) / 1000;
      expect(floodSent.accepted).toBeLessThanOrEqual(
        FLOOD_LIMIT.burst + FLOOD_LIMIT.events_per_second * sendingSeconds,
      );
      for (const refusal of floodSent.refusals) {
        expect(refusal.retryAfter).toMatch(/^[1-9]\d*$/);
        expect(refusal.body).toEqual({
          error: {
            code: 'rate_limited',
            message: `brand flood is over its limit of ${FLOOD_LIMIT.events_per_second} events/s; retry after ${refusal.retryAfter} s`,
          },
        });
      }
    });

    it('processes exactly what the flood got a 2xx for: refused events never reach the processor', async () => {
      const final = await waitFor('flood to catch up', async () => {
        const current = await status(flood);
        return current.pending === 0 && current.processed >= floodSent.accepted ? current : undefined;
      });
      // A refused batch published in part, or stored as rejections, would show up here.
      expect(final).toEqual({
        accepted: floodSent.accepted,
        processed: floodSent.accepted,
        rejected: 0,
        duplicates: 0,
        pending: 0,
      });
      const rejected = await getJson(`${system.url}/api/v1/rejected`, flood.read_key);
      expect(rejected.body).toEqual({ rejected: [] });
    });

    it('accepts every quiet request and processes every quiet event, during the flood', async () => {
      for (const [i, sent] of quietSent.entries()) {
        expect(sent.otherStatuses).toEqual([]);
        expect(sent.refusals).toEqual([]);
        expect(sent.accepted).toBe(TICKS * QUIET_BATCH);
        const final = await waitFor(`${quietBrands[i]!.brand_id} to catch up`, async () => {
          const current = await status(quietBrands[i]!);
          return current.pending === 0 && current.processed >= sent.accepted ? current : undefined;
        });
        expect(final).toEqual({
          accepted: sent.accepted,
          processed: sent.accepted,
          rejected: 0,
          duplicates: 0,
          pending: 0,
        });
        // Processed while the flood was still sending, not after it stopped.
        expect(processedDuringFlood[i]).toBeGreaterThan(0);
      }
    });

    it('processes quiet events within the latency target while the flood goes on', () => {
      expect(delaysMs).toHaveLength(quietBrands.length * TICKS * QUIET_BATCH);
      expect(delaysMs.every(Number.isFinite)).toBe(true);
      const p99 = percentile(delaysMs, 99);
      // Printed for the report; the assertion is the promise, the figure is for reading.
      process.stdout.write(
        `noisy neighbour: quiet delay p50 ${percentile(delaysMs, 50)} ms, p99 ${p99} ms, max ${Math.max(...delaysMs)} ms; ` +
          `flood accepted ${floodSent.accepted}, refused ${floodSent.refusals.length} requests\n`,
      );
      expect(p99).toBeLessThan(P99_TARGET_MS);
    });

    it("shows the quiet brands none of the flood's data", async () => {
      const from = new Date(Date.now() - 10 * 60_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const floodShopper = `identifier=${encodeURIComponent('anonymous_id:flood-shopper-0')}`;
      expect(
        (await getJson(`${system.url}/api/v1/profiles/lookup?${floodShopper}`, flood.read_key)).status,
      ).toBe(200);
      for (const brand of quietBrands) {
        const lookup = await getJson(`${system.url}/api/v1/profiles/lookup?${floodShopper}`, brand.read_key);
        expect(lookup.status).toBe(404);
        const kpis = await getJson(
          `${system.url}/api/v1/kpis?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
          brand.read_key,
        );
        const minutes = (kpis.body as { minutes: KpiMinute[] }).minutes;
        expect(minutes.every((row) => row.brand_id === brand.brand_id)).toBe(true);
        expect(minutes.reduce((sum, row) => sum + row.events, 0)).toBe(TICKS * QUIET_BATCH);
        // And the other way round: a quiet shopper is not the flood's.
        const quietShopper = `identifier=${encodeURIComponent(`anonymous_id:${brand.brand_id}-shopper-0`)}`;
        expect(
          (await getJson(`${system.url}/api/v1/profiles/lookup?${quietShopper}`, brand.read_key)).status,
        ).toBe(200);
        expect(
          (await getJson(`${system.url}/api/v1/profiles/lookup?${quietShopper}`, flood.read_key)).status,
        ).toBe(404);
      }
    });
  });
}
