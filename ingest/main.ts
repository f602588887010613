// The composition root: parses configuration once, starts the system and,
// with --demo, the traffic generator. Nothing below reads process.env.
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../src/lib/shared/config';
import { catalogFor } from './demo/catalog';
import { importDemoHistory } from './demo/history-import';
import type { Shopper } from './demo/people';
import { createDemoTraffic } from './demo/traffic';
import { DEMO_BRANDS, ensureDemoBrands } from './demo-brands';
import { createLogger } from './log';
import { startSystem } from './system';

/** Past customers each demo brand starts with (history.ts): about 4,000 orders a brand. */
const DEMO_HISTORY_CUSTOMERS = 1_500;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`signalroom: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);
  // Read by the SvelteKit adapter-node handler when it loads: take the request
  // protocol from x-forwarded-proto (see the router in system.ts).
  process.env.PROTOCOL_HEADER ??= 'x-forwarded-proto';
  const system = await startSystem({ config, log, dashboardBuildDir: resolve('build') });

  // A newcomer's first start: demo brands to log in with, printed with the URL.
  const withDashboard = config.role === 'all' || config.role === 'dashboard';
  const demoBrands = withDashboard
    ? await ensureDemoBrands(system.brands, resolve(config.DATA_DIR), { createIfOthersExist: config.demo })
    : [];
  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${new URL(system.url).port}`;
  const lines = [
    `Signalroom (${config.role}) is running: ${withDashboard ? 'dashboard' : 'url'} ${publicUrl}`,
  ];
  for (const demo of demoBrands) {
    lines.push(
      `  demo login (${demo.brand_id}): ${demo.dashboard_user.username} / ${demo.dashboard_user.password}`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);

  // The demo brands' past (a year of orders), imported once through the CSV importer; its
  // customers come back in the live traffic.
  const returningShoppers = new Map<string, readonly Shopper[]>();
  if (config.demo && system.importer) {
    for (const credentials of demoBrands) {
      const catalog = catalogFor(
        DEMO_BRANDS.find((brand) => brand.brand_id === credentials.brand_id)?.catalog ?? 'fashion',
      );
      const history = await importDemoHistory({
        importer: system.importer,
        brandId: credentials.brand_id,
        catalog,
        customers: DEMO_HISTORY_CUSTOMERS,
        now: new Date(),
      });
      returningShoppers.set(credentials.brand_id, history.shoppers);
      if (history.startedImportId)
        log.info('demo history import started', {
          brand_id: credentials.brand_id,
          orders: history.orders,
          import_id: history.startedImportId,
        });
    }
  }

  const demo = config.demo
    ? createDemoTraffic({
        returningShoppers,
        baseUrl: system.url,
        ratePerSecond: config.DEMO_RATE,
        brands: demoBrands.map((credentials) => ({
          brand_id: credentials.brand_id,
          write_key: credentials.write_key,
          shopify_secret: credentials.webhook_secrets.shopify,
          catalog: DEMO_BRANDS.find((brand) => brand.brand_id === credentials.brand_id)?.catalog ?? 'fashion',
        })),
        onError: (error) => log.warn('demo traffic request failed', { error: String(error) }),
      })
    : undefined;
  if (demo) {
    demo.start();
    log.info('demo traffic started', { rate_per_second: config.DEMO_RATE, brands: demoBrands.length });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    await demo?.stop();
    await system.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `signalroom: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
