// The demo's ad spend: the ledger's hourly reports, campaign economics that
// make some campaigns pay and one lose money, and the reports going through
// the real ingest app to the bus beside the UTM-tagged visits they paid for.
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGNS,
  catalogFor,
  createBrandTraffic,
  createDemoTraffic,
  createRandom,
  createSpendLedger,
} from '../../../ingest/demo';
import { spendReportSchema, touchCampaignId, touchChannel } from '../../../src/lib/shared/campaigns';
import { createBrandFixture, createHarness, NOW } from '../http/harness';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe('the spend ledger', () => {
  it("reports each campaign's running hour so far, then the final figures of an hour once it ended", () => {
    const ledger = createSpendLedger({ random: createRandom(1), catalog: catalogFor('fashion') });
    const [search, , , retargeting] = CAMPAIGNS;
    expect(ledger.due(at('2025-03-01T10:00:00Z'))).toEqual([]);
    ledger.click(search!, at('2025-03-01T10:05:00Z'));
    ledger.click(search!, at('2025-03-01T10:20:00Z'));
    ledger.click(retargeting!, at('2025-03-01T10:40:00Z'));
    const running = ledger.due(at('2025-03-01T10:45:00Z'));
    expect(running.map((r) => [r.campaign_id, r.channel, r.period, r.period_start])).toEqual([
      ['ggl-brand-search', 'google_ads', 'hour', '2025-03-01T10:00:00.000Z'],
      ['fb-retargeting-cart', 'facebook', 'hour', '2025-03-01T10:00:00.000Z'],
    ]);
    for (const report of running) expect(spendReportSchema.parse(report)).toEqual(report);
    const searchSoFar = running[0]!;
    expect(searchSoFar.clicks).toBeGreaterThanOrEqual(2);
    expect(searchSoFar.impressions).toBeGreaterThan(searchSoFar.clicks);
    expect(searchSoFar.cost).toBeGreaterThan(0);
    expect(searchSoFar.currency).toBe('INR');

    // The next hour: 10:00 is reported once more, final, and 11:00 starts from zero.
    ledger.click(search!, at('2025-03-01T11:02:00Z'));
    const next = ledger.due(at('2025-03-01T11:03:00Z'));
    expect(next.map((r) => [r.campaign_id, r.period_start])).toEqual([
      ['ggl-brand-search', '2025-03-01T10:00:00.000Z'],
      ['fb-retargeting-cart', '2025-03-01T10:00:00.000Z'],
      ['ggl-brand-search', '2025-03-01T11:00:00.000Z'],
    ]);
    expect(next[0]!.cost).toBeGreaterThanOrEqual(searchSoFar.cost);
    expect(next[2]!.clicks).toBeLessThanOrEqual(2);
    expect(ledger.due(at('2025-03-01T11:30:00Z')).map((r) => r.period_start)).toEqual([
      '2025-03-01T11:00:00.000Z',
    ]);
    expect(ledger.due(at('2025-03-01T13:00:00Z')).map((r) => r.period_start)).toEqual([
      '2025-03-01T11:00:00.000Z',
    ]);
    expect(ledger.due(at('2025-03-01T14:00:00Z'))).toEqual([]);
  });

  it('spreads campaigns over channels, and their spend ids are the ids the visits carry', () => {
    const channels = new Set(CAMPAIGNS.map((c) => touchChannel(c.source, c.medium)));
    expect([...channels].sort()).toEqual([
      'email',
      'facebook',
      'google_ads',
      'instagram',
      'tiktok',
      'youtube',
    ]);
    for (const campaign of CAMPAIGNS) expect(touchCampaignId(campaign)).toBe(campaign.id);
  });

  it('makes brand search and retargeting pay, and TikTok lose money', () => {
    const catalog = catalogFor('fashion');
    const ledger = createSpendLedger({ random: createRandom(2), catalog });
    const traffic = createBrandTraffic({
      random: createRandom(3),
      catalog,
      onCampaignVisit: (campaign, when) => ledger.click(campaign, when),
    });
    // Revenue of orders placed during a paid visit (a lower bound of what last touch credits).
    const revenue = new Map<string, number>();
    const when = at('2025-03-01T10:00:00Z');
    for (let step = 0; step < 80_000; step++) {
      for (const action of traffic.next(when)) {
        if (action.kind === 'segment') {
          const { message } = action;
          if (message.event === 'Order Completed' && message.context.campaign) {
            const id = message.context.campaign.id;
            revenue.set(id, (revenue.get(id) ?? 0) + Number(message.properties?.revenue));
          }
        } else {
          const order = JSON.parse(action.webhook.body) as { landing_site: string; total_price: string };
          const id = new URL(order.landing_site, 'https://shop.example').searchParams.get('utm_id');
          if (id) revenue.set(id, (revenue.get(id) ?? 0) + Number(order.total_price));
        }
      }
    }
    const roas = new Map(
      ledger
        .due(new Date(when.getTime() + HOUR / 2))
        .map((r) => [r.campaign_id, (revenue.get(r.campaign_id) ?? 0) / r.cost]),
    );
    expect(roas.size).toBe(CAMPAIGNS.length);
    expect(roas.get('ggl-brand-search')).toBeGreaterThan(3);
    expect(roas.get('fb-retargeting-cart')).toBeGreaterThan(2);
    expect(roas.get('tt-spark-ads')).toBeLessThan(1);
  });
});

