// The brand's alerts, kept live by alert_id, most recently changed first.
import type { Alert } from '$lib/shared/model';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import { readApi } from './read-api';

export class LiveAlerts {
  #alerts: LiveCollection<'alert', Alert>;
  #limit: number;

  constructor(deps: { connection: LiveConnection; initial: Alert[]; limit: number }) {
    this.#limit = deps.limit;
    this.#alerts = new LiveCollection({
      connection: deps.connection,
      event: 'alert',
      initial: deps.initial,
      key: (alert) => alert.alert_id,
      snapshot: () => readApi.alerts(deps.limit),
      delta: (alert) => ({ upsert: alert }),
    });
  }

  get alerts(): Alert[] {
    return this.#alerts.rows.sort((a, b) => b.updated_at.localeCompare(a.updated_at)).slice(0, this.#limit);
  }
}
