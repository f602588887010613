// One alert rule and subject through time: ok → pending → firing → resolved.
//
//   ok       the value breaches the threshold      → pending (started_at = now)
//   pending  the breach has held pending_minutes   → firing (notify)
//            the value is back inside the threshold → cleared: resolved, never fired, no notification
//   firing   the value reaches the recovery level  → resolved (notify)
//            anything short of recovery            → still firing (value updated)
// A window without enough sample (min_sample) or without data decides
// nothing: a pending alert neither fires nor clears, a firing one stays.
// The gap between threshold and recovery is what keeps a value hovering at
// the threshold from flapping. One alert per rule and subject is open at a
// time; its id derives from brand, rule, subject and the minute it started,
// so a replay after a restart names the same alert.
//
// Silences: a silenced alert changes state as usual but is not notified; if
// it is still firing when the silence ends, its firing is notified then, and
// its resolve is notified only if its firing was.
//
// Pure: the open alert is the whole state, so a restart that restores it
// from the warehouse continues exactly where it was (a pending alert fires at
// the same minute as without the restart).
import { RULE_DIRECTION, type AlertRule } from '../../../src/lib/shared/alert-rules';
import type { Alert } from '../../../src/lib/shared/model';
import { alertIdFor } from '../ids';

export type Measurement =
  | {
      kind: 'value';
      value: number;
      /** What the value is compared with besides the threshold (a trailing rate), for the message. */
      baseline: number | null;
      /** The window's sample size in the rule's unit (active users, orders, ...), against min_sample. */
      sample: number;
    }
  | { kind: 'no_data' };

/** An alert as the state machine sees it: the stored record (model.ts). */
export type RuleAlert = Alert;

export interface RuleStep {
  /** The alert still open after the step (pending or firing), or null. */
  open: RuleAlert | null;
  /** The alert as changed by the step (to store and push live), or null when nothing changed. */
  changed: RuleAlert | null;
  /** What to tell the receivers, if anything. */
  notify: 'firing' | 'resolved' | null;
}

export interface StepInput {
  brandId: string;
  rule: AlertRule;
  subject: string;
  open: RuleAlert | null;
  measurement: Measurement;
  nowMs: number;
  /** A silence covers this rule and subject now. */
  silenced: boolean;
}

const MINUTE_MS = 60_000;

export function breaches(rule: AlertRule, value: number): boolean {
  return RULE_DIRECTION[rule.type] === 'below' ? value < rule.threshold : value > rule.threshold;
}

export function recovers(rule: AlertRule, value: number): boolean {
  return RULE_DIRECTION[rule.type] === 'below' ? value >= rule.recovery : value <= rule.recovery;
}

export function stepRule(input: StepInput): RuleStep {
  const { rule, open, measurement, nowMs, silenced } = input;
  const now = new Date(nowMs).toISOString();
  const judged =
    measurement.kind === 'value' && measurement.sample >= rule.min_sample ? measurement : undefined;

  if (!rule.enabled) {
    if (!open) return { open: null, changed: null, notify: null };
    const resolved = finish(open, now, `${open.message} (rule disabled)`);
    return { open: null, changed: resolved, notify: open.notified && !silenced ? 'resolved' : null };
  }

  if (!open) {
    if (!judged || !breaches(rule, judged.value)) return { open: null, changed: null, notify: null };
    const startMinute = new Date(Math.floor(nowMs / MINUTE_MS) * MINUTE_MS).toISOString();
    const pending: RuleAlert = {
      brand_id: input.brandId,
      alert_id: alertIdFor(input.brandId, `${rule.rule_id}/${input.subject}`, startMinute),
      rule_id: rule.rule_id,
      rule_type: rule.type,
      subject: input.subject,
      severity: rule.severity,
      state: 'pending',
      message: describe(rule, input.subject, judged.value, judged.baseline),
      value: judged.value,
      threshold: rule.threshold,
      started_at: now,
      fired_at: null,
      resolved_at: null,
      updated_at: now,
      notified: false,
      acknowledged_by: null,
      acknowledged_at: null,
    };
    // A rule without a pending time fires at once.
    return rule.pending_minutes === 0
      ? fire(pending, now, silenced)
      : { open: pending, changed: pending, notify: null };
  }

  if (open.state === 'pending') {
    if (!judged) return { open, changed: null, notify: null };
    if (!breaches(rule, judged.value)) {
      // Cleared before firing: nobody was told, nobody needs to be.
      const cleared = finish(
        open,
        now,
        `${describe(rule, input.subject, judged.value, judged.baseline)} (cleared before firing)`,
      );
      return { open: null, changed: { ...cleared, value: judged.value }, notify: null };
    }
    const updated = {
      ...open,
      value: judged.value,
      message: describe(rule, input.subject, judged.value, judged.baseline),
      updated_at: now,
    };
    if (nowMs - Date.parse(open.started_at) >= rule.pending_minutes * MINUTE_MS)
      return fire(updated, now, silenced);
    return { open: updated, changed: updated, notify: null };
  }

  // Firing.
  if (judged && recovers(rule, judged.value)) {
    const resolved = finish(
      { ...open, value: judged.value },
      now,
      `Recovered: ${describe(rule, input.subject, judged.value, judged.baseline)}`,
    );
    return { open: null, changed: resolved, notify: open.notified && !silenced ? 'resolved' : null };
  }
  const updated: RuleAlert = judged
    ? {
        ...open,
        value: judged.value,
        message: describe(rule, input.subject, judged.value, judged.baseline),
        updated_at: now,
      }
    : open;
  // A silence that has ended: the firing it held back is told now.
  if (!updated.notified && !silenced) {
    const told = { ...updated, notified: true, updated_at: now };
    return { open: told, changed: told, notify: 'firing' };
  }
  return { open: updated, changed: updated === open ? null : updated, notify: null };
}

function fire(alert: RuleAlert, now: string, silenced: boolean): RuleStep {
  const firing: RuleAlert = {
    ...alert,
    state: 'firing',
    fired_at: now,
    updated_at: now,
    notified: !silenced,
  };
  return { open: firing, changed: firing, notify: silenced ? null : 'firing' };
}

function finish(alert: RuleAlert, now: string, message: string): RuleAlert {
  return { ...alert, state: 'resolved', resolved_at: now, updated_at: now, message };
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** What the alert says, in the numbers an on-call person needs. */
export function describe(rule: AlertRule, subject: string, value: number, baseline: number | null): string {
  const over = `over the last ${rule.window_minutes} min`;
  switch (rule.type) {
    case 'roi_drop':
      return `ROI of ${subject} is ${percent(value)} ${over} (fires below ${percent(rule.threshold)})`;
    case 'cost_spike':
      return `Spend of ${subject} runs at ${value.toFixed(2)}× its trailing rate ${over}${baseline === null ? '' : ` (baseline ${baseline.toFixed(2)}/min)`} (fires above ${rule.threshold}×)`;
    case 'low_conversion':
      return `Conversion is ${percent(value)} ${over}${baseline === null ? '' : ` vs ${percent(baseline)} before`} (fires below ${percent(rule.threshold)})`;
    case 'intent_spike':
      return `${value.toFixed(2)}× the usual number of profiles entered High intent ${over} (fires above ${rule.threshold}×)`;
    case 'source_silent':
      return `No events from ${subject} for ${Math.floor(value)} min (fires after ${rule.threshold} min)`;
  }
}
