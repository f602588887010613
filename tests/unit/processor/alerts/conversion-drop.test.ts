import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../src/lib/shared/model';
import {
  CONVERSION_DROP_RULE,
  evaluateConversionDrop,
} from '../../../../ingest/processor/alerts/conversion-drop';
import { MINUTE_MS, createKpiMinutes, type KpiMinutes } from '../../../../ingest/processor/kpi/minutes';
import { T0, settingsWith } from '../fixtures';

const rule = settingsWith().conversion_drop; // window 5, drop 0.5, recovery 0.3, min 20 users

/** Fills minute `m` (minutes after T0) with `users` active profiles of whom `buyers` purchase. */
function fill(kpis: KpiMinutes, m: number, users: number, buyers: number): void {
  for (let i = 0; i < users; i++) {
    const type = i < buyers ? 'order_completed' : 'page_viewed';
    kpis.record({
      receivedAtMs: T0 + m * MINUTE_MS + i,
      profileId: `m${m}-u${i}`,
      type,
      revenue: 1,
      mergedIds: [],
      highIntentProfiles: 0,
    });
  }
}

function evaluate(kpis: KpiMinutes, closedMinute: number, firing?: Alert, brandId = 'acme') {
  return evaluateConversionDrop({
    brandId,
    closedMinuteMs: T0 + closedMinute * MINUTE_MS,
    settings: rule,
    firing,
    totals: kpis.totals,
  });
}

/** 60 baseline minutes at 10% conversion (10 users, 1 buyer each). */
function withBaseline(): KpiMinutes {
  const kpis = createKpiMinutes('acme', [], []);
  for (let m = 0; m < 60; m++) fill(kpis, m, 10, 1);
  return kpis;
}

describe('conversion drop alert', () => {
  it('fires when the window converts below half the trailing hour, naming the numbers', () => {
    const kpis = withBaseline();
    for (let m = 60; m < 65; m++) fill(kpis, m, 10, m === 60 ? 1 : 0); // 1/50 = 2% vs 10%
    const alert = evaluate(kpis, 64);
    expect(alert).toMatchObject({
      brand_id: 'acme',
      rule: CONVERSION_DROP_RULE,
      state: 'firing',
      severity: 'warning',
      value: 0.02,
      baseline: 0.1,
      resolved_at: null,
    });
    expect(alert?.message).toContain('conversion 2.0% over the last 5 min vs 10.0% in the trailing hour');
    // Deterministic id: the same evaluation gives the same alert; another brand another id.
    expect(evaluate(kpis, 64)?.alert_id).toBe(alert?.alert_id);
    expect(evaluate(kpis, 64, undefined, 'other')?.alert_id).not.toBe(alert?.alert_id);
  });

  it('does not fire below the minimum sample or without a baseline', () => {
    const thin = withBaseline();
    for (let m = 60; m < 65; m++) fill(thin, m, 3, 0); // 15 users < 20
    expect(evaluate(thin, 64)).toBeUndefined();

    const noBaseline = createKpiMinutes('acme', [], []);
    for (let m = 60; m < 65; m++) fill(noBaseline, m, 10, 0);
    expect(evaluate(noBaseline, 64)).toBeUndefined();
  });

  it('does not fire on a mild dip above the drop threshold', () => {
    const kpis = withBaseline();
    for (let m = 60; m < 65; m++) fill(kpis, m, 10, m < 63 ? 1 : 0); // 6% ≥ 5%
    expect(evaluate(kpis, 64)).toBeUndefined();
  });

  it('does not flap between the thresholds and resolves on recovery', () => {
    const kpis = withBaseline();
    for (let m = 60; m < 65; m++) fill(kpis, m, 10, 0);
    const fired = evaluate(kpis, 64)!;
    expect(fired.state).toBe('firing');
    // Already firing: a second evaluation changes nothing.
    expect(evaluate(kpis, 64, fired)).toBeUndefined();

    // Partial recovery, 6% over 65..69: above the fire threshold (5%) but below recovery (7%).
    for (let m = 65; m < 70; m++) fill(kpis, m, 10, m < 68 ? 1 : 0);
    expect(evaluate(kpis, 69, fired)).toBeUndefined();

    // Full recovery.
    for (let m = 70; m < 75; m++) fill(kpis, m, 10, 1);
    const resolved = evaluate(kpis, 74, fired)!;
    expect(resolved).toMatchObject({
      alert_id: fired.alert_id,
      state: 'resolved',
      started_at: fired.started_at,
      resolved_at: new Date(T0 + 75 * MINUTE_MS).toISOString(),
    });
    expect(resolved.message).toContain('recovered');
  });

  it('keeps firing while the window is too thin to judge', () => {
    const kpis = withBaseline();
    for (let m = 60; m < 65; m++) fill(kpis, m, 10, 0);
    const fired = evaluate(kpis, 64)!;
    for (let m = 65; m < 70; m++) fill(kpis, m, 1, 1); // 100% but 5 users
    expect(evaluate(kpis, 69, fired)).toBeUndefined();
  });
});
