// Pending predictions and their outcomes. A prediction made at time t for (profile, category) is
// labelled 1 when the profile orders in that category in [t, t + horizon] (after it, in processing order) — known the moment the
// order arrives — and 0 when the horizon passes without one — known once time reaches t + horizon.
//
// Bounded: at most `maxPending` predictions wait; past that the oldest is dropped unlabelled (and
// counted in `dropped`), so a flood of events cannot grow memory. Optionally at most one prediction
// per (profile, category) per `minGapMs`, so one long session does not weigh a hundred times.
//
// Time is the caller's axis (the processor's `received_at`); `advance(now)` resolves what expired.
// Predictions are expected roughly in time order: expiry walks them oldest-first and stops at the
// first one still open, so a late-inserted older one waits for its turn (at most a horizon more).

export interface OutcomeOptions {
  horizonMs: number;
  maxPending: number;
  /** Skip a new prediction for a (profile, category) within this long of its previous one. 0: keep all. */
  minGapMs: number;
}

export const DEFAULT_OUTCOME_OPTIONS: OutcomeOptions = {
  horizonMs: 7 * 24 * 3_600_000,
  maxPending: 200_000,
  minGapMs: 0,
};

export interface Resolved<T> {
  profileId: string;
  category: string;
  predictedAtMs: number;
  /** When the outcome became known: the order's time, or the end of the horizon. */
  resolvedAtMs: number;
  outcome: 0 | 1;
  payload: T;
}

interface Pending<T> {
  profileId: string;
  category: string;
  atMs: number;
  payload: T;
  /** Resolved or dropped: skipped where the queue still holds it. */
  done: boolean;
}

export interface OutcomeTracker<T> {
  /** Adds a prediction; false when skipped (too close to the previous one for its key). */
  predict(profileId: string, category: string, atMs: number, payload: T): boolean;
  /** An order by the profile: every open prediction for its categories made before it resolves to 1. */
  order(profileId: string, categories: readonly string[], atMs: number): Resolved<T>[];
  /** Time reached `nowMs`: every prediction whose horizon has passed resolves to 0. */
  advance(nowMs: number): Resolved<T>[];
  /**
   * The profile was merged into another: its open predictions become the survivor's, so an order
   * by the survivor labels them. Their time and payload are unchanged.
   */
  reassign(fromProfileId: string, toProfileId: string): void;
  readonly pending: number;
  readonly dropped: number;
}

const keyOf = (profileId: string, category: string): string => `${profileId}\u0000${category}`;

/** Queue slots resolved at its head before they are cut off (keeps the array from growing). */
const COMPACT_AFTER = 4096;

export function createOutcomeTracker<T>(options: Partial<OutcomeOptions> = {}): OutcomeTracker<T> {
  const { horizonMs, maxPending, minGapMs } = { ...DEFAULT_OUTCOME_OPTIONS, ...options };
  // Every prediction in insertion order, which is (roughly) time order: expiry and the bound take
  // from the head. Resolved ones stay in place, marked done, until the head passes them.
  let queue: Pending<T>[] = [];
  let head = 0;
  let open = 0;
  /** Each profile's open predictions (a handful): what an order or a merge looks through. */
  const byProfile = new Map<string, Pending<T>[]>();
  /** (profile, category) → its latest prediction's time; kept only when minGapMs asks for it. */
  const lastAt = new Map<string, number>();
  let dropped = 0;

  const close = (p: Pending<T>): void => {
    p.done = true;
    open -= 1;
    const list = byProfile.get(p.profileId)!;
    list.splice(list.indexOf(p), 1);
    if (list.length === 0) byProfile.delete(p.profileId);
    // No open prediction left for the key: its gap no longer matters.
    if (minGapMs > 0 && !list.some((other) => other.category === p.category)) {
      lastAt.delete(keyOf(p.profileId, p.category));
    }
  };

  /** The oldest open prediction, moving the head past resolved ones. */
  const oldest = (): Pending<T> | undefined => {
    while (head < queue.length && queue[head]!.done) head++;
    if (head > COMPACT_AFTER && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return queue[head];
  };

  const resolved = (p: Pending<T>, resolvedAtMs: number, outcome: 0 | 1): Resolved<T> => ({
    profileId: p.profileId,
    category: p.category,
    predictedAtMs: p.atMs,
    resolvedAtMs,
    outcome,
    payload: p.payload,
  });

  return {
    predict(profileId, category, atMs, payload) {
      if (minGapMs > 0) {
        const key = keyOf(profileId, category);
        const previous = lastAt.get(key);
        if (previous !== undefined && atMs - previous < minGapMs) return false;
        lastAt.set(key, atMs);
      }
      const p: Pending<T> = { profileId, category, atMs, payload, done: false };
      queue.push(p);
      open += 1;
      const list = byProfile.get(profileId);
      if (list) list.push(p);
      else byProfile.set(profileId, [p]);
      while (open > maxPending) {
        const first = oldest();
        if (!first) break;
        close(first);
        dropped++;
      }
      return true;
    },
    order(profileId, categories, atMs) {
      const out: Resolved<T>[] = [];
      const list = byProfile.get(profileId);
      if (!list) return out;
      for (const p of [...list]) {
        // At the order's own instant too: a prediction already here was made before it (events
        // of one request share received_at, so a view and the order it led to often do).
        if (categories.includes(p.category) && p.atMs <= atMs && atMs - p.atMs <= horizonMs) {
          out.push(resolved(p, atMs, 1));
          close(p);
        }
      }
      return out;
    },
    advance(nowMs) {
      const out: Resolved<T>[] = [];
      for (let p = oldest(); p && p.atMs + horizonMs < nowMs; p = oldest()) {
        out.push(resolved(p, p.atMs + horizonMs, 0));
        close(p);
      }
      return out;
    },
    reassign(fromProfileId, toProfileId) {
      if (fromProfileId === toProfileId) return;
      const moving = byProfile.get(fromProfileId);
      if (!moving) return;
      byProfile.delete(fromProfileId);
      for (const p of moving) {
        if (minGapMs > 0) {
          const fromKey = keyOf(fromProfileId, p.category);
          const toKey = keyOf(toProfileId, p.category);
          const last = Math.max(lastAt.get(fromKey) ?? -Infinity, lastAt.get(toKey) ?? -Infinity);
          lastAt.delete(fromKey);
          lastAt.set(toKey, last);
        }
        p.profileId = toProfileId;
      }
      const target = byProfile.get(toProfileId);
      byProfile.set(toProfileId, target ? [...target, ...moving] : moving);
    },
    get pending() {
      return open;
    },
    get dropped() {
      return dropped;
    },
  };
}
