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
import type { RawEnvelope } from '../src/lib/shared/events';
import { TOPICS } from '../src/lib/shared/topics';
import { createReadApi } from '../src/lib/server/api/app';
import { provideDashboardContext } from '../src/lib/server/context';
import { attachLiveSocket } from '../src/lib/server/live-socket';
import { createAlertDispatch, createDeliveryLog } from './alerts/dispatch';
import { createNotifier, defaultSchedule } from './alerts/notifier';
import { openBus, openWarehouse } from './backends';
import { createBrandRegistry } from './brands/registry';
import type { BrandRegistry } from './brands/types';
import type { Bus } from './bus/types';
import { createIngestApp } from './http/app';
import { createImporter, type Importer } from './import/importer';
import type { Logger } from './log';
import { createProcessor } from './processor/consumer';
import { DEFAULT_GROUP as PROCESSOR_GROUP } from './processor/pipeline';
import { computeOffThread } from './predictions/off-thread';
import { createPredictionScheduler, type PredictionScheduler } from './predictions/scheduler';
import type { Warehouse } from './warehouse/types';

export interface System {
  /** Where the HTTP server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  server: Server;
  bus: Bus;
  /** Absent in the ingest role, which never reads or writes the warehouse. */
  warehouse: Warehouse | undefined;
  brands: BrandRegistry;
  /** CSV imports, in the dashboard role (undefined without it). */
  importer: Importer | undefined;
  /** Scheduled prediction runs, in the processor role (tests trigger a run with runNow). */
  predictions: PredictionScheduler | undefined;
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

/**
 * Starts the parts of the configured role on one HTTP server:
 *   ingest     /v1/*, /webhooks/*                       → events.raw
 *   processor  events.raw → warehouse, live.updates     (HTTP only for /healthz)
 *   dashboard  /api/*, Socket.IO, the SvelteKit pages    ← warehouse, live.updates
 *   all        everything, as on the embedded default
 * Every role answers GET /healthz.
 */
export async function startSystem(options: SystemOptions): Promise<System> {
  const { config, log } = options;
  const clock = options.clock ?? (() => new Date());
  const has = (role: 'ingest' | 'processor' | 'dashboard') => config.role === 'all' || config.role === role;
  const dataDir = resolve(config.DATA_DIR);
  await mkdir(dataDir, { recursive: true });

  const brands = await createBrandRegistry({ file: join(dataDir, 'brands.json'), clock });
  const bus = openBus(config, dataDir, log);
  const warehouse = has('processor') || has('dashboard') ? await openWarehouse(config, dataDir) : undefined;
  await warehouse?.migrate();

  const alerting = has('processor') ? createAlerting(warehouse!, bus, brands, config, clock, log) : undefined;
  const processor = has('processor')
    ? createProcessor({
        bus,
        warehouse: warehouse!,
        brands,
        clock,
        batchSize: config.PROCESSOR_BATCH_SIZE,
        notify: alerting?.dispatch.notify,
      })
    : undefined;
  await processor?.start();
  // Per owned brand, on its recompute interval; the models run in a worker thread (docs/segments.md).
  const predictions = processor
    ? createPredictionScheduler({
        warehouse: warehouse!,
        brands,
        clock,
        owns: async (brandId) =>
          processor.stats().partitions.includes(await bus.partitionForKey(TOPICS.eventsRaw, brandId)),
        compute: computeOffThread,
        publish: (messages) =>
          bus.publish(
            TOPICS.liveUpdates,
            messages.map((message) => ({ key: message.brand_id, value: JSON.stringify(message) })),
          ),
      })
    : undefined;
  predictions?.start();
  if (alerting) {
    const resent = await alerting.dispatch.resendUnfinished(warehouse!, clock().getTime());
    if (resent > 0) log.info('alert notifications sent again after a restart', { notifications: resent });
  }

  // The client already got the 5xx; the server's log gets the cause.
  const report = (where: string) => (error: unknown) =>
    log.error(`${where}: unexpected error`, {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });

  const edge = new Hono();
  edge.get('/healthz', (c) =>
    c.json({
      status: 'ok',
      role: config.role,
      ...(processor && { processor: processor.stats() }),
      ...(alerting && { alerts: alerting.stats() }),
      ...(predictions && { predictions: predictions.stats() }),
    }),
  );
  if (has('ingest'))
    edge.route(
      '/',
      createIngestApp({ bus, brands, publicUrl: config.publicUrl, clock, reportError: report('ingest') }),
    );
  // A path of a role this process does not run (/api on ingest, /v1 on a processor): a JSON 404
  // like every other answer here, not Hono's plain-text default.
  edge.notFound((c) =>
    c.json(
      {
        error: {
          code: 'not_found',
          message: `no route for ${c.req.method} ${c.req.path} in the ${config.role} role`,
        },
      },
      404,
    ),
  );

  let sessionSecret: string | undefined;
  let dashboard: NodeListener = notFound;
  let importer: Importer | undefined;
  if (has('dashboard')) {
    sessionSecret = config.SESSION_SECRET ?? (await loadOrCreateSecret(join(dataDir, 'session-secret')));
    // Accepted but not yet processed (on Kafka: the lag of the brand's whole partition).
    const lag = (brandId: string) => bus.pendingForKey(TOPICS.eventsRaw, PROCESSOR_GROUP, brandId);
    // CSV imports run in the dashboard role, where operators upload them; one dashboard
    // process per DATA_DIR resumes the ones a restart interrupted.
    importer = createImporter({
      bus,
      root: join(dataDir, 'imports'),
      pending: lag,
      clock,
      onFailure: (job, error) => report(`import ${job.import_id} of ${job.brand_id}`)(error),
    });
    const readApi = createReadApi({
      warehouse: warehouse!,
      brands,
      sessionSecret,
      clock,
      importer,
      onUnexpectedError: report('read api'),
      // Accepted but not yet processed: what a client waits on after sending.
      pending: async (brandId) => {
        const pending = await lag(brandId);
        // On Kafka this is the lag of the brand's whole partition, which other
        // brands share: a count would tell one brand about another's traffic.
        // Only "caught up or not" is exact there, so only that is told.
        return config.BUS === 'inprocess' ? pending : Math.min(pending, 1);
      },
    });
    edge.route('/api', readApi);
    provideDashboardContext({
      warehouse: warehouse!,
      brands,
      commands: { send: (command) => publishEnvelope(bus, command.brand_id, { kind: 'command', command }) },
      alertCommands: {
        send: (command) => publishEnvelope(bus, command.brand_id, { kind: 'alert_command', command }),
      },
      importer,
      sessionSecret,
      publicUrl: config.publicUrl,
      secureCookies: config.publicUrl.startsWith('https:'),
    });
    dashboard = await loadDashboardHandler(options.dashboardBuildDir, log);
  }
  const edgeListener = getRequestListener(edge.fetch);

  // One origin: the tracking API, webhooks, read API and health go to Hono,
  // Socket.IO takes its own path (it hooks the server's 'request' event
  // itself), and everything else is the SvelteKit dashboard.
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (/^\/(v1|webhooks|api)\//.test(path) || path === '/healthz') {
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
  const live = sessionSecret
    ? await attachLiveSocket({ httpServer: server, bus, sessionSecret, brands })
    : undefined;
  await importer?.resume();

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(config.PORT, config.HOST, () => done());
  });
  const address = server.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const url = `http://${host}:${address.port}`;
  log.info('signalroom listening', {
    url,
    role: config.role,
    bus: config.BUS,
    warehouse: warehouse ? config.WAREHOUSE : 'none',
    data_dir: dataDir,
  });

