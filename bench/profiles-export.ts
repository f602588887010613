// What the Profiles list's CSV export (src/lib/server/profiles-export.ts)
// costs for a brand of 500,000 profiles, on DuckDB and on ClickHouse.
//
//   CLICKHOUSE_URL=http://127.0.0.1:18123 npx tsx bench/profiles-export.ts \
//     [profiles=500000] [clickhouse profiles=profiles] [paths=pages,stream]
//
// The population of bench/support/profiles-population.ts (3 % merged, 60 %
// without revenue, coarse scores and times, an email each, and a second brand
// a tenth the size). Then the whole brand is exported once per sort and path,
// reading the stream as a client would, and the rows are checked: every
// survivor once, none of the other brand. Paths: `stream`, the export as it is
// (one ordered query streamed, WarehouseReader.profilesExport, 1,000 a chunk);
// `pages`, the export before it (a keyset page of 1,000 per pull through
// profilesPage, each re-sorting the brand), for comparison in one session.
// Reported: wall time, time to the first chunk, rows and MB per second, and
// the process's peak RSS above what it held before the export. Profiles 0
// skips DuckDB; without CLICKHOUSE_URL only DuckDB runs.
import { performance } from 'node:perf_hooks';
import { PROFILES_EXPORT_PAGE, type ProfilesSort, type Warehouse } from '../ingest/warehouse/types';
import { csvPageStream } from '../src/lib/server/csv-export';
import { exportProfilesCsv, profilesCsv } from '../src/lib/server/profiles-export';
import { BRAND, loadPopulation, onEachWarehouse } from './support/profiles-population';

const PROFILES = Number(process.argv[2] ?? 500_000);
const CLICKHOUSE_PROFILES = Number(process.argv[3] ?? PROFILES);
const PATHS = (process.argv[4] ?? 'pages,stream').split(',') as Path[];
const SORTS: ProfilesSort[] = ['revenue', 'last_seen'];

type Path = 'pages' | 'stream';

/** The export's byte stream by either path. */
function openExport(
  warehouse: Warehouse,
  sort: ProfilesSort,
  path: Path,
): Promise<ReadableStream<Uint8Array>> {
  if (path === 'stream') return exportProfilesCsv(warehouse, BRAND, { sort, search: '', country: 'US' });
  return csvPageStream(async (cursor) => {
    const page = await warehouse.profilesPage(BRAND, {
      sort,
      limit: PROFILES_EXPORT_PAGE,
      ...(cursor === null ? {} : { cursor }),
    });
    return { rows: page.profiles, next: page.next };
  }, profilesCsv);
}

async function exportOnce(warehouse: Warehouse, sort: ProfilesSort, path: Path, survivors: number) {
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const reader = (await openExport(warehouse, sort, path)).getReader();
  let firstMs: number | undefined;
  const decoder = new TextDecoder();
  let bytes = 0;
  let lines = 0;
  let foreign = 0;
  let tail = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    firstMs ??= performance.now() - started;
    bytes += value.byteLength;
    const text = tail + decoder.decode(value, { stream: true });
    const parts = text.split('\r\n');
    tail = parts.pop() ?? '';
    lines += parts.length;
    for (const line of parts) if (line.startsWith('other-')) foreign++;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  const rows = lines - 1; // the header
  if (rows !== survivors || foreign !== 0) {
    throw new Error(`export of ${sort} (${path}): ${rows} rows (${foreign} foreign), expected ${survivors}`);
  }
  return { ms, firstMs: firstMs ?? ms, rows, bytes, peakMb: (peak - baseline) / 2 ** 20 };
}

async function measure(name: string, warehouse: Warehouse, count: number): Promise<void> {
  const { survivors, ms } = await loadPopulation(warehouse, count);
  console.log(
    `\n${name}: loaded ${count.toLocaleString('en')} (+${Math.round(count / 10).toLocaleString('en')}) profiles in ${(ms / 1000).toFixed(1)} s`,
  );
  for (const path of PATHS) {
    for (const sort of SORTS) {
      const r = await exportOnce(warehouse, sort, path, survivors);
      console.log(
        `  ${path.padEnd(6)} ${sort.padEnd(10)} ${r.rows.toLocaleString('en')} rows in ${(r.ms / 1000).toFixed(1)} s ` +
          `(first chunk ${(r.firstMs / 1000).toFixed(2)} s): ` +
          `${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en')} rows/s, ` +
          `${(r.bytes / 2 ** 20 / (r.ms / 1000)).toFixed(2)} MB/s (${(r.bytes / 2 ** 20).toFixed(1)} MB), ` +
          `peak RSS +${r.peakMb.toFixed(0)} MB`,
      );
    }
  }
}

async function main(): Promise<void> {
  console.log(
    `profiles export: paths ${PATHS.join(', ')}, ${PROFILES_EXPORT_PAGE} profiles a page or chunk, every survivor of the brand`,
  );
  for (const path of PATHS) {
    if (path !== 'pages' && path !== 'stream')
      throw new Error(`unknown path ${String(path)}: pages or stream`);
  }
  await onEachWarehouse(
    { duckdb: PROFILES > 0, clickHouseUrl: process.env.CLICKHOUSE_URL },
    (name, warehouse) => measure(name, warehouse, name.startsWith('DuckDB') ? PROFILES : CLICKHOUSE_PROFILES),
  );
}

await main();
