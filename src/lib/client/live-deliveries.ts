// One alert's delivery log, kept live while it is shown: every attempt to tell
// a receiver and every give-up, newest first.
import type { AlertDelivery } from '$lib/shared/model';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import { readApi } from './read-api';

export const deliveryKey = (row: AlertDelivery) =>
  [row.alert_id, row.receiver_id, row.state, row.attempt, row.outcome, row.at].join('\u0000');

export class LiveDeliveries {
  #rows: LiveCollection<'delivery', AlertDelivery>;

  constructor(deps: { connection: LiveConnection; alertId: string }) {
    this.#rows = new LiveCollection({
      connection: deps.connection,
      event: 'delivery',
      initial: [],
      key: deliveryKey,
      snapshot: () => readApi.deliveries(deps.alertId),
      // Another alert's line is "removed" from this log: it was never in it.
      delta: (row) => (row.alert_id === deps.alertId ? { upsert: row } : { remove: deliveryKey(row) }),
    });
  }

  get deliveries(): AlertDelivery[] {
    return this.#rows.rows.sort((a, b) => b.at.localeCompare(a.at) || b.attempt - a.attempt);
  }
}