  let closed = false;
  return {
    url,
    server,
    bus,
    warehouse,
    brands,
    importer,
    predictions,
    async close() {
      if (closed) return;
      closed = true;
      // Stop taking requests, then let the processor finish its in-flight
      // batch (its offsets commit with it), then close the stores.
      await live?.close();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      // Running imports stop at their next row and resume on the next start.
      await importer?.close();
      // A run in progress finishes first (its worker cannot be cut mid-write without a record).
      await predictions?.stop();
      await processor?.stop();
      await alerting?.close();
      await bus.close();
      await warehouse?.close();
    },
  };
}

/**
 * An operator's identity or alert decision goes on events.raw keyed by its
 * brand, like the brand's events: the processor that owns the brand applies
 * it in order with them and commits it with its batch.
 */
async function publishEnvelope(bus: Bus, brandId: string, envelope: RawEnvelope): Promise<void> {
  await bus.publish(TOPICS.eventsRaw, [{ key: brandId, value: JSON.stringify(envelope) }]);
}

/**
 * The processor's notifications: the notifier (one lane per receiver,
 * retries), its delivery log (warehouse + live), and the dispatch the
 * processor hands committed alert changes to.
 */
function createAlerting(
  warehouse: Warehouse,
  bus: Bus,
  brands: BrandRegistry,
  config: Config,
  clock: () => Date,
  log: Logger,
) {
  let logErrors = 0;
  const deliveryLog = createDeliveryLog({
    warehouse,
    publish: async (messages) => {
      await bus
        .publish(
          TOPICS.liveUpdates,
          messages.map((message) => ({ key: message.brand_id, value: JSON.stringify(message) })),
        )
        .catch(() => {
          logErrors += 1; // the log is in the warehouse; dashboards see it on their next load
        });
    },
    onError: (error) => {
      logErrors += 1;
      log.warn('alert delivery log not written yet; kept and retried', { error: String(error) });
    },
  });
  const notifier = createNotifier({
    fetch: globalThis.fetch,
    clock,
    schedule: defaultSchedule,
    onDelivery: (record) => deliveryLog.record(record),
  });
  const dispatch = createAlertDispatch(notifier, { brands, publicUrl: config.publicUrl });
  return {
    dispatch,
    stats: () => ({ delivery_log_errors: logErrors, delivery_log_dropped: deliveryLog.dropped() }),
    async close() {
      // Not delivered yet: the next start sends these again (dispatch.ts says how it finds them).
      const undelivered = notifier.close();
      await deliveryLog.flush();
      if (undelivered.length > 0)
        log.info('alert notifications left undelivered until the next start', {
          notifications: undelivered.length,
        });
    },
  };
}

const notFound: NodeListener = (_req, res) => {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: 'not_found', message: 'this role serves no pages' } }));
};

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
