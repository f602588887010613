// A split deployment on Kafka and ClickHouse, each role its own OS process:
// one ingest, two processors, one dashboard, sharing only the brands file,
// the broker and the database. Four brands, one on each of events.raw's four
// partitions, so however the group splits them each processor owns brands.
// Proves: the processors split the partitions and each counts exactly its
// brands' events; the dashboard's read API shows the union with every brand's
// exact totals and no brand sees another's; a Socket.IO client on the
// dashboard gets its own brand's KPI pushes only; a processor stopped with
// SIGTERM hands its partitions to the other, and everything sent around the
// handover is still counted exactly once.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandCredentials } from '../../ingest/brands/types';
import { partitionForKey } from '../../ingest/bus/kafka/partition-for-key';
import type { ProcessorStats } from '../../ingest/processor/consumer';
import { SOCKET_PATH } from '../../src/lib/shared/live';
import type { KpiMinute } from '../../src/lib/shared/model';
import { basicAuth, getJson, postJson, waitFor as poll } from '../support/http';
import { freshNames, productionEnv, productionServices, removeRunData } from '../support/production-backends';
import { groupMembers, startRole, stopRole, type RoleProcess } from '../support/role-process';

const services = productionServices(process.env);
const root = resolve(import.meta.dirname, '../..');
const PARTITIONS = 4;
/** Bounds every wait so a broken deployment fails instead of hanging; generous for a loaded 2-core machine. */
const WAIT_MS = 90_000;
const waitFor = <T>(what: string, check: () => Promise<T | undefined>) => poll(what, check, WAIT_MS);

interface Health {
  status: string;
  role: string;
  processor?: ProcessorStats;
}
interface Status {
  processed: number;
  rejected: number;
  duplicates: number;
  pending: number;
}

/** The first brand id of the form roles-<n> on each partition: one brand per partition. */
function brandIdsCoveringPartitions(): string[] {
  const byPartition = new Map<number, string>();
  for (let n = 1; byPartition.size < PARTITIONS; n++) {
    const id = `roles-${n}`;
    const partition = partitionForKey(id, PARTITIONS);
    if (!byPartition.has(partition)) byPartition.set(partition, id);
  }
  return [...byPartition.entries()].sort(([a], [b]) => a - b).map(([, id]) => id);
}

const names = freshNames('roles');
let dataDir: string;
let env: Record<string, string>;
const brands: BrandCredentials[] = [];
const processes: RoleProcess[] = [];
let ingest: RoleProcess;
let dashboard: RoleProcess;
let processors: [RoleProcess, RoleProcess];
const urls = new Map<RoleProcess, string>();
/** Events accepted so far per brand: what the warehouse must show, exactly. */
const sent = new Map<string, { events: number; revenue: number }>();
const sockets: Socket[] = [];
type LiveKpis = Awaited<ReturnType<typeof liveKpis>>;
/** Sockets on the dashboard for the first two brands, opened by the live test, checked again after the handover. */
let live: LiveKpis[] = [];

async function createBrand(brandId: string): Promise<BrandCredentials> {
  const { stdout } = await promisify(execFile)(
    resolve(root, 'node_modules/.bin/tsx'),
    ['ingest/cli/brand.ts', 'create', brandId],
    { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir } },
  );
  return JSON.parse(stdout) as BrandCredentials;
}

async function health(proc: RoleProcess): Promise<Health> {
  const response = await getJson(`${urls.get(proc)}/healthz`);
  if (response.status !== 200) throw new Error(`${proc.name} /healthz answered ${response.status}`);
  return response.body as Health;
}

async function owned(proc: RoleProcess): Promise<number[]> {
  const stats = (await health(proc)).processor;
  if (!stats) throw new Error(`${proc.name} reports no processor stats`);
  return stats.partitions;
}

function brandsOn(partitions: number[]): BrandCredentials[] {
  return brands.filter((brand) => partitions.includes(partitionForKey(brand.brand_id, PARTITIONS)));
}

