// Builders for warehouse records in contract tests: a valid record with the
// fields a test cares about overridden. Times are whole seconds, which every
// back-end stores exactly (ClickHouse DateTime has no milliseconds).
import type { AdSpend, CampaignMinute, CampaignTouch } from '../../src/lib/shared/campaigns';
import type { RejectedEvent } from '../../src/lib/shared/events';
import type {
  Alert,
  AlertDelivery,
  AlertSilence,
  BrandCounters,
  KpiMinute,
  MergeRecord,
  Profile,
  ProfileParts,
  StoredEvent,
} from '../../src/lib/shared/model';
import type { Checkpoint, IdentityLink, ProcessorCommit } from '../../ingest/warehouse/types';

export const T0 = '2024-05-01T10:00:00.000Z';

/** T0 plus whole minutes (and seconds), ISO-8601 UTC. */
export function at(minutes: number, seconds = 0): string {
  return new Date(Date.parse(T0) + minutes * 60_000 + seconds * 1000).toISOString();
}

export function profile(brand_id: string, profile_id: string, fields: Partial<Profile> = {}): Profile {
  return {
    brand_id,
    profile_id,
    merged_into: null,
    identifiers: [{ type: 'email', value: `${profile_id}@example.com` }],
    first_seen: at(0),
    last_seen: at(5),
    event_count: 3,
    orders: 1,
    revenue: 49.5,
    channels: ['web', 'app'],
    categories: { shoes: 2, bags: 1 },
    intent_score: 40,
    intent_level: 'medium',
    intent_updated_at: at(5),
    intent_categories: { shoes: 30.5, 'trail running': 0.125 },
    intent_reasons: [
      {
        type: 'product_added',
        category: 'shoes',
        product_id: 'sku-1',
        product_name: 'Trail shoes',
        at: at(5),
        weight: 10,
      },
    ],
    version: 1,
    own: null,
    intent_forecast: [{ category: 'shoes', probability: 0.31, baseline: 0.12 }],
    ...fields,
  };
}

/** A profile's own part (Profile.own), as a survivor keeps it from its first merge on. */
export function parts(fields: Partial<ProfileParts> = {}): ProfileParts {
  return {
    identifiers: [{ type: 'phone', value: '+4915112345678' }],
    first_seen: at(0),
    last_seen: at(3),
    event_count: 2,
    orders: 1,
    revenue: 19.99,
    channels: ['store'],
    categories: { bags: 1 },
    intent_score: 12.5,
    intent_updated_at: at(3),
    intent_categories: { bags: 12.5 },
    intent_reasons: [
      {
        type: 'product_viewed',
        category: 'bags',
        product_id: null,
        product_name: null,
        at: at(3),
        weight: 3,
      },
    ],
    ...fields,
  };
}

export function event(brand_id: string, event_id: string, fields: Partial<StoredEvent> = {}): StoredEvent {
  return {
    brand_id,
    event_id,
    source: 'track',
    source_event_id: `msg-${event_id}`,
    type: 'product_viewed',
    name: 'Product Viewed',
    channel: 'web',
    profile_id: 'p1',
    timestamp: at(1),
    received_at: at(1, 1),
    revenue: 0,
    category: 'shoes',
    properties: { product_id: 'sku-1', price: 19.99 },
    ...fields,
  };
}

export function link(
  brand_id: string,
  value: string,
  profile_id: string,
  fields: Partial<IdentityLink> = {},
) {
  const record: IdentityLink = { brand_id, type: 'email', value, profile_id, linked_at: at(0), ...fields };
  return record;
}

export function merge(brand_id: string, merge_id: string, fields: Partial<MergeRecord> = {}): MergeRecord {
  return {
    brand_id,
    merge_id,
    action: 'merge',
    into_profile_id: 'p2',
    from_profile_ids: ['p1'],
    reason: 'shared email',
    identifiers: [{ type: 'email', value: 'a@example.com' }],
    event_id: 'e1',
    at: at(2),
    ...fields,
  };
}

