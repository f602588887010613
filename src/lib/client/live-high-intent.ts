// Profiles at high intent, kept live by profile_id, highest score first.
import type { HighIntentEntry } from '$lib/shared/live';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import { readApi } from './read-api';

export class LiveHighIntent {
  #entries: LiveCollection<'intent', HighIntentEntry>;
  #limit: number;

  constructor(deps: { connection: LiveConnection; initial: HighIntentEntry[]; limit: number }) {
    this.#limit = deps.limit;
    this.#entries = new LiveCollection({
      connection: deps.connection,
      event: 'intent',
      initial: deps.initial,
      key: (entry) => entry.profile_id,
      snapshot: () => readApi.highIntent(deps.limit),
      // Pushes cover medium profiles too (the High-intent page's filters): here only level high.
      delta: ({ entry, left }) =>
        left || entry.level !== 'high' ? { remove: entry.profile_id } : { upsert: entry },
    });
  }

  get entries(): HighIntentEntry[] {
    return this.#entries.rows.sort((a, b) => b.score - a.score).slice(0, this.#limit);
  }
}
