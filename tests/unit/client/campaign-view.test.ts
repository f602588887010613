// The Campaigns page's pure parts: ranges in the viewer's zone, sorting with
// ratios that have no denominator, and the totals row's ratios of sums.
import { describe, expect, it } from 'vitest';
import { customRange, localDate, presetRange, rangeQuery } from '../../../src/lib/client/campaign-range';
import { sortRows } from '../../../src/lib/client/campaign-table';
import { totalsOf } from '../../../src/lib/shared/campaigns';
import { campaignMetrics, emptyTotals, type CampaignRow } from '../../../src/lib/shared/campaigns';

const row = (campaignId: string, totals: Partial<CampaignRow>): CampaignRow => ({
  campaign_id: campaignId,
  campaign_name: campaignId,
  channel: 'facebook',
  ...campaignMetrics({ ...emptyTotals(), ...totals }),
});

describe('campaign ranges', () => {
  const now = new Date(2026, 2, 10, 15, 30); // local time

  it('ends today and the presets at the next local midnight', () => {
    expect(presetRange('today', now)).toEqual({
      from: new Date(2026, 2, 10).toISOString(),
      to: new Date(2026, 2, 11).toISOString(),
    });
    expect(presetRange('7d', now).from).toBe(new Date(2026, 2, 4).toISOString());
    expect(presetRange('30d', now).from).toBe(new Date(2026, 1, 9).toISOString());
  });

  it('takes both chosen days whole, and refuses a last day before the first', () => {
    expect(customRange('2026-03-01', '2026-03-03')).toEqual({
      from: new Date(2026, 2, 1).toISOString(),
      to: new Date(2026, 2, 4).toISOString(),
    });
    expect(customRange('2026-03-03', '2026-03-01')).toBeNull();
    expect(customRange('', '2026-03-01')).toBeNull();
    expect(localDate(new Date(2026, 2, 1, 23, 59).toISOString())).toBe('2026-03-01');
  });

  it('writes the range as the page query', () => {
    expect(rangeQuery('7d', { from: '2026-03-01T00:00:00.000Z', to: '2026-03-08T00:00:00.000Z' })).toBe(
      '?range=7d&from=2026-03-01T00%3A00%3A00.000Z&to=2026-03-08T00%3A00%3A00.000Z',
    );
  });
});

describe('campaign table', () => {
  const rows = [
    row('a', { cost: 10, revenue: 50, orders: 1 }),
    row('b', { cost: 0, revenue: 20, orders: 1 }), // no spend: no ROAS
    row('c', { cost: 30, revenue: 30, orders: 0 }),
  ];

  it('sorts both ways, rows without a ratio last either way', () => {
    expect(sortRows(rows, 'roas', true).map((r) => r.campaign_id)).toEqual(['a', 'c', 'b']);
    expect(sortRows(rows, 'roas', false).map((r) => r.campaign_id)).toEqual(['c', 'a', 'b']);
    expect(sortRows(rows, 'cost', true).map((r) => r.campaign_id)).toEqual(['c', 'a', 'b']);
    expect(sortRows(rows, 'campaign_name', false).map((r) => r.campaign_id)).toEqual(['a', 'b', 'c']);
  });

  it('totals with the ratios of the sums, not averages of ratios', () => {
    const totals = totalsOf(rows);
    expect(totals).toMatchObject({ cost: 40, revenue: 100, orders: 2, roas: 2.5, cpa: 20 });
  });
});
