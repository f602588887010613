// Alert rules through simulated time: a scenario is one measurement per
// minute, and the test asserts the exact states and notifications.
import { describe, expect, it } from 'vitest';
import { stepRule, type Measurement, type RuleAlert } from '../../../../ingest/processor/alerts/rule-state';
import { alertRuleSchema, type AlertRule } from '../../../../src/lib/shared/alert-rules';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const MIN = 60_000;

const conversion = alertRuleSchema.parse({
  rule_id: 'conversion',
  type: 'low_conversion',
  threshold: 0.02,
  recovery: 0.03,
  pending_minutes: 3,
  window_minutes: 10,
  min_sample: 50,
});

const v = (value: number, sample = 100): Measurement => ({ kind: 'value', value, baseline: null, sample });
const NO_DATA: Measurement = { kind: 'no_data' };

interface Minute {
  m: Measurement;
  silenced?: boolean;
}

/** Runs one measurement per minute from T0; returns per minute the open state and what was notified. */
function run(rule: AlertRule, minutes: Minute[], start: RuleAlert | null = null, fromMinute = 0) {
  let open = start;
  const trace: string[] = [];
  const changes: RuleAlert[] = [];
  minutes.forEach(({ m, silenced = false }, i) => {
    const step = stepRule({
      brandId: 'acme',
      rule,
      subject: 'brand',
      open,
      measurement: m,
      nowMs: T0 + (fromMinute + i) * MIN,
      silenced,
    });
    open = step.open;
    if (step.changed) changes.push(step.changed);
    trace.push(`${open?.state ?? 'ok'}${step.notify ? `!${step.notify}` : ''}`);
  });
  return { trace, open, changes };
}

describe('an alert rule through time', () => {
  it('goes pending on a breach, fires once it held for pending_minutes, resolves at the recovery level', () => {
    const { trace, changes } = run(conversion, [
      { m: v(0.05) },
      { m: v(0.01) }, // breach: pending from minute 1
      { m: v(0.015) },
      { m: v(0.01) },
      { m: v(0.012) }, // minute 4: 3 minutes after it began → fires
      { m: v(0.025) }, // above threshold, below recovery: still firing
      { m: v(0.031) }, // recovered
      { m: v(0.04) },
    ]);
    expect(trace).toEqual([
      'ok',
      'pending',
      'pending',
      'pending',
      'firing!firing',
      'firing',
      'ok!resolved',
      'ok',
    ]);
    const fired = changes.find((c) => c.state === 'firing')!;
    const resolved = changes.at(-1)!;
    expect(fired).toMatchObject({
      alert_id: resolved.alert_id,
      started_at: '2026-03-01T10:01:00.000Z',
      fired_at: '2026-03-01T10:04:00.000Z',
      value: 0.012,
      threshold: 0.02,
      notified: true,
    });
    expect(resolved).toMatchObject({
      state: 'resolved',
      resolved_at: '2026-03-01T10:06:00.000Z',
      value: 0.031,
    });
    expect(resolved.message).toBe('Recovered: Conversion is 3.1% over the last 10 min (fires below 2.0%)');
  });

  it('does not flap on a value hovering between threshold and recovery, nor notify twice', () => {
    // Fires after holding below 2% (minutes 0-3), then hovers between 2% and the 3% recovery level.
    const hovering = [0.01, 0.01, 0.01, 0.01, 0.021, 0.019, 0.025, 0.018, 0.029, 0.0199];
    const { trace } = run(
      conversion,
      hovering.map((value) => ({ m: v(value) })),
    );
    expect(trace).toEqual([
      'pending',
      'pending',
      'pending',
      'firing!firing',
      'firing',
      'firing',
      'firing',
      'firing',
      'firing',
      'firing',
    ]);
    // Before it fires, a hovering value only moves it between ok and pending: nobody is told.
    const early = run(
      conversion,
      [0.01, 0.021, 0.019, 0.022, 0.01].map((value) => ({ m: v(value) })),
    );
    expect(early.trace).toEqual(['pending', 'ok', 'pending', 'ok', 'pending']);
  });

  it('clears a pending alert whose breach ends before it fires, telling no one', () => {
    const { trace, changes } = run(conversion, [
      { m: v(0.01) },
      { m: v(0.01) },
      { m: v(0.021) },
      { m: v(0.01) },
    ]);
    expect(trace).toEqual(['pending', 'pending', 'ok', 'pending']);
    expect(changes[2]).toMatchObject({ state: 'resolved', fired_at: null, notified: false });
    expect(changes[2]!.message).toContain('(cleared before firing)');
    // The next breach is another alert (another start minute), not the cleared one again.
    expect(changes[3]!.alert_id).not.toBe(changes[0]!.alert_id);
  });

  it('decides nothing on a window without enough sample or without data', () => {
    const { trace } = run(conversion, [
      { m: v(0.001, 10) }, // 10 active users < min_sample 50: not judged
      { m: v(0.01) },
      { m: NO_DATA },
      { m: v(0.5, 3) },
      { m: v(0.01) }, // minute 4: 3 minutes since minute 1 → fires
      { m: NO_DATA },
      { m: v(0.9, 1) },
      { m: v(0.04) },
    ]);
    expect(trace).toEqual([
      'ok',
      'pending',
      'pending',
      'pending',
      'firing!firing',
      'firing',
      'firing',
      'ok!resolved',
    ]);
  });

  it('fires at once without a pending time', () => {
    const now = alertRuleSchema.parse({ ...conversion, pending_minutes: 0 });
    expect(run(now, [{ m: v(0.01) }, { m: v(0.05) }]).trace).toEqual(['firing!firing', 'ok!resolved']);
  });

  it('holds back notifications while silenced, and tells the firing when the silence expires', () => {
    const { trace } = run(conversion, [
      { m: v(0.01), silenced: true },
      { m: v(0.01), silenced: true },
      { m: v(0.01), silenced: true },
      { m: v(0.01), silenced: true }, // fires, silenced
      { m: v(0.01), silenced: true },
      { m: v(0.01) }, // the silence expired: told now
      { m: v(0.01) },
      { m: v(0.05) },
    ]);
    expect(trace).toEqual([
      'pending',
      'pending',
      'pending',
      'firing',
      'firing',
      'firing!firing',
      'firing',
      'ok!resolved',
    ]);
  });

  it('does not tell a resolve whose firing it never told', () => {
    const { trace } = run(conversion, [
      { m: v(0.01), silenced: true },
      { m: v(0.01), silenced: true },
      { m: v(0.01), silenced: true },
      { m: v(0.01), silenced: true },
      { m: v(0.05) },
    ]);
    expect(trace).toEqual(['pending', 'pending', 'pending', 'firing', 'ok']);
  });

  it('after a restart in the middle of pending, fires at the same minute as without one', () => {
    const series = [v(0.01), v(0.01), v(0.01), v(0.01), v(0.01)].map((m) => ({ m }));
    const straight = run(conversion, series);
    const before = run(conversion, series.slice(0, 2));
    // The open alert is all the state: stored as JSON, read back by the next process.
    const restored = JSON.parse(JSON.stringify(before.open)) as RuleAlert;
    const after = run(conversion, series.slice(2), restored, 2);
    expect([...before.trace, ...after.trace]).toEqual(straight.trace);
    expect(after.changes.find((c) => c.state === 'firing')).toEqual(
      straight.changes.find((c) => c.state === 'firing'),
    );
  });

  it('resolves an open alert when its rule is disabled, telling only a told firing', () => {
    const firing = run(
      conversion,
      [0.01, 0.01, 0.01, 0.01].map((value) => ({ m: v(value) })),
    ).open!;
    const off = alertRuleSchema.parse({ ...conversion, enabled: false });
    const step = stepRule({
      brandId: 'acme',
      rule: off,
      subject: 'brand',
      open: firing,
      measurement: v(0.01),
      nowMs: T0 + 10 * MIN,
      silenced: false,
    });
    expect(step).toMatchObject({ open: null, notify: 'resolved', changed: { state: 'resolved' } });
    expect(step.changed!.message).toContain('(rule disabled)');
  });
});

