// The demo brands' history: a year of orders as a shop's CSV export, through the real importer
// (in-process bus), once per brand however often the demo starts.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../../ingest/bus/in-process';
import type { Bus } from '../../../ingest/bus/types';
import { catalogFor } from '../../../ingest/demo/catalog';
import { demoHistory } from '../../../ingest/demo/history';
import { DEMO_HISTORY_FILE, importDemoHistory } from '../../../ingest/demo/history-import';
import { createRandom } from '../../../ingest/demo/random';
import { createImporter, type Importer } from '../../../ingest/import/importer';
import type { InboundEvent } from '../../../src/lib/shared/events';
import { readEnvelopes } from '../../support/bus-reader';
import { tempDir } from '../processor/harness';

const NOW = new Date('2026-12-04T10:30:00Z');
const DAY = 86_400_000;

describe('demo history', () => {
  const history = demoHistory(createRandom(7), catalogFor('fashion'), {
    customers: 400,
    days: 365,
    now: NOW,
  });
  const rows = history.csv
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));

  it('is the same file for the same seed and day, whatever the hour', () => {
    const later = new Date(NOW.getTime() + 9 * 3_600_000);
    expect(
      demoHistory(createRandom(7), catalogFor('fashion'), { customers: 400, days: 365, now: later }).csv,
    ).toBe(history.csv);
  });

  it("lists orders in time order within the last year, an order's lines together", () => {
    const times = rows.map((row) => Date.parse(row[1]!));
    expect(times.every((t, i) => i === 0 || times[i - 1]! <= t)).toBe(true);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW.getTime() - 366 * DAY);
    expect(Math.max(...times)).toBeLessThan(Date.parse('2026-12-04T00:00:00Z'));
    const seen = new Set<string>();
    rows.forEach((row, i) => {
      if (i > 0 && rows[i - 1]![0] === row[0]) return;
      expect(seen.has(row[0]!), `order ${row[0]} split`).toBe(false);
      seen.add(row[0]!);
    });
    expect(seen.size).toBe(history.orders);
  });

  it('has the customer base a customer-value model is about: one-time, repeat and lapsed buyers', () => {
    const orders = new Map<string, Set<string>>();
    const last = new Map<string, number>();
    for (const [order, at, , , customer] of rows) {
      orders.set(customer!, (orders.get(customer!) ?? new Set()).add(order!));
      last.set(customer!, Math.max(last.get(customer!) ?? 0, Date.parse(at!)));
    }
    const counts = [...orders.values()].map((set) => set.size);
    expect(orders.size).toBe(400);
    expect(counts.filter((n) => n === 1).length / 400).toBeGreaterThan(0.15);
    expect(counts.filter((n) => n >= 5).length / 400).toBeGreaterThan(0.15);
    const lapsed = [...last.values()].filter((t) => NOW.getTime() - t > 120 * DAY).length;
    expect(lapsed / 400).toBeGreaterThan(0.2);
    expect(new Set(rows.map((row) => row[7])).size).toBe(catalogFor('fashion').categories.length);
  });
});

describe('importing the demo history', () => {
  let dir: string;
  let bus: Bus;
  let importers: Importer[];
  beforeEach(async () => {
    dir = await tempDir('demo-history-');
    bus = createInProcessBus({ dir: join(dir, 'bus') });
    importers = [];
  });
  afterEach(async () => {
    for (const importer of importers) await importer.close();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });
  const importer = (now: Date) => {
    const made = createImporter({
      bus,
      root: join(dir, 'imports'),
      pending: async () => 0,
      clock: () => now,
      pollMs: 5,
    });
    importers.push(made);
    return made;
  };

  it('imports every order once, and a later start (another day) imports nothing and returns the same customers', async () => {
    const first = importer(NOW);
    const catalog = catalogFor('electronics');
    const started = await importDemoHistory({
      importer: first,
      brandId: 'demo-a',
      catalog,
      customers: 120,
      now: NOW,
    });
    expect(started.startedImportId).not.toBeNull();
    await first.settled('demo-a', started.startedImportId!);
    const [job] = await first.list('demo-a');
    expect(job).toMatchObject({
      file_name: DEMO_HISTORY_FILE,
      status: 'done',
      rows_rejected: 0,
      created_by: 'demo',
    });
    const published = (await readEnvelopes(bus)).flatMap(({ envelope }) =>
      envelope.kind === 'event' ? [envelope.event] : [],
    ) as InboundEvent[];
    expect(published).toHaveLength(started.orders);
    expect(published.every((event) => event.brand_id === 'demo-a' && event.source === 'csv')).toBe(true);
    expect(published.every((event) => event.type === 'order_completed')).toBe(true);
    expect(published[0]!.identifiers.email).toBe(
      started.shoppers.find((s) => s.email === published[0]!.identifiers.email)?.email,
    );

    const nextDay = importer(new Date(NOW.getTime() + 3 * DAY));
    const again = await importDemoHistory({
      importer: nextDay,
      brandId: 'demo-a',
      catalog,
      customers: 120,
      now: new Date(NOW.getTime() + 3 * DAY),
    });
    expect(again.startedImportId).toBeNull();
    expect(again.shoppers.map((s) => s.email)).toEqual(started.shoppers.map((s) => s.email));
    expect(await nextDay.list('demo-a')).toHaveLength(1);
    // Another brand's history is its own.
    expect(await nextDay.list('demo-b')).toEqual([]);
  });
});
