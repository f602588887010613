// The live push over a real HTTP server, the real in-process bus and a real
// brand registry on a temp file: each socket hears its own brand only.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrandRegistry } from '../../../ingest/brands/registry';
import type { BrandCredentials, BrandRegistry } from '../../../ingest/brands/types';
import { createInProcessBus } from '../../../ingest/bus/in-process';
import type { Bus } from '../../../ingest/bus/types';
import { attachLiveSocket, type LiveSocket } from '../../../src/lib/server/live-socket';
import { SESSION_COOKIE, SESSION_TTL_MS, createSessionCodec } from '../../../src/lib/server/session';
import { SOCKET_PATH, type LiveListeners, type LiveMessage } from '../../../src/lib/shared/live';
import type { ImportJob } from '../../../src/lib/shared/imports';
import type { KpiMinute } from '../../../src/lib/shared/model';
import { TOPICS } from '../../../src/lib/shared/topics';

const SECRET = 'live-socket-test-secret-0123456789abcdef';

let dir: string;
let brands: BrandRegistry;
let bus: Bus;
let server: Server;
let live: LiveSocket;
let url: string;
let brandA: BrandCredentials;
let brandB: BrandCredentials;
const sockets: Socket[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'live-socket-'));
  brands = await createBrandRegistry({ file: join(dir, 'brands.json') });
  brandA = await brands.create('brand-a');
  brandB = await brands.create('brand-b');
  bus = createInProcessBus();
  server = createServer();
  live = await attachLiveSocket({ httpServer: server, bus, sessionSecret: SECRET, brands });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await live.close();
  await new Promise<void>((done) => server.close(() => done()));
  await bus.close();
  await rm(dir, { recursive: true, force: true });
});

type Options = { token?: string; cookie?: string; transports?: ('polling' | 'websocket')[] };

