// The warehouse seam. Two back-ends implement it: DuckDB (embedded default)
// and ClickHouse (production). Both pass tests/contract/warehouse.contract.ts.
//
// The processor writes through `commit`, which stores a batch's results and
// the bus offset they came from atomically (or, where the back-end has no
// transactions, idempotently with the checkpoint last), so that state and
// offsets always agree after a crash.
import type { IdentifierType, RejectedEvent } from '../../src/lib/shared/events';
import type { AdSpend, CampaignMinute, CampaignTouch } from '../../src/lib/shared/campaigns';
import type {
  Alert,
  AlertDelivery,
  AlertSilence,
  AlertState,
  Identifier,
  BrandCounters,
  KpiMinute,
  MergeAction,
  MergeRecord,
  Profile,
  SourceActivity,
  StoredEvent,
} from '../../src/lib/shared/model';

/** Which profile an identifier pointed to when it was linked. */
export interface IdentityLink {
  brand_id: string;
  type: IdentifierType;
  value: string;
  profile_id: string;
  linked_at: string;
}

export interface Checkpoint {
  consumer: string;
  partition: number;
  /** The next bus offset to read. */
  next_offset: number;
}

/** Everything one processed batch produced. Profiles, KPIs, alerts and counters are upserts. */
export interface ProcessorCommit {
  checkpoint: Checkpoint;
  events: StoredEvent[];
  profiles: Profile[];
  links: IdentityLink[];
  merges: MergeRecord[];
  kpis: KpiMinute[];
  alerts: Alert[];
  rejected: RejectedEvent[];
  /** Absolute counter values per brand after the batch. */
  counters: BrandCounters[];
  /** Spend reports; one with the key of a stored one (spendKey) replaces it. */
  spend: AdSpend[];
  /** Upserts by brand, minute, campaign and channel. */
  campaigns: CampaignMinute[];
  /** Upserts by brand and profile: the profile's last campaign touch. */
  touches: CampaignTouch[];
  /** Upserts by brand and silence_id (a cancelled silence is written again with cancelled_at). */
  silences: AlertSilence[];
}

/** What the processor needs to rebuild one brand's in-memory state. */
export interface BrandSnapshot {
  profiles: Profile[];
  links: IdentityLink[];
  counters: BrandCounters;
  /** KPI rows from `since` on, for windows and alert baselines. */
  kpis: KpiMinute[];
  /** Alerts still open (pending or firing), any age. */
  openAlerts: Alert[];
  /** Spend reports whose period ends after `since`. */
  spend: AdSpend[];
  /** Campaign minutes from `since` on. */
  campaigns: CampaignMinute[];
  /** Profiles' last campaign touches from `touchesSince` on. */
  touches: CampaignTouch[];
  /** Silences neither cancelled nor ended before `since`. */
  silences: AlertSilence[];
  /** Each source's last event (by received_at) of all time. */
  sourceLastSeen: SourceActivity['last'];
  /** `source:source_event_id` of events received from `since` on, for deduplication. */
  seenSourceIds: string[];
  /**
   * Every merge-log record of the actions in DECISION_ACTIONS (reviews and
   * operators' decisions, all time, any order): splits that must hold and
   * review evidence already asked about.
   */
  decisions: MergeRecord[];
}

/** The merge-log actions a BrandSnapshot carries in `decisions`. */
export const DECISION_ACTIONS: readonly MergeAction[] = ['review', 'approve', 'reject', 'unmerge'];

export interface WarehouseWriter {
  /**
   * Stores batches (at most one per partition) with their checkpoints, all or
   * nothing as far as a reader resuming from a checkpoint can tell.
   */
  commit(...batches: ProcessorCommit[]): Promise<void>;
  checkpoint(consumer: string, partition: number): Promise<number | undefined>;
  /** `touchesSince`: campaign touches reach back as far as the brand's attribution window. */
  loadBrand(brandId: string, since: string, touchesSince: string): Promise<BrandSnapshot>;
  /** Appends to the alert delivery log (outside batch commits: the notifier writes it as it goes). */
  recordDeliveries(rows: AlertDelivery[]): Promise<void>;
  /**
   * For re-notifying after a restart: alerts of every brand notified (or
   * resolved after being notified) with updated_at from `since` on, and the
   * delivery log from `since` on.
   */
  recentNotifications(since: string): Promise<{ alerts: Alert[]; deliveries: AlertDelivery[] }>;
}

/** Reads for the dashboard and the read API. Every one is scoped by brand. */
export interface WarehouseReader {
  /** The profile an identifier belongs to, following merges to the survivor. */
  lookupProfile(brandId: string, identifier: Identifier): Promise<Profile | null>;
  /** A profile by id, following merges to the survivor. */
  getProfile(brandId: string, profileId: string): Promise<Profile | null>;
  /** Events of the given profiles (a survivor and everything merged into it), newest first. */
  recentEvents(brandId: string, profileIds: string[], limit: number): Promise<StoredEvent[]>;
  /** Profiles merged into `profileId`, directly or transitively. */
  mergedInto(brandId: string, profileId: string): Promise<string[]>;
  mergeHistory(brandId: string, profileIds: string[], limit: number): Promise<MergeRecord[]>;
  /** One merge-log record by id, or null (also for another brand's id). */
  findMerge(brandId: string, mergeId: string): Promise<MergeRecord | null>;
  /** The brand's merge log, newest first: every action, or only those in `actions` (none → none). */
  mergeLog(
    brandId: string,
    actions: readonly MergeAction[] | undefined,
    limit: number,
  ): Promise<MergeRecord[]>;
  /** Unmerged profiles at the given levels, highest score first. */
  highIntent(brandId: string, limit: number): Promise<Profile[]>;
  /** KPI rows with `from <= minute < to`, oldest first. */
  kpis(brandId: string, from: string, to: string): Promise<KpiMinute[]>;
  /** Alerts newest first (by updated_at), of the given states or all. */
  alerts(brandId: string, limit: number, states?: readonly AlertState[]): Promise<Alert[]>;
  /** One alert by id, or null (also for another brand's id). */
  alert(brandId: string, alertId: string): Promise<Alert | null>;
  /** Silences not cancelled whose ends_at is after `activeAt`, soonest ending first; all recent ones when absent (limit 200). */
  silences(brandId: string, activeAt?: string): Promise<AlertSilence[]>;
  /** The delivery log, newest first: of one alert, or of all the brand's alerts. */
  alertDeliveries(brandId: string, alertId: string | undefined, limit: number): Promise<AlertDelivery[]>;
  /** Spend reports whose period overlaps [from, to), by period_start. */
  adSpend(brandId: string, from: string, to: string): Promise<AdSpend[]>;
  /**
   * Campaign minutes with `from <= minute < to`, summed per bucket, campaign
   * and channel; `minute` holds the bucket's start (UTC hour or day).
   */
  campaignActivity(
    brandId: string,
    from: string,
    to: string,
    bucket: 'minute' | 'hour' | 'day',
  ): Promise<CampaignMinute[]>;
  rejected(brandId: string, limit: number): Promise<RejectedEvent[]>;
  counters(brandId: string): Promise<BrandCounters>;
  /** Events received per source and hour from `since` on, and each source's last event of all time. */
  sourceActivity(brandId: string, since: string): Promise<SourceActivity>;
}

export interface Warehouse extends WarehouseWriter, WarehouseReader {
  /** Creates or upgrades the schema; safe to run at every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** The warehouse could not be reached or refused a write; retrying may help. */
export class WarehouseUnavailableError extends Error {
  override name = 'WarehouseUnavailableError';
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
