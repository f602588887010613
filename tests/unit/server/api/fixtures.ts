// Warehouse contents for the read API tests: two brands whose data overlap on
// purpose (the same email at both), committed through the real warehouse.
import type { ProcessorCommit } from '../../../../ingest/warehouse/types';
import type { AdSpend, CampaignMinute } from '../../../../src/lib/shared/campaigns';
import type { RejectedEvent } from '../../../../src/lib/shared/events';
import type {
  Alert,
  AlertDelivery,
  AlertSilence,
  KpiMinute,
  MergeRecord,
  Profile,
  StoredEvent,
} from '../../../../src/lib/shared/model';

export const NOW = new Date('2026-03-01T10:15:30.000Z');
const minute = (minutesAgo: number) =>
  new Date(Date.parse('2026-03-01T10:15:00.000Z') - minutesAgo * 60_000).toISOString();

export const SHARED_EMAIL = 'ana@example.com';

function profile(brandId: string, profileId: string, overrides: Partial<Profile>): Profile {
  return {
    brand_id: brandId,
    profile_id: profileId,
    merged_into: null,
    identifiers: [],
    first_seen: minute(50),
    last_seen: minute(1),
    event_count: 0,
    orders: 0,
    revenue: 0,
    channels: ['web'],
    categories: {},
    intent_score: 0,
    intent_level: 'low',
    intent_updated_at: minute(1),
    intent_categories: {},
    intent_reasons: [],
    version: 1,
    own: null,
    intent_forecast: [],
    ...overrides,
  };
}

function event(
  brandId: string,
  eventId: string,
  profileId: string,
  overrides: Partial<StoredEvent>,
): StoredEvent {
  return {
    brand_id: brandId,
    event_id: eventId,
    source: 'track',
    source_event_id: `msg-${eventId}`,
    type: 'product_viewed',
    name: 'Product Viewed',
    channel: 'web',
    profile_id: profileId,
    timestamp: minute(5),
    received_at: minute(5),
    revenue: 0,
    category: 'shoes',
    properties: { product_id: 'sku-1' },
    ...overrides,
  };
}

function kpi(brandId: string, minutesAgo: number, events: number): KpiMinute {
  return {
    brand_id: brandId,
    minute: minute(minutesAgo),
    events,
    active_users: 2,
    carts: 1,
    purchases: 1,
    revenue: 50,
    conversion_rate: 0.5,
    high_intent_profiles: 1,
  };
}

export function alert(brandId: string, alertId: string, overrides: Partial<Alert> = {}): Alert {
  return {
    brand_id: brandId,
    alert_id: alertId,
    rule_id: 'low-conversion',
    rule_type: 'low_conversion',
    subject: 'brand',
    severity: 'warning',
    state: 'firing',
    message: `conversion dropped at ${brandId}`,
    value: 0.004,
    threshold: 0.01,
    started_at: minute(8),
    fired_at: minute(3),
    resolved_at: null,
    updated_at: minute(2),
    notified: true,
    acknowledged_by: null,
    acknowledged_at: null,
    ...overrides,
  };
}

function silence(brandId: string, silenceId: string, overrides: Partial<AlertSilence> = {}): AlertSilence {
  return {
    brand_id: brandId,
    silence_id: silenceId,
    rule_id: 'cost-spike',
    subject: null,
    starts_at: minute(30),
    ends_at: new Date(NOW.getTime() + 3_600_000).toISOString(),
    reason: `planned sale at ${brandId}`,
    created_by: `admin@${brandId}`,
    cancelled_at: null,
    ...overrides,
  };
}

export function delivery(
  brandId: string,
  alertId: string,
  overrides: Partial<AlertDelivery> = {},
): AlertDelivery {
  return {
    brand_id: brandId,
    alert_id: alertId,
    receiver_id: 'oncall',
    state: 'firing',
    attempt: 1,
    at: minute(3),
    outcome: 'delivered',
    status: 200,
    error: null,
    give_up_reason: null,
    next_attempt_at: null,
    ...overrides,
  };
}

