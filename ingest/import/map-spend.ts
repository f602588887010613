// Mapped CSV rows of kind `spend` → AdSpend rows (source `csv`), one per row.
// Cells are read by the importer's strict rules (values.ts), then checked as
// POST /v1/spend checks a report (period boundary, a day ahead at most, 400
// days back, cost cap), so a file and the API refuse the same figures.
//
// A row replaces any stored row with its key (campaign, channel, period,
// start): importing a restated export replaces the figures. Within one file a
// key may appear once: a second row is almost always a breakdown (ad sets,
// ads, placements) that had to be summed, and keeping either would lose
// spend, so it is refused naming the first. The keys seen are kept as hashes
// (about 60 bytes each); a resumed import is told the rows before its
// checkpoint (`recall`) so it refuses the same rows as an uninterrupted one.
import { hash } from 'node:crypto';
import { spendKey, type AdSpend, type SpendReport } from '../../src/lib/shared/campaigns';
import { parseSpendReport } from '../http/spend/spend-report';
import type { MapOutput, MappedRow, RowError, RowMapper, RowMapperMeta } from './map-rows';
import {
  parseAdChannel,
  parseCount,
  parseCurrency,
  parsePrice,
  parseSpendStart,
  type Parsed,
} from './values';

type SpendCells = Omit<SpendReport, 'impressions' | 'clicks'> & { impressions: number; clicks: number };

export function createSpendMapper(columns: Readonly<Record<string, string>>, meta: RowMapperMeta): RowMapper {
  /** Key hash → the row that holds it. */
  const firstRowByKey = new Map<string, number>();
  const none: MapOutput = { events: [], errors: [] };

  const errorAt = (row: MappedRow, field: string, error: string): RowError => ({
    row: row.row,
    column: columns[field] ?? field,
    value: row.cells[field] ?? '',
    error,
    raw: row.raw,
  });

  /** The row's cells as a report, or its errors. */
  function readCells(row: MappedRow): { report: SpendCells } | { errors: RowError[] } {
    const errors: RowError[] = [];
    const read = <T>(field: string, parse: (raw: string) => Parsed<T>, required: string | null) => {
      const raw = row.cells[field];
      if (raw === undefined) {
        if (required !== null) errors.push(errorAt(row, field, required));
        return undefined;
      }
      const parsed = parse(raw);
      if (parsed.ok) return parsed.value;
      errors.push(errorAt(row, field, parsed.error));
      return undefined;
    };
    const campaignId = read('campaign_id', (raw) => ok(raw), 'the campaign id is empty');
    const channel = read('channel', parseAdChannel, 'the channel is empty');
    const start = read(
      'period_start',
      (raw) => parseSpendStart(raw, meta.now().getTime()),
      'the date is empty',
    );
    const impressions = read('impressions', parseCount, null) ?? 0;
    const clicks = read('clicks', parseCount, null) ?? 0;
    const cost = read('cost', parsePrice, 'the cost is empty');
    const currency = read('currency', parseCurrency, null);
    if (errors.length > 0 || campaignId === undefined || !channel || !start || cost === undefined)
      return { errors };
    const name = row.cells['campaign_name'];
    return {
      report: {
        campaign_id: campaignId,
        ...(name === undefined ? {} : { campaign_name: name }),
        channel,
        period: start.period,
        period_start: new Date(start.startMs).toISOString(),
        impressions,
        clicks,
        cost,
        ...(currency === undefined ? {} : { currency }),
      },
    };
  }

  const keyHash = (report: AdSpend) => hash('sha256', spendKey(report), 'base64url').slice(0, 22);

  function push(row: MappedRow): MapOutput {
    const cells = readCells(row);
    if ('errors' in cells) return { events: [], errors: cells.errors };
    const parsed = parseSpendReport(cells.report, {
      brand_id: meta.brand_id,
      source: 'csv',
      received_at: meta.now().toISOString(),
    });
    if (!parsed.ok) {
      return {
        events: [],
        errors: parsed.problems.map((problem) => errorAt(row, problem.field, problem.message)),
      };
    }
    const key = keyHash(parsed.spend);
    const first = firstRowByKey.get(key);
    if (first !== undefined) {
      const { spend } = parsed;
      const what = `${spend.campaign_id} on ${spend.channel}, the ${spend.period} from ${spend.period_start}`;
      return {
        events: [],
        errors: [
          errorAt(
            row,
            'campaign_id',
            `${what} is already row ${first}: sum breakdowns (ad sets, ads) into one row per campaign, channel and ${spend.period}`,
          ),
        ],
      };
    }
    firstRowByKey.set(key, row.row);
    return { events: [{ spend: parsed.spend, rows: 1 }], errors: [] };
  }

  return {
    push,
    // Decides the row again, so the key is remembered exactly when the row was imported.
    recall(row) {
      push(row);
    },
    end: () => none,
    openFrom: () => null,
    openRowCount: () => 0,
  };
}

function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}
