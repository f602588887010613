// What each rule type measures at the end of a closed minute, over its window
// (the last `window_minutes` minutes, ending with the closed one). A window
// with nothing to judge is `no_data`: it neither fires nor resolves anything.
//
//   low_conversion  purchasers ÷ active users (sample: active users);
//                   baseline: the hour before the window
//   intent_spike    the most profiles at High in the window ÷ their mean in the
//                   hour before (a mean under 1 counts as 1) (sample: that most)
//   cost_spike      spend per minute in the window ÷ spend per minute over the
//                   6 hours before (sample: spend in the window); no judgement
//                   unless spend was reported from the baseline's start on (a
//                   first day of spend is no spike), nor with no baseline spend
//   roi_drop        (attributed revenue − spend) ÷ spend in the window
//                   (sample: spend in the window)
//   source_silent   minutes since the source's last event (never sent: no data)
// Spend is spread evenly over its period (spendShare), so spend rules judge
// what has been reported so far; campaign rules without a subject judge the
// brand's total.
import { BRAND_SUBJECT, type AlertRule } from '../../../src/lib/shared/alert-rules';
import type { BrandState } from '../brand-state';
import { MINUTE_MS } from '../kpi/minutes';
import type { Measurement } from './rule-state';

export const CONVERSION_BASELINE_MINUTES = 60;
export const INTENT_BASELINE_MINUTES = 60;
export const COST_BASELINE_MINUTES = 360;

const noData: Measurement = { kind: 'no_data' };

export function measure(state: BrandState, rule: AlertRule, closedMinuteMs: number): Measurement {
  const endMs = closedMinuteMs + MINUTE_MS;
  const windowStart = endMs - rule.window_minutes * MINUTE_MS;
  const campaign = rule.subject === undefined || rule.subject === BRAND_SUBJECT ? undefined : rule.subject;
  switch (rule.type) {
    case 'low_conversion': {
      const window = state.kpis.totals(windowStart, closedMinuteMs);
      if (window.active === 0) return noData;
      const before = state.kpis.totals(
        windowStart - CONVERSION_BASELINE_MINUTES * MINUTE_MS,
        windowStart - MINUTE_MS,
      );
      return {
        kind: 'value',
        value: window.purchasers / window.active,
        baseline: before.active > 0 ? before.purchasers / before.active : null,
        sample: window.active,
      };
    }
    case 'intent_spike': {
      const peak = highIntentPeak(state, windowStart, endMs);
      if (peak === undefined) return noData;
      const mean = highIntentMean(state, windowStart - INTENT_BASELINE_MINUTES * MINUTE_MS, windowStart);
      const baseline = Math.max(1, mean ?? 0);
      return { kind: 'value', value: peak / baseline, baseline, sample: peak };
    }
    case 'cost_spike': {
      // A baseline is only a baseline if spend was reported all through it: a brand's (or a
      // campaign's) first hours of spend are no spike against the nothing before them.
      const baselineStart = windowStart - COST_BASELINE_MINUTES * MINUTE_MS;
      const earliest = state.campaigns.earliestSpendMs(campaign);
      if (earliest === undefined || earliest > baselineStart) return noData;
      const window = state.campaigns.totals(windowStart, endMs, campaign);
      const before = state.campaigns.totals(baselineStart, windowStart, campaign);
      const baselineRate = before.cost / COST_BASELINE_MINUTES;
      if (baselineRate === 0) return noData;
      const rate = window.cost / rule.window_minutes;
      return { kind: 'value', value: rate / baselineRate, baseline: baselineRate, sample: window.cost };
    }
    case 'roi_drop': {
      const window = state.campaigns.totals(windowStart, endMs, campaign);
      if (window.cost === 0) return noData;
      return {
        kind: 'value',
        value: (window.revenue - window.cost) / window.cost,
        baseline: null,
        sample: window.cost,
      };
    }
    case 'source_silent': {
      const last = rule.subject === undefined ? undefined : state.sourceLastSeen.get(rule.subject);
      if (last === undefined) return noData;
      return {
        kind: 'value',
        value: Math.max(0, (endMs - last) / MINUTE_MS),
        baseline: null,
        sample: Number.MAX_SAFE_INTEGER,
      };
    }
  }
}

/** The most profiles at High at the end of any minute in [fromMs, toMs) that has a row. */
function highIntentPeak(state: BrandState, fromMs: number, toMs: number): number | undefined {
  let peak: number | undefined;
  for (let m = fromMs; m < toMs; m += MINUTE_MS) {
    const row = state.kpis.row(m);
    if (row) peak = Math.max(peak ?? 0, row.high_intent_profiles);
  }
  return peak;
}

function highIntentMean(state: BrandState, fromMs: number, toMs: number): number | undefined {
  let sum = 0;
  let count = 0;
  for (let m = fromMs; m < toMs; m += MINUTE_MS) {
    const row = state.kpis.row(m);
    if (!row) continue;
    sum += row.high_intent_profiles;
    count += 1;
  }
  return count === 0 ? undefined : sum / count;
}
