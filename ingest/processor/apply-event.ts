// One accepted, non-duplicate event through the brand's state:
// identity → intent → Customer-360 → campaigns → KPIs, recording every change.
import type { InboundEvent } from '../../src/lib/shared/events';
import type { StoredEvent } from '../../src/lib/shared/model';
import { reviewKey } from '../../src/lib/shared/reviews';
import type { BrandState } from './brand-state';
import { attributeEvent } from './campaigns/attribute';
import type { Changes } from './changes';
import { applyResolution } from './identity/apply';
import { isSharedProfile } from './identity/graph';
import { resolveIdentity } from './identity/resolve';
import { intentEventOf, learnFromEvent } from './intent/learn';
import { intentDetailOf } from './intent/detail';
import { syncLevel } from './intent/levels';
import { applyIntentEvent, applyIntentEventToTotals, mergeIntent } from './intent/score';
import { CONTEXT_CAMPAIGN_PROPERTY } from '../../src/lib/shared/event-summary';
import { ORDER_ITEMS_PROPERTY } from '../warehouse/predictions';
import type { NormalizedEvent } from './normalize';
import { absorbProfiles, applyProfileEvent, applyProfileEventToTotals } from './profile/aggregates';

export function applyEvent(state: BrandState, normalized: NormalizedEvent, changes: Changes): StoredEvent {
  const { event, receivedAtMs } = normalized;
  const brandId = state.brand.brand_id;
  const atIso = new Date(receivedAtMs).toISOString();
  const intentSettings = state.brand.settings.intent;

  const resolution = resolveIdentity(state.graph, {
    brandId,
    eventId: event.event_id,
    atIso,
    identifiers: normalized.identifiers,
    limits: state.brand.settings.identity_limits,
    sharedAfter: state.brand.settings.shared_identifier_people,
    decisions: state.decisions,
  });
  const { profile, path, merged, shared } = applyResolution(state.graph, resolution, brandId, atIso);
  // The part of the profile the event belongs to (itself, or a profile merged into it).
  const part = path[0]!;
  for (const record of resolution.records) {
    changes.merge(record);
    // Asked once: the same profiles are not held for review again (decided or not).
    if (record.action === 'review') state.decisions.setReview(reviewKey(record), 'pending');
  }
  for (const identifier of resolution.newLinks) {
    changes.link({ brand_id: brandId, ...identifier, profile_id: part.profile_id, linked_at: atIso });
  }
  for (const { profile: device, identifier } of shared) {
    changes.profile(state, device);
    changes.link({ brand_id: brandId, ...identifier, profile_id: device.profile_id, linked_at: atIso });
  }

  changes.beforeIntent(state, profile);
  if (merged.length > 0) {
    for (const other of merged) changes.beforeIntent(state, other);
    absorbProfiles(profile, merged);
    mergeIntent(profile, merged, receivedAtMs, intentSettings);
    for (const other of merged) {
      syncLevel(state, other);
      changes.profile(state, other);
    }
  }
  // An imported row (CSV) is history: it builds the profile (identifiers, orders, revenue, first
  // and last seen) but is not activity now, so it moves neither intent nor the per-minute KPIs,
  // which count arrivals. A year of orders imported at once is no spike and no High intent.
  const live = event.source !== 'csv';
  // Read once: the score's detail and the learner see the same categories.
  const intentEvent = intentEventOf(normalized);
  const detail = intentDetailOf(normalized, intentEvent);
  // A shared device's activity is many people's: it gets no purchase intent of its own.
  if (live && !isSharedProfile(profile))
    applyIntentEvent(part, event.type, receivedAtMs, intentSettings, detail);
  applyProfileEvent(part, normalized);
  // Above the part, only totals: an unmerge rebuilds each from its own part and what is still in it.
  for (let i = 1; i < path.length; i++) {
    if (live) applyIntentEventToTotals(path[i]!, event.type, receivedAtMs, intentSettings, detail);
    applyProfileEventToTotals(path[i]!, normalized);
    changes.profile(state, path[i]!);
  }
  syncLevel(state, profile);
  changes.profile(state, part);

  attributeEvent(state, normalized, profile, merged, changes);
  learnFromEvent(
    state.learner.learner,
    normalized,
    profile,
    merged,
    live && !isSharedProfile(profile),
    intentEvent,
  );
  const lastSeen = state.sourceLastSeen.get(event.source);
  if (lastSeen === undefined || lastSeen < receivedAtMs) state.sourceLastSeen.set(event.source, receivedAtMs);

  if (live && receivedAtMs >= state.kpiHorizonMs) {
    const row = state.kpis.record({
      receivedAtMs,
      profileId: profile.profile_id,
      type: event.type,
      revenue: normalized.revenue,
      mergedIds: merged.map((p) => p.profile_id),
      highIntentProfiles: state.high.size,
    });
    changes.kpi(state, row);
  }
  changes.processed(state);

  const stored: StoredEvent = {
    brand_id: brandId,
    event_id: event.event_id,
    source: event.source,
    source_event_id: event.source_event_id,
    type: event.type,
    name: event.name,
    channel: event.channel,
    // The part's id: reads follow merges to the survivor, and an unmerge takes the event along.
    profile_id: part.profile_id,
    timestamp: new Date(normalized.timestampMs).toISOString(),
    received_at: atIso,
    revenue: normalized.revenue,
    category: normalized.category,
    properties: storedProperties(event),
  };
  changes.event(stored);
  return stored;
}

/**
 * An order keeps its normalized line items (commerce.items, whatever the source called them) in
 * its stored properties: the prediction run reads products from there (ingest/warehouse/predictions.ts).
 * Any event keeps the campaign its source attributed it to (context.campaign), which is not
 * otherwise stored: the Customer-360 timeline shows it (src/lib/shared/event-summary.ts).
 */
function storedProperties(event: InboundEvent): Record<string, unknown> {
  const items = event.commerce.items;
  const campaign = event.context.campaign;
  const withItems = event.type === 'order_completed' && items !== undefined && items.length > 0;
  const withCampaign = campaign !== undefined && Object.keys(campaign).length > 0;
  if (!withItems && !withCampaign) return event.properties;
  return {
    ...event.properties,
    ...(withItems ? { [ORDER_ITEMS_PROPERTY]: items } : {}),
    ...(withCampaign ? { [CONTEXT_CAMPAIGN_PROPERTY]: campaign } : {}),
  };
}
