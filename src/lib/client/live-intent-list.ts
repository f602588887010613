// The High-intent page's rows, kept live by profile_id: a snapshot for the
// page's filter, then every `intent` push. The processor pushes a profile's
// changes while it is at medium or above anywhere; a row shows while its
// score for the filter (the total, or the filter's category), decayed to now,
// reaches the filter's level. Decay is computed here rather than pushed: it is
// a pure function of the pushed score, its time and the brand's half-life, so
// a row whose category decays below the level leaves on time without the
// processor scheduling (and pushing) a drop for every profile and category.
import { decayedScore, filteredScore, levelThreshold, type IntentThresholds } from '../shared/intent';
import type { HighIntentEntry } from '$lib/shared/live';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import { ReadApiError } from './read-api';

export interface IntentFilterView {
  level: 'medium' | 'high';
  category: string | null;
}

export interface IntentRow {
  entry: HighIntentEntry;
  /** The filter's score decayed to now. */
  score: number;
}

/** The filter's score of an entry, decayed to `nowMs`. */
export function scoreNow(
  entry: HighIntentEntry,
  filter: IntentFilterView,
  nowMs: number,
  intent: IntentThresholds,
) {
  return decayedScore(
    filteredScore(entry, filter.category),
    Date.parse(entry.scored_at),
    nowMs,
    intent.half_life_minutes,
  );
}

/** The rows to show at `nowMs`: at the level now, highest first, ties by id, at most `limit`. */
export function visibleRows(
  entries: readonly HighIntentEntry[],
  filter: IntentFilterView,
  nowMs: number,
  intent: IntentThresholds,
  limit: number,
): IntentRow[] {
  const threshold = levelThreshold(filter.level, intent);
  return entries
    .map((entry) => ({ entry, score: scoreNow(entry, filter, nowMs, intent) }))
    .filter((row) => row.score >= threshold)
    .sort(
      (a, b) =>
        b.score - a.score ||
        (a.entry.profile_id < b.entry.profile_id ? -1 : a.entry.profile_id > b.entry.profile_id ? 1 : 0),
    )
    .slice(0, limit);
}

export function intentQuery(filter: IntentFilterView): string {
  const params = new URLSearchParams({ level: filter.level });
  if (filter.category !== null) params.set('category', filter.category);
  return params.toString();
}

export class LiveIntentList {
  #entries: LiveCollection<'intent', HighIntentEntry>;
  #filter: IntentFilterView;
  #intent: IntentThresholds;
  #limit: number;
  /** Server clock minus this browser's, so decay runs on the server's time. */
  #skewMs: number;

  constructor(deps: {
    connection: LiveConnection;
    initial: HighIntentEntry[];
    filter: IntentFilterView;
    intent: IntentThresholds;
    limit: number;
    serverNow: string;
  }) {
    this.#filter = deps.filter;
    this.#intent = deps.intent;
    this.#limit = deps.limit;
    this.#skewMs = Date.parse(deps.serverNow) - Date.now();
    const threshold = levelThreshold(deps.filter.level, deps.intent);
    this.#entries = new LiveCollection({
      connection: deps.connection,
      event: 'intent',
      initial: deps.initial,
      key: (entry) => entry.profile_id,
      snapshot: () => this.#snapshot(),
      // A row below the filter's level when it arrives can only come back with a later push.
      delta: ({ entry, left }) =>
        left || scoreNow(entry, deps.filter, this.nowMs(), deps.intent) < threshold
          ? { remove: entry.profile_id }
          : { upsert: entry },
    });
  }

  /** Now on the server's clock. */
  nowMs(atMs: number = Date.now()): number {
    return atMs + this.#skewMs;
  }

  /** The rows to show at `browserNow`; reading them in a component keeps them live. */
  rows(browserNow: Date): IntentRow[] {
    return visibleRows(
      this.#entries.rows,
      this.#filter,
      this.nowMs(browserNow.getTime()),
      this.#intent,
      this.#limit,
    );
  }

  async #snapshot(): Promise<HighIntentEntry[]> {
    const response = await fetch(`/intent/snapshot?${intentQuery(this.#filter)}`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new ReadApiError(response.status, `intent snapshot answered ${response.status}`);
    const body = (await response.json()) as { entries: HighIntentEntry[]; now: string };
    this.#skewMs = Date.parse(body.now) - Date.now();
    return body.entries;
  }
}
