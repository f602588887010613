// Everything the processor holds in memory for one brand, built from the
// warehouse's snapshot (the last committed truth) on the brand's first
// message, and dropped whenever the warehouse might not have what memory has.
import type { Alert, AlertSilence, BrandCounters } from '../../src/lib/shared/model';
import type { Brand, BrandRegistry } from '../brands/types';
import { WarehouseUnavailableError, type BrandSnapshot, type WarehouseWriter } from '../warehouse/types';
import { openAlertKey } from './alerts/evaluate';
import { createCampaignBook, type CampaignBook } from './campaigns/book';
import { DEDUPE_WINDOW_MS, createDedupe, type Dedupe } from './dedupe';
import { createIdentityDecisions, type IdentityDecisions } from './identity/decisions';
import { createIdentityGraph, type IdentityGraph } from './identity/graph';
import { restoreLearner, type BrandLearner } from './intent/learn';
import { createLevelSchedule, type LevelSchedule } from './intent/level-schedule';
import { levelDropsAt } from './intent/score';
import { MINUTE_MS, createKpiMinutes, minuteStart, type KpiMinutes } from './kpi/minutes';

export interface BrandState {
  brand: Brand;
  /** The bus partition the brand's messages arrive on (ticks commit to it). */
  partition: number | undefined;
  graph: IdentityGraph;
  /** Operators' splits and reviews (from the merge log). */
  decisions: IdentityDecisions;
  dedupe: Dedupe;
  kpis: KpiMinutes;
  /** Profiles at level high (unmerged). */
  high: Set<string>;
  /** When each medium/high profile next decays a level. */
  levels: LevelSchedule;
  /** Spend, campaign minutes and profiles' last touches. */
  campaigns: CampaignBook;
  /** Open (pending or firing) alerts by rule and subject (openAlertKey). */
  openAlerts: Map<string, Alert>;
  /** Silences not yet ended, by id (cancelled ones until their end). */
  silences: Map<string, AlertSilence>;
  /** Each source's last event, by received_at (source_silent). */
  sourceLastSeen: Map<string, number>;
  /** The learned intent model, fed by live events (intent/learn.ts). */
  learner: BrandLearner;
  counters: BrandCounters;
  /** Start of the last minute the alert rule evaluated; undefined after a load. */
  lastClosedMinuteMs: number | undefined;
  /**
   * KPI minutes before this are not in memory (older than the snapshot, or
   * pruned): an event that late is stored and counted in its profile, but
   * leaves the minute's stored row alone rather than overwrite it with a part.
   */
  kpiHorizonMs: number;
  /**
   * Just built from the warehouse: the first batch that touches the brand
   * pushes its recent KPI minutes again (pipeline.ts says why).
   */
  restored: boolean;
}

/** How far back a brand's state reaches: the dedupe window, and the KPI minutes kept. */
export const STATE_HORIZON_MS = DEDUPE_WINDOW_MS;

export function buildBrandState(
  brand: Brand,
  snapshot: BrandSnapshot,
  nowMs: number,
  storedLearner: string | null = null,
): BrandState {
  const graph = createIdentityGraph(
    snapshot.profiles.map((p) => structuredClone(p)),
    snapshot.links,
  );
  const high = new Set<string>();
  const levels = createLevelSchedule();
  for (const profile of graph.profiles()) {
    if (profile.merged_into) continue;
    if (profile.intent_level === 'high') high.add(profile.profile_id);
    // Stored levels may be stale (the processor was down): the first tick or event re-levels them.
    levels.set(profile.profile_id, levelDropsAt(profile, brand.settings.intent));
  }
  return {
    brand,
    partition: undefined,
    graph,
    decisions: createIdentityDecisions(snapshot.decisions),
    dedupe: createDedupe(snapshot.seenSourceIds, nowMs),
    kpis: createKpiMinutes(brand.brand_id, snapshot.kpis, graph.profiles()),
    high,
    levels,
    campaigns: createCampaignBook(brand.brand_id, snapshot),
    openAlerts: new Map(
      snapshot.openAlerts.map((alert) => [openAlertKey(alert.rule_id, alert.subject), { ...alert }]),
    ),
    silences: new Map(snapshot.silences.map((silence) => [silence.silence_id, { ...silence }])),
    sourceLastSeen: new Map(
      snapshot.sourceLastSeen.map((last) => [last.source, Date.parse(last.received_at)]),
    ),
    learner: restoreLearner(brand, storedLearner),
    counters: { ...snapshot.counters, brand_id: brand.brand_id },
    lastClosedMinuteMs: undefined,
    kpiHorizonMs: minuteStart(nowMs - STATE_HORIZON_MS) + MINUTE_MS,
    restored: true,
  };
}

const DAY_MS = 86_400_000;

/** How far back a profile's last touch still attributes an order. */
export function attributionWindowMs(brand: Brand): number {
  return brand.settings.attribution.window_days * DAY_MS;
}

/** The warehouse could not give a brand's snapshot: the batch is retried, never dead-lettered. */
export class BrandLoadError extends Error {
  override name = 'BrandLoadError';
  readonly retriable = true;
  constructor(brandId: string, options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`state of brand "${brandId}" could not be loaded: ${reason}`, options);
  }
}

export interface BrandStates {
  /** The brand's state, loaded from the warehouse on first use; undefined for an unknown brand. */
  get(brandId: string): Promise<BrandState | undefined>;
  /** Forgets a brand's state; the next `get` reloads it from the warehouse. */
  drop(brandId: string): void;
  loaded(): BrandState[];
  /**
   * Gives every loaded brand its settings as the brands file has them now
   * (a rule edited on the Alerts page); a brand gone from the file is dropped.
   * A message does this for its brand; the tick does it for all, so a quiet
   * brand's edited rules are judged within a tick too.
   */
  refreshSettings(): void;
}

export interface BrandStatesDeps {
  warehouse: Pick<WarehouseWriter, 'loadBrand' | 'intentModelState'>;
  brands: Pick<BrandRegistry, 'get'>;
  clock: () => Date;
}

export function createBrandStates(deps: BrandStatesDeps): BrandStates {
  const states = new Map<string, BrandState>();
  return {
    async get(brandId) {
      const brand = deps.brands.get(brandId);
      if (!brand) {
        states.delete(brandId);
        return undefined;
      }
      let state = states.get(brandId);
      if (!state) {
        const nowMs = deps.clock().getTime();
        const since = new Date(nowMs - STATE_HORIZON_MS).toISOString();
        const touchesSince = new Date(nowMs - attributionWindowMs(brand)).toISOString();
        const failed = (error: unknown): never => {
          throw error instanceof WarehouseUnavailableError
            ? error
            : new BrandLoadError(brandId, { cause: error });
        };
        const [snapshot, storedLearner] = await Promise.all([
          deps.warehouse.loadBrand(brandId, since, touchesSince).catch(failed),
          deps.warehouse.intentModelState(brandId).catch(failed),
        ]);
        state = buildBrandState(brand, snapshot, nowMs, storedLearner);
        states.set(brandId, state);
      }
      state.brand = brand; // settings edited in the brands file apply from the next message
      return state;
    },
    drop(brandId) {
      states.delete(brandId);
    },
    loaded: () => [...states.values()],
    refreshSettings() {
      for (const [brandId, state] of states) {
        const brand = deps.brands.get(brandId);
        if (brand) state.brand = brand;
        else states.delete(brandId);
      }
    },
  };
}
