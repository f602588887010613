// What the warehouse holds, read the way a brand reads it: through the
// dashboard role's read API with the brand's read key. Used after a fault to
// compare with what the load generator was answered 2xx for.
import { expect } from 'vitest';
import type { KpiMinute, Profile } from '../../../src/lib/shared/model';
import type { BrandTotals } from '../load';
import type { BrandKeys } from './fault-system';
import type { StatusBody as Status } from '../../../src/lib/server/api/responses';

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export async function readApi<T>(baseUrl: string, path: string, readKey: string): Promise<ApiAnswer<T>> {
  const response = await fetch(`${baseUrl}/api${path}`, {
    headers: { authorization: `Bearer ${readKey}` },
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Polls `read` until `settled` accepts its value; returns the last value
 * either way, so the caller's assertion fails with the real numbers when the
 * bound (only there so a failure fails instead of hanging) runs out.
 */
export async function settle<T>(
  read: () => Promise<T>,
  settled: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && settled(value)) return value;
    // Out of time: one last read, whose value (or error) the caller's assertion shows.
    if (Date.now() > deadline) return read();
    await sleep(250);
  }
}

/** Waits until the processor has caught up with the brand (nothing pending, at least `events` processed). */
export async function caughtUp(dashboardUrl: string, brand: BrandKeys, events: number, timeoutMs = 90_000) {
  const answer = await settle(
    () => readApi<Status>(dashboardUrl, '/v1/status', brand.read_key),
    ({ status, body }) => status === 200 && body.pending === 0 && body.processed >= events,
    timeoutMs,
  );
  expect(answer.status, `status of ${brand.brand_id}`).toBe(200);
  return answer.body;
}

export interface KpiSums {
  events: number;
  purchases: number;
  revenue: number;
}

export async function kpiMinutes(
  dashboardUrl: string,
  brand: BrandKeys,
  fromMs: number,
): Promise<KpiMinute[]> {
  const from = new Date(Math.floor(fromMs / 60_000) * 60_000).toISOString();
  const to = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 120_000).toISOString();
  const answer = await readApi<{ minutes: KpiMinute[] }>(
    dashboardUrl,
    `/v1/kpis?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    brand.read_key,
  );
  expect(answer.status, `kpis of ${brand.brand_id}`).toBe(200);
  return answer.body.minutes;
}

export function sumKpis(minutes: readonly KpiMinute[]): KpiSums {
  return minutes.reduce(
    (sum, minute) => ({
      events: sum.events + minute.events,
      purchases: sum.purchases + minute.purchases,
      revenue: sum.revenue + minute.revenue,
    }),
    { events: 0, purchases: 0, revenue: 0 },
  );
}

/**
 * The warehouse has exactly what was accepted for each brand: processed
 * count, KPI sums (events, purchases, revenue), and for every person one
 * profile with their event count, orders and revenue. Another brand's read
 * key finds none of it.
 */
export async function expectExactTotals(
  dashboardUrl: string,
  brands: readonly BrandKeys[],
  accepted: ReadonlyMap<string, BrandTotals>,
  loadStartedMs: number,
): Promise<void> {
  for (const brand of brands) {
    const expected = accepted.get(brand.brand_id)!;
    const status = await caughtUp(dashboardUrl, brand, expected.events);
    expect(
      { processed: status.processed, rejected: status.rejected, pending: status.pending },
      `status of ${brand.brand_id}`,
    ).toEqual({ processed: expected.events, rejected: 0, pending: 0 });

    const sums = sumKpis(await kpiMinutes(dashboardUrl, brand, loadStartedMs));
    expect(sums, `KPI sums of ${brand.brand_id}`).toEqual({
      events: expected.events,
      purchases: expected.purchases,
      revenue: expected.revenue,
    });

    const profileIds = new Set<string>();
    for (const [userId, person] of expected.people) {
      const answer = await readApi<{ profile: Profile }>(
        dashboardUrl,
        `/v1/profiles/lookup?identifier=${encodeURIComponent(`user_id:${userId}`)}`,
        brand.read_key,
      );
      expect(answer.status, `profile of ${userId}`).toBe(200);
      const { profile } = answer.body;
      expect(
        { events: profile.event_count, orders: profile.orders, revenue: profile.revenue },
        `profile of ${userId}`,
      ).toEqual(person);
      profileIds.add(profile.profile_id);
    }
    // One profile per person: none split, none merged with another.
    expect(profileIds.size, `distinct profiles of ${brand.brand_id}`).toBe(expected.people.size);
  }

  // Tenancy: a brand's read key finds nothing of another brand's people.
  const [first, second] = brands;
  if (first && second) {
    const someone = [...accepted.get(first.brand_id)!.people.keys()][0]!;
    const answer = await readApi<unknown>(
      dashboardUrl,
      `/v1/profiles/lookup?identifier=${encodeURIComponent(`user_id:${someone}`)}`,
      second.read_key,
    );
    expect(answer.status, `${second.brand_id} looking up ${first.brand_id}'s ${someone}`).toBe(404);
  }
}