describe('demo traffic with spend, through the ingest app', () => {
  it('sends UTM-tagged visits and hourly spend reports that ingest accepts, under each brand', async () => {
    const fixture = await createBrandFixture();
    const h = await createHarness(fixture);
    try {
      const started = Date.now();
      const errors: unknown[] = [];
      const demo = createDemoTraffic({
        baseUrl: 'http://localhost',
        brands: [
          { brand_id: 'acme', write_key: h.acme.write_key, shopify_secret: h.acme.webhook_secrets.shopify },
          {
            brand_id: 'globex',
            write_key: h.globex.write_key,
            shopify_secret: h.globex.webhook_secrets.shopify,
          },
        ],
        ratePerSecond: 1500,
        seed: 4,
        tickMs: 20,
        spendEveryMs: 300,
        // The app's clock stands at NOW; the demo's runs on from it.
        clock: () => new Date(Date.parse(NOW) + (Date.now() - started)),
        send: (request) => Promise.resolve(h.app.fetch(request)),
        onError: (error) => errors.push(error),
      });
      demo.start();
      await new Promise((done) => setTimeout(done, 1200));
      await demo.stop();
      expect(errors).toEqual([]);
      expect(demo.stats()).toMatchObject({ failed: 0, pending: 0 });
      expect(demo.stats().byType['spend report']).toBeGreaterThan(0);

      const read = await h.envelopes();
      expect(read.filter(({ envelope }) => envelope.kind === 'rejected')).toEqual([]);
      const spend = read.flatMap(({ key, envelope }) =>
        envelope.kind === 'spend' ? [{ key, spend: envelope.spend }] : [],
      );
      expect(spend.length).toBeGreaterThan(0);
      for (const { key, spend: row } of spend) {
        expect(row.brand_id).toBe(key);
        expect(row).toMatchObject({
          period: 'hour',
          period_start: '2024-05-01T12:00:00.000Z',
          source: 'track',
        });
      }
      expect(new Set(spend.map(({ key }) => key))).toEqual(new Set(['acme', 'globex']));
      const ids = new Set(CAMPAIGNS.map((c) => c.id));
      for (const { spend: row } of spend) expect(ids).toContain(row.campaign_id);
      // The visits carry the same campaign ids, so spend meets revenue.
      const visited = read.flatMap(({ envelope }) =>
        envelope.kind === 'event' && envelope.event.context.campaign?.id
          ? [envelope.event.context.campaign.id]
          : [],
      );
      expect(new Set(spend.map(({ spend: row }) => row.campaign_id)).size).toBeGreaterThan(1);
      for (const { spend: row } of spend) expect(visited).toContain(row.campaign_id);
    } finally {
      await h.close();
      await fixture.remove();
    }
  });
});
