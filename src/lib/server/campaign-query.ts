// The query parameters of the campaign reads: a range (`from <= t < to`, at
// most MAX_CAMPAIGN_RANGE_DAYS), a bucket for series (hour or day, each with
// the longest range it may cover), and the campaign and channel filters.
import { AD_CHANNELS, campaignIdSchema, type AdChannel } from '../shared/campaigns';
import { parseIso } from './kpi-range';

export const MAX_CAMPAIGN_RANGE_DAYS = 92;
export const CAMPAIGN_BUCKETS = ['hour', 'day'] as const;
export type CampaignBucket = (typeof CAMPAIGN_BUCKETS)[number];
export const BUCKET_MS: Readonly<Record<CampaignBucket, number>> = { hour: 3_600_000, day: 86_400_000 };
/** The longest range each bucket may cover (points per chart stay readable: 336 hours, 92 days). */
export const MAX_BUCKET_RANGE_DAYS: Readonly<Record<CampaignBucket, number>> = { hour: 14, day: 92 };
/** Without a bucket: hours up to this many days, else days. */
const HOURLY_UP_TO_DAYS = 3;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface CampaignRange {
  from: string;
  to: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The default range: the 24 hours up to the end of the current minute. */
export function lastDay(now: Date): CampaignRange {
  const end = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  return { from: new Date(end - DAY_MS).toISOString(), to: new Date(end).toISOString() };
}

export function parseCampaignRange(
  from: string | undefined,
  to: string | undefined,
  now: Date,
): Parsed<CampaignRange> {
  const fromMs = from === undefined ? undefined : parseIso(from);
  const toMs = to === undefined ? undefined : parseIso(to);
  if (fromMs === null)
    return { ok: false, problem: `from "${from}" is not an ISO-8601 date-time with a time zone` };
  if (toMs === null)
    return { ok: false, problem: `to "${to}" is not an ISO-8601 date-time with a time zone` };
  const fallback = lastDay(now);
  const end = toMs ?? Date.parse(fallback.to);
  const start = fromMs ?? end - DAY_MS;
  if (start >= end) return { ok: false, problem: 'from must be before to' };
  if (end - start > MAX_CAMPAIGN_RANGE_DAYS * DAY_MS)
    return { ok: false, problem: `the range is longer than ${MAX_CAMPAIGN_RANGE_DAYS} days` };
  return { ok: true, value: { from: new Date(start).toISOString(), to: new Date(end).toISOString() } };
}

export function parseBucket(raw: string | undefined, range: CampaignRange): Parsed<CampaignBucket> {
  const days = (Date.parse(range.to) - Date.parse(range.from)) / DAY_MS;
  if (raw === undefined) return { ok: true, value: days <= HOURLY_UP_TO_DAYS ? 'hour' : 'day' };
  if (!(CAMPAIGN_BUCKETS as readonly string[]).includes(raw))
    return { ok: false, problem: `bucket "${raw}" is not one of ${CAMPAIGN_BUCKETS.join(', ')}` };
  const bucket = raw as CampaignBucket;
  if (days > MAX_BUCKET_RANGE_DAYS[bucket])
    return {
      ok: false,
      problem: `bucket=${bucket} covers at most ${MAX_BUCKET_RANGE_DAYS[bucket]} days; use bucket=day or a shorter range`,
    };
  return { ok: true, value: bucket };
}

export function parseChannel(raw: string | undefined): Parsed<AdChannel | undefined> {
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  if (!(AD_CHANNELS as readonly string[]).includes(raw))
    return { ok: false, problem: `channel "${raw.slice(0, 40)}" is not one of ${AD_CHANNELS.join(', ')}` };
  return { ok: true, value: raw as AdChannel };
}

export function parseCampaignId(raw: string | undefined): Parsed<string | undefined> {
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const parsed = campaignIdSchema.safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problem: parsed.error.issues[0]?.message ?? 'campaign_id is not a campaign id' };
}

/** The series' bucket-aligned span (UTC hours or days) that covers the range. */
export function alignedSpan(range: CampaignRange, bucket: CampaignBucket): { fromMs: number; toMs: number } {
  const size = BUCKET_MS[bucket];
  return {
    fromMs: Math.floor(Date.parse(range.from) / size) * size,
    toMs: Math.ceil(Date.parse(range.to) / size) * size,
  };
}
