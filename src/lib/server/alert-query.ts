// Query parameters of the alert reads: which states, and which silences.
import { ALERT_STATES, type AlertState } from '../shared/model';

/** `open` is shorthand for pending and firing: what is wrong now. */
const STATE_ALIASES: Readonly<Record<string, readonly AlertState[]>> = { open: ['pending', 'firing'] };

export type AlertStatesQuery =
  { ok: true; states: AlertState[] | undefined } | { ok: false; problem: string };

/** `state=firing`, `state=pending,firing`, `state=open`; absent: every state. */
export function parseAlertStates(raw: string | undefined): AlertStatesQuery {
  if (raw === undefined) return { ok: true, states: undefined };
  const states = new Set<AlertState>();
  for (const part of raw.split(',').map((value) => value.trim())) {
    const alias = STATE_ALIASES[part];
    if (alias) alias.forEach((state) => states.add(state));
    else if ((ALERT_STATES as readonly string[]).includes(part)) states.add(part as AlertState);
    else
      return {
        ok: false,
        problem: `state "${part.slice(0, 40)}" is not one of ${[...ALERT_STATES, 'open'].join(', ')}`,
      };
  }
  return { ok: true, states: [...states] };
}

export const SILENCE_FILTERS = ['active', 'all'] as const;
export type SilenceFilter = (typeof SILENCE_FILTERS)[number];

export function parseSilenceFilter(
  raw: string | undefined,
): { ok: true; filter: SilenceFilter } | { ok: false; problem: string } {
  if (raw === undefined || raw === 'active') return { ok: true, filter: 'active' };
  if (raw === 'all') return { ok: true, filter: 'all' };
  return { ok: false, problem: `state "${raw.slice(0, 40)}" is not one of ${SILENCE_FILTERS.join(', ')}` };
}
