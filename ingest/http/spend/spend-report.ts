// One spend report → the AdSpend row that travels on events.raw. Shared by
// POST /v1/spend and the CSV importer's `spend` kind, so both refuse the same
// reports for the same reasons:
//   period_start  on the period's boundary in UTC (an hour at :00:00.000, a day at 00:00Z),
//                 at most a day ahead of ingest's clock, and the period not ended more than
//                 SPEND_MAX_AGE_DAYS ago (older figures are a wrong year, not a restatement)
//   cost          at most MAX_COST: larger is a unit mistake (micros for units) that would
//                 swamp every ROAS it touches
//   campaign_name printable, like campaign_id; absent means the id
// Fields are named as the contract names them (src/lib/shared/campaigns.ts).
import type { z } from 'zod';
import {
  PERIOD_MS,
  spendReportSchema,
  type AdSpend,
  type SpendPeriod,
  type SpendReport,
} from '../../../src/lib/shared/campaigns';

/** A report for a period that ended longer ago than this is refused. */
export const SPEND_MAX_AGE_DAYS = 400;
/** A period may start at most this far ahead of ingest's clock (time zones, clock skew). */
export const SPEND_MAX_AHEAD_MS = 86_400_000;
/** Larger costs are a unit mistake; the same cap as POS amounts. */
export const MAX_COST = 1e12;

const DAY_MS = 86_400_000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface SpendMeta {
  brand_id: string;
  source: AdSpend['source'];
  /** ISO-8601 from ingest's (or the import's) clock. */
  received_at: string;
}

/** One thing wrong with a report: the field by path (`''` for the report itself) and why. */
export interface SpendProblem {
  field: string;
  message: string;
}

export type SpendParse = { ok: true; spend: AdSpend } | { ok: false; problems: SpendProblem[] };

/** `field: message`, prefixed with where the report sits (`reports[3]`), or `(root)` for a lone report. */
export function describeProblem(problem: SpendProblem, at = ''): string {
  const where = [at, problem.field].filter((part) => part !== '').join('.') || '(root)';
  return `${where}: ${problem.message}`;
}

/** Why a period start is refused, naming the rule; undefined when it is fine. */
export function periodStartProblem(startMs: number, period: SpendPeriod, nowMs: number): string | undefined {
  if (startMs % PERIOD_MS[period] !== 0) {
    return period === 'hour'
      ? 'an hour must start on the hour in UTC (e.g. 2024-05-01T13:00:00Z)'
      : 'a day must start at midnight UTC (e.g. 2024-05-01T00:00:00Z)';
  }
  if (startMs > nowMs + SPEND_MAX_AHEAD_MS) return 'is more than a day in the future';
  if (startMs + PERIOD_MS[period] < nowMs - SPEND_MAX_AGE_DAYS * DAY_MS)
    return `the period ended more than ${SPEND_MAX_AGE_DAYS} days ago`;
  return undefined;
}

/** The row a valid report becomes: the name defaults to the id, the start is normalised to UTC with ms. */
export function toAdSpend(report: SpendReport, startMs: number, meta: SpendMeta): AdSpend {
  return {
    brand_id: meta.brand_id,
    campaign_id: report.campaign_id,
    campaign_name: report.campaign_name ?? report.campaign_id,
    channel: report.channel,
    period: report.period,
    period_start: new Date(startMs).toISOString(),
    impressions: report.impressions,
    clicks: report.clicks,
    cost: report.cost,
    currency: report.currency ?? null,
    source: meta.source,
    received_at: meta.received_at,
  };
}

/** zod's message, said plainly: a field left out is "required"; a bad choice quotes the value. */
function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 'required';
  if (issue.code === 'invalid_value') {
    const given = issue.path.reduce<unknown>(
      (at, key) =>
        typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined,
      value,
    );
    return `${JSON.stringify(given)} is not one of ${issue.values.map(String).join(', ')}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/** Validates one report as a brand sent it; each problem names its field. */
export function parseSpendReport(value: unknown, meta: SpendMeta): SpendParse {
  const parsed = spendReportSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.'),
        message: issueMessage(issue, value),
      })),
    };
  }
  const report = parsed.data;
  const problems: SpendProblem[] = [];
  const startMs = Date.parse(report.period_start);
  const startProblem = periodStartProblem(startMs, report.period, Date.parse(meta.received_at));
  if (startProblem) problems.push({ field: 'period_start', message: startProblem });
  if (report.cost > MAX_COST) problems.push({ field: 'cost', message: `must be at most ${MAX_COST}` });
  if (report.campaign_name !== undefined && CONTROL.test(report.campaign_name))
    problems.push({ field: 'campaign_name', message: 'has control characters' });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, spend: toAdSpend(report, startMs, meta) };
}
