// One brand's campaigns in memory: spend reports (a restatement replaces the
// report with its key), what each campaign's touches earned per minute, and
// every profile's last touch. Restored from the warehouse's snapshot; the
// alert rules (roi_drop, cost_spike) read their windows from here.
import {
  spendKey,
  spendShare,
  spendSpan,
  type AdChannel,
  type AdSpend,
  type CampaignMinute,
  type CampaignTouch,
} from '../../../src/lib/shared/campaigns';
import { MINUTE_MS, minuteStart } from '../kpi/minutes';

export interface WindowTotals {
  cost: number;
  revenue: number;
  orders: number;
  visits: number;
}

export interface CampaignBook {
  /** Stores a report (replacing an earlier one with its key); returns the row to commit. */
  spend(report: AdSpend): AdSpend;
  /** Counts a UTM-tagged event in its minute; returns the minute's row (live, do not keep). */
  visit(atMs: number, campaignId: string, channel: AdChannel): CampaignMinute;
  /** Counts an attributed order in its minute; returns the minute's row (live, do not keep). */
  order(atMs: number, campaignId: string, channel: AdChannel, revenue: number): CampaignMinute;
  touchOf(profileId: string): CampaignTouch | undefined;
  setTouch(touch: CampaignTouch): void;
  /**
   * Spend (prorated) and attributed results in [fromMs, toMs): of one
   * campaign, or of all when `campaignId` is undefined.
   */
  totals(fromMs: number, toMs: number, campaignId?: string): WindowTotals;
  /** The start of the earliest spend kept (of one campaign, or of all), or undefined when none is. */
  earliestSpendMs(campaignId?: string): number | undefined;
  /** Forgets minutes and reports that end before `beforeMs`, and touches older than `touchesBeforeMs`. */
  prune(beforeMs: number, touchesBeforeMs: number): void;
}

const minuteRowKey = (campaignId: string, channel: AdChannel) => `${campaignId}\u0000${channel}`;

export function createCampaignBook(
  brandId: string,
  restored: {
    spend: readonly AdSpend[];
    campaigns: readonly CampaignMinute[];
    touches: readonly CampaignTouch[];
  },
): CampaignBook {
  const reports = new Map<string, AdSpend>();
  /** Minute start → campaign/channel → row. */
  const minutes = new Map<number, Map<string, CampaignMinute>>();
  const touches = new Map<string, CampaignTouch>();

  const rowAt = (atMs: number, campaignId: string, channel: AdChannel): CampaignMinute => {
    const start = minuteStart(atMs);
    let rows = minutes.get(start);
    if (!rows) minutes.set(start, (rows = new Map()));
    const key = minuteRowKey(campaignId, channel);
    let row = rows.get(key);
    if (!row) {
      row = {
        brand_id: brandId,
        minute: new Date(start).toISOString(),
        campaign_id: campaignId,
        channel,
        visits: 0,
        orders: 0,
        revenue: 0,
      };
      rows.set(key, row);
    }
    return row;
  };

  for (const report of restored.spend) reports.set(spendKey(report), { ...report });
  for (const row of restored.campaigns) {
    const start = Date.parse(row.minute);
    let rows = minutes.get(start);
    if (!rows) minutes.set(start, (rows = new Map()));
    rows.set(minuteRowKey(row.campaign_id, row.channel), { ...row });
  }
  for (const touch of restored.touches) {
    const known = touches.get(touch.profile_id);
    if (!known || known.touched_at < touch.touched_at) touches.set(touch.profile_id, { ...touch });
  }

  return {
    spend(report) {
      const row = { ...report };
      reports.set(spendKey(row), row);
      return row;
    },
    visit(atMs, campaignId, channel) {
      const row = rowAt(atMs, campaignId, channel);
      row.visits += 1;
      return row;
    },
    order(atMs, campaignId, channel, revenue) {
      const row = rowAt(atMs, campaignId, channel);
      row.orders += 1;
      row.revenue += revenue;
      return row;
    },
    touchOf: (profileId) => touches.get(profileId),
    setTouch(touch) {
      touches.set(touch.profile_id, touch);
    },
    totals(fromMs, toMs, campaignId) {
      const totals: WindowTotals = { cost: 0, revenue: 0, orders: 0, visits: 0 };
      for (const report of reports.values()) {
        if (campaignId !== undefined && report.campaign_id !== campaignId) continue;
        totals.cost += report.cost * spendShare(report, fromMs, toMs);
      }
      for (let m = minuteStart(fromMs); m < toMs; m += MINUTE_MS) {
        const rows = minutes.get(m);
        if (!rows) continue;
        for (const row of rows.values()) {
          if (campaignId !== undefined && row.campaign_id !== campaignId) continue;
          totals.revenue += row.revenue;
          totals.orders += row.orders;
          totals.visits += row.visits;
        }
      }
      return totals;
    },
    earliestSpendMs(campaignId) {
      let earliest: number | undefined;
      for (const report of reports.values()) {
        if (campaignId !== undefined && report.campaign_id !== campaignId) continue;
        const fromMs = spendSpan(report).fromMs;
        if (earliest === undefined || fromMs < earliest) earliest = fromMs;
      }
      return earliest;
    },
    prune(beforeMs, touchesBeforeMs) {
      for (const start of minutes.keys()) if (start < beforeMs) minutes.delete(start);
      for (const [key, report] of reports) if (spendSpan(report).toMs <= beforeMs) reports.delete(key);
      for (const [profileId, touch] of touches)
        if (Date.parse(touch.touched_at) < touchesBeforeMs) touches.delete(profileId);
    },
  };
}
