// Latency from a batch's HTTP 2xx to the first Socket.IO `kpi` push that
// reflects it, per brand, the way a dashboard sees it.
//
// How "reflects" is decided: a brand's kpi pushes are whole rows per minute,
// so the sum of the latest `events` of each minute is the count of the
// brand's events processed so far. A batch is reflected once that count
// reaches the number of the brand's events whose requests had *started* when
// the batch was answered: every event of the batch is among them, and no
// event sent later can be ahead of it on the brand's partition. With one
// request per brand in flight the bound is exact; with overlapping requests
// it waits for the overlap too (overlaps are counted and reported).
import { io, type Socket } from 'socket.io-client';
import type { LiveListeners } from '../../src/lib/shared/live';
import { SOCKET_PATH } from '../../src/lib/shared/live';
import type { KpiMinute } from '../../src/lib/shared/model';
import type { BenchBrand } from './traffic';

interface Waiting {
  threshold: number;
  answeredAt: number;
  phase: string;
}

interface BrandTrack {
  started: number;
  inFlight: number;
  waiting: Waiting[];
  /** minute → the latest events count pushed for it. */
  minutes: Map<string, number>;
  reflected: number;
}

export interface LiveLatency {
  /** Before a request: its events count as sent. Returns what to call on its 2xx. */
  sending(brandId: string, events: number, phase: string): { answered(): void; failed(): void };
  /** Latencies (ms) of the batches answered in `phase` and reflected so far. */
  latencies(phase: string): number[];
  /** Batches answered in `phase` and not yet reflected. */
  unreflected(phase: string): number;
  /** Batches answered while another request of the same brand was in flight. */
  overlapped(phase: string): number;
  /** The events count the brand's kpi pushes add up to. */
  reflected(brandId: string): number;
  close(): void;
}

export async function connectLiveLatency(
  dashboardUrl: string,
  brands: readonly BenchBrand[],
): Promise<LiveLatency> {
  const tracks = new Map<string, BrandTrack>();
  const done = new Map<string, number[]>();
  const overlaps = new Map<string, number>();
  const sockets: Socket<LiveListeners>[] = [];

  function onKpi(brandId: string, row: KpiMinute): void {
    const at = performance.now();
    const track = tracks.get(brandId)!;
    if (row.brand_id !== brandId) throw new Error(`brand ${brandId}'s socket got ${row.brand_id}'s kpi`);
    track.minutes.set(row.minute, Math.max(track.minutes.get(row.minute) ?? 0, row.events));
    let sum = 0;
    for (const events of track.minutes.values()) sum += events;
    track.reflected = sum;
    while (track.waiting.length > 0 && track.waiting[0]!.threshold <= sum) {
      const batch = track.waiting.shift()!;
      let list = done.get(batch.phase);
      if (!list) done.set(batch.phase, (list = []));
      list.push(at - batch.answeredAt);
    }
  }

  for (const brand of brands) {
    tracks.set(brand.brand_id, { started: 0, inFlight: 0, waiting: [], minutes: new Map(), reflected: 0 });
    const socket: Socket<LiveListeners> = io(dashboardUrl, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      auth: { token: brand.read_key },
      reconnection: false,
    });
    socket.on('kpi', (row) => onKpi(brand.brand_id, row));
    sockets.push(socket);
    await new Promise<void>((connected, fail) => {
      socket.once('connect', () => connected());
      socket.once('connect_error', (error) =>
        fail(new Error(`socket for ${brand.brand_id}: ${error.message}`)),
      );
    });
  }

  return {
    sending(brandId, events, phase) {
      const track = tracks.get(brandId)!;
      track.started += events;
      track.inFlight += 1;
      const startedAt = performance.now();
      return {
        answered() {
          if (track.inFlight > 1) overlaps.set(phase, (overlaps.get(phase) ?? 0) + 1);
          track.inFlight -= 1;
          const waiting = { threshold: track.started, answeredAt: performance.now(), phase };
          // A push may already cover it (the processor can be faster than the HTTP answer).
          if (track.reflected >= waiting.threshold) {
            let list = done.get(phase);
            if (!list) done.set(phase, (list = []));
            list.push(0);
          } else track.waiting.push(waiting);
        },
        failed() {
          // Its events are not on the bus (a refused request publishes nothing): batches answered
          // since it started stop waiting for them.
          track.inFlight -= 1;
          track.started -= events;
          for (const waiting of track.waiting)
            if (waiting.answeredAt >= startedAt) waiting.threshold -= events;
        },
      };
    },
    latencies: (phase) => [...(done.get(phase) ?? [])],
    unreflected: (phase) =>
      [...tracks.values()].reduce((n, t) => n + t.waiting.filter((w) => w.phase === phase).length, 0),
    overlapped: (phase) => overlaps.get(phase) ?? 0,
    reflected: (brandId) => tracks.get(brandId)?.reflected ?? 0,
    close() {
      for (const socket of sockets) socket.close();
    },
  };
}

/** The q-quantile (0..1) of `values`, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
