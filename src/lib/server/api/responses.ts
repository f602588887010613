// The read API's response bodies. The client imports these as types only; the
// OpenAPI document in ./openapi.ts describes the same shapes.
import type { AdChannel, CampaignMetrics, CampaignPoint, CampaignRow } from '../../shared/campaigns';
import type { RejectedEvent } from '../../shared/events';
import type { HighIntentEntry } from '../../shared/live';
import type { Alert, AlertDelivery, AlertSilence, KpiMinute, MergeRecord } from '../../shared/model';
import type { PredictionRun } from '../../shared/predictions';
import type { CampaignBucket } from '../campaign-query';
import type { IntentModelSummary } from '../../shared/intent-model';
import type { ProfileListRow } from '../profiles-list';

export type { ProfileView } from '../profile-view';

export interface ErrorBody {
  error: string;
}

export interface HighIntentBody {
  profiles: HighIntentEntry[];
}

export interface ProfilesListBody {
  /** The sort key descending, then profile_id. */
  profiles: ProfileListRow[];
  /** The cursor of the following page, or null on the last. */
  next: string | null;
}

export interface KpisBody {
  from: string;
  to: string;
  /** Minutes with activity, oldest first; a minute without events has no row. */
  minutes: KpiMinute[];
}

export interface AlertsBody {
  alerts: Alert[];
}

export interface AlertDeliveriesBody {
  alert_id: string;
  /** Newest first. */
  deliveries: AlertDelivery[];
}

export interface SilencesBody {
  silences: AlertSilence[];
}

export interface CampaignsBody {
  from: string;
  to: string;
  /** Per campaign and channel, highest cost first. */
  campaigns: CampaignRow[];
  /** The brand over the range. */
  totals: CampaignMetrics;
}

export interface CampaignSeriesBody {
  /** Aligned to the bucket (UTC), covering the range asked. */
  from: string;
  to: string;
  bucket: CampaignBucket;
  campaign_id: string | null;
  channel: AdChannel | null;
  /** Every bucket, oldest first, zeros included. */
  points: CampaignPoint[];
}

export interface MergesBody {
  merges: MergeRecord[];
}

export interface IntentModelBody {
  /** null until the brand's processor has saved a model (it learns from live traffic). */
  model: IntentModelSummary | null;
}

export interface SegmentRunsBody {
  /** The brand's prediction runs, newest first: ok, refused (not enough buyers) or failed. */
  runs: PredictionRun[];
}

export interface RejectedBody {
  rejected: RejectedEvent[];
}

export interface StatusBody {
  /** processed + duplicates + pending: every event ingest accepted. */
  accepted: number;
  processed: number;
  rejected: number;
  duplicates: number;
  /** Accepted but not yet processed. */
  pending: number;
}
