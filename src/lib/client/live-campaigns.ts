// The Campaigns page's data for one range, kept live: spend reports (a
// `spend` push replaces the report with its key), settled activity (hours
// before the snapshot's cut, fixed) and recent minutes (a `campaign` push
// replaces its minute). The rows and series come from the shared formulas
// over these, so a push changes the table and charts without a reload; every
// reconnect loads a fresh snapshot, once for both collections.
import { createSubscriber } from 'svelte/reactivity';
import type { CampaignSnapshot } from '$lib/server/campaign-data';
import {
  addTotals,
  campaignMetrics,
  campaignSeries,
  emptyTotals,
  spendKey,
  summarizeCampaigns,
  type AdChannel,
  type AdSpend,
  type CampaignMetrics,
  type CampaignMinute,
  type CampaignRow,
} from '$lib/shared/campaigns';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import { readApi } from './read-api';

export const minuteKey = (row: CampaignMinute) => `${row.minute}\u0000${row.campaign_id}\u0000${row.channel}`;

export type SeriesPoint = CampaignMetrics & { at: string };

export class LiveCampaigns {
  #spend: LiveCollection<'spend', AdSpend>;
  #recent: LiveCollection<'campaign', CampaignMinute>;
  #settled: CampaignMinute[];
  #snapshot: CampaignSnapshot;
  #loading: Promise<CampaignSnapshot> | null = null;
  #subscribe: () => void;
  #update: (() => void) | null = null;

  constructor(deps: { connection: LiveConnection; snapshot: CampaignSnapshot }) {
    const { connection, snapshot } = deps;
    this.#snapshot = snapshot;
    this.#settled = snapshot.settled;
    this.#subscribe = createSubscriber((update) => {
      this.#update = update;
      return () => (this.#update = null);
    });
    this.#spend = new LiveCollection({
      connection,
      event: 'spend',
      initial: snapshot.spend,
      key: spendKey,
      snapshot: () => this.#load().then((fresh) => fresh.spend),
      delta: (row) => ({ upsert: row }),
    });
    this.#recent = new LiveCollection({
      connection,
      event: 'campaign',
      initial: snapshot.recent,
      key: minuteKey,
      snapshot: () => this.#load().then((fresh) => fresh.recent),
      // A minute before the cut is already in the settled hours: counting it again would double it.
      delta: (row) => (row.minute >= this.#snapshot.cut ? { upsert: row } : { remove: minuteKey(row) }),
    });
  }

  /** One fetch per reconnect for both collections; the settled hours come with it. */
  #load(): Promise<CampaignSnapshot> {
    this.#loading ??= readApi
      .campaignSnapshot(this.#snapshot.from, this.#snapshot.to)
      .then((fresh) => {
        this.#snapshot = fresh;
        this.#settled = fresh.settled;
        this.#update?.();
        return fresh;
      })
      .finally(() => setTimeout(() => (this.#loading = null), 0));
    return this.#loading;
  }

  get #activity(): CampaignMinute[] {
    this.#subscribe();
    return [...this.#settled, ...this.#recent.rows];
  }

  /** Per campaign and channel over the range, highest cost first. */
  get rows(): CampaignRow[] {
    const { from, to } = this.#snapshot;
    return summarizeCampaigns(this.#spend.rows, this.#activity, Date.parse(from), Date.parse(to));
  }

  /** Buckets of `bucketMs` over the range (aligned to UTC), for the rows `keep` selects. */
  series(bucketMs: number, keep?: (campaignId: string, channel: AdChannel) => boolean): SeriesPoint[] {
    const fromMs = Math.floor(Date.parse(this.#snapshot.from) / bucketMs) * bucketMs;
    const toMs = Math.ceil(Date.parse(this.#snapshot.to) / bucketMs) * bucketMs;
    return campaignSeries(this.#spend.rows, this.#activity, fromMs, toMs, bucketMs, keep).map((point) => ({
      at: point.at,
      ...campaignMetrics(point),
    }));
  }
}

/** Totals of rows with the ratios of the sum. */
export function totalsOf(rows: readonly CampaignRow[]): CampaignMetrics {
  const sum = emptyTotals();
  for (const row of rows) addTotals(sum, row);
  return campaignMetrics(sum);
}
