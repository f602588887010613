// Last-touch attribution (docs/campaigns.md). An event tagged with a
// campaign (UTM `utm_id`, else `utm_campaign`) is a visit from it and becomes
// its profile's last touch. An order is attributed, whole, to its buyer's last
// touch if that touch happened no more than the brand's window before the
// order (by the events' own timestamps); otherwise to no campaign. A merge
// keeps the latest touch of the merged profiles. Counts land in the minute
// the event was received, like the KPI minutes. Imported history (CSV) is not
// activity now: it neither touches nor is attributed.
import { touchCampaignId, touchChannel } from '../../../src/lib/shared/campaigns';
import type { Profile } from '../../../src/lib/shared/model';
import { attributionWindowMs, type BrandState } from '../brand-state';
import type { Changes } from '../changes';
import type { NormalizedEvent } from '../normalize';

/** A touch stamped a little after its order (clocks of two sources) still counts. */
const CLOCK_SKEW_MS = 60_000;

export function attributeEvent(
  state: BrandState,
  normalized: NormalizedEvent,
  survivor: Profile,
  merged: readonly Profile[],
  changes: Changes,
): void {
  const { event, receivedAtMs, timestampMs } = normalized;
  if (event.source === 'csv') return;
  const book = state.campaigns;
  const profileId = survivor.profile_id;
  const countsInMinutes = receivedAtMs >= state.kpiHorizonMs;

  // A merge: the survivor's last touch is the latest of everyone it absorbed.
  for (const other of merged) {
    const theirs = book.touchOf(other.profile_id);
    const mine = book.touchOf(profileId);
    if (theirs && (!mine || mine.touched_at < theirs.touched_at)) {
      const moved = { ...theirs, profile_id: profileId };
      book.setTouch(moved);
      changes.touch(state, moved);
    }
  }

  const campaignId = touchCampaignId(event.context.campaign);
  if (campaignId !== undefined) {
    const channel = touchChannel(event.context.campaign?.source, event.context.campaign?.medium);
    const touchedAt = new Date(timestampMs).toISOString();
    const known = book.touchOf(profileId);
    if (!known || known.touched_at <= touchedAt) {
      const touch = {
        brand_id: state.brand.brand_id,
        profile_id: profileId,
        campaign_id: campaignId,
        channel,
        touched_at: touchedAt,
      };
      book.setTouch(touch);
      changes.touch(state, touch);
    }
    if (countsInMinutes) changes.campaign(state, book.visit(receivedAtMs, campaignId, channel));
  }

  if (event.type !== 'order_completed' || !countsInMinutes) return;
  const touch = book.touchOf(profileId);
  if (!touch) return;
  const sinceTouchMs = timestampMs - Date.parse(touch.touched_at);
  const windowMs = attributionWindowMs(state.brand);
  if (sinceTouchMs < -CLOCK_SKEW_MS || sinceTouchMs > windowMs) return;
  changes.campaign(state, book.order(receivedAtMs, touch.campaign_id, touch.channel, normalized.revenue));
}
