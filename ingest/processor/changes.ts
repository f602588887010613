// What one batch (or tick) changed, collected as it happens and turned into
// one ProcessorCommit plus the live messages at the end. Each profile, KPI
// row and alert appears once, in its latest version.
import type { RejectedEvent } from '../../src/lib/shared/events';
import type { LiveMessage } from '../../src/lib/shared/live';
import type { AdSpend, CampaignMinute, CampaignTouch } from '../../src/lib/shared/campaigns';
import type {
  Alert,
  AlertSilence,
  KpiMinute,
  MergeRecord,
  Profile,
  StoredEvent,
} from '../../src/lib/shared/model';
import type { Checkpoint, IdentityLink, ProcessorCommit } from '../warehouse/types';
import type { BrandState } from './brand-state';
import { listedLevel } from '../../src/lib/shared/intent';
import { highIntentEntry } from '../../src/lib/shared/profile-display';
import { partsOf } from './profile/aggregates';
import { spendKey } from '../../src/lib/shared/campaigns';

export interface Changes {
  /** Brands whose in-memory state this batch changed (dropped if the commit fails). */
  readonly brands: Set<string>;
  /** Marks a brand's state as changed by this batch (before anything changes it). */
  brand(state: BrandState): void;
  event(row: StoredEvent): void;
  rejected(row: RejectedEvent, state: BrandState | undefined): void;
  duplicate(state: BrandState): void;
  /** Duplicates seen in this batch. */
  duplicates(): number;
  processed(state: BrandState): void;
  /** Marks a profile changed; its version goes up once per batch. */
  profile(state: BrandState, profile: Profile): void;
  /** Call before changing a profile's intent, so a profile that leaves the intent lists is announced. */
  beforeIntent(state: BrandState, profile: Profile): void;
  link(row: IdentityLink): void;
  merge(record: MergeRecord): void;
  kpi(state: BrandState, row: KpiMinute): void;
  alert(state: BrandState, row: Alert): void;
  /** Receivers are to be told of this alert's firing or resolve, once the batch is committed. */
  notify(alert: Alert, state: AlertNotice['state']): void;
  silence(state: BrandState, row: AlertSilence): void;
  spend(state: BrandState, row: AdSpend): void;
  campaign(state: BrandState, row: CampaignMinute): void;
  touch(state: BrandState, row: CampaignTouch): void;
  finish(checkpoint: Checkpoint): { commit: ProcessorCommit; live: LiveMessage[]; notices: AlertNotice[] };
}

/** An alert's firing or resolve to tell the brand's receivers (after the commit that stored it). */
export interface AlertNotice {
  alert: Alert;
  state: 'firing' | 'resolved';
}

const keyOf = (brandId: string, id: string) => `${brandId}\u0000${id}`;

/**
 * On the intent lists (the High-intent page at medium or above, in total or in
 * a category; the overview's at high): such a profile's every intent change
 * is pushed, and its leaving too. Stored scores, not decayed: the dashboard
 * drops a row whose decayed score fell below its filter's threshold.
 */
function isListed(state: BrandState, profile: Profile): boolean {
  if (profile.merged_into) return false;
  return state.high.has(profile.profile_id) || listedLevel(profile, state.brand.settings.intent) !== 'low';
}

/**
 * A copy that shares no object with the in-memory profile, which later batches
 * keep changing. By hand: structuredClone was 7 % of the processor's CPU
 * (bench/processor-step.ts). A new nested field must be copied here too
 * (tests/unit/processor/changes.test.ts checks that nothing is shared).
 */
export function copyProfile(profile: Profile): Profile {
  return {
    ...profile,
    identifiers: profile.identifiers.map((identifier) => ({ ...identifier })),
    channels: [...profile.channels],
    categories: { ...profile.categories },
    intent_categories: { ...profile.intent_categories },
    intent_reasons: profile.intent_reasons.map((reason) => ({ ...reason })),
    own: profile.own && partsOf(profile.own),
    intent_forecast: profile.intent_forecast.map((forecast) => ({ ...forecast })),
  };
}

