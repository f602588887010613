// The CSV export of one segment, or every member, of the brand's newest run with segments:
// read through segmentMembers a keyset page at a time and written as it is read
// (./csv-export.ts: formula escaping, paging, file name), so a large brand streams in
// bounded memory. Each row names the run it comes from.
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import type { CustomerPrediction, PredictionRun } from '../shared/predictions';
import { csvFileName, csvLines, csvPageStream, type CsvCell } from './csv-export';
import {
  SEGMENT_EXPORT_PAGE,
  SEGMENT_RUNS_SHOWN,
  checkSegment,
  loadSegmentMembers,
  loadSegmentRuns,
  noSegmentsReason,
  type Outcome,
} from './segments';

/** The columns, in order, with what each holds (docs/segments.md repeats this). */
export const SEGMENT_EXPORT_COLUMNS = [
  ['profile_id', 'the profile id (its page is /profiles/<profile_id>)'],
  ['segment', 'the segment name, or "no orders"'],
  ['orders', 'orders at the run'],
  ['revenue', 'revenue at the run'],
  ['recency_days', 'days from the last order to the run; empty without orders'],
  ['r', 'recency score 1–5 within the brand (5 best); empty without orders'],
  ['f', 'frequency score 1–5'],
  ['m', 'monetary score 1–5'],
  ['churn_probability', 'P(no purchase in the next 12 months); empty without orders or a CLV fit'],
  ['p_alive', 'BG/NBD P(alive)'],
  ['expected_purchases_12m', 'expected purchases in the next 12 months'],
  ['predicted_value_12m', 'expected 12-month revenue, undiscounted'],
  ['recommendations', 'recommended product ids, best first, separated by a space'],
  [
    'recommendation_names',
    'their names as the orders gave them (the id where none did), in the same order, separated by " | "',
  ],
  ['run_id', 'the prediction run the row comes from'],
  ['computed_at', 'when the run computed it (ISO-8601 UTC)'],
] as const;

export type SegmentExportColumn = (typeof SEGMENT_EXPORT_COLUMNS)[number][0];

const COLUMN_NAMES = SEGMENT_EXPORT_COLUMNS.map(([name]) => name);

export function segmentExportRecord(row: CustomerPrediction): Record<SegmentExportColumn, CsvCell> {
  return {
    profile_id: row.profile_id,
    segment: row.segment,
    orders: row.orders,
    revenue: row.revenue,
    recency_days: row.recency_days,
    r: row.r,
    f: row.f,
    m: row.m,
    churn_probability: row.churn_probability,
    p_alive: row.p_alive,
    expected_purchases_12m: row.expected_purchases_12m,
    predicted_value_12m: row.predicted_value_12m,
    recommendations: row.recommendations.map((r) => r.product_id).join(' '),
    recommendation_names: row.recommendations.map((r) => r.labels[r.product_id] ?? r.product_id).join(' | '),
    run_id: row.run_id,
    computed_at: row.computed_at,
  };
}

/** CSV lines for the rows, formula-looking text neutralized; with the header row when asked. */
export function segmentMembersCsv(rows: readonly CustomerPrediction[], header: boolean): string {
  return csvLines(rows.map(segmentExportRecord), COLUMN_NAMES, header);
}

export interface SegmentExport {
  run: PredictionRun;
  /** One segment, or null for every member of the run. */
  segment: string | null;
}

/** What an export request asks for: the newest run with segments (else 404) and a known segment (else 400). */
export async function resolveSegmentExport(
  warehouse: WarehouseReader,
  brandId: string,
  segment: string | null | undefined,
): Promise<Outcome<SegmentExport>> {
  const { latest, current } = await loadSegmentRuns(warehouse, brandId, SEGMENT_RUNS_SHOWN);
  if (current === null) return { ok: false, status: 404, problem: noSegmentsReason(latest) };
  const checked = checkSegment(current, segment);
  return checked.ok ? { ok: true, value: { run: current, segment: checked.value } } : checked;
}

/** The export as a byte stream: the header, then one warehouse page per pull. */
export function exportSegmentCsv(
  warehouse: WarehouseReader,
  brandId: string,
  wanted: SegmentExport,
  pageSize = SEGMENT_EXPORT_PAGE,
): Promise<ReadableStream<Uint8Array>> {
  return csvPageStream(
    (after) =>
      loadSegmentMembers(warehouse, brandId, {
        runId: wanted.run.run_id,
        segment: wanted.segment,
        after,
        limit: pageSize,
      }),
    segmentMembersCsv,
  );
}

/** "segment-<brand>-<segment or all>-<run id>-<date>.csv", safe in a Content-Disposition header. */
export function segmentExportFileName(brandId: string, wanted: SegmentExport, now: Date): string {
  return csvFileName(['segment', brandId, wanted.segment ?? 'all', wanted.run.run_id], now);
}