/** Sends `count` product views and one order for the brand through the ingest process. */
async function sendRound(brand: BrandCredentials, round: string, count: number, revenue: number) {
  const batch = [
    ...Array.from({ length: count }, (_, index) => ({
      type: 'track',
      event: 'Product Viewed',
      messageId: `${round}-view-${index}`,
      anonymousId: `${brand.brand_id}-shopper-${index % 3}`,
      properties: { category: 'Shoes', product_id: `sku-${index}` },
    })),
    {
      type: 'track',
      event: 'Order Completed',
      messageId: `${round}-order`,
      userId: `${brand.brand_id}-customer`,
      properties: { order_id: `${round}-order`, revenue, currency: 'EUR' },
    },
  ];
  const response = await postJson(
    `${urls.get(ingest)}/v1/batch`,
    { batch },
    { authorization: basicAuth(brand.write_key) },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body).toMatchObject({ accepted: batch.length, rejected: [] });
  const total = sent.get(brand.brand_id) ?? { events: 0, revenue: 0 };
  sent.set(brand.brand_id, { events: total.events + batch.length, revenue: total.revenue + revenue });
}

/** Each brand gets a different number of events and a different revenue, so a mix-up cannot add up. */
async function sendRoundForEveryBrand(round: string): Promise<void> {
  await Promise.all(
    brands.map((brand, index) =>
      sendRound(brand, `${round}-${brand.brand_id}`, 4 + 3 * index, 10 * (index + 1)),
    ),
  );
}

async function status(brand: BrandCredentials): Promise<Status> {
  const response = await getJson(`${urls.get(dashboard)}/api/v1/status`, brand.read_key);
  if (response.status !== 200) throw new Error(`status answered ${response.status}`);
  return response.body as Status;
}

/** Waits until the dashboard shows every event sent for every brand as processed. */
async function everyBrandCaughtUp(): Promise<Map<string, Status>> {
  return waitFor('every brand to be processed', async () => {
    const all = new Map<string, Status>();
    for (const brand of brands) {
      const current = await status(brand);
      if (current.pending !== 0 || current.processed < sent.get(brand.brand_id)!.events) return undefined;
      all.set(brand.brand_id, current);
    }
    return all;
  });
}

