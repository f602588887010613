// The brand's alert rules at the end of a closed minute: each rule measures
// its window and steps its alert (rule-state.ts). An alert whose rule was
// removed, or whose rule now watches another subject, is resolved: nothing is
// left open that no rule would ever close.
import { subjectOf } from '../../../src/lib/shared/alert-rules';
import type { Alert, AlertSilence } from '../../../src/lib/shared/model';
import type { BrandState } from '../brand-state';
import type { Changes } from '../changes';
import { MINUTE_MS } from '../kpi/minutes';
import { measure } from './measure';
import { stepRule } from './rule-state';

export const openAlertKey = (ruleId: string, subject: string) => `${ruleId}\u0000${subject}`;

export function evaluateRules(state: BrandState, closedMinuteMs: number, changes: Changes): void {
  const nowMs = closedMinuteMs + MINUTE_MS;
  const brandId = state.brand.brand_id;
  const current = new Set<string>();
  for (const rule of state.brand.settings.alerts.rules) {
    const subject = subjectOf(rule);
    const key = openAlertKey(rule.rule_id, subject);
    current.add(key);
    const step = stepRule({
      brandId,
      rule,
      subject,
      open: state.openAlerts.get(key) ?? null,
      measurement: measure(state, rule, closedMinuteMs),
      nowMs,
      silenced: isSilenced(state.silences.values(), rule.rule_id, subject, nowMs),
    });
    if (step.open) state.openAlerts.set(key, step.open);
    else state.openAlerts.delete(key);
    if (step.changed) changes.alert(state, step.changed);
    if (step.notify && step.changed) changes.notify(step.changed, step.notify);
  }
  for (const [key, alert] of state.openAlerts) {
    if (current.has(key)) continue;
    state.openAlerts.delete(key);
    const at = new Date(nowMs).toISOString();
    const resolved: Alert = {
      ...alert,
      state: 'resolved',
      resolved_at: at,
      updated_at: at,
      message: `${alert.message} (rule removed or changed)`,
    };
    changes.alert(state, resolved);
    if (
      alert.state === 'firing' &&
      alert.notified &&
      !isSilenced(state.silences.values(), alert.rule_id, alert.subject, nowMs)
    )
      changes.notify(resolved, 'resolved');
  }
  // Silences that ended are forgotten (their end was already told by the step above).
  for (const [id, silence] of state.silences)
    if (Date.parse(silence.ends_at) <= nowMs) state.silences.delete(id);
}

/** Whether a silence covers this rule and subject at `atMs`. */
export function isSilenced(
  silences: Iterable<AlertSilence>,
  ruleId: string,
  subject: string,
  atMs: number,
): boolean {
  for (const silence of silences) {
    if (silence.cancelled_at !== null) continue;
    if (Date.parse(silence.starts_at) > atMs || Date.parse(silence.ends_at) <= atMs) continue;
    if (silence.rule_id !== null && silence.rule_id !== ruleId) continue;
    if (silence.subject !== null && silence.subject !== subject) continue;
    return true;
  }
  return false;
}
