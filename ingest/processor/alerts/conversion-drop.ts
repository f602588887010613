// The conversion-drop rule, evaluated when a minute closes:
//   window   = the last `window_minutes` minutes, ending with the closed one
//   baseline = the 60 minutes before the window
//   conversion = Σ purchasers / Σ active users over those minutes
// Fires when the window has ≥ min_active_users active users, the baseline has
// data, and window < (1 − drop_ratio) × baseline. Resolves only when window ≥
// (1 − recovery_ratio) × baseline (with the same minimum sample): the gap
// between the two thresholds keeps it from flapping. One alert per rule per
// brand at a time; its id derives from brand, rule and the minute it started.
import type { Alert } from '../../../src/lib/shared/model';
import type { BrandSettings } from '../../brands/types';
import { alertIdFor } from '../ids';
import { MINUTE_MS, type ConversionTotals } from '../kpi/minutes';

export const CONVERSION_DROP_RULE = 'conversion_drop';
export const BASELINE_MINUTES = 60;

export interface ConversionDropInput {
  brandId: string;
  /** Start of the minute that just closed. */
  closedMinuteMs: number;
  settings: BrandSettings['conversion_drop'];
  /** The rule's alert if it is firing. */
  firing: Alert | undefined;
  totals: (fromMs: number, toMs: number) => ConversionTotals;
}

/** The alert row that changed (fired or resolved), or undefined when nothing changes. */
export function evaluateConversionDrop(input: ConversionDropInput): Alert | undefined {
  const { settings, closedMinuteMs } = input;
  const windowStart = closedMinuteMs - (settings.window_minutes - 1) * MINUTE_MS;
  const window = input.totals(windowStart, closedMinuteMs);
  const baseline = input.totals(windowStart - BASELINE_MINUTES * MINUTE_MS, windowStart - MINUTE_MS);
  if (window.active < settings.min_active_users || baseline.active === 0) return undefined;

  const windowRate = window.purchasers / window.active;
  const baselineRate = baseline.purchasers / baseline.active;
  const at = new Date(closedMinuteMs + MINUTE_MS).toISOString();
  const numbers = `${percent(windowRate)} over the last ${settings.window_minutes} min vs ${percent(baselineRate)} in the trailing hour`;

  if (!input.firing && windowRate < (1 - settings.drop_ratio) * baselineRate) {
    return {
      brand_id: input.brandId,
      alert_id: alertIdFor(input.brandId, CONVERSION_DROP_RULE, new Date(closedMinuteMs).toISOString()),
      rule: CONVERSION_DROP_RULE,
      state: 'firing',
      severity: 'warning',
      message: `Conversion dropped: conversion ${numbers} (${window.active} active users)`,
      value: windowRate,
      baseline: baselineRate,
      started_at: at,
      updated_at: at,
      resolved_at: null,
    };
  }
  if (input.firing && windowRate >= (1 - settings.recovery_ratio) * baselineRate) {
    return {
      ...input.firing,
      state: 'resolved',
      message: `Conversion recovered: conversion ${numbers}`,
      value: windowRate,
      baseline: baselineRate,
      updated_at: at,
      resolved_at: at,
    };
  }
  return undefined;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