async function kpis(brand: BrandCredentials): Promise<KpiMinute[]> {
  const from = new Date(Date.now() - 30 * 60_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const response = await getJson(
    `${urls.get(dashboard)}/api/v1/kpis?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    brand.read_key,
  );
  expect(response.status).toBe(200);
  return (response.body as { minutes: KpiMinute[] }).minutes;
}

/** The read API shows each brand exactly what was sent for it, and nothing of any other brand. */
async function expectExactTotals(): Promise<void> {
  const statuses = await everyBrandCaughtUp();
  for (const brand of brands) {
    const expected = sent.get(brand.brand_id)!;
    expect(statuses.get(brand.brand_id), brand.brand_id).toEqual({
      accepted: expected.events,
      processed: expected.events,
      rejected: 0,
      duplicates: 0,
      pending: 0,
    });
    const rows = await kpis(brand);
    expect(rows.every((row) => row.brand_id === brand.brand_id)).toBe(true);
    expect(rows.reduce((sum, row) => sum + row.events, 0)).toBe(expected.events);
    expect(rows.reduce((sum, row) => sum + row.revenue, 0)).toBe(expected.revenue);
    const customer = await getJson(
      `${urls.get(dashboard)}/api/v1/profiles/lookup?identifier=${encodeURIComponent(`user_id:${brand.brand_id}-customer`)}`,
      brand.read_key,
    );
    expect(customer.status).toBe(200);
    expect((customer.body as { profile: { revenue: number } }).profile.revenue).toBe(expected.revenue);
    // Every other brand's customer is invisible to this brand.
    for (const other of brands.filter((candidate) => candidate !== brand)) {
      const foreign = await getJson(
        `${urls.get(dashboard)}/api/v1/profiles/lookup?identifier=${encodeURIComponent(`user_id:${other.brand_id}-customer`)}`,
        brand.read_key,
      );
      expect(foreign.status).toBe(404);
    }
  }
}

/** A socket on the dashboard for one brand, keeping the latest KPI row of every minute it was pushed. */
async function liveKpis(brand: BrandCredentials) {
  const socket = io(urls.get(dashboard)!, {
    path: SOCKET_PATH,
    auth: { token: brand.read_key },
    transports: ['websocket'],
  });
  sockets.push(socket);
  const minutes = new Map<string, KpiMinute>();
  const brandsSeen = new Set<string>();
  socket.on('kpi', (row: KpiMinute) => {
    brandsSeen.add(row.brand_id);
    minutes.set(row.minute, row); // whole-row upserts: the latest row of a minute is its total
  });
  await waitFor(`a socket for ${brand.brand_id}`, async () => (socket.connected ? true : undefined));
  return {
    brand,
    brandsSeen,
    /** Events in the pushed rows: what a dashboard showing this brand's live KPIs adds up to. */
    events: () => [...minutes.values()].reduce((sum, row) => sum + row.events, 0),
    rows: () => [...minutes.values()],
  };
}

/** Waits until the socket's latest row of every minute it was pushed equals the warehouse's row. */
async function liveMatchesWarehouse(socket: LiveKpis, atLeast: number) {
  await waitFor(`live KPIs of ${socket.brand.brand_id} to match the warehouse`, async () => {
    if (socket.events() < atLeast) return undefined;
    const stored = new Map((await kpis(socket.brand)).map((row) => [Date.parse(row.minute), row.events]));
    return socket.rows().every((row) => stored.get(Date.parse(row.minute)) === row.events) ? true : undefined;
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'signalroom-roles-'));
  env = {
    ...productionEnv(services, names),
    KAFKA_PARTITIONS: String(PARTITIONS),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  // Brands exist before the processes start (the CLI's brands file is what they share).
  for (const brandId of brandIdsCoveringPartitions()) brands.push(await createBrand(brandId));
  console.info(
    `brands by partition: ${brands.map((b) => `${b.brand_id}→${partitionForKey(b.brand_id, PARTITIONS)}`).join(', ')}`,
  );

  ingest = startRole('ingest', 'ingest', env);
  dashboard = startRole('dashboard', 'dashboard', env);
  processors = [startRole('processor-1', 'processor', env), startRole('processor-2', 'processor', env)];
  processes.push(ingest, dashboard, ...processors);
  for (const proc of processes) {
    const url = await Promise.race([
      proc.url,
      new Promise<never>((_, fail) =>
        setTimeout(() => fail(new Error(`${proc.name} did not listen:\n${proc.output()}`)), WAIT_MS),
      ),
    ]);
    urls.set(proc, url);
    await waitFor(`${proc.name} /healthz`, async () =>
      (await health(proc)).status === 'ok' ? true : undefined,
    );
  }
}, 4 * WAIT_MS);

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  const codes = await Promise.all(processes.map((proc) => stopRole(proc)));
  for (const [index, code] of codes.entries()) {
    if (code !== 0)
      console.error(`${processes[index]!.name} ended with ${code}:\n${processes[index]!.output()}`);
  }
  await rm(dataDir, { recursive: true, force: true });
  await removeRunData(services, names);
  // Every role shut down gracefully on SIGTERM, and nothing of any process group is left.
  expect(codes).toEqual(processes.map(() => 0));
  await waitFor('every process group to be gone', async () =>
    processes.every((proc) => groupMembers(proc).length === 0) ? true : undefined,
  );
}, 2 * WAIT_MS);

describe('roles as separate processes on Kafka and ClickHouse', { timeout: 3 * WAIT_MS }, () => {
  it('runs each role with only its own parts', async () => {
    expect((await health(ingest)).role).toBe('ingest');
    expect((await health(dashboard)).role).toBe('dashboard');
    expect((await health(ingest)).processor).toBeUndefined();
    expect((await health(dashboard)).processor).toBeUndefined();
    // The ingest process has no read API, the dashboard and processors take no events: a named 404.
    const readOnIngest = await getJson(`${urls.get(ingest)}/api/v1/status`, brands[0]!.read_key);
    expect(readOnIngest).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    for (const proc of [dashboard, ...processors]) {
      const response = await postJson(
        `${urls.get(proc)}/v1/batch`,
        { batch: [] },
        { authorization: basicAuth(brands[0]!.write_key) },
      );
      expect(response, proc.name).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    }
  });

  it('splits the partitions between the processors, and each counts exactly its brands', async () => {
    const [first, second] = await waitFor('the two processors to split all partitions', async () => {
      const split = [await owned(processors[0]), await owned(processors[1])] as const;
      const all = [...split[0], ...split[1]].sort((a, b) => a - b);
      const disjointAndComplete =
        all.length === PARTITIONS && all.every((partition, index) => partition === index);
      return disjointAndComplete && split[0].length > 0 && split[1].length > 0 ? split : undefined;
    });
    for (const [proc, partitions] of [
      [processors[0], first],
      [processors[1], second],
    ] as const) {
      console.info(
        `${proc.name} owns partitions ${partitions.join(',')}: ${brandsOn(partitions)
          .map((b) => b.brand_id)
          .join(', ')}`,
      );
      expect(brandsOn(partitions).length).toBeGreaterThan(0);
    }
    const sentBefore = new Map(
      brands.map((brand) => [brand.brand_id, sent.get(brand.brand_id)?.events ?? 0]),
    );
    const messagesBefore = await Promise.all(
      processors.map(async (proc) => (await health(proc)).processor!.messages),
    );

    await sendRoundForEveryBrand('split');
    await expectExactTotals();

    // Each processor handled its own brands' events, all of them, and nothing else.
    for (const [index, partitions] of [first, second].entries()) {
      const expected = brandsOn(partitions).reduce(
        (sum, brand) => sum + sent.get(brand.brand_id)!.events - sentBefore.get(brand.brand_id)!,
        0,
      );
      const stats = (await health(processors[index]!)).processor!;
      expect(stats.messages - messagesBefore[index]!, processors[index]!.name).toBe(expected);
      expect(stats.partitions).toEqual(partitions);
      expect(stats.errors).toBe(0);
    }
  });

  it('pushes live KPIs from the dashboard process to each brand only', async () => {
    const [brandX, brandY] = [brands[0]!, brands[1]!];
    const liveX = await liveKpis(brandX);
    const liveY = await liveKpis(brandY);
    live = [liveX, liveY];

    const before = new Map(brands.map((brand) => [brand.brand_id, sent.get(brand.brand_id)!.events]));
    await sendRoundForEveryBrand('live');
    await expectExactTotals();
    // The pushed rows cover at least this round, and each minute's last push is the stored total.
    for (const socket of live) {
      const round = sent.get(socket.brand.brand_id)!.events - before.get(socket.brand.brand_id)!;
      await liveMatchesWarehouse(socket, round);
    }
    expect([...liveX.brandsSeen]).toEqual([brandX.brand_id]);
    expect([...liveY.brandsSeen]).toEqual([brandY.brand_id]);
  });

  it('hands a stopped processor’s partitions to the other and counts everything exactly once', async () => {
    const [leaving, staying] = processors;
    // Events in flight while the processor stops: it finishes its batch, the other takes the rest.
    await sendRoundForEveryBrand('handover');
    expect(await stopRole(leaving)).toBe(0);

    await waitFor('the remaining processor to own every partition', async () =>
      (await owned(staying)).length === PARTITIONS ? true : undefined,
    );
    expect(await owned(staying)).toEqual([0, 1, 2, 3]);
    const pushedBefore = live.map((socket) => socket.events());
    await sendRoundForEveryBrand('after');
    await expectExactTotals();
    expect((await health(staying)).processor!.errors).toBe(0);
    // Live pushes go on from the processor that took over, still to each brand only.
    for (const [index, socket] of live.entries())
      await liveMatchesWarehouse(socket, pushedBefore[index]! + 1);
    expect(live.map((socket) => [...socket.brandsSeen])).toEqual([
      [brands[0]!.brand_id],
      [brands[1]!.brand_id],
    ]);
  });
});
