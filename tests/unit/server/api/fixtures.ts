// Warehouse contents for the read API tests: two brands whose data overlap on
// purpose (the same email at both), committed through the real warehouse.
import type { ProcessorCommit } from '../../../../ingest/warehouse/types';
import type { RejectedEvent } from '../../../../src/lib/shared/events';
import type { Alert, KpiMinute, MergeRecord, Profile, StoredEvent } from '../../../../src/lib/shared/model';

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
    version: 1,
    own: null,
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

function alert(brandId: string, alertId: string): Alert {
  return {
    brand_id: brandId,
    alert_id: alertId,
    rule: 'conversion_drop',
    state: 'firing',
    severity: 'warning',
    message: `conversion dropped at ${brandId}`,
    value: 0.1,
    baseline: 0.4,
    started_at: minute(3),
    updated_at: minute(2),
    resolved_at: null,
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
    alerts: [alert(brandId, 'a-alert-1')],
    rejected: [rejected(brandId, 'a-rej-1')],
    counters: [{ brand_id: brandId, processed: 40, duplicates: 3, rejected: 1 }],
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
  };
}
