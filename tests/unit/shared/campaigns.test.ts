import { describe, expect, it } from 'vitest';
import {
  campaignMetrics,
  campaignSeries,
  spendReportSchema,
  spendShare,
  summarizeCampaigns,
  touchCampaignId,
  touchChannel,
  type AdSpend,
  type CampaignMinute,
} from '../../../src/lib/shared/campaigns';

const HOUR = 3_600_000;
const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function spend(fields: Partial<AdSpend> = {}): AdSpend {
  return {
    brand_id: 'acme',
    campaign_id: 'spring',
    campaign_name: 'Spring sale',
    channel: 'facebook',
    period: 'hour',
    period_start: iso(T0),
    impressions: 1000,
    clicks: 50,
    cost: 60,
    currency: 'EUR',
    source: 'track',
    received_at: iso(T0 + 2 * HOUR),
    ...fields,
  };
}

function minute(at: number, fields: Partial<CampaignMinute> = {}): CampaignMinute {
  return {
    brand_id: 'acme',
    minute: iso(at),
    campaign_id: 'spring',
    channel: 'facebook',
    visits: 1,
    orders: 0,
    revenue: 0,
    ...fields,
  };
}

describe('spend spread over time', () => {
  it('a finished hour is spread evenly: a quarter of it holds a quarter of the cost', () => {
    expect(spendShare(spend(), T0, T0 + HOUR / 4)).toBe(0.25);
    expect(spendShare(spend(), T0 - HOUR, T0 + 2 * HOUR)).toBe(1);
    expect(spendShare(spend(), T0 + HOUR, T0 + 2 * HOUR)).toBe(0);
  });

  it('a report of a day still running covers only the part elapsed when it was received', () => {
    const soFar = spend({ period: 'day', received_at: iso(T0 + 6 * HOUR) });
    expect(spendShare(soFar, T0, T0 + 3 * HOUR)).toBe(0.5);
    expect(spendShare(soFar, T0 + 6 * HOUR, T0 + 24 * HOUR)).toBe(0);
  });
});

describe('campaign metrics', () => {
  it('computes ROAS, ROI, CPA, CTR and conversion rate, null where a denominator is zero', () => {
    expect(
      campaignMetrics({ impressions: 2000, clicks: 100, cost: 50, visits: 80, orders: 4, revenue: 150 }),
    ).toEqual({
      impressions: 2000,
      clicks: 100,
      cost: 50,
      visits: 80,
      orders: 4,
      revenue: 150,
      roas: 3,
      roi: 2,
      cpa: 12.5,
      ctr: 0.05,
      conversion_rate: 0.04,
    });
    const nothing = campaignMetrics({ impressions: 0, clicks: 0, cost: 0, visits: 3, orders: 0, revenue: 0 });
    expect([nothing.roas, nothing.roi, nothing.cpa, nothing.ctr, nothing.conversion_rate]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('summarizes per campaign and channel: prorated spend, activity in range, names from reports', () => {
    const rows = summarizeCampaigns(
      [
        spend(),
        spend({ period_start: iso(T0 + HOUR), cost: 40 }),
        spend({ campaign_id: 'brand', campaign_name: 'brand', channel: 'google_ads', cost: 10, clicks: 10 }),
      ],
      [
        minute(T0 + 5 * 60_000, { orders: 1, revenue: 100 }),
        minute(T0 + 90 * 60_000, { orders: 1, revenue: 50 }),
        minute(T0 + 3 * HOUR, { orders: 1, revenue: 999 }), // outside the range
        minute(T0, { campaign_id: 'organic-tiktok', channel: 'tiktok', visits: 4 }),
      ],
      T0,
      T0 + 90 * 60_000 + 60_000,
    );
    expect(rows.map((r) => [r.campaign_id, r.channel])).toEqual([
      ['spring', 'facebook'],
      ['brand', 'google_ads'],
      ['organic-tiktok', 'tiktok'],
    ]);
    const spring = rows[0]!;
    expect(spring.campaign_name).toBe('Spring sale');
    expect(spring.cost).toBeCloseTo(60 + 40 * (31 / 60), 9);
    expect(spring.revenue).toBe(150);
    expect(spring.orders).toBe(2);
    expect(rows[2]).toMatchObject({ campaign_name: 'organic-tiktok', cost: 0, visits: 4, roas: null });
  });

  it('builds a series with every bucket present and spend split across buckets', () => {
    const points = campaignSeries(
      [spend({ period: 'day', cost: 240, received_at: iso(T0 + 48 * HOUR) })],
      [minute(T0 + 7 * HOUR, { orders: 2, revenue: 30 })],
      T0,
      T0 + 12 * HOUR,
      6 * HOUR,
    );
    expect(points).toEqual([
      expect.objectContaining({ at: iso(T0), cost: 60, orders: 0 }),
      expect.objectContaining({ at: iso(T0 + 6 * HOUR), cost: 60, orders: 2, revenue: 30 }),
    ]);
    expect(campaignSeries([spend()], [], T0, T0 + HOUR, HOUR, (id) => id !== 'spring')[0]?.cost).toBe(0);
  });
});

describe('touches', () => {
  it('reads the ad channel from UTM source and medium, never guessing past what it knows', () => {
    expect(touchChannel('fb', 'paid_social')).toBe('facebook');
    expect(touchChannel(' Instagram ', undefined)).toBe('instagram');
    expect(touchChannel('google', 'cpc')).toBe('google_ads');
    expect(touchChannel('TikTok', undefined)).toBe('tiktok');
    expect(touchChannel('newsletter', undefined)).toBe('email');
    expect(touchChannel('klaviyo', 'flow')).toBe('email');
    expect(touchChannel('partner-blog', 'affiliate')).toBe('affiliate');
    expect(touchChannel('bing', 'cpc')).toBe('other');
    expect(touchChannel(undefined, undefined)).toBe('other');
  });

  it('names the campaign by utm_id, else utm_campaign; blank or control characters name none', () => {
    expect(touchCampaignId({ id: ' 123 ', name: 'spring' })).toBe('123');
    expect(touchCampaignId({ name: 'spring' })).toBe('spring');
    expect(touchCampaignId({ id: '  ', name: '' })).toBeUndefined();
    expect(touchCampaignId({ name: 'a\u0000b' })).toBeUndefined();
    expect(touchCampaignId(undefined)).toBeUndefined();
  });
});

describe('spend reports as brands send them', () => {
  it('refuses what cannot be spend, naming the field', () => {
    const base = { campaign_id: 'c', channel: 'facebook', period: 'hour', period_start: iso(T0), cost: 1 };
    expect(spendReportSchema.parse(base)).toMatchObject({ impressions: 0, clicks: 0 });
    const problems = (input: object) =>
      spendReportSchema.safeParse({ ...base, ...input }).error?.issues.map((i) => i.path.join('.'));
    expect(problems({ cost: -1 })).toEqual(['cost']);
    expect(problems({ clicks: 1.5 })).toEqual(['clicks']);
    expect(problems({ channel: 'myspace' })).toEqual(['channel']);
    expect(problems({ period_start: '03/01/2025' })).toEqual(['period_start']);
    expect(problems({ currency: 'euro' })).toEqual(['currency']);
  });
});
