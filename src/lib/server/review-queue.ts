// The review queue: merges held back because one event named more than three
// profiles, still waiting for an operator, each with its evidence side by
// side: every profile it would join, as it stands now.
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import type { Channel } from '../shared/events';
import type { Identifier, MergeAction, MergeRecord } from '../shared/model';
import { pendingReviews, type PendingReview } from '../shared/reviews';
import { LIMITS } from './api/limits';

/** The merge-log actions the queue is built from; the page follows the same ones live. */
export const REVIEW_ACTIONS: readonly MergeAction[] = ['review', 'approve', 'reject'];
/**
 * How many of those records the queue reads: as many as the live view's
 * snapshot may ask the read API for, so a reconnect sees the same queue.
 */
export const REVIEW_LOOKBACK = LIMITS.merges.max;
/** Reviews shown with their evidence at once; the rest wait for these to be decided. */
export const REVIEWS_SHOWN = 25;

/** One profile a review would join, with what it holds now. */
export interface ReviewProfile {
  /** The id the review names. */
  profile_id: string;
  /** The profile it is part of now: itself, or the survivor of a merge since; null if unknown. */
  current_id: string | null;
  identifiers: Identifier[];
  event_count: number;
  orders: number;
  revenue: number;
  channels: Channel[];
  first_seen: string | null;
  last_seen: string | null;
}

export interface ReviewWithEvidence extends PendingReview {
  /** The review's profiles: the one its event went to first, then the others. */
  profiles: ReviewProfile[];
}

export interface ReviewQueue {
  /** The records the queue was built from, newest first (the live view's seed). */
  records: MergeRecord[];
  reviews: ReviewWithEvidence[];
  /** Pending reviews in all, shown or not. */
  pending: number;
}

export async function loadReviewQueue(warehouse: WarehouseReader, brandId: string): Promise<ReviewQueue> {
  const records = await warehouse.mergeLog(brandId, REVIEW_ACTIONS, REVIEW_LOOKBACK);
  const pending = pendingReviews(records);
  const reviews = await Promise.all(
    pending.slice(0, REVIEWS_SHOWN).map(async (review) => ({
      ...review,
      profiles: await Promise.all(
        [review.record.into_profile_id, ...review.record.from_profile_ids].map((id) =>
          reviewProfile(warehouse, brandId, id),
        ),
      ),
    })),
  );
  return { records, reviews, pending: pending.length };
}

async function reviewProfile(
  warehouse: WarehouseReader,
  brandId: string,
  profileId: string,
): Promise<ReviewProfile> {
  const profile = await warehouse.getProfile(brandId, profileId);
  if (!profile) {
    return {
      profile_id: profileId,
      current_id: null,
      identifiers: [],
      event_count: 0,
      orders: 0,
      revenue: 0,
      channels: [],
      first_seen: null,
      last_seen: null,
    };
  }
  return {
    profile_id: profileId,
    current_id: profile.profile_id,
    identifiers: profile.identifiers,
    event_count: profile.event_count,
    orders: profile.orders,
    revenue: profile.revenue,
    channels: profile.channels,
    first_seen: profile.first_seen,
    last_seen: profile.last_seen,
  };
}