function open(options: Options): Socket<LiveListeners> {
  const socket: Socket<LiveListeners> = connect(url, {
    path: SOCKET_PATH,
    auth: options.token ? { token: options.token } : {},
    extraHeaders: options.cookie ? { cookie: options.cookie } : {},
    transports: options.transports ?? ['polling', 'websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return socket;
}

function connected(socket: Socket): Promise<void> {
  return new Promise((done, fail) => {
    socket.once('connect', () => done());
    socket.once('connect_error', fail);
  });
}

function refusal(socket: Socket): Promise<string> {
  return new Promise((done, fail) => {
    socket.once('connect', () => fail(new Error('connected, but should have been refused')));
    socket.once('connect_error', (error) => done(error.message));
  });
}

function kpi(brandId: string, events: number): KpiMinute {
  return {
    brand_id: brandId,
    minute: '2026-03-01T10:00:00.000Z',
    events,
    active_users: 1,
    carts: 0,
    purchases: 0,
    revenue: 0,
    conversion_rate: 0,
    high_intent_profiles: 0,
  };
}

async function publish(key: string, message: LiveMessage | string): Promise<void> {
  await bus.publish(TOPICS.liveUpdates, [
    { key, value: typeof message === 'string' ? message : JSON.stringify(message) },
  ]);
}

function collect(socket: Socket<LiveListeners>): KpiMinute[] {
  const seen: KpiMinute[] = [];
  socket.on('kpi', (row) => seen.push(row));
  return seen;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

describe('live socket', () => {
  it('pushes each brand its own updates only, to read-key and session sockets alike', async () => {
    const aByKey = open({ token: brandA.read_key });
    const cookie = `${SESSION_COOKIE}=${createSessionCodec(SECRET).issue('brand-b', 'admin@brand-b')}`;
    const bBySession = open({ cookie, transports: ['websocket'] });
    await Promise.all([connected(aByKey), connected(bBySession)]);
    const seenByA = collect(aByKey);
    const seenByB = collect(bBySession);

    // One partition, publish order: once B has its message, A's earlier one was handled too.
    await publish('brand-a', { brand_id: 'brand-a', event: 'kpi', payload: kpi('brand-a', 7) });
    await publish('brand-b', { brand_id: 'brand-b', event: 'kpi', payload: kpi('brand-b', 3) });
    await until(() => seenByA.length === 1 && seenByB.length === 1, 'both brands to hear their update');
    await new Promise((done) => setTimeout(done, 100));

    expect(seenByA).toEqual([kpi('brand-a', 7)]);
    expect(seenByB).toEqual([kpi('brand-b', 3)]);
  });

  it("pushes a CSV import's progress to its brand's sockets only", async () => {
    const a = open({ token: brandA.read_key });
    const b = open({ token: brandB.read_key });
    await Promise.all([connected(a), connected(b)]);
    const seenByA: ImportJob[] = [];
    const seenByB: ImportJob[] = [];
    a.on('import', (job) => seenByA.push(job));
    b.on('import', (job) => seenByB.push(job));
    const job: ImportJob = {
      brand_id: 'brand-a',
      import_id: '00000000-0000-4000-8000-000000000001',
      kind: 'orders',
      file_name: 'orders.csv',
      bytes: 10,
      sha256: '0'.repeat(64),
      delimiter: ',',
      headers: ['order_id'],
      mapping: null,
      status: 'running',
      rows_read: 5,
      bytes_read: 6,
      rows_imported: 4,
      events_published: 4,
      rows_rejected: 1,
      message: null,
      duplicate_of: null,
      created_at: '2026-03-01T10:00:00.000Z',
      started_at: '2026-03-01T10:00:01.000Z',
      finished_at: null,
      created_by: 'api',
    };
    const kpisOfB = collect(b);
    // One partition, publish order: once B has its KPI, A's import before it was handled too.
    await publish('brand-a', { brand_id: 'brand-a', event: 'import', payload: job });
    await publish('brand-b', { brand_id: 'brand-b', event: 'kpi', payload: kpi('brand-b', 1) });
    await until(() => seenByA.length === 1 && kpisOfB.length === 1, 'both brands to hear their update');
    expect(seenByA).toEqual([job]);
    expect(seenByB).toEqual([]);
  });

  it('drops and counts messages whose key, brand or payload disagree or do not parse', async () => {
    const a = open({ token: brandA.read_key });
    const b = open({ token: brandB.read_key });
    await Promise.all([connected(a), connected(b)]);
    const seenByA = collect(a);
    const seenByB = collect(b);
    const before = live.dropped();

    // Keyed to B but naming A, and the reverse inside the payload: neither may reach anyone.
    await publish('brand-b', { brand_id: 'brand-a', event: 'kpi', payload: kpi('brand-a', 100) });
    await publish('brand-a', { brand_id: 'brand-a', event: 'kpi', payload: kpi('brand-b', 101) });
    await publish('brand-a', 'not json');
    await publish('brand-a', JSON.stringify({ brand_id: 'brand-a', event: 'toString', payload: {} }));
    await publish('brand-a', JSON.stringify({ brand_id: 'brand-a', event: 'kpi', payload: null }));
    await publish('brand-a', { brand_id: 'brand-a', event: 'kpi', payload: kpi('brand-a', 1) });
    await until(() => seenByA.length === 1, 'the good message');

    expect(seenByA).toEqual([kpi('brand-a', 1)]);
    expect(seenByB).toEqual([]);
    expect(live.dropped() - before).toBe(5);
  });

  it('refuses a handshake without valid credentials, saying why', async () => {
    expect(await refusal(open({}))).toMatch(/credentials required/);
    expect(await refusal(open({ token: 'sr_read_not-a-key' }))).toBe('unknown read key');
    expect(await refusal(open({ token: brandA.write_key }))).toBe('unknown read key');
    const forged = createSessionCodec('another-secret-that-is-long-enough-000').issue(
      'brand-a',
      'admin@brand-a',
    );
    expect(await refusal(open({ cookie: `${SESSION_COOKIE}=${forged}` }))).toMatch(/session is invalid/);
    const gone = createSessionCodec(SECRET).issue('brand-gone', 'admin@brand-gone');
    expect(await refusal(open({ cookie: `${SESSION_COOKIE}=${gone}` }))).toMatch(/no longer exists/);
  });

  it('ends a session socket when its session expires', async () => {
    // Issued almost 12 hours ago: 300 ms left.
    const issuedAt = new Date(Date.now() - SESSION_TTL_MS + 300);
    const cookie = `${SESSION_COOKIE}=${createSessionCodec(SECRET, () => issuedAt).issue('brand-a', 'admin@brand-a')}`;
    const socket = open({ cookie });
    await connected(socket);
    const reason = await new Promise<string>((done) => socket.once('disconnect', done));
    expect(reason).toBe('io server disconnect');
  });

  it('closes so that browsers reconnect to the next server (transport close, not a server disconnect)', async () => {
    const other = createServer();
    const closing = await attachLiveSocket({ httpServer: other, bus, sessionSecret: SECRET, brands });
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const socket = connect(`http://127.0.0.1:${(other.address() as AddressInfo).port}`, {
      path: SOCKET_PATH,
      auth: { token: brandA.read_key },
      reconnection: false,
    });
    try {
      await connected(socket);
      const reason = new Promise<string>((done) => socket.once('disconnect', done));
      await closing.close();
      // Either transport reason makes a client reconnect; only 'io server disconnect' would not.
      // Which one a client sees depends on whether the close frame or the socket end arrives first.
      expect(['transport close', 'transport error']).toContain(await reason);
    } finally {
      socket.disconnect();
      await new Promise<void>((done) => other.close(() => done()));
    }
  });

  it('refuses read keys when read-key auth is off, but still takes sessions', async () => {
    const other = createServer();
    const strict = await attachLiveSocket({
      httpServer: other,
      bus,
      sessionSecret: SECRET,
      brands,
      readKeyAuth: false,
    });
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const cookie = `${SESSION_COOKIE}=${createSessionCodec(SECRET).issue('brand-a', 'admin@brand-a')}`;
    const byKey = connect(base, { path: SOCKET_PATH, auth: { token: brandA.read_key }, reconnection: false });
    const bySession = connect(base, { path: SOCKET_PATH, extraHeaders: { cookie }, reconnection: false });
    try {
      expect(await refusal(byKey)).toMatch(/read keys are not accepted/);
      await connected(bySession);
    } finally {
      byKey.disconnect();
      bySession.disconnect();
      await strict.close();
      await new Promise<void>((done) => other.close(() => done()));
    }
  });
});
