// Time passing for one brand: decayed profiles drop a level, and minutes that
// ended are closed and judged by the brand's alert rules. Runs before every event (at
// its received_at) and on the consumer's timer tick (at the clock).
import type { BrandState } from './brand-state';
import type { Changes } from './changes';
import { evaluateRules } from './alerts/evaluate';
import { relevelDue } from './intent/levels';
import { MINUTE_MS, minuteStart } from './kpi/minutes';
import { STATE_HORIZON_MS, attributionWindowMs } from './brand-state';

/** Minutes evaluated at most in one go (after a long idle gap only the recent ones matter). */
const MAX_MINUTES_CLOSED_AT_ONCE = 60;

export interface AdvanceOptions {
  /** A minute closes once `now` is this far past its end (the tick waits for stragglers). */
  graceMs: number;
  /** On ticks: write the high-intent count into the current minute's row, forget old state. */
  tick: boolean;
}

export function advanceTime(
  state: BrandState,
  nowMs: number,
  changes: Changes,
  options: AdvanceOptions,
): void {
  const highBefore = state.high.size;
  const changed = relevelDue(state, nowMs, (p) => changes.beforeIntent(state, p));
  for (const profile of changed) changes.profile(state, profile);
  if (options.tick && state.high.size !== highBefore) {
    changes.kpi(state, state.kpis.setHighIntent(nowMs, state.high.size));
  }

  const lastClosable = minuteStart(nowMs - options.graceMs) - MINUTE_MS;
  const first =
    state.lastClosedMinuteMs === undefined
      ? lastClosable
      : Math.max(
          state.lastClosedMinuteMs + MINUTE_MS,
          lastClosable - (MAX_MINUTES_CLOSED_AT_ONCE - 1) * MINUTE_MS,
        );
  for (let minute = first; minute <= lastClosable; minute += MINUTE_MS) evaluateRules(state, minute, changes);
  state.lastClosedMinuteMs = Math.max(state.lastClosedMinuteMs ?? lastClosable, lastClosable);

  if (options.tick) {
    state.kpiHorizonMs = Math.max(state.kpiHorizonMs, minuteStart(nowMs - STATE_HORIZON_MS) + MINUTE_MS);
    state.kpis.prune(state.kpiHorizonMs);
    state.dedupe.prune(nowMs - STATE_HORIZON_MS);
    state.campaigns.prune(state.kpiHorizonMs, nowMs - attributionWindowMs(state.brand));
    // Predictions past their horizon are labelled 0 and train the model (learner.ts).
    state.learner.learner.advance(nowMs);
  }
}
