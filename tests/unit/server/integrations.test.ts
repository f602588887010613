// The Integrations page's data: URLs from the public URL, each source's own
// secret (or none), 24 zero-filled hours, and rejections split by source.
import { describe, expect, it } from 'vitest';
import type { BrandRegistry, WebhookSource } from '../../../ingest/brands/types';
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import { lastHours, loadIntegrations } from '../../../src/lib/server/integrations';
import type { SourceActivity } from '../../../src/lib/shared/model';
import { rejection } from '../../contract/warehouse-records';

const NOW = Date.parse('2026-03-01T14:25:10.000Z');

function deps(activity: SourceActivity, secrets: Partial<Record<WebhookSource, string>>) {
  const asked: { since?: string } = {};
  const warehouse = {
    sourceActivity: async (_brandId: string, since: string) => {
      asked.since = since;
      return activity;
    },
    rejected: async () => [
      rejection('brand-a', 'r-shopify', { source: 'shopify', reason: 'bad_signature' }),
      rejection('brand-a', 'r-track', { source: 'track', reason: 'invalid_event' }),
    ],
  } as Pick<WarehouseReader, 'sourceActivity' | 'rejected'> as WarehouseReader;
  const brands = {
    webhookSecret: (_brandId: string, source: WebhookSource) => secrets[source],
  } as Pick<BrandRegistry, 'webhookSecret'> as BrandRegistry;
  return { deps: { warehouse, brands, publicUrl: 'https://in.example.com/sr' }, asked };
}

describe('lastHours', () => {
  it('gives the starts of the last 24 hours, the current one last', () => {
    const hours = lastHours(NOW);
    expect(hours).toHaveLength(24);
    expect(hours[0]).toBe('2026-02-28T15:00:00.000Z');
    expect(hours[23]).toBe('2026-03-01T14:00:00.000Z');
  });
});

describe('loadIntegrations', () => {
  it('builds every source from the public URL, its secret, its activity and its rejections', async () => {
    const { deps: d, asked } = deps(
      {
        hourly: [
          { source: 'track', hour: '2026-03-01T13:00:00.000Z', events: 4 },
          { source: 'track', hour: '2026-03-01T14:00:00.000Z', events: 2 },
        ],
        last: [
          { source: 'track', received_at: '2026-03-01T14:20:00.000Z' },
          { source: 'pos', received_at: '2026-01-01T09:00:00.000Z' },
        ],
      },
      { shopify: 'shpss_secret', woocommerce: 'wc_secret' },
    );
    const list = await loadIntegrations(d, 'brand-a', NOW);
    expect(asked.since).toBe('2026-02-28T15:00:00.000Z');
    expect(list.map((i) => [i.source, i.url])).toEqual([
      ['track', 'https://in.example.com/sr/v1'],
      ['shopify', 'https://in.example.com/sr/webhooks/shopify/brand-a'],
      ['woocommerce', 'https://in.example.com/sr/webhooks/woocommerce/brand-a'],
      ['whatsapp', 'https://in.example.com/sr/webhooks/whatsapp/brand-a'],
      ['pos', 'https://in.example.com/sr/v1/pos/bills'],
      ['csv', 'https://in.example.com/sr/api/v1/imports'],
    ]);
    const [track, shopify, , whatsapp, pos] = list;
    expect(track!.auth).toEqual({ kind: 'write_key' });
    expect(shopify!.auth).toMatchObject({ kind: 'secret', secret: 'shpss_secret' });
    expect(whatsapp!.auth).toMatchObject({ kind: 'secret', secret: null });
    expect(track!.hourly.slice(-2)).toEqual([
      { hour: '2026-03-01T13:00:00.000Z', events: 4 },
      { hour: '2026-03-01T14:00:00.000Z', events: 2 },
    ]);
    expect(track!.hourly.slice(0, -2).every((h) => h.events === 0)).toBe(true);
    expect(track!.lastEventAt).toBe('2026-03-01T14:20:00.000Z');
    // Silent for a day: its last event is still told, its hours are all zero.
    expect(pos!.lastEventAt).toBe('2026-01-01T09:00:00.000Z');
    expect(pos!.hourly.every((h) => h.events === 0)).toBe(true);
    expect(shopify!.lastEventAt).toBeNull();
    expect(shopify!.rejected.map((r) => r.rejection_id)).toEqual(['r-shopify']);
    expect(track!.rejected.map((r) => r.rejection_id)).toEqual(['r-track']);
    expect(pos!.rejected).toEqual([]);
  });
});
