// An operator's decision on alerts, from a form post to a command for the bus
// (like identity-decisions.ts). Everything is read under the session's brand,
// so a post can only decide its own brand's alerts and silences. The checks
// answer the operator at once; the processor checks again when it applies the
// command and refuses a stale one (it shows on the Rejected page).
//
//  acknowledge  an open alert (404 for an id the brand does not have; 409 once resolved or acknowledged)
//  silence      a rule and/or subject or everything, until an end 1 minute to 30 days ahead, with a reason
//  unsilence    an active silence (404 otherwise)
import { randomUUID } from 'node:crypto';
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import { alertCommandSchema, type AlertCommand, type AlertRule } from '../shared/alert-rules';
import { parseIso } from './kpi-range';

/** The longest silence; the processor refuses longer ones too. */
export const MAX_SILENCE_DAYS = 30;
const DAY_MS = 86_400_000;
const MAX_ID_LENGTH = 200;

/** The silence lengths offered as buttons, in minutes. */
export const SILENCE_PRESETS = [
  { value: '60', label: '1 hour' },
  { value: '240', label: '4 hours' },
  { value: '1440', label: '1 day' },
  { value: '10080', label: '7 days' },
] as const;

export type AlertCommandResult =
  | { ok: true; command: AlertCommand }
  | { ok: false; status: 400 | 404 | 409; problem: string; field?: string };

export interface AlertCommandDeps {
  warehouse: WarehouseReader;
  clock?: () => Date;
  newId?: () => string;
}

interface Issuer {
  brandId: string;
  /** The signed-in dashboard user: the command's `issued_by`. */
  username: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const problem = (status: 400 | 404 | 409, message: string, field?: string): AlertCommandResult => ({
  ok: false,
  status,
  problem: message,
  ...(field ? { field } : {}),
});

function base(deps: Pick<AlertCommandDeps, 'clock' | 'newId'>, issuer: Issuer) {
  return {
    brand_id: issuer.brandId,
    command_id: (deps.newId ?? randomUUID)(),
    issued_by: issuer.username,
    issued_at: (deps.clock?.() ?? new Date()).toISOString(),
  };
}

export async function prepareAcknowledge(
  deps: AlertCommandDeps,
  issuer: Issuer,
  posted: { alert_id: unknown },
): Promise<AlertCommandResult> {
  const alertId = text(posted.alert_id);
  if (alertId === '') return problem(400, 'Say which alert: alert_id is missing.');
  if (alertId.length > MAX_ID_LENGTH) return problem(400, 'alert_id is too long to be an alert id.');
  const alert = await deps.warehouse.alert(issuer.brandId, alertId);
  if (!alert) return problem(404, `No alert ${alertId}.`);
  if (alert.state === 'resolved')
    return problem(409, `Alert ${alertId} is resolved already; there is nothing to acknowledge.`);
  if (alert.acknowledged_by !== null)
    return problem(409, `Alert ${alertId} was already acknowledged by ${alert.acknowledged_by}.`);
  return {
    ok: true,
    command: alertCommandSchema.parse({
      ...base(deps, issuer),
      type: 'acknowledge',
      alert_id: alert.alert_id,
    }),
  };
}

export interface SilenceForm {
  rule_id: unknown;
  subject: unknown;
  /** Minutes from now (a preset), or `custom` to use `ends_at`. */
  duration: unknown;
  /** ISO-8601 with a zone (the page converts the viewer's local time). */
  ends_at: unknown;
  reason: unknown;
}

export function prepareSilence(
  deps: Omit<AlertCommandDeps, 'warehouse'>,
  issuer: Issuer & { rules: readonly AlertRule[] },
  posted: SilenceForm,
): AlertCommandResult {
  const now = (deps.clock?.() ?? new Date()).getTime();
  const ruleId = text(posted.rule_id);
  const subject = text(posted.subject);
  const reason = text(posted.reason);
  if (ruleId !== '' && !issuer.rules.some((rule) => rule.rule_id === ruleId))
    return problem(400, `There is no rule ${ruleId.slice(0, MAX_ID_LENGTH)}.`, 'rule_id');
  if (subject.length > MAX_ID_LENGTH)
    return problem(400, `The subject is longer than ${MAX_ID_LENGTH} characters.`, 'subject');
  if (reason === '') return problem(400, 'Say why: a silence needs a reason.', 'reason');
  if (reason.length > 500) return problem(400, 'The reason is longer than 500 characters.', 'reason');

  const duration = text(posted.duration);
  let endsMs: number;
  if (duration === 'custom') {
    const raw = text(posted.ends_at);
    const parsed = raw === '' ? null : parseIso(raw);
    if (parsed === null) return problem(400, 'Choose when the silence ends.', 'ends_at');
    endsMs = parsed;
  } else if (SILENCE_PRESETS.some((preset) => preset.value === duration)) {
    endsMs = now + Number(duration) * 60_000;
  } else {
    return problem(400, 'Choose how long the silence lasts.', 'duration');
  }
  if (endsMs <= now) return problem(400, 'The silence would end in the past.', 'ends_at');
  if (endsMs - now > MAX_SILENCE_DAYS * DAY_MS)
    return problem(400, `A silence lasts at most ${MAX_SILENCE_DAYS} days.`, 'ends_at');

  return {
    ok: true,
    command: alertCommandSchema.parse({
      ...base(deps, issuer),
      type: 'silence',
      rule_id: ruleId === '' ? null : ruleId,
      subject: subject === '' ? null : subject,
      ends_at: new Date(endsMs).toISOString(),
      reason,
    }),
  };
}

export async function prepareUnsilence(
  deps: AlertCommandDeps,
  issuer: Issuer,
  posted: { silence_id: unknown },
): Promise<AlertCommandResult> {
  const silenceId = text(posted.silence_id);
  if (silenceId === '') return problem(400, 'Say which silence: silence_id is missing.');
  if (silenceId.length > MAX_ID_LENGTH) return problem(400, 'silence_id is too long to be a silence id.');
  const now = (deps.clock?.() ?? new Date()).toISOString();
  const active = await deps.warehouse.silences(issuer.brandId, now);
  if (!active.some((silence) => silence.silence_id === silenceId))
    return problem(404, `No active silence ${silenceId}.`);
  return {
    ok: true,
    command: alertCommandSchema.parse({ ...base(deps, issuer), type: 'unsilence', silence_id: silenceId }),
  };
}
