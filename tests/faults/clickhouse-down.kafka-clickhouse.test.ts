// Fault: the ClickHouse server stops while load comes in (infra/clickhouse/
// stop-server.sh on the private server), and starts again. Ingest does not
// need the warehouse and keeps accepting; the processor must stop committing
// — its batches fail and are retried with backoff, so its /healthz stats show
// retries and errors rising while neither its commit count nor the group's
// committed offsets move — and catch up on the whole backlog once the server
// is back, with every accepted event counted exactly once.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcessorStats } from '../../ingest/processor/consumer';
import { TOPICS } from '../../src/lib/shared/topics';
import { waitFor } from '../support/http';
import { startLoad, type LoadRun } from './load';
import { startFaultSystem, type FaultSystem } from './support/fault-system';
import { committedOffsets } from './support/fresh-kafka';
import { health, type RoleProcess } from './support/roles';
import { startClickHouse, stopClickHouse } from './support/services';
import { timeline } from './support/timeline';
import { expectExactTotals } from './support/verify';

const EVENTS = 2_400;
/** The processor's consumer group (ingest/processor/pipeline.ts DEFAULT_GROUP). */
const GROUP = 'processor';

let system: FaultSystem | undefined;
let load: LoadRun | undefined;
let serverDown = false;

afterAll(async () => {
  load?.abort();
  // A failure while the server was down must not leave it down for the next test.
  if (serverDown) await startClickHouse();
  await system?.close();
});

async function processorStats(processor: RoleProcess): Promise<ProcessorStats> {
  return (await health<{ processor: ProcessorStats }>(processor)).processor;
}

describe('ClickHouse stopped during load (Kafka + ClickHouse)', () => {
  it('stops committing and retries while the warehouse is down, then catches up exactly', async () => {
    const mark = timeline('clickhouse');
    system = await startFaultSystem('ch', { brands: 3, partitions: 4 });
    const { brands, roles } = system;
    mark('roles up');

    const loadStartedMs = Date.now();
    load = startLoad({
      baseUrl: roles.ingest.url,
      brands,
      events: EVENTS,
      peoplePerBrand: 20,
      batchSize: 20,
      concurrency: 4,
      eventsPerSecond: 200,
      runId: randomUUID().slice(0, 8),
      // Held at a quarter while the server stops, released into the outage.
      holds: [EVENTS / 4],
    });
    const current = load;
    await waitFor('the load to reach its hold', async () =>
      current.stats().accepted >= EVENTS / 4 ? true : undefined,
    );
    await waitFor('the processor to commit', async () =>
      (await processorStats(roles.processor)).commits > 0 ? true : undefined,
    );

    const before = await processorStats(roles.processor);
    serverDown = true;
    await stopClickHouse();
    mark(`ClickHouse stopped (${before.commits} commits before)`);
    load.release();

    // The first failure: from here on nothing may be committed, on either side.
    const failing = await waitFor(
      'the processor to fail a commit',
      async () => {
        const stats = await processorStats(roles.processor);
        return stats.errors > before.errors ? stats : undefined;
      },
      30_000,
    );
    const offsetsAtFailure = await committedOffsets(GROUP, TOPICS.eventsRaw);

    // The whole rest of the load goes in while the warehouse is down: ingest needs only the bus.
    await load.done;
    mark('every event accepted, the warehouse still down');
    expect(load.stats().accepted).toBe(EVENTS);
    const retried = await waitFor(
      'retries and errors to keep rising',
      async () => {
        const stats = await processorStats(roles.processor);
        return stats.retries >= failing.retries + 3 && stats.errors >= failing.errors + 3 ? stats : undefined;
      },
      60_000,
    );
    const offsetsWhileDown = await committedOffsets(GROUP, TOPICS.eventsRaw);
    mark(`retries ${failing.retries} -> ${retried.retries}, errors ${failing.errors} -> ${retried.errors}`);
    expect(retried.commits, 'commits while the warehouse is down').toBe(failing.commits);
    expect(offsetsWhileDown, 'committed offsets while the warehouse is down').toEqual(offsetsAtFailure);
    expect(retried.errorsByName.WarehouseUnavailableError ?? 0).toBeGreaterThan(0);

    await startClickHouse();
    serverDown = false;
    mark('ClickHouse started');

    await expectExactTotals(roles.dashboard.url, brands, load.accepted(), loadStartedMs);
    const after = await processorStats(roles.processor);
    expect(after.commits, 'commits after the warehouse returned').toBeGreaterThan(retried.commits);
    expect(await committedOffsets(GROUP, TOPICS.eventsRaw)).not.toEqual(offsetsWhileDown);
    mark('warehouse verified');
  });
});
