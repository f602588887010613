// Domain records shared by the processor (which writes them), the warehouse
// (which stores them) and the dashboard (which reads them). No I/O here.
import { RULE_SEVERITIES, type AlertRuleType } from './alert-rules';
import type { Channel, EventType, IdentifierType, InboundEvent, Source } from './events';

export const INTENT_LEVELS = ['low', 'medium', 'high'] as const;
export type IntentLevel = (typeof INTENT_LEVELS)[number];

export interface Identifier {
  type: IdentifierType;
  value: string;
}

/**
 * The identifiers, aggregates and score of a profile: the parts an unmerge
 * restores. A Profile holds them for everything merged into it; its `own`
 * holds them for itself alone, as if those merges never happened, so an
 * unmerge rebuilds the survivor from its own part and the merged profiles
 * that remain and restores both sides exactly (ingest/processor/identity/unmerge.ts).
 */
export interface ProfileParts {
  identifiers: Identifier[];
  first_seen: string;
  last_seen: string;
  event_count: number;
  orders: number;
  revenue: number;
  channels: Channel[];
  /** Category → number of interactions, for top categories. */
  categories: Record<string, number>;
  intent_score: number;
  /** When intent_score was last computed; decay continues from here. */
  intent_updated_at: string;
  /**
   * Category → intent in that category, on the same time base as intent_score
   * (worth this at intent_updated_at). Bounded (src/lib/shared/intent.ts).
   */
  intent_categories: Record<string, number>;
  /** The latest events that raised the score, newest first; bounded (src/lib/shared/intent.ts). */
  intent_reasons: IntentReason[];
}

/** One event that raised a profile's intent: part of the answer to "why is this profile here". */
export interface IntentReason {
  type: EventType;
  category: string | null;
  product_id: string | null;
  product_name: string | null;
  /** The event's received_at (the score's time axis). */
  at: string;
  /** What it added (INTENT_WEIGHTS of its type). */
  weight: number;
}

/** The Customer-360 aggregates of one profile. */
export interface Profile extends ProfileParts {
  brand_id: string;
  profile_id: string;
  /** Set when this profile was merged into another; reads follow it to the survivor. */
  merged_into: string | null;
  intent_level: IntentLevel;
  /** Increases with every change; the warehouse keeps the highest version. */
  version: number;
  /** Its own part, kept once it has absorbed another profile; null until then. */
  own: ProfileParts | null;
  /**
   * The learned model's forecast (ingest/models/intent/learner.ts) as of the profile's last live
   * event: P(an order in the category within the horizon), highest first, at most
   * INTENT_FORECAST_MAX. Derived, not a part: a merge or unmerge sets it again at the next event.
   */
  intent_forecast: IntentForecast[];
}

export const INTENT_FORECAST_MAX = 5;

export interface IntentForecast {
  category: string;
  /** Learned. */
  probability: number;
  /** The fixed weights' score for the category, Platt-calibrated: what the model is judged against. */
  baseline: number;
}

/** A processed event as stored in the warehouse (resolved to its profile at the time). */
export interface StoredEvent {
  brand_id: string;
  event_id: string;
  source: InboundEvent['source'];
  source_event_id: string;
  type: EventType;
  name: string;
  channel: Channel;
  profile_id: string;
  timestamp: string;
  received_at: string;
  revenue: number;
  category: string | null;
  properties: Record<string, unknown>;
}

/**
 * What identity resolution recorded: a merge; a refusal (identifiers that say
 * two different people); a review (too many profiles to merge unasked); a
 * demotion (a link or merge that would pass a per-type limit, not made); a
 * device or cookie found shared by several people (it links no one after).
 * And what operators decided: an unmerge (the profiles split again, and stay
 * split), a review approved (followed by its `merge`) or rejected (the same
 * evidence is not asked about again).
 */
export const MERGE_ACTIONS = [
  'merge',
  'refuse',
  'review',
  'demote',
  'share',
  'unmerge',
  'approve',
  'reject',
] as const;
export type MergeAction = (typeof MERGE_ACTIONS)[number];