describe('rules that fire above their threshold', () => {
  it('source_silent fires after N minutes without events and resolves on the next event', () => {
    const silent = alertRuleSchema.parse({
      rule_id: 'pos-silent',
      type: 'source_silent',
      subject: 'pos',
      threshold: 15,
      recovery: 1,
      pending_minutes: 0,
    });
    const minutesSince = [5, 10, 15, 16, 30, 0];
    const { trace, changes } = run(
      silent,
      minutesSince.map((value) => ({ m: v(value, 1) })),
    );
    expect(trace).toEqual(['ok', 'ok', 'ok', 'firing!firing', 'firing', 'ok!resolved']);
    expect(changes[0]!.message).toBe('No events from brand for 16 min (fires after 15 min)');
  });

  it('cost_spike keeps firing until the rate falls back to its recovery ratio', () => {
    const spike = alertRuleSchema.parse({
      rule_id: 'spend',
      type: 'cost_spike',
      threshold: 3,
      recovery: 1.5,
      pending_minutes: 1,
    });
    const ratios = [1, 4, 5, 2, 1.6, 1.5, 1];
    expect(
      run(
        spike,
        ratios.map((value) => ({ m: v(value) })),
      ).trace,
    ).toEqual(['ok', 'pending', 'firing!firing', 'firing', 'firing', 'ok!resolved', 'ok']);
  });
});

describe('alert rules as data', () => {
  it('refuses a recovery level on the wrong side of the threshold, naming the rule', () => {
    const below = alertRuleSchema.safeParse({
      rule_id: 'r',
      type: 'roi_drop',
      threshold: 0.5,
      recovery: 0.4,
    });
    expect(below.success).toBe(false);
    expect(below.error!.issues[0]!.message).toBe(
      'roi_drop fires below its threshold, so recovery must be at or above it (0.5)',
    );
    const above = alertRuleSchema.safeParse({ rule_id: 'r', type: 'cost_spike', threshold: 2, recovery: 3 });
    expect(above.error!.issues[0]!.message).toBe(
      'cost_spike fires above its threshold, so recovery must be at or below it (2)',
    );
    const silent = alertRuleSchema.safeParse({
      rule_id: 'r',
      type: 'source_silent',
      threshold: 10,
      recovery: 1,
    });
    expect(silent.error!.issues[0]!.message).toBe('source_silent needs the source it watches');
    expect(
      alertRuleSchema.safeParse({ rule_id: 'Bad Id', type: 'roi_drop', threshold: 0, recovery: 0 }).success,
    ).toBe(false);
  });
});
