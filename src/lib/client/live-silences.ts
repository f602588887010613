// The brand's active silences, kept live by silence_id, soonest ending first.
import type { AlertSilence } from '$lib/shared/model';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import type { Now } from './now';
import { readApi } from './read-api';

export class LiveSilences {
  #silences: LiveCollection<'silence', AlertSilence>;
  #now: Now;

  constructor(deps: { connection: LiveConnection; initial: AlertSilence[]; now: Now }) {
    this.#now = deps.now;
    this.#silences = new LiveCollection({
      connection: deps.connection,
      event: 'silence',
      initial: deps.initial,
      key: (silence) => silence.silence_id,
      snapshot: readApi.silences,
      delta: (silence) =>
        silence.cancelled_at === null ? { upsert: silence } : { remove: silence.silence_id },
    });
  }

  /** Not cancelled and not yet ended. */
  get active(): AlertSilence[] {
    const now = this.#now.current.toISOString();
    return this.#silences.rows
      .filter((silence) => silence.cancelled_at === null && silence.ends_at > now)
      .sort((a, b) => a.ends_at.localeCompare(b.ends_at));
  }
}