export function kpi(brand_id: string, minute: string, fields: Partial<KpiMinute> = {}): KpiMinute {
  return {
    brand_id,
    minute,
    events: 10,
    active_users: 4,
    carts: 2,
    purchases: 1,
    revenue: 99.9,
    conversion_rate: 0.25,
    high_intent_profiles: 1,
    ...fields,
  };
}

export function alert(brand_id: string, alert_id: string, fields: Partial<Alert> = {}): Alert {
  return {
    brand_id,
    alert_id,
    rule_id: 'low-conversion',
    rule_type: 'low_conversion',
    subject: 'brand',
    severity: 'warning',
    state: 'firing',
    message: 'Conversion fell to 1% (threshold 4%)',
    value: 0.01,
    threshold: 0.04,
    started_at: at(3),
    fired_at: at(3),
    resolved_at: null,
    updated_at: at(3),
    notified: false,
    acknowledged_by: null,
    acknowledged_at: null,
    ...fields,
  };
}

export function silence(
  brand_id: string,
  silence_id: string,
  fields: Partial<AlertSilence> = {},
): AlertSilence {
  return {
    brand_id,
    silence_id,
    rule_id: 'cost-spike',
    subject: null,
    starts_at: at(0),
    ends_at: at(60),
    reason: 'planned sale',
    created_by: 'ops@example.com',
    cancelled_at: null,
    ...fields,
  };
}

export function delivery(
  brand_id: string,
  alert_id: string,
  fields: Partial<AlertDelivery> = {},
): AlertDelivery {
  return {
    brand_id,
    alert_id,
    receiver_id: 'slack',
    state: 'firing',
    attempt: 1,
    at: at(4),
    outcome: 'delivered',
    status: 200,
    error: null,
    give_up_reason: null,
    next_attempt_at: null,
    ...fields,
  };
}

export function spend(brand_id: string, campaign_id: string, fields: Partial<AdSpend> = {}): AdSpend {
  return {
    brand_id,
    campaign_id,
    campaign_name: `Campaign ${campaign_id}`,
    channel: 'facebook',
    period: 'hour',
    period_start: at(0),
    impressions: 1000,
    clicks: 40,
    cost: 12.5,
    currency: 'EUR',
    source: 'track',
    received_at: at(65),
    ...fields,
  };
}

export function campaignMinute(
  brand_id: string,
  minute: string,
  campaign_id: string,
  fields: Partial<CampaignMinute> = {},
): CampaignMinute {
  return {
    brand_id,
    minute,
    campaign_id,
    channel: 'facebook',
    visits: 5,
    orders: 1,
    revenue: 24.5,
    ...fields,
  };
}

export function touch(
  brand_id: string,
  profile_id: string,
  fields: Partial<CampaignTouch> = {},
): CampaignTouch {
  return { brand_id, profile_id, campaign_id: 'spring', channel: 'instagram', touched_at: at(2), ...fields };
}

export function rejection(brand_id: string, rejection_id: string, fields: Partial<RejectedEvent> = {}) {
  const record: RejectedEvent = {
    brand_id,
    rejection_id,
    source: 'track',
    received_at: at(1),
    reason: 'invalid_schema',
    detail: 'event: required',
    payload: '{"type":"track"}',
    ...fields,
  };
  return record;
}

export function counters(brand_id: string, fields: Partial<BrandCounters> = {}): BrandCounters {
  return { brand_id, processed: 10, duplicates: 1, rejected: 2, ...fields };
}

export function commit(checkpoint: Checkpoint, parts: Partial<Omit<ProcessorCommit, 'checkpoint'>> = {}) {
  const batch: ProcessorCommit = {
    checkpoint,
    events: [],
    profiles: [],
    links: [],
    merges: [],
    kpis: [],
    alerts: [],
    rejected: [],
    counters: [],
    spend: [],
    campaigns: [],
    touches: [],
    silences: [],
    ...parts,
  };
  return batch;
}
