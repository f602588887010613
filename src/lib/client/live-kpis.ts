// The overview's KPIs: per-minute rows kept live by minute, viewed as the
// sliding last hour.
import type { KpiMinute } from '$lib/shared/model';
import { fillWindow, minuteKey } from './kpi-window';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import type { Now } from './now';
import { readApi } from './read-api';

export class LiveKpis {
  #rows: LiveCollection<'kpi', KpiMinute>;
  #now: Now;
  #brandId: string;

  constructor(deps: { connection: LiveConnection; now: Now; brandId: string; initial: KpiMinute[] }) {
    this.#now = deps.now;
    this.#brandId = deps.brandId;
    this.#rows = new LiveCollection({
      connection: deps.connection,
      event: 'kpi',
      initial: deps.initial,
      key: (row) => minuteKey(row.minute),
      snapshot: readApi.kpis,
      delta: (row) => ({ upsert: row }),
    });
  }

  /** One row per minute of the last hour, oldest first. */
  get window(): KpiMinute[] {
    return fillWindow(this.#rows.rows, this.#now.current, this.#brandId);
  }
}