/** An hour of spend starting at 09:00 (received after the hour ended, so whole). */
function spend(brandId: string, campaignId: string, overrides: Partial<AdSpend> = {}): AdSpend {
  return {
    brand_id: brandId,
    campaign_id: campaignId,
    campaign_name: campaignId,
    channel: 'facebook',
    period: 'hour',
    period_start: '2026-03-01T09:00:00.000Z',
    impressions: 1000,
    clicks: 50,
    cost: 100,
    currency: 'EUR',
    source: 'track',
    received_at: '2026-03-01T10:05:00.000Z',
    ...overrides,
  };
}

function campaignMinute(
  brandId: string,
  campaignId: string,
  at: string,
  overrides: Partial<CampaignMinute> = {},
): CampaignMinute {
  return {
    brand_id: brandId,
    minute: at,
    campaign_id: campaignId,
    channel: 'facebook',
    visits: 10,
    orders: 2,
    revenue: 300,
    ...overrides,
  };
}

function rejected(brandId: string, rejectionId: string): RejectedEvent {
  return {
    brand_id: brandId,
    rejection_id: rejectionId,
    source: 'track',
    received_at: minute(4),
    reason: 'invalid_schema',
    detail: `event is required (${brandId})`,
    payload: `{"type":"track","brand":"${brandId}"}`,
  };
}

/** Brand A: Ana (high intent, two orders) with an anonymous profile merged into her, and a low-intent visitor. */
export function brandACommit(brandId: string): Omit<ProcessorCommit, 'checkpoint'> {
  const ana = profile(brandId, 'a-ana', {
    identifiers: [
      { type: 'email', value: SHARED_EMAIL },
      { type: 'phone', value: '+14155550123' },
      { type: 'anonymous_id', value: 'anon-a' },
    ],
    event_count: 6,
    orders: 2,
    revenue: 150,
    channels: ['web', 'app'],
    categories: { shoes: 4, bags: 1 },
    intent_score: 72,
    intent_level: 'high',
    // What Ana held before a-anon was merged into her (kept for an unmerge; never shown).
    own: {
      identifiers: [
        { type: 'email', value: SHARED_EMAIL },
        { type: 'phone', value: '+14155550123' },
      ],
      first_seen: minute(50),
      last_seen: minute(1),
      event_count: 5,
      orders: 2,
      revenue: 150,
      channels: ['web', 'app'],
      categories: { shoes: 3, bags: 1 },
      intent_score: 70,
      intent_updated_at: minute(1),
      intent_categories: {},
      intent_reasons: [],
    },
  });
  const anon = profile(brandId, 'a-anon', {
    merged_into: 'a-ana',
    identifiers: [{ type: 'anonymous_id', value: 'anon-a' }],
    event_count: 1,
  });
  const visitor = profile(brandId, 'a-visitor', {
    identifiers: [{ type: 'device_id', value: 'dev-a' }],
    event_count: 1,
    intent_score: 5,
  });
  const merge: MergeRecord = {
    brand_id: brandId,
    merge_id: 'a-merge-1',
    action: 'merge',
    into_profile_id: 'a-ana',
    from_profile_ids: ['a-anon'],
    reason: 'anonymous_id anon-a seen with email',
    identifiers: [{ type: 'anonymous_id', value: 'anon-a' }],
    event_id: 'a-e2',
    at: minute(4),
  };
  const linked = (
    type: 'email' | 'phone' | 'anonymous_id' | 'device_id',
    value: string,
    profileId: string,
  ) => ({
    brand_id: brandId,
    type,
    value,
    profile_id: profileId,
    linked_at: minute(10),
  });
  return {
    events: [
      event(brandId, 'a-e1', 'a-anon', { timestamp: minute(9), received_at: minute(9) }),
      event(brandId, 'a-e2', 'a-ana', { type: 'order_completed', name: 'Order Completed', revenue: 100 }),
      event(brandId, 'a-e3', 'a-visitor', {}),
    ],
    profiles: [ana, anon, visitor],
    links: [
      linked('email', SHARED_EMAIL, 'a-ana'),
      linked('phone', '+14155550123', 'a-ana'),
      linked('anonymous_id', 'anon-a', 'a-anon'),
      linked('device_id', 'dev-a', 'a-visitor'),
    ],
    merges: [merge],
    kpis: [kpi(brandId, 2, 11), kpi(brandId, 1, 13), kpi(brandId, 90, 999)],
    alerts: [
      alert(brandId, 'a-alert-1'),
      alert(brandId, 'a-alert-2', {
        rule_id: 'shop-silent',
        rule_type: 'source_silent',
        subject: 'shopify',
        severity: 'critical',
        state: 'resolved',
        message: 'Recovered: no events from shopify for 0 min',
        value: 0,
        threshold: 10,
        started_at: minute(40),
        fired_at: minute(35),
        resolved_at: minute(20),
        updated_at: minute(20),
      }),
      alert(brandId, 'a-alert-3', {
        rule_id: 'roi-drop',
        rule_type: 'roi_drop',
        subject: 'spring-sale',
        severity: 'critical',
        state: 'pending',
        fired_at: null,
        notified: false,
        value: -0.2,
        threshold: 0,
        updated_at: minute(1),
      }),
    ],
    rejected: [rejected(brandId, 'a-rej-1')],
    counters: [{ brand_id: brandId, processed: 40, duplicates: 3, rejected: 1 }],
    spend: [
      spend(brandId, 'spring-sale', { campaign_name: 'Spring sale' }),
      spend(brandId, 'spring-sale', { channel: 'instagram', cost: 50, impressions: 400, clicks: 8 }),
      // A day of search spend, reported at 10:00 while the day was running: 30 over 10 hours.
      spend(brandId, 'brand-search', {
        channel: 'google_ads',
        period: 'day',
        period_start: '2026-03-01T00:00:00.000Z',
        received_at: '2026-03-01T10:00:00.000Z',
        cost: 30,
        impressions: 300,
        clicks: 30,
      }),
    ],
    campaigns: [
      campaignMinute(brandId, 'spring-sale', '2026-03-01T09:30:00.000Z'),
      campaignMinute(brandId, 'spring-sale', '2026-03-01T09:45:00.000Z', {
        visits: 5,
        orders: 1,
        revenue: 100,
      }),
      campaignMinute(brandId, 'brand-search', '2026-03-01T08:10:00.000Z', {
        channel: 'google_ads',
        visits: 3,
        orders: 1,
        revenue: 90,
      }),
    ],
    touches: [],
    silences: [
      silence(brandId, 'a-sil-1'),
      silence(brandId, 'a-sil-2', { cancelled_at: minute(10), rule_id: null, subject: 'shopify' }),
    ],
  };
}

