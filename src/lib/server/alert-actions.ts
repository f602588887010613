// The Alerts page's form actions: decisions on alerts (sent to the processor
// as commands) and edits of the brand's rules and receivers (saved into the
// brands file). Each answers the page's `form` with what happened or why not,
// under the status that says so (404 for something the brand does not have).
import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { AlertCommand } from '../shared/alert-rules';
import {
  prepareAcknowledge,
  prepareSilence,
  prepareUnsilence,
  type AlertCommandResult,
} from './alert-commands';
import {
  RECEIVER_FIELDS,
  RULE_FIELDS,
  applyEdit,
  fieldErrors,
  postedValues,
  receiverFromForm,
  ruleFromForm,
  type Edit,
  type SettingsOutcome,
  type SettingsTarget,
} from './alert-settings-form';
import { dashboardContext } from './context';
import { requireSession } from './page-session';

type Event = Pick<RequestEvent, 'locals' | 'request'>;

export interface CommandOutcome {
  type: AlertCommand['type'];
  /** The alert or silence the form named, for the page to answer next to it. */
  target: string;
  sent: boolean;
  message: string;
  field?: string;
}

export type CommandActionResult = { command: CommandOutcome } | ActionFailure<{ command: CommandOutcome }>;
export type SettingsActionResult =
  { settings: SettingsOutcome } | ActionFailure<{ settings: SettingsOutcome }>;

const SENT: Record<AlertCommand['type'], string> = {
  acknowledge: 'Acknowledged: everyone sees you are on it.',
  silence: 'Silence set: matching alerts still show here but notify no one until it ends.',
  unsilence: 'Silence ended: notifications go out again.',
};

export async function alertCommandAction(
  event: Event,
  type: AlertCommand['type'],
): Promise<CommandActionResult> {
  const { brand, session } = requireSession(event.locals);
  const form = (await event.request.formData().catch(() => null)) ?? new FormData();
  const field = (name: string) => form.get(name) ?? undefined;
  const { warehouse, alertCommands } = dashboardContext();
  const issuer = { brandId: brand.brand_id, username: session.username };

  let target = '';
  let prepared: AlertCommandResult;
  if (type === 'acknowledge') {
    target = String(field('alert_id') ?? '').slice(0, 200);
    prepared = await prepareAcknowledge({ warehouse }, issuer, { alert_id: field('alert_id') });
  } else if (type === 'unsilence') {
    target = String(field('silence_id') ?? '').slice(0, 200);
    prepared = await prepareUnsilence({ warehouse }, issuer, { silence_id: field('silence_id') });
  } else {
    target = String(field('target') ?? '').slice(0, 200);
    prepared = prepareSilence(
      {},
      { ...issuer, rules: brand.settings.alerts.rules },
      {
        rule_id: field('rule_id'),
        subject: field('subject'),
        duration: field('duration'),
        ends_at: field('ends_at'),
        reason: field('reason'),
      },
    );
  }
  const answer = (status: number, sent: boolean, message: string, problemField?: string) => {
    const command: CommandOutcome = {
      type,
      target,
      sent,
      message,
      ...(problemField ? { field: problemField } : {}),
    };
    return sent ? { command } : fail(status, { command });
  };
  if (!prepared.ok) return answer(prepared.status, false, prepared.problem, prepared.field);
  try {
    await alertCommands.send(prepared.command);
  } catch (error) {
    if (!isRetriable(error)) throw error;
    return answer(503, false, 'Not sent: the event bus is unavailable. Try again shortly.');
  }
  return answer(200, true, SENT[type]);
}

/** Reads the posted form into one edit of the brand's settings. */
function editOf(
  kind: Edit['kind'],
  form: FormData,
): { edit: Edit; target: SettingsTarget; original: string; values: Record<string, string> } {
  const original = String(form.get('original') ?? '')
    .trim()
    .slice(0, 200);
  switch (kind) {
    case 'save_rule': {
      const values = postedValues(form, RULE_FIELDS);
      const enabled = form.get('enabled') !== null;
      values['enabled'] = enabled ? 'on' : '';
      return {
        edit: { kind, original, rule: ruleFromForm(values, enabled) },
        target: 'rule',
        original,
        values,
      };
    }
    case 'toggle_rule':
    case 'delete_rule':
      return { edit: { kind, ruleId: original }, target: 'rule', original, values: {} };
    case 'save_receiver': {
      const values = postedValues(form, RECEIVER_FIELDS);
      return {
        edit: { kind, original, receiver: receiverFromForm(values) },
        target: 'receiver',
        original,
        values,
      };
    }
    case 'delete_receiver':
      return { edit: { kind, receiverId: original }, target: 'receiver', original, values: {} };
  }
}

const SAVED: Record<Edit['kind'], string> = {
  save_rule: 'Rule saved; the processor applies it within a minute.',
  toggle_rule: 'Rule updated.',
  delete_rule: 'Rule deleted; an alert it left open resolves.',
  save_receiver: 'Receiver saved.',
  delete_receiver: 'Receiver deleted.',
};

export async function alertSettingsAction(event: Event, kind: Edit['kind']): Promise<SettingsActionResult> {
  const { brand } = requireSession(event.locals);
  const form = (await event.request.formData().catch(() => null)) ?? new FormData();
  const { edit, target, original, values } = editOf(kind, form);
  const { brands } = dashboardContext();
  const answer = (status: number, saved: boolean, message: string, errors: Record<string, string[]> = {}) => {
    const settings: SettingsOutcome = { target, original, saved, message, errors, values };
    return saved ? { settings } : fail(status, { settings });
  };
  const current = brands.get(brand.brand_id);
  if (!current) return answer(404, false, 'This brand no longer exists.');
  const result = applyEdit(current.settings.alerts, edit);
  if (!result.ok && 'notFound' in result) return answer(404, false, result.notFound);
  if (!result.ok) {
    const errors = fieldErrors(result.issues, target === 'rule' ? 'rules' : 'receivers', result.index);
    return answer(400, false, 'Not saved: fix the fields marked below.', errors);
  }
  await brands.updateAlertSettings(brand.brand_id, result.settings);
  return answer(200, true, SAVED[kind]);
}

function isRetriable(error: unknown): boolean {
  return error instanceof Error && 'retriable' in error && error.retriable === true;
}
