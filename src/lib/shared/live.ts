// The typed map of everything the server pushes to browsers. One Socket.IO room
// per brand; the processor (and the CSV importer) publish these on `live.updates` keyed by brand.
import type { ImportJob } from './imports';
import type { PredictionRunNotice } from './predictions';
import type { IntentModelSummary } from './intent-model';
import type { AdSpend, CampaignMinute } from './campaigns';
import type {
  Alert,
  AlertDelivery,
  AlertSilence,
  IntentForecast,
  IntentReason,
  KpiMinute,
  MergeRecord,
  Profile,
} from './model';

export interface HighIntentEntry {
  profile_id: string;
  score: number;
  level: Profile['intent_level'];
  /** Best known identifier, for display. */
  label: string;
  top_category: string | null;
  last_seen: string;
  /** When `score` and `categories` were computed: decay them from here (src/lib/shared/intent.ts). */
  scored_at: string;
  /** Category → score at scored_at. */
  categories: Record<string, number>;
  /** The latest events that raised the score, newest first. */
  reasons: IntentReason[];
  /** The learned model's purchase forecast per category (Profile.intent_forecast). */
  forecast: IntentForecast[];
}

export interface LiveEvents {
  /** Upsert of one minute's KPIs. */
  kpi: KpiMinute;
  /**
   * A profile on the intent lists (medium or above, in total or in a category)
   * changed, or left them all (`left`). The overview keeps only level high.
   */
  intent: { entry: HighIntentEntry; left: boolean };
  /** An alert went pending, fired, changed, was acknowledged or resolved. */
  alert: Alert;
  /** A silence was created or ended. */
  silence: AlertSilence;
  /** A notification was delivered, failed or given up (published by the notifier). */
  delivery: AlertDelivery;
  /** Upsert of what a campaign's touches earned in one minute. */
  campaign: CampaignMinute;
  /** A spend report, as stored (a restatement replaces the earlier one). */
  spend: AdSpend;
  /** A merge, refusal, review request or demotion (identity resolution's record). */
  merge: MergeRecord;
  /** Processing counters after a batch. */
  status: { processed: number; rejected: number; duplicates: number };
  /** A brand's learned intent model was saved: its held-back quality and weights. */
  intent_model: IntentModelSummary;
  /** A CSV import's progress or outcome (published by the importer, not the processor). */
  import: ImportJob;
  /** A brand's scheduled prediction run finished: ok, refused (too few buyers) or failed. */
  predictions: PredictionRunNotice;
}
export type LiveEventName = keyof LiveEvents;

/** The same map as Socket.IO listener signatures (`Server<{}, LiveListeners>`, `Socket<LiveListeners>`). */
export type LiveListeners = { [K in LiveEventName]: (payload: LiveEvents[K]) => void };

/** One message on `live.updates`. */
export type LiveMessage = {
  [K in LiveEventName]: { brand_id: string; event: K; payload: LiveEvents[K] };
}[LiveEventName];

/** The socket path, on the dashboard's own origin. */
export const SOCKET_PATH = '/socket.io';
