// The brand's alerts, kept live by alert_id, most recently changed first: all
// of them, or only those in `states` (an alert that leaves them leaves the list).
import type { Alert, AlertState } from '$lib/shared/model';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import { readApi } from './read-api';

export const OPEN_STATES: readonly AlertState[] = ['pending', 'firing'];

export class LiveAlerts {
  #alerts: LiveCollection<'alert', Alert>;
  #limit: number;

  constructor(deps: {
    connection: LiveConnection;
    initial: Alert[];
    limit: number;
    states?: readonly AlertState[];
  }) {
    this.#limit = deps.limit;
    const { states } = deps;
    this.#alerts = new LiveCollection({
      connection: deps.connection,
      event: 'alert',
      initial: deps.initial,
      key: (alert) => alert.alert_id,
      snapshot: () => readApi.alerts(deps.limit, states),
      delta: (alert) =>
        !states || states.includes(alert.state) ? { upsert: alert } : { remove: alert.alert_id },
    });
  }

  get alerts(): Alert[] {
    return this.#alerts.rows.sort((a, b) => b.updated_at.localeCompare(a.updated_at)).slice(0, this.#limit);
  }
}

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Firing before pending, then the most severe, then the oldest breach first. */
export function byUrgency(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      (a.state === 'firing' ? 0 : 1) - (b.state === 'firing' ? 0 : 1) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.started_at.localeCompare(b.started_at),
  );
}

/** How many firing alerts there are of each severity. */
export function firingCounts(alerts: readonly Alert[]): Record<Alert['severity'], number> {
  const counts = { critical: 0, warning: 0, info: 0 };
  for (const alert of alerts) if (alert.state === 'firing') counts[alert.severity] += 1;
  return counts;
}
