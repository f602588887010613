// Campaigns, ad spend and what they earned. Spend comes in per campaign,
// channel and period (an hour or a day) through `/v1/spend` and CSV files;
// purchases are attributed to campaigns by last touch (docs/campaigns.md).
// The metric formulas live here, once, for the processor's alert rules, the
// read API and the Campaigns page. No I/O.
import { z } from 'zod';

/** Where a campaign runs. A touch's channel is read from its UTM source and medium (touchChannel). */
export const AD_CHANNELS = [
  'facebook',
  'instagram',
  'google_ads',
  'tiktok',
  'youtube',
  'email',
  'sms',
  'whatsapp',
  'affiliate',
  'other',
] as const;
export type AdChannel = (typeof AD_CHANNELS)[number];

export const SPEND_PERIODS = ['hour', 'day'] as const;
export type SpendPeriod = (typeof SPEND_PERIODS)[number];
export const PERIOD_MS: Readonly<Record<SpendPeriod, number>> = { hour: 3_600_000, day: 86_400_000 };

/** Campaign ids as brands write them in UTM tags and spend reports: 1-200 printable characters. */
export const campaignIdSchema = z
  .string()
  .trim()
  .min(1, 'campaign_id is empty')
  .max(200, 'campaign_id is longer than 200 characters')
  .refine((id) => !hasControlCharacter(id), 'campaign_id has control characters');

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * One spend report as a brand sends it: what one campaign on one channel cost
 * in one hour or day (UTC). A later report of the same campaign, channel,
 * period and start replaces the earlier one (ad platforms restate their
 * figures), so sending a report twice changes nothing.
 */
export const spendReportSchema = z.object({
  campaign_id: campaignIdSchema,
  /** A readable name; the id when absent. */
  campaign_name: z.string().trim().min(1).max(200).optional(),
  channel: z.enum(AD_CHANNELS),
  period: z.enum(SPEND_PERIODS),
  /** Start of the hour or day, ISO-8601 UTC, on the period's boundary. */
  period_start: z.iso.datetime({ offset: true, error: 'period_start must be an ISO-8601 date-time' }),
  impressions: z.number().int('impressions must be a whole number').nonnegative().default(0),
  clicks: z.number().int('clicks must be a whole number').nonnegative().default(0),
  /** In the brand's currency, e.g. 12.5. */
  cost: z.number().finite().nonnegative(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'currency must be a 3-letter ISO 4217 code')
    .optional(),
});
export type SpendReport = z.infer<typeof spendReportSchema>;

/** A spend report as it travels on events.raw and is stored (table `ad_spend`). */
export const adSpendSchema = z.object({
  brand_id: z.string(),
  campaign_id: z.string(),
  campaign_name: z.string(),
  channel: z.enum(AD_CHANNELS),
  period: z.enum(SPEND_PERIODS),
  /** Normalised to ISO-8601 UTC with milliseconds. */
  period_start: z.string(),
  impressions: z.number(),
  clicks: z.number(),
  cost: z.number(),
  currency: z.string().nullable(),
  /** `track` (the spend API) or `csv`. */
  source: z.enum(['track', 'csv']),
  /** When ingest accepted it: a report for a period still running covers only up to here. */
  received_at: z.string(),
});
export type AdSpend = z.infer<typeof adSpendSchema>;

/** The key a restatement replaces: brand, campaign, channel, period, start. */
export function spendKey(row: Pick<AdSpend, 'campaign_id' | 'channel' | 'period' | 'period_start'>): string {
  return `${row.campaign_id}\u0000${row.channel}\u0000${row.period}\u0000${row.period_start}`;
}

/**
 * The time a spend row's cost is spread over, evenly: its period, or for a
 * period still running when it was reported, the part up to `received_at`
 * (a report of "spend so far today" is a rate over the elapsed part).
 */
export function spendSpan(row: Pick<AdSpend, 'period' | 'period_start' | 'received_at'>): {
  fromMs: number;
  toMs: number;
} {
  const fromMs = Date.parse(row.period_start);
  const endMs = fromMs + PERIOD_MS[row.period];
  const receivedMs = Date.parse(row.received_at);
  const toMs = receivedMs > fromMs && receivedMs < endMs ? receivedMs : endMs;
  return { fromMs, toMs };
}

/** The part of a spend row's cost (and impressions, clicks) that falls in [fromMs, toMs). */
export function spendShare(
  row: Pick<AdSpend, 'period' | 'period_start' | 'received_at'>,
  fromMs: number,
  toMs: number,
): number {
  const span = spendSpan(row);
  const overlap = Math.min(span.toMs, toMs) - Math.max(span.fromMs, fromMs);
  return overlap <= 0 ? 0 : overlap / (span.toMs - span.fromMs);
}

