// What the demo's ad campaigns cost. Each visit that lands from an ad is a
// click the brand pays for: the ledger adds it, with the impressions it took,
// to its campaign's running hour, and `due(now)` gives the reports to send:
// every running hour so far, and an hour's final figures once it has ended.
// POST /v1/spend replaces a report with the same key, so sending the running
// hour again and again is the intended use, as ad platforms restate figures.
//
// Economics: a click costs what a visit earns ÷ the campaign's target ROAS,
// ±30 %. A visit earns about VISIT_VALUE × the catalog's mean price (a few %
// of visits buy, a line or two each; measured from the journeys). Last-touch
// attribution also credits a campaign with the later orders of the people it
// brought, so the ROAS the dashboard shows comes out a little above target.
import { touchChannel, type AdChannel, type SpendReport } from '../../src/lib/shared/campaigns';
import type { Catalog } from './catalog';
import type { Random } from './random';
import type { CampaignTouch, OutgoingRequest } from './segment';

/** Revenue per paid visit as a share of the catalog's mean price (about 0.1 across the three catalogs). */
export const VISIT_VALUE = 0.1;

export interface CampaignEconomics {
  /** Revenue ÷ cost the campaign is priced for; below 1 it loses money. */
  targetRoas: number;
  /** Clicks per impression. */
  ctr: number;
}

/** By campaign id (journey.ts CAMPAIGNS). Brand search and retargeting pay; TikTok loses money. */
export const CAMPAIGN_ECONOMICS: Readonly<Record<string, CampaignEconomics>> = {
  'ggl-brand-search': { targetRoas: 7, ctr: 0.08 },
  'ggl-festive-sale': { targetRoas: 2.5, ctr: 0.03 },
  'ig-new-arrivals': { targetRoas: 1.8, ctr: 0.012 },
  'fb-retargeting-cart': { targetRoas: 5, ctr: 0.02 },
  'tt-spark-ads': { targetRoas: 0.45, ctr: 0.008 },
  'yt-creator-collab': { targetRoas: 1.2, ctr: 0.005 },
  'em-weekly-newsletter': { targetRoas: 15, ctr: 0.04 },
};
const DEFAULT_ECONOMICS: CampaignEconomics = { targetRoas: 2, ctr: 0.02 };

const HOUR_MS = 3_600_000;

interface HourFigures {
  campaign: CampaignTouch;
  channel: AdChannel;
  hourStart: number;
  impressions: number;
  clicks: number;
  cost: number;
}

export interface SpendLedger {
  /** A visit landed from `campaign` at `at`: one paid click (sometimes two: platforms count bounces). */
  click(campaign: CampaignTouch, at: Date): void;
  /** The reports to send now: each campaign's running hour so far, and hours that ended since the last call. */
  due(now: Date): SpendReport[];
}

export function createSpendLedger(options: { random: Random; catalog: Catalog }): SpendLedger {
  const { random, catalog } = options;
  const meanPrice =
    catalog.products.reduce((sum, product) => sum + product.price, 0) / Math.max(catalog.products.length, 1);
  const running = new Map<string, HourFigures>();
  let ended: HourFigures[] = [];

  const report = (figures: HourFigures): SpendReport => ({
    campaign_id: figures.campaign.id,
    campaign_name: figures.campaign.name,
    channel: figures.channel,
    period: 'hour',
    period_start: new Date(figures.hourStart).toISOString(),
    impressions: figures.impressions,
    clicks: figures.clicks,
    cost: Math.round(figures.cost * 100) / 100,
    currency: catalog.currency,
  });

  return {
    click(campaign, at) {
      const hourStart = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
      let figures = running.get(campaign.id);
      if (figures && figures.hourStart !== hourStart) {
        ended.push(figures);
        figures = undefined;
      }
      if (!figures) {
        figures = {
          campaign,
          channel: touchChannel(campaign.source, campaign.medium),
          hourStart,
          impressions: 0,
          clicks: 0,
          cost: 0,
        };
        running.set(campaign.id, figures);
      }
      const economics = CAMPAIGN_ECONOMICS[campaign.id] ?? DEFAULT_ECONOMICS;
      const clicks = random.chance(0.15) ? 2 : 1;
      figures.clicks += clicks;
      figures.impressions += Math.round((clicks / economics.ctr) * (0.8 + 0.4 * random.next()));
      figures.cost += ((meanPrice * VISIT_VALUE) / economics.targetRoas) * (0.7 + 0.6 * random.next());
    },
    due(now) {
      const hourStart = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
      for (const [id, figures] of running) {
        if (figures.hourStart === hourStart) continue;
        ended.push(figures);
        running.delete(id);
      }
      const reports = [...ended, ...running.values()].map(report);
      ended = [];
      return reports;
    },
  };
}

/** POST /v1/spend with the brand's write key, as a brand's ad-platform sync would send it. */
export function spendRequest(
  baseUrl: string,
  writeKey: string,
  reports: readonly SpendReport[],
): OutgoingRequest {
  return {
    url: `${baseUrl.replace(/\/+$/, '')}/v1/spend`,
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ reports }),
  };
}
