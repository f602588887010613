// The Alerts page's rule and receiver forms: posted fields → the brand's next
// alert settings, validated whole with alertSettingsSchema. Every problem zod
// finds on the edited rule or receiver is named by its form field, so the page
// shows it next to that field; anything else (too many rules) is general.
import type { z } from 'zod';
import {
  alertReceiverSchema,
  alertRuleSchema,
  alertSettingsSchema,
  type AlertSettings,
} from '../shared/alert-rules';

export type SettingsTarget = 'rule' | 'receiver';

/** What the page shows after a settings form was posted. */
export interface SettingsOutcome {
  target: SettingsTarget;
  /** The rule or receiver id the form edited ('' for a new one), for the page to find the form. */
  original: string;
  saved: boolean;
  message: string;
  /** Form field → its problems. */
  errors: Record<string, string[]>;
  /** The fields as posted, to fill the form in again after a refusal. */
  values: Record<string, string>;
}

export const RULE_FIELDS = [
  'rule_id',
  'type',
  'severity',
  'threshold',
  'recovery',
  'window_minutes',
  'pending_minutes',
  'min_sample',
  'subject',
] as const;
export const RECEIVER_FIELDS = ['receiver_id', 'url', 'format'] as const;

type SettingsInput = z.input<typeof alertSettingsSchema>;
type RuleInput = z.input<typeof alertRuleSchema>;
type ReceiverInput = z.input<typeof alertReceiverSchema>;

const NUMBER_FIELDS = new Set(['threshold', 'recovery', 'window_minutes', 'pending_minutes', 'min_sample']);

export function postedValues(form: FormData, fields: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = form.get(field);
    values[field] = typeof value === 'string' ? value.trim().slice(0, 2000) : '';
  }
  return values;
}

/** A number field as zod should see it: absent when empty (defaults apply), a number, or the text (refused). */
function numberOrText(value: string): number | string | undefined {
  if (value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

export function ruleFromForm(values: Record<string, string>, enabled: boolean): RuleInput {
  const rule: Record<string, unknown> = { enabled };
  for (const field of RULE_FIELDS) {
    const value = values[field] ?? '';
    if (NUMBER_FIELDS.has(field)) rule[field] = numberOrText(value);
    else if (value !== '') rule[field] = value;
  }
  return rule as RuleInput;
}

export function receiverFromForm(values: Record<string, string>): ReceiverInput {
  return {
    receiver_id: values['receiver_id'] ?? '',
    url: values['url'] ?? '',
    format: values['format'] ?? '',
  } as ReceiverInput;
}

/** The settings as written by a person again (what the form edits and the schema reads). */
function editable(settings: AlertSettings): { rules: RuleInput[]; receivers: ReceiverInput[] } {
  return { rules: [...settings.rules], receivers: [...settings.receivers] };
}

export type Edit =
  | { kind: 'save_rule'; original: string; rule: RuleInput }
  | { kind: 'toggle_rule'; ruleId: string }
  | { kind: 'delete_rule'; ruleId: string }
  | { kind: 'save_receiver'; original: string; receiver: ReceiverInput }
  | { kind: 'delete_receiver'; receiverId: string };

export type EditResult =
  | { ok: true; settings: AlertSettings; index: number }
  | { ok: false; notFound: string }
  | { ok: false; issues: z.core.$ZodIssue[]; index: number };

/** Applies one edit to the current settings and validates the result whole. */
export function applyEdit(current: AlertSettings, edit: Edit): EditResult {
  const next = editable(current);
  let index: number;
  switch (edit.kind) {
    case 'save_rule': {
      index = edit.original === '' ? -1 : next.rules.findIndex((rule) => rule.rule_id === edit.original);
      if (edit.original !== '' && index < 0) return { ok: false, notFound: `No rule ${edit.original}.` };
      if (index < 0) index = next.rules.push(edit.rule) - 1;
      else next.rules[index] = edit.rule;
      break;
    }
    case 'toggle_rule':
    case 'delete_rule': {
      index = next.rules.findIndex((rule) => rule.rule_id === edit.ruleId);
      if (index < 0) return { ok: false, notFound: `No rule ${edit.ruleId}.` };
      const rule = next.rules[index]!;
      if (edit.kind === 'toggle_rule') next.rules[index] = { ...rule, enabled: rule.enabled === false };
      else next.rules.splice(index, 1);
      break;
    }
    case 'save_receiver': {
      index =
        edit.original === ''
          ? -1
          : next.receivers.findIndex((receiver) => receiver.receiver_id === edit.original);
      if (edit.original !== '' && index < 0) return { ok: false, notFound: `No receiver ${edit.original}.` };
      if (index < 0) index = next.receivers.push(edit.receiver) - 1;
      else next.receivers[index] = edit.receiver;
      break;
    }
    case 'delete_receiver': {
      index = next.receivers.findIndex((receiver) => receiver.receiver_id === edit.receiverId);
      if (index < 0) return { ok: false, notFound: `No receiver ${edit.receiverId}.` };
      next.receivers.splice(index, 1);
      break;
    }
  }
  const parsed = alertSettingsSchema.safeParse(next satisfies SettingsInput);
  if (parsed.success) return { ok: true, settings: parsed.data, index };
  return { ok: false, issues: parsed.error.issues, index };
}

/**
 * Problems by form field: those on the edited item (rules.<index>.<field>, or
 * the item itself, which is a duplicate id) by field, the rest under `form`.
 */
export function fieldErrors(
  issues: readonly z.core.$ZodIssue[],
  list: 'rules' | 'receivers',
  index: number,
): Record<string, string[]> {
  const idField = list === 'rules' ? 'rule_id' : 'receiver_id';
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  for (const issue of issues) {
    const [head, position, field] = issue.path;
    if (head === list && position === index)
      add(typeof field === 'string' ? field : idField, messageOf(issue));
    else add('form', `${issue.path.join('.') || 'settings'}: ${messageOf(issue)}`);
  }
  return errors;
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'Enter a number.';
  if (issue.code === 'invalid_type' && issue.expected === 'string') return 'Required.';
  if (issue.code === 'invalid_value') return `Choose one of: ${issue.values.join(', ')}.`;
  return issue.message;
}