/**
 * What a campaign's last touch earned in one minute (table `campaign_minute`),
 * bucketed by the events' received_at like the KPI minutes. Upserted whole.
 */
export interface CampaignMinute {
  brand_id: string;
  /** Start of the minute, ISO-8601 UTC. */
  minute: string;
  campaign_id: string;
  /** The channel of the touch (from its UTM source/medium). */
  channel: AdChannel;
  /** Events that carried the campaign's UTM tags (landings, clicks through). */
  visits: number;
  /** Orders attributed to the campaign by last touch. */
  orders: number;
  revenue: number;
}

/** The last campaign a profile came from: what an order is attributed to (table `campaign_touches`). */
export interface CampaignTouch {
  brand_id: string;
  profile_id: string;
  campaign_id: string;
  channel: AdChannel;
  /** The touching event's timestamp, ISO-8601. */
  touched_at: string;
}

/** Totals over a range, for one campaign and channel, one campaign, one channel or the brand. */
export interface CampaignTotals {
  impressions: number;
  clicks: number;
  cost: number;
  visits: number;
  orders: number;
  revenue: number;
}

/** The ratios growth teams read; null where the denominator is zero. */
export interface CampaignMetrics extends CampaignTotals {
  /** revenue ÷ cost. */
  roas: number | null;
  /** (revenue − cost) ÷ cost. */
  roi: number | null;
  /** cost ÷ orders: cost per acquisition. */
  cpa: number | null;
  /** clicks ÷ impressions. */
  ctr: number | null;
  /** orders ÷ clicks (the ad platform's clicks, as ad platforms define conversion rate). */
  conversion_rate: number | null;
}

export const emptyTotals = (): CampaignTotals => ({
  impressions: 0,
  clicks: 0,
  cost: 0,
  visits: 0,
  orders: 0,
  revenue: 0,
});

