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
  id: number;
  key: string;
  profileId: string;
  category: string;
  atMs: number;
  payload: T;
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

export function createOutcomeTracker<T>(options: Partial<OutcomeOptions> = {}): OutcomeTracker<T> {
  const { horizonMs, maxPending, minGapMs } = { ...DEFAULT_OUTCOME_OPTIONS, ...options };
  /** Insertion order is (roughly) time order: the first entry is the oldest. */
  const byId = new Map<number, Pending<T>>();
  const byKey = new Map<string, Set<number>>();
  const lastAt = new Map<string, number>();
  /** Profile → the categories it has open predictions in (for reassign). */
  const categoriesOf = new Map<string, Set<string>>();
  let nextId = 0;
  let dropped = 0;

  const remove = (p: Pending<T>): void => {
    byId.delete(p.id);
    const ids = byKey.get(p.key);
    ids?.delete(p.id);
    if (ids && ids.size === 0) {
      byKey.delete(p.key);
      // No open prediction left for the key: its gap no longer matters.
      lastAt.delete(p.key);
      const categories = categoriesOf.get(p.profileId);
      categories?.delete(p.category);
      if (categories && categories.size === 0) categoriesOf.delete(p.profileId);
    }
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
      const key = keyOf(profileId, category);
      const previous = lastAt.get(key);
      if (minGapMs > 0 && previous !== undefined && atMs - previous < minGapMs) return false;
      const id = nextId++;
      byId.set(id, { id, key, profileId, category, atMs, payload });
      let ids = byKey.get(key);
      if (!ids) byKey.set(key, (ids = new Set()));
      ids.add(id);
      lastAt.set(key, atMs);
      let categories = categoriesOf.get(profileId);
      if (!categories) categoriesOf.set(profileId, (categories = new Set()));
      categories.add(category);
      while (byId.size > maxPending) {
        const oldest = byId.values().next().value;
        if (!oldest) break;
        remove(oldest);
        dropped++;
      }
      return true;
    },
    order(profileId, categories, atMs) {
      const out: Resolved<T>[] = [];
      for (const category of new Set(categories)) {
        const ids = byKey.get(keyOf(profileId, category));
        if (!ids) continue;
        for (const id of [...ids]) {
          const p = byId.get(id)!;
          // At the order's own instant too: a prediction already here was made before it (events
          // of one request share received_at, so a view and the order it led to often do).
          if (p.atMs <= atMs && atMs - p.atMs <= horizonMs) {
            out.push(resolved(p, atMs, 1));
            remove(p);
          }
        }
      }
      return out;
    },
    advance(nowMs) {
      const out: Resolved<T>[] = [];
      for (const p of byId.values()) {
        if (p.atMs + horizonMs >= nowMs) break;
        out.push(resolved(p, p.atMs + horizonMs, 0));
        remove(p);
      }
      return out;
    },
    reassign(fromProfileId, toProfileId) {
      if (fromProfileId === toProfileId) return;
      const categories = categoriesOf.get(fromProfileId);
      if (!categories) return;
      categoriesOf.delete(fromProfileId);
      let target = categoriesOf.get(toProfileId);
      if (!target) categoriesOf.set(toProfileId, (target = new Set()));
      for (const category of categories) {
        const fromKey = keyOf(fromProfileId, category);
        const toKey = keyOf(toProfileId, category);
        const ids = byKey.get(fromKey)!;
        byKey.delete(fromKey);
        let toIds = byKey.get(toKey);
        if (!toIds) byKey.set(toKey, (toIds = new Set()));
        for (const id of ids) {
          const p = byId.get(id)!;
          p.profileId = toProfileId;
          p.key = toKey;
          toIds.add(id);
        }
        const last = Math.max(lastAt.get(fromKey) ?? -Infinity, lastAt.get(toKey) ?? -Infinity);
        lastAt.delete(fromKey);
        lastAt.set(toKey, last);
        target.add(category);
      }
    },
    get pending() {
      return byId.size;
    },
    get dropped() {
      return dropped;
    },
  };
}
