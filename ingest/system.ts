// Builds the running system from a parsed Config: the one place that knows
// every concrete back-end. ingest/main.ts calls it for the process; the
// integration tests call it to run the whole system in-process.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { Config } from '../src/lib/shared/config';
import { TOPICS } from '../src/lib/shared/topics';
import { createReadApi } from '../src/lib/server/api/app';
import { provideDashboardContext } from '../src/lib/server/context';
import { attachLiveSocket } from '../src/lib/server/live-socket';
import { createBrandRegistry } from './brands/registry';
import type { BrandRegistry } from './brands/types';
import { createInProcessBus } from './bus/in-process';
import type { Bus } from './bus/types';
import { createIngestApp } from './http/app';
import type { Logger } from './log';
import { createProcessor } from './processor/consumer';
import { DEFAULT_GROUP as PROCESSOR_GROUP } from './processor/pipeline';
import { createDuckDbWarehouse } from './warehouse/duckdb/index';
import type { Warehouse } from './warehouse/types';

export interface System {
  /** Where the HTTP server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  server: Server;
  bus: Bus;
  warehouse: Warehouse;
  brands: BrandRegistry;
  close(): Promise<void>;
}

export interface SystemOptions {
  config: Config;
  log: Logger;
  /** The SvelteKit adapter-node build; without it the dashboard pages answer 503. */
  dashboardBuildDir?: string;
  clock?: () => Date;
}

type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

export async function startSystem(options: SystemOptions): Promise<System> {
  const { config, log } = options;
  const clock = options.clock ?? (() => new Date());
  const dataDir = resolve(config.DATA_DIR);
  await mkdir(dataDir, { recursive: true });

  const brands = await createBrandRegistry({ file: join(dataDir, 'brands.json'), clock });
  const sessionSecret = config.SESSION_SECRET ?? (await loadOrCreateSecret(join(dataDir, 'session-secret')));
  const bus = createInProcessBus({ dir: join(dataDir, 'bus') });
  const warehouse = await createDuckDbWarehouse({ path: join(dataDir, 'warehouse.duckdb') });
  await warehouse.migrate();

  const processor = createProcessor({
    bus,
    warehouse,
    brands,
    clock,
    batchSize: config.PROCESSOR_BATCH_SIZE,
  });
  await processor.start();

  // The client already got the 5xx; the server's log gets the cause.
  const report = (where: string) => (error: unknown) =>
    log.error(`${where}: unexpected error`, {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  const ingestApp = createIngestApp({ bus, brands, clock, reportError: report('ingest') });
  const readApi = createReadApi({
    warehouse,
    brands,
    sessionSecret,
    clock,
    onUnexpectedError: report('read api'),
    // Accepted but not yet processed: what a client waits on after sending.
    pending: async (brandId) => (await bus.pendingByKey(TOPICS.eventsRaw, PROCESSOR_GROUP)).get(brandId) ?? 0,
  });
  const edge = new Hono();
  edge.route('/', ingestApp);
  edge.route('/api', readApi);
  const edgeListener = getRequestListener(edge.fetch);

  provideDashboardContext({
    warehouse,
    brands,
    sessionSecret,
    secureCookies: config.publicUrl.startsWith('https:'),
  });
  const dashboard = await loadDashboardHandler(options.dashboardBuildDir, log);

  // One origin: the tracking API, webhooks and read API go to Hono, Socket.IO
  // takes its own path (it hooks the server's 'request' event itself), and
  // everything else is the SvelteKit dashboard.
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/v1/') || path.startsWith('/webhooks/') || path.startsWith('/api/')) {
      edgeListener(req, res);
    } else {
      // adapter-node builds the request origin (checked against a form's
      // Origin header, SvelteKit's CSRF guard) from PROTOCOL_HEADER, which
      // main.ts points at x-forwarded-proto. This server speaks plain HTTP; a
      // TLS proxy in front of it sets the header itself.
      req.headers['x-forwarded-proto'] ??= 'http';
      dashboard(req, res);
    }
  });
  const live = await attachLiveSocket({ httpServer: server, bus, sessionSecret, brands });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(config.PORT, config.HOST, () => done());
  });
  const address = server.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const url = `http://${host}:${address.port}`;
  log.info('signalroom listening', { url, role: config.role, data_dir: dataDir });

  let closed = false;
  return {
    url,
    server,
    bus,
    warehouse,
    brands,
    async close() {
      if (closed) return;
      closed = true;
      // Stop taking requests, then let the processor finish its in-flight
      // batch (its offsets commit with it), then close the stores.
      await live.close();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await processor.stop();
      await bus.close();
      await warehouse.close();
    },
  };
}

/** The session secret survives restarts so sessions do too; created once, mode 0600. */
async function loadOrCreateSecret(file: string): Promise<string> {
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return secret;
}

async function loadDashboardHandler(buildDir: string | undefined, log: Logger): Promise<NodeListener> {
  const missing: NodeListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The dashboard is not built. Run `npm run build` (npm start does it for you).\n');
  };
  if (!buildDir) return missing;
  try {
    const module = (await import(pathToFileURL(join(buildDir, 'handler.js')).href)) as {
      handler: NodeListener;
    };
    return module.handler;
  } catch (error) {
    log.warn('dashboard build not found; pages answer 503', { build_dir: buildDir, error: String(error) });
    return missing;
  }
}