export interface MergeRecord {
  brand_id: string;
  merge_id: string;
  action: MergeAction;
  /** The survivor for `merge`; the profile the event went to otherwise. */
  into_profile_id: string;
  from_profile_ids: string[];
  reason: string;
  /** The identifiers that asked for it. */
  identifiers: Identifier[];
  /** The event that caused it; for an operator's decision, the command's id. */
  event_id: string;
  at: string;
}

/** Per-brand, per-minute KPIs. Pushed and stored as whole rows: applying one twice is harmless. */
export interface KpiMinute {
  brand_id: string;
  /** Start of the minute, ISO-8601 UTC. */
  minute: string;
  events: number;
  active_users: number;
  carts: number;
  purchases: number;
  revenue: number;
  /** purchasers / active users in the minute, 0..1. */
  conversion_rate: number;
  /** Profiles at high intent at the end of the minute. */
  high_intent_profiles: number;
}

/**
 * An alert's life (ingest/processor/alerts/rule-state.ts): `pending` while a
 * breach has not yet lasted the rule's pending time, `firing` after, and
 * `resolved` when the value recovered (or a pending breach cleared, never fired).
 */
export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const ALERT_SEVERITIES = RULE_SEVERITIES;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** One alert: a rule's breach for one subject, from pending to resolved. Upserted whole. */
export interface Alert {
  brand_id: string;
  /** Derived from brand, rule, subject and the minute the breach began. */
  alert_id: string;
  rule_id: string;
  rule_type: AlertRuleType;
  /** What it is about: a campaign id, a source, or `brand`. */
  subject: string;
  severity: AlertSeverity;
  state: AlertState;
  message: string;
  /** The measured value, and the threshold it was compared with. */
  value: number;
  threshold: number;
  /** When the breach began (the alert went pending). */
  started_at: string;
  fired_at: string | null;
  resolved_at: string | null;
  updated_at: string;
  /** Whether its firing was notified (not while silenced). */
  notified: boolean;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}

/** Holds back notifications of a brand's alerts, of one rule and/or subject or all, until `ends_at`. */
export interface AlertSilence {
  brand_id: string;
  silence_id: string;
  /** null: every rule. */
  rule_id: string | null;
  /** null: every subject. */
  subject: string | null;
  starts_at: string;
  ends_at: string;
  reason: string;
  created_by: string;
  /** Set when an operator ended it early. */
  cancelled_at: string | null;
}

/** One line of the alert delivery log: an attempt to tell a receiver, or giving up. */
export interface AlertDelivery {
  brand_id: string;
  alert_id: string;
  receiver_id: string;
  /** Which notification: the firing or the resolve. */
  state: 'firing' | 'resolved';
  /** The attempt this is about, from 1; for a give-up without an attempt, the attempts made before it. */
  attempt: number;
  /** ISO-8601. */
  at: string;
  outcome: 'delivered' | 'failed' | 'gave_up';
  /** The receiver's HTTP status, or null when there was no answer. */
  status: number | null;
  /** What went wrong, or null when delivered. */
  error: string | null;
  /** rejected (a permanent 4xx), expired (retried for too long), queue_full, closed. */
  give_up_reason: 'rejected' | 'expired' | 'queue_full' | 'closed' | null;
  /** When the next attempt is due (outcome `failed`), ISO-8601. */
  next_attempt_at: string | null;
}

/** Per-brand processing counters, committed with every batch. */
export interface BrandCounters {
  brand_id: string;
  processed: number;
  duplicates: number;
  rejected: number;
}

/** How many events of one source the warehouse received in one hour (by `received_at`, UTC). */
export interface SourceHour {
  source: Source;
  /** The start of the hour, ISO-8601 UTC. */
  hour: string;
  events: number;
}

/** What a brand's sources delivered: per hour since a time, and the last event of each ever. */
export interface SourceActivity {
  /** By source, then hour, oldest first; hours without events are left out. */
  hourly: SourceHour[];
  /** One row per source that ever delivered an event, by source. */
  last: { source: Source; received_at: string }[];
}