/** Brand B: someone with the same email as A's Ana, and B's own numbers. */
export function brandBCommit(brandId: string): Omit<ProcessorCommit, 'checkpoint'> {
  return {
    events: [event(brandId, 'b-e1', 'b-bea', {})],
    profiles: [
      profile(brandId, 'b-bea', {
        identifiers: [{ type: 'email', value: SHARED_EMAIL }],
        event_count: 1,
        intent_score: 60,
        intent_level: 'high',
      }),
    ],
    links: [
      { brand_id: brandId, type: 'email', value: SHARED_EMAIL, profile_id: 'b-bea', linked_at: minute(10) },
    ],
    merges: [],
    kpis: [kpi(brandId, 1, 5)],
    alerts: [alert(brandId, 'b-alert-1')],
    rejected: [rejected(brandId, 'b-rej-1')],
    counters: [{ brand_id: brandId, processed: 1, duplicates: 0, rejected: 1 }],
    spend: [spend(brandId, 'b-camp', { channel: 'tiktok', cost: 70 })],
    campaigns: [campaignMinute(brandId, 'b-camp', '2026-03-01T09:10:00.000Z', { channel: 'tiktok' })],
    touches: [],
    silences: [silence(brandId, 'b-sil-1')],
  };
}

/** The delivery log of both brands (written by the notifier, outside commits). */
export function deliveries(brandA: string, brandB: string): AlertDelivery[] {
  return [
    delivery(brandA, 'a-alert-1'),
    delivery(brandA, 'a-alert-2', { state: 'resolved', at: minute(20), receiver_id: 'slack' }),
    delivery(brandB, 'b-alert-1', {
      outcome: 'failed',
      status: 503,
      error: 'HTTP 503',
      next_attempt_at: minute(1),
    }),
  ];
}
