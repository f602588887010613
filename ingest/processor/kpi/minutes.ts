// Per-brand, per-minute KPIs, bucketed by `received_at`. Each minute keeps the
// sets behind its distinct counts (active profiles, purchasers), and its row
// is always written whole, so an upsert or a replayed live message is harmless.
//
// Restoring after a restart: stored rows hold counts, not the sets behind
// them. The active set of a restored minute is rebuilt from the profiles
// whose intent was last updated in that minute (every event updates it, on
// the same received_at axis); the stored count stays the base, and only
// profiles outside the rebuilt set add to it. For the latest minute, the one
// a crash interrupts, that rebuild is exact while received_at only moves
// forward. Purchasers keep their stored count as a base: one profile buying
// twice in the same minute across a restart is counted twice.
import type { EventType } from '../../../src/lib/shared/events';
import { emptyKpiMinute } from '../../../src/lib/shared/kpi';
import type { KpiMinute, Profile } from '../../../src/lib/shared/model';

export const MINUTE_MS = 60_000;

export function minuteStart(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

export function minuteKey(ms: number): string {
  return new Date(minuteStart(ms)).toISOString();
}

interface MinuteState {
  row: KpiMinute;
  active: Set<string>;
  purchasers: Set<string>;
  /** Added to the set sizes: stored counts the restored sets cannot name. */
  activeOffset: number;
  purchaserOffset: number;
}

export interface RecordInput {
  receivedAtMs: number;
  profileId: string;
  type: EventType;
  revenue: number;
  /** Profiles merged into `profileId` by this event: within the minute they are one person now. */
  mergedIds: readonly string[];
  highIntentProfiles: number;
}

export interface ConversionTotals {
  active: number;
  purchasers: number;
}

export interface KpiMinutes {
  /** Counts one event in its minute; returns the minute's row (live, do not keep). */
  record(input: RecordInput): KpiMinute;
  /** Sets the high-intent count of a minute, creating an empty row if there is none. */
  setHighIntent(atMs: number, count: number): KpiMinute;
  row(atMs: number): KpiMinute | undefined;
  /** The rows of the minutes from `fromMs` on, oldest first (live, do not keep). */
  rowsFrom(fromMs: number): KpiMinute[];
  /** Summed active users and purchasers over the minutes in [fromMs, toMs]. */
  totals(fromMs: number, toMs: number): ConversionTotals;
  /** Forgets minutes before `beforeMs`. */
  prune(beforeMs: number): void;
}

export function createKpiMinutes(
  brandId: string,
  restored: readonly KpiMinute[],
  profiles: Iterable<Profile>,
): KpiMinutes {
  const minutes = new Map<number, MinuteState>();

  const lastActiveMinute = new Map<number, Set<string>>();
  for (const profile of profiles) {
    if (profile.merged_into) continue;
    const m = minuteStart(Date.parse(profile.intent_updated_at));
    let set = lastActiveMinute.get(m);
    if (!set) lastActiveMinute.set(m, (set = new Set()));
    set.add(profile.profile_id);
  }
  for (const row of restored) {
    const m = Date.parse(row.minute);
    const active = lastActiveMinute.get(m) ?? new Set<string>();
    minutes.set(m, {
      row: { ...row },
      active: new Set(active),
      purchasers: new Set(),
      activeOffset: Math.max(0, row.active_users - active.size),
      purchaserOffset: Math.round(row.conversion_rate * row.active_users),
    });
  }

  function stateAt(atMs: number): MinuteState {
    const m = minuteStart(atMs);
    let state = minutes.get(m);
    if (!state) {
      state = {
        row: emptyKpiMinute(brandId, new Date(m).toISOString()),
        active: new Set(),
        purchasers: new Set(),
        activeOffset: 0,
        purchaserOffset: 0,
      };
      minutes.set(m, state);
    }
    return state;
  }

  function recount(state: MinuteState): void {
    const active = state.activeOffset + state.active.size;
    const purchasers = Math.min(active, state.purchaserOffset + state.purchasers.size);
    state.row.active_users = active;
    state.row.conversion_rate = active === 0 ? 0 : purchasers / active;
  }

  return {
    record(input) {
      const state = stateAt(input.receivedAtMs);
      for (const id of input.mergedIds) {
        if (state.active.delete(id)) state.active.add(input.profileId);
        if (state.purchasers.delete(id)) state.purchasers.add(input.profileId);
      }
      state.row.events += 1;
      state.active.add(input.profileId);
      if (input.type === 'product_added') state.row.carts += 1;
      if (input.type === 'order_completed') {
        state.row.purchases += 1;
        state.row.revenue += input.revenue;
        state.purchasers.add(input.profileId);
      }
      state.row.high_intent_profiles = input.highIntentProfiles;
      recount(state);
      return state.row;
    },
    setHighIntent(atMs, count) {
      const state = stateAt(atMs);
      state.row.high_intent_profiles = count;
      return state.row;
    },
    row: (atMs) => minutes.get(minuteStart(atMs))?.row,
    rowsFrom: (fromMs) =>
      [...minutes.entries()]
        .filter(([m]) => m >= minuteStart(fromMs))
        .sort(([a], [b]) => a - b)
        .map(([, state]) => state.row),
    totals(fromMs, toMs) {
      let active = 0;
      let purchasers = 0;
      for (let m = minuteStart(fromMs); m <= toMs; m += MINUTE_MS) {
        const state = minutes.get(m);
        if (!state) continue;
        active += state.row.active_users;
        purchasers += Math.round(state.row.conversion_rate * state.row.active_users);
      }
      return { active, purchasers };
    },
    prune(beforeMs) {
      for (const m of minutes.keys()) if (m < beforeMs) minutes.delete(m);
    },
  };
}
