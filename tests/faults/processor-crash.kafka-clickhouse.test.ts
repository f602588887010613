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
import { timeline } from './support/timeline';
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

async function processorStats(processor: RoleProcess): Promise<ProcessorStats> {
  return (await health<{ processor: ProcessorStats }>(processor)).processor;
}

/** Resolves once this processor process has committed at least one batch to the warehouse. */
async function hasCommitted(processor: RoleProcess): Promise<void> {
  await waitFor(
    `the processor (pid ${processor.pid}) to commit a batch`,
    async () => ((await processorStats(processor)).commits > 0 ? true : undefined),
    60_000,
  );
}

describe('processor killed twice during load (Kafka + ClickHouse)', () => {
  it('counts every accepted event exactly once, and the live KPIs end equal to the warehouse', async () => {
    const mark = timeline('crash');
    system = await startFaultSystem('crash', { brands: 3, partitions: 4 });
    mark('roles up');
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
      // Each kill comes right after a hold is released, so load is surely still coming in.
      holds: [EVENTS * 0.3, EVENTS * 0.6],
    });
    const current = load;

    for (const hold of [EVENTS * 0.3, EVENTS * 0.6]) {
      await waitFor(
        `the load to reach its hold at ${hold}`,
        async () => (current.stats().accepted >= hold ? true : undefined),
        120_000,
      );
      // This process has committed batches of its own (after a restart: it rejoined and caught up)...
      await hasCommitted(roles.processor);
      const processed = (await processorStats(roles.processor)).messages;
      current.release();
      // ...and is working on new traffic when it dies.
      await waitFor(
        'the processor to take new traffic',
        async () => ((await processorStats(roles.processor)).messages > processed ? true : undefined),
        30_000,
      );
      await roles.processor.kill('SIGKILL');
      mark(`processor killed at ${current.stats().accepted} events accepted`);
      await system.restart('processor');
      mark('processor restarted (joined its group)');
    }
    await load.done;
    mark('every event accepted');
    expect(load.stats().accepted).toBe(EVENTS);

    const accepted = load.accepted();
    await expectExactTotals(roles.dashboard.url, brands, accepted, loadStartedMs);
    mark('warehouse verified');

    // Live: the last push of each minute is the warehouse's row; a socket sees only its brand.
    // Both are read again until they agree (a timer tick may still move a row and push it).
    for (const [index, brand] of brands.entries()) {
      const socket = sockets[index]!;
      const { rows, pushed } = await settle(
        async () => {
          const rows = await kpiMinutes(roles.dashboard.url, brand, loadStartedMs);
          return { rows, pushed: rows.map((row) => socket.last.get(row.minute)) };
        },
        ({ rows, pushed }) => isDeepStrictEqual(pushed, rows) && socket.last.size === rows.length,
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
