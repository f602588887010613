// The Campaigns page's data for one range, kept live: spend reports (a
// `spend` push replaces the report with its key), settled activity (hours
// before the snapshot's cut, fixed) and recent minutes (a `campaign` push
// replaces its minute). The rows and series come from the shared formulas
// over these, so a push changes the table and charts without a reload; every
// reconnect loads a fresh snapshot, once for both collections. Settled hours
// are labelled before the cut and minutes from it on, so their keys never meet.
import type { CampaignSnapshot } from '$lib/server/campaign-data';
import {
  campaignMetrics,
  campaignSeries,
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

/** A key no row has: "removing" it leaves the rows as they are. */
const NO_ROW = '\u0000ignored';

export class LiveCampaigns {
  #spend: LiveCollection<'spend', AdSpend>;
  /** Settled hours and recent minutes together, so a fresh snapshot replaces both at once. */
  #activity: LiveCollection<'campaign', CampaignMinute>;
  #snapshot: CampaignSnapshot;
  #loading: Promise<CampaignSnapshot> | null = null;

  constructor(deps: { connection: LiveConnection; snapshot: CampaignSnapshot }) {
    const { connection, snapshot } = deps;
    this.#snapshot = snapshot;
    this.#spend = new LiveCollection({
      connection,
      event: 'spend',
      initial: snapshot.spend,
      key: spendKey,
      snapshot: () => this.#load().then((fresh) => fresh.spend),
      delta: (row) => ({ upsert: row }),
    });
    this.#activity = new LiveCollection({
      connection,
      event: 'campaign',
      initial: [...snapshot.settled, ...snapshot.recent],
      key: minuteKey,
      snapshot: () => this.#load().then((fresh) => [...fresh.settled, ...fresh.recent]),
      // A minute before the cut is already in the settled hours: counting it again would double it.
      delta: (row) => (row.minute >= this.#snapshot.cut ? { upsert: row } : { remove: NO_ROW }),
    });
  }

  /** One fetch per reconnect for both collections. */
  #load(): Promise<CampaignSnapshot> {
    this.#loading ??= readApi
      .campaignSnapshot(this.#snapshot.from, this.#snapshot.to)
      .then((fresh) => (this.#snapshot = fresh))
      .finally(() => setTimeout(() => (this.#loading = null), 0));
    return this.#loading;
  }

  /** Per campaign and channel over the range, highest cost first. */
  get rows(): CampaignRow[] {
    const { from, to } = this.#snapshot;
    return summarizeCampaigns(this.#spend.rows, this.#activity.rows, Date.parse(from), Date.parse(to));
  }

  /** Buckets of `bucketMs` over the range (aligned to UTC), for the rows `keep` selects. */
  series(bucketMs: number, keep?: (campaignId: string, channel: AdChannel) => boolean): SeriesPoint[] {
    const fromMs = Math.floor(Date.parse(this.#snapshot.from) / bucketMs) * bucketMs;
    const toMs = Math.ceil(Date.parse(this.#snapshot.to) / bucketMs) * bucketMs;
    return campaignSeries(this.#spend.rows, this.#activity.rows, fromMs, toMs, bucketMs, keep).map(
      (point) => ({ at: point.at, ...campaignMetrics(point) }),
    );
  }
}
