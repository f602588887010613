// Fault: the Kafka broker stops while load comes in (infra/kafka/stop-broker.sh
// on the private broker), and starts again. While it is down the ingest role
// answers 503 with Retry-After — never a 2xx for an event the bus does not
// have — and takes events again once it is back; the load generator retries
// every refused batch with the same messageIds. Afterwards nothing that was
// answered 2xx is missing, and nothing is counted twice.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/http';
import { startLoad, type LoadRun } from './load';
import { startFaultSystem, type FaultSystem } from './support/fault-system';
import { startBroker, stopBroker } from './support/services';
import { timeline } from './support/timeline';
import { expectExactTotals } from './support/verify';

const EVENTS = 2_400;

let system: FaultSystem | undefined;
let load: LoadRun | undefined;
let brokerDown = false;

afterAll(async () => {
  load?.abort();
  // A failure while the broker was down must not leave it down for the next test.
  if (brokerDown) await startBroker();
  await system?.close();
});

describe('Kafka broker stopped during load (Kafka + ClickHouse)', () => {
  it('answers 503 + Retry-After while it is down, accepts again after, and loses nothing it accepted', async () => {
    const mark = timeline('broker');
    system = await startFaultSystem('broker', { brands: 3, partitions: 4 });
    mark('roles up');
    const { brands, roles } = system;

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
      // Held at a quarter while the broker stops, released into the outage.
      holds: [EVENTS / 4],
    });
    const current = load;

    await waitFor('the load to reach its hold', async () =>
      current.stats().accepted >= EVENTS / 4 ? true : undefined,
    );
    brokerDown = true;
    mark('stopping the broker');
    await stopBroker();
    mark('broker stopped');
    load.release();
    await waitFor(
      'the ingest to answer 503 while the broker is down',
      async () => (current.stats().unavailable >= 3 ? true : undefined),
      60_000,
    );
    const down = current.stats();
    mark(`503s seen: ${down.unavailable}; starting the broker`);
    await startBroker();
    brokerDown = false;
    mark('broker started');
    await load.done;
    mark('every event accepted');

    const stats = load.stats();
    // Every refusal while the bus was down said when to come back.
    expect(down.unavailable).toBeGreaterThan(0);
    expect(down.unavailableWithRetryAfter).toBe(down.unavailable);
    // Accepting again: everything after the outage got its 2xx.
    expect(stats.accepted).toBe(EVENTS);
    expect(stats.accepted).toBeGreaterThan(down.accepted);

    await expectExactTotals(roles.dashboard.url, brands, load.accepted(), loadStartedMs);
    mark(`warehouse verified; load stats ${JSON.stringify(stats)}`);
  });
});
