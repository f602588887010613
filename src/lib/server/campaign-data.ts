// Campaign reads for the read API and the Campaigns page, computed with the
// shared formulas (summarizeCampaigns, campaignSeries) from spend reports and
// campaign activity; nothing here re-derives a metric.
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import {
  campaignSeries,
  summarizeCampaigns,
  totalsOf,
  type AdChannel,
  type AdSpend,
  type CampaignMetrics,
  type CampaignMinute,
  type CampaignPoint,
  type CampaignRow,
} from '../shared/campaigns';
import { BUCKET_MS, alignedSpan, type CampaignBucket, type CampaignRange } from './campaign-query';

const HOUR_MS = 3_600_000;

export interface CampaignSummary {
  campaigns: CampaignRow[];
  /** The brand's totals over every row, with its ratios. */
  totals: CampaignMetrics;
}

/**
 * Activity buckets start on the UTC hour or day, which may be before `from`;
 * the warehouse only summed minutes inside the range, so a bucket is labelled
 * with the later of its start and `from` for the shared functions to count it.
 */
function clampedTo(fromMs: number, rows: readonly CampaignMinute[]): CampaignMinute[] {
  const from = new Date(fromMs).toISOString();
  return rows.map((row) => (Date.parse(row.minute) < fromMs ? { ...row, minute: from } : row));
}

export async function loadCampaignSummary(
  warehouse: WarehouseReader,
  brandId: string,
  range: CampaignRange,
): Promise<CampaignSummary> {
  const [spend, activity] = await Promise.all([
    warehouse.adSpend(brandId, range.from, range.to),
    warehouse.campaignActivity(brandId, range.from, range.to, 'day'),
  ]);
  const fromMs = Date.parse(range.from);
  const campaigns = summarizeCampaigns(spend, clampedTo(fromMs, activity), fromMs, Date.parse(range.to));
  return { campaigns, totals: totalsOf(campaigns) };
}

export interface SeriesFilter {
  campaignId?: string | undefined;
  channel?: AdChannel | undefined;
}

export const seriesKeep =
  (filter: SeriesFilter) =>
  (campaignId: string, channel: AdChannel): boolean =>
    (filter.campaignId === undefined || filter.campaignId === campaignId) &&
    (filter.channel === undefined || filter.channel === channel);

/** Every bucket of the aligned span, zeros included, for the campaign and channel asked (or all). */
export async function loadCampaignSeries(
  warehouse: WarehouseReader,
  brandId: string,
  range: CampaignRange,
  bucket: CampaignBucket,
  filter: SeriesFilter,
): Promise<{ from: string; to: string; points: CampaignPoint[] }> {
  const { fromMs, toMs } = alignedSpan(range, bucket);
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  const [spend, activity] = await Promise.all([
    warehouse.adSpend(brandId, from, to),
    warehouse.campaignActivity(brandId, from, to, bucket),
  ]);
  return {
    from,
    to,
    points: campaignSeries(spend, activity, fromMs, toMs, BUCKET_MS[bucket], seriesKeep(filter)),
  };
}

/**
 * What the Campaigns page keeps live for a range: the spend reports, the
 * activity before `cut` summed per hour (settled: live updates no longer
 * reach it), and the minutes from `cut` on, which `campaign` pushes replace
 * one by one. The cut is an hour before the current hour, so a minute the
 * processor still upserts is always a minute row.
 */
export interface CampaignSnapshot {
  from: string;
  to: string;
  cut: string;
  spend: AdSpend[];
  settled: CampaignMinute[];
  recent: CampaignMinute[];
}

export async function loadCampaignSnapshot(
  warehouse: WarehouseReader,
  brandId: string,
  range: CampaignRange,
  now: Date,
): Promise<CampaignSnapshot> {
  const fromMs = Date.parse(range.from);
  const toMs = Date.parse(range.to);
  const cutMs = Math.min(Math.max(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS, fromMs), toMs);
  const cut = new Date(cutMs).toISOString();
  const [spend, settled, recent] = await Promise.all([
    warehouse.adSpend(brandId, range.from, range.to),
    cutMs > fromMs ? warehouse.campaignActivity(brandId, range.from, cut, 'hour') : [],
    cutMs < toMs ? warehouse.campaignActivity(brandId, cut, range.to, 'minute') : [],
  ]);
  return { ...range, cut, spend, settled: clampedTo(fromMs, settled), recent };
}
