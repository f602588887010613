// The brand's open alerts (pending and firing), kept live once for every page:
// the header's firing count, the toasts and the Alerts page read the same set.
import { getContext, setContext } from 'svelte';
import type { Alert } from '$lib/shared/model';
import { LiveAlerts, OPEN_STATES } from './live-alerts';
import type { LiveConnection } from './live-connection';

/** More open alerts than this at once means something else is wrong; the Alerts page says so. */
export const OPEN_ALERTS_LIMIT = 500;

const KEY = Symbol('open-alerts');

export function provideOpenAlerts(connection: LiveConnection, initial: Alert[]): LiveAlerts {
  return setContext(
    KEY,
    new LiveAlerts({ connection, initial, limit: OPEN_ALERTS_LIMIT, states: OPEN_STATES }),
  );
}

export function openAlerts(): LiveAlerts {
  const alerts = getContext<LiveAlerts | undefined>(KEY);
  if (!alerts) throw new Error('no open alerts: provideOpenAlerts() in the layout first');
  return alerts;
}