export function addTotals(into: CampaignTotals, from: CampaignTotals): CampaignTotals {
  into.impressions += from.impressions;
  into.clicks += from.clicks;
  into.cost += from.cost;
  into.visits += from.visits;
  into.orders += from.orders;
  into.revenue += from.revenue;
  return into;
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

export function campaignMetrics(totals: CampaignTotals): CampaignMetrics {
  return {
    ...totals,
    roas: ratio(totals.revenue, totals.cost),
    roi: ratio(totals.revenue - totals.cost, totals.cost),
    cpa: ratio(totals.cost, totals.orders),
    ctr: ratio(totals.clicks, totals.impressions),
    conversion_rate: ratio(totals.orders, totals.clicks),
  };
}

/** One row of the Campaigns page and the read API: a campaign on a channel over a range. */
export interface CampaignRow extends CampaignMetrics {
  campaign_id: string;
  campaign_name: string;
  channel: AdChannel;
}

/** Totals over rows, with the ratios of the sums (not averages of ratios). */
export function totalsOf(rows: readonly CampaignRow[]): CampaignMetrics {
  const sum = emptyTotals();
  for (const row of rows) addTotals(sum, row);
  return campaignMetrics(sum);
}

/** One point of a campaign chart: totals in one bucket (an hour or a day). */
export interface CampaignPoint extends CampaignTotals {
  /** Start of the bucket, ISO-8601 UTC. */
  at: string;
}

/**
 * The ad channel of a touch, from UTM source and medium as shops tag links
 * (utm_source=fb, utm_source=ig, utm_medium=cpc with google...). Unknown
 * sources are `other`, never guessed further.
 */
export function touchChannel(source: string | undefined, medium: string | undefined): AdChannel {
  const s = (source ?? '').trim().toLowerCase();
  const m = (medium ?? '').trim().toLowerCase();
  if (/^(fb|facebook|facebook\.com|m\.facebook\.com|meta)$/.test(s)) return 'facebook';
  if (/^(ig|instagram|instagram\.com)$/.test(s)) return 'instagram';
  if (/^(google|adwords|google_ads|googleads|gads)$/.test(s)) return 'google_ads';
  if (/^(tiktok|tt|tiktok\.com)$/.test(s)) return 'tiktok';
  if (/^(youtube|yt|youtube\.com)$/.test(s)) return 'youtube';
  if (/^(whatsapp|wa)$/.test(s)) return 'whatsapp';
  if (/^(sms|text)$/.test(s) || m === 'sms') return 'sms';
  if (/^(email|newsletter|klaviyo|mailchimp)$/.test(s) || m === 'email') return 'email';
  if (m === 'affiliate' || s === 'affiliate') return 'affiliate';
  return 'other';
}

/**
 * The campaign a UTM-tagged event names: `utm_id` (campaign.id) when present,
 * else `utm_campaign` (campaign.name), trimmed. Spend reports must use the
 * same value as `campaign_id` for spend and revenue to meet.
 */
export function touchCampaignId(campaign: { id?: string; name?: string } | undefined): string | undefined {
  const id = campaign?.id?.trim() || campaign?.name?.trim();
  return id && campaignIdSchema.safeParse(id).success ? id : undefined;
}

const rowKey = (campaignId: string, channel: AdChannel) => `${campaignId}\u0000${channel}`;

/**
 * Per campaign and channel over [fromMs, toMs): spend prorated by overlap
 * (spendShare), activity summed. `activity` rows may be minutes or larger
 * buckets; each counts whole if its start is in the range. Campaigns without
 * a name in any spend report are named by their id. Highest cost first, then
 * revenue, then id.
 */
export function summarizeCampaigns(
  spend: readonly AdSpend[],
  activity: readonly CampaignMinute[],
  fromMs: number,
  toMs: number,
): CampaignRow[] {
  const rows = new Map<string, { campaign_id: string; channel: AdChannel; totals: CampaignTotals }>();
  const names = new Map<string, string>();
  const rowFor = (campaignId: string, channel: AdChannel) => {
    const key = rowKey(campaignId, channel);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { campaign_id: campaignId, channel, totals: emptyTotals() }));
    return row.totals;
  };
  for (const report of spend) {
    const share = spendShare(report, fromMs, toMs);
    if (report.campaign_name !== report.campaign_id) names.set(report.campaign_id, report.campaign_name);
    if (share === 0) continue;
    const totals = rowFor(report.campaign_id, report.channel);
    totals.cost += report.cost * share;
    totals.impressions += report.impressions * share;
    totals.clicks += report.clicks * share;
  }
  for (const minute of activity) {
    const at = Date.parse(minute.minute);
    if (at < fromMs || at >= toMs) continue;
    const totals = rowFor(minute.campaign_id, minute.channel);
    totals.visits += minute.visits;
    totals.orders += minute.orders;
    totals.revenue += minute.revenue;
  }
  return [...rows.values()]
    .map(({ campaign_id, channel, totals }) => ({
      campaign_id,
      campaign_name: names.get(campaign_id) ?? campaign_id,
      channel,
      ...campaignMetrics(totals),
    }))
    .sort(
      (a, b) =>
        b.cost - a.cost ||
        b.revenue - a.revenue ||
        a.campaign_id.localeCompare(b.campaign_id) ||
        a.channel.localeCompare(b.channel),
    );
}

/**
 * Totals per bucket of `bucketMs` from fromMs (aligned by the caller) to toMs,
 * every bucket present (zeros included), for the rows `keep` selects (a
 * campaign, a channel, or all). Spend is prorated into buckets by overlap.
 */
export function campaignSeries(
  spend: readonly AdSpend[],
  activity: readonly CampaignMinute[],
  fromMs: number,
  toMs: number,
  bucketMs: number,
  keep: (campaignId: string, channel: AdChannel) => boolean = () => true,
): CampaignPoint[] {
  const points: CampaignPoint[] = [];
  for (let at = fromMs; at < toMs; at += bucketMs)
    points.push({ at: new Date(at).toISOString(), ...emptyTotals() });
  const bucketOf = (ms: number) => Math.floor((ms - fromMs) / bucketMs);
  for (const report of spend) {
    if (!keep(report.campaign_id, report.channel)) continue;
    const span = spendSpan(report);
    const first = Math.max(0, bucketOf(Math.max(span.fromMs, fromMs)));
    const last = Math.min(points.length - 1, bucketOf(Math.min(span.toMs, toMs) - 1));
    for (let index = first; index <= last; index += 1) {
      const start = fromMs + index * bucketMs;
      const share = spendShare(report, start, start + bucketMs);
      const point = points[index];
      if (!point || share === 0) continue;
      point.cost += report.cost * share;
      point.impressions += report.impressions * share;
      point.clicks += report.clicks * share;
    }
  }
  for (const minute of activity) {
    if (!keep(minute.campaign_id, minute.channel)) continue;
    const at = Date.parse(minute.minute);
    if (at < fromMs || at >= toMs) continue;
    const point = points[bucketOf(at)];
    if (!point) continue;
    point.visits += minute.visits;
    point.orders += minute.orders;
    point.revenue += minute.revenue;
  }
  return points;
}
