// Puts a demo brand's history (history.ts) in through the real CSV importer, once. The first
// start imports it; later starts find that import and only rebuild the same history (anchored
// at the day of that import) to hand its customers to the live traffic. An import of another day's
// history would repeat every order at shifted times, so there is never a second.
import type { Importer } from '../import/importer';
import type { Catalog } from './catalog';
import { demoHistory, type DemoHistory } from './history';
import type { Shopper } from './people';
import { createRandom, deriveSeed } from './random';

export const DEMO_HISTORY_FILE = 'demo-order-history.csv';
export const DEMO_HISTORY_USER = 'demo';
const SEED = 20_251_204;

export interface DemoHistoryImport {
  shoppers: readonly Shopper[];
  /** The import started now, or null when an earlier start already imported the history. */
  startedImportId: string | null;
  orders: number;
}

export async function importDemoHistory(deps: {
  importer: Importer;
  brandId: string;
  catalog: Catalog;
  customers: number;
  now: Date;
}): Promise<DemoHistoryImport> {
  const earlier = (await deps.importer.list(deps.brandId)).find(
    (job) =>
      job.file_name === DEMO_HISTORY_FILE &&
      job.created_by === DEMO_HISTORY_USER &&
      job.status !== 'failed' &&
      job.status !== 'cancelled',
  );
  const history: DemoHistory = demoHistory(createRandom(deriveSeed(SEED, deps.brandId)), deps.catalog, {
    customers: deps.customers,
    days: 365,
    now: earlier ? new Date(earlier.created_at) : deps.now,
  });
  if (earlier) return { shoppers: history.shoppers, startedImportId: null, orders: history.orders };

  const preview = await deps.importer.upload({
    brandId: deps.brandId,
    kind: 'orders',
    fileName: DEMO_HISTORY_FILE,
    body: (async function* () {
      yield new TextEncoder().encode(history.csv);
    })(),
    createdBy: DEMO_HISTORY_USER,
  });
  const job = await deps.importer.start(deps.brandId, preview.job.import_id, preview.suggested_mapping);
  return { shoppers: history.shoppers, startedImportId: job.import_id, orders: history.orders };
}