export function createChanges(): Changes {
  const brands = new Set<string>();
  let duplicates = 0;
  const states = new Map<string, BrandState>();
  const events: StoredEvent[] = [];
  const rejected: RejectedEvent[] = [];
  const profiles = new Map<string, Profile>();
  const intents = new Map<string, { state: BrandState; profile: Profile; wasListed: boolean }>();
  const links: IdentityLink[] = [];
  const merges: MergeRecord[] = [];
  const kpis = new Map<string, KpiMinute>();
  const alerts = new Map<string, Alert>();
  const notices: AlertNotice[] = [];
  const silences = new Map<string, AlertSilence>();
  const spend = new Map<string, AdSpend>();
  const campaigns = new Map<string, CampaignMinute>();
  const touches = new Map<string, CampaignTouch>();

  const touch = (state: BrandState) => {
    brands.add(state.brand.brand_id);
    states.set(state.brand.brand_id, state);
  };

  return {
    brands,
    brand: touch,
    event(row) {
      events.push(row);
    },
    rejected(row, state) {
      rejected.push(row);
      if (state) {
        state.counters.rejected += 1;
        touch(state);
      }
    },
    duplicate(state) {
      state.counters.duplicates += 1;
      duplicates += 1;
      touch(state);
    },
    duplicates: () => duplicates,
    processed(state) {
      state.counters.processed += 1;
      touch(state);
    },
    profile(state, profile) {
      const key = keyOf(profile.brand_id, profile.profile_id);
      if (!profiles.has(key)) {
        profile.version += 1;
        profiles.set(key, profile);
      }
      touch(state);
    },
    beforeIntent(state, profile) {
      const key = keyOf(profile.brand_id, profile.profile_id);
      if (!intents.has(key)) intents.set(key, { state, profile, wasListed: isListed(state, profile) });
      touch(state);
    },
    link(row) {
      links.push(row);
    },
    merge(record) {
      merges.push(record);
    },
    kpi(state, row) {
      kpis.set(keyOf(row.brand_id, row.minute), row);
      touch(state);
    },
    alert(state, row) {
      alerts.set(keyOf(row.brand_id, row.alert_id), row);
      touch(state);
    },
    notify(alert, state) {
      notices.push({ alert: { ...alert }, state });
    },
    silence(state, row) {
      silences.set(keyOf(row.brand_id, row.silence_id), row);
      touch(state);
    },
    spend(state, row) {
      spend.set(keyOf(row.brand_id, spendKey(row)), row);
      touch(state);
    },
    campaign(state, row) {
      campaigns.set(keyOf(row.brand_id, `${row.minute}\u0000${row.campaign_id}\u0000${row.channel}`), row);
      touch(state);
    },
    touch(state, row) {
      touches.set(keyOf(row.brand_id, row.profile_id), row);
      touch(state);
    },
    finish(checkpoint) {
      // Copies: the next batch keeps mutating the in-memory rows.
      const profileRows = [...profiles.values()].map(copyProfile);
      const kpiRows = [...kpis.values()].map((row) => ({ ...row }));
      const alertRows = [...alerts.values()].map((row) => ({ ...row }));
      const silenceRows = [...silences.values()].map((row) => ({ ...row }));
      const spendRows = [...spend.values()].map((row) => ({ ...row }));
      const campaignRows = [...campaigns.values()].map((row) => ({ ...row }));
      const touchRows = [...touches.values()].map((row) => ({ ...row }));
      const counters = [...states.values()].map((s) => ({ ...s.counters }));

      const live: LiveMessage[] = [];
      for (const row of kpiRows) live.push({ brand_id: row.brand_id, event: 'kpi', payload: row });
      for (const { state, profile, wasListed } of intents.values()) {
        const listed = isListed(state, profile);
        if (!listed && !wasListed) continue;
        live.push({
          brand_id: profile.brand_id,
          event: 'intent',
          payload: { entry: highIntentEntry(profile), left: !listed },
        });
      }
      for (const row of alertRows) live.push({ brand_id: row.brand_id, event: 'alert', payload: row });
      for (const row of silenceRows) live.push({ brand_id: row.brand_id, event: 'silence', payload: row });
      for (const row of spendRows) live.push({ brand_id: row.brand_id, event: 'spend', payload: row });
      for (const row of campaignRows) live.push({ brand_id: row.brand_id, event: 'campaign', payload: row });
      for (const record of merges) live.push({ brand_id: record.brand_id, event: 'merge', payload: record });
      for (const c of counters) {
        live.push({
          brand_id: c.brand_id,
          event: 'status',
          payload: { processed: c.processed, rejected: c.rejected, duplicates: c.duplicates },
        });
      }
      return {
        commit: {
          checkpoint,
          events,
          profiles: profileRows,
          links,
          merges,
          kpis: kpiRows,
          alerts: alertRows,
          rejected,
          counters,
          spend: spendRows,
          campaigns: campaignRows,
          touches: touchRows,
          silences: silenceRows,
        },
        live,
        notices,
      };
    },
  };
}
