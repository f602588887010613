// Fault: the processor is SIGKILLed twice while load comes in, and restarted
// each time (Kafka + ClickHouse, each role its own process). Afterwards the
// warehouse has every accepted event exactly once — nothing lost with the
// batch in flight, nothing counted again on replay — and a Socket.IO client
// that stayed connected to the dashboard all along shows, as its last push of
// every minute, exactly the warehouse's row for that minute.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcessorStats } from '../../ingest/processor/consumer';
import { waitFor } from '../support/http';
import { startLoad, type LoadRun } from './load';
import { startFaultSystem, type FaultSystem } from './support/fault-system';
import { watchKpis, type LiveKpis } from './support/live';
import { health, type RoleProcess } from './support/roles';
import { expectExactTotals, kpiMinutes, settle } from './support/verify';

const EVENTS = 3_000;

let system: FaultSystem | undefined;
let load: LoadRun | undefined;
const sockets: LiveKpis[] = [];

afterAll(async () => {
  load?.abort();
  for (const socket of sockets) socket.close();
  await system?.close();
});

/** Resolves once this processor process has committed at least one batch to the warehouse. */
async function hasCommitted(processor: RoleProcess): Promise<void> {
  await waitFor(
    `the processor (pid ${processor.pid}) to commit a batch`,
    async () => {
      const { processor: stats } = await health<{ processor: ProcessorStats }>(processor);
      return stats.commits > 0 ? true : undefined;
    },
    60_000,
  );
}

describe('processor killed twice during load (Kafka + ClickHouse)', () => {
  it('counts every accepted event exactly once, and the live KPIs end equal to the warehouse', async () => {
    system = await startFaultSystem('crash', { brands: 3, partitions: 4 });
    const { brands, roles } = system;
    for (const brand of brands) sockets.push(await watchKpis(roles.dashboard.url, brand.read_key));

    const loadStartedMs = Date.now();
    load = startLoad({
      baseUrl: roles.ingest.url,
      brands,
      events: EVENTS,
      peoplePerBrand: 20,
      batchSize: 20,
      concurrency: 4,
      eventsPerSecond: 150,
      runId: randomUUID().slice(0, 8),
      // The last fifth waits until both kills are done: they surely happen during load.
      holdAfter: EVENTS * 0.8,
    });
    const current = load;

    for (const threshold of [EVENTS * 0.2, EVENTS * 0.4]) {
      await waitFor(
        `${threshold} events accepted`,
        async () => (current.stats().accepted >= threshold ? true : undefined),
        60_000,
      );
      // Mid-stream: this process has committed batches and is working on more.
      await hasCommitted(roles.processor);
      await roles.processor.kill('SIGKILL');
      const restarted = await system.restart('processor');
      await hasCommitted(restarted);
    }
    load.release();
    await load.done;
    expect(load.stats().accepted).toBe(EVENTS);

    const accepted = load.accepted();
    await expectExactTotals(roles.dashboard.url, brands, accepted, loadStartedMs);

    // Live: the last push of each minute is the warehouse's row; a socket sees only its brand.
    for (const [index, brand] of brands.entries()) {
      const socket = sockets[index]!;
      const rows = await kpiMinutes(roles.dashboard.url, brand, loadStartedMs);
      const pushed = await settle(
        async () => rows.map((row) => socket.last.get(row.minute)),
        (last) => isDeepStrictEqual(last, rows),
        15_000,
      );
      expect(pushed, `last live KPI pushes of ${brand.brand_id}`).toEqual(rows);
      expect([...socket.last.keys()].sort(), `minutes pushed to ${brand.brand_id}`).toEqual(
        rows.map((row) => row.minute).sort(),
      );
      expect([...socket.brandsSeen]).toEqual([brand.brand_id]);
    }
  });
});
