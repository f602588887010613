// The read API's response bodies. The client imports these as types only; the
// OpenAPI document in ./openapi.ts describes the same shapes.
import type { RejectedEvent } from '../../shared/events';
import type { HighIntentEntry } from '../../shared/live';
import type { Alert, KpiMinute, MergeRecord } from '../../shared/model';

export type { ProfileView } from '../profile-view';

export interface ErrorBody {
  error: string;
}

export interface HighIntentBody {
  profiles: HighIntentEntry[];
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

export interface MergesBody {
  merges: MergeRecord[];
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
