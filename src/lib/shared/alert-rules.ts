// Alert rules are data: per brand, in the brands file and editable on the
// Alerts page. Each rule measures one value over a window and compares it with
// a threshold; a separate recovery threshold ends the alert, so a value
// hovering at the threshold does not flap; `pending_minutes` is how long the
// breach must last before the alert fires. Where notifications go is data too.
import { z } from 'zod';

export const ALERT_RULE_TYPES = [
  'roi_drop',
  'cost_spike',
  'low_conversion',
  'intent_spike',
  'source_silent',
] as const;
export type AlertRuleType = (typeof ALERT_RULE_TYPES)[number];

export const RULE_SEVERITIES = ['info', 'warning', 'critical'] as const;

/**
 * Which way a rule's value is bad: `below` fires when value < threshold and
 * resolves when value ≥ recovery (recovery above threshold); `above` the other way.
 */
export const RULE_DIRECTION: Readonly<Record<AlertRuleType, 'below' | 'above'>> = {
  roi_drop: 'below', // ROI = (revenue − spend) / spend over the window
  cost_spike: 'above', // spend rate in the window ÷ its trailing baseline rate
  low_conversion: 'below', // purchasers ÷ active users over the window
  intent_spike: 'above', // profiles entering High in the window ÷ the trailing baseline
  source_silent: 'above', // minutes since the source's last event
};

export const alertRuleSchema = z
  .object({
    /** Names the rule within the brand: letters, digits, `_` and `-`. */
    rule_id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'rule_id: lower-case letters, digits, _ or -'),
    type: z.enum(ALERT_RULE_TYPES),
    enabled: z.boolean().default(true),
    severity: z.enum(RULE_SEVERITIES).default('warning'),
    threshold: z.number().finite(),
    recovery: z.number().finite(),
    window_minutes: z.number().int().min(1).max(1440).default(15),
    /** How long the breach must hold before the alert fires (0: at once). */
    pending_minutes: z.number().int().min(0).max(1440).default(5),
    /** The least sample a window needs to be judged (active users, orders, spend in cents...). */
    min_sample: z.number().int().min(0).default(0),
    /** source_silent: which source; cost/roi: a campaign id, or every campaign when absent. */
    subject: z.string().min(1).max(200).optional(),
  })
  .superRefine((rule, context) => {
    const direction = RULE_DIRECTION[rule.type];
    const ok = direction === 'below' ? rule.recovery >= rule.threshold : rule.recovery <= rule.threshold;
    if (!ok)
      context.addIssue({
        code: 'custom',
        path: ['recovery'],
        message:
          direction === 'below'
            ? `${rule.type} fires below its threshold, so recovery must be at or above it (${rule.threshold})`
            : `${rule.type} fires above its threshold, so recovery must be at or below it (${rule.threshold})`,
      });
    if (rule.type === 'source_silent' && rule.subject === undefined)
      context.addIssue({
        code: 'custom',
        path: ['subject'],
        message: 'source_silent needs the source it watches',
      });
  });
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const RECEIVER_FORMATS = ['slack', 'json'] as const;

/** Where a brand's alert notifications are posted. */
export const alertReceiverSchema = z.object({
  receiver_id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'receiver_id: lower-case letters, digits, _ or -'),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
  /** `slack`: Slack's incoming-webhook payload ({ text, blocks }); `json`: the notification as it is. */
  format: z.enum(RECEIVER_FORMATS),
});
export type AlertReceiver = z.infer<typeof alertReceiverSchema>;

/** The subject of a rule that watches the whole brand (conversion, intent; spend rules without a campaign). */
export const BRAND_SUBJECT = 'brand';

/** What a rule's alerts are about: its subject (a campaign id, a source), or the whole brand. */
export function subjectOf(rule: Pick<AlertRule, 'subject'>): string {
  return rule.subject ?? BRAND_SUBJECT;
}

/**
 * The rules a brand starts with (its settings may replace them). Spend rules
 * judge nothing until spend is reported; `source_silent` needs a source, so
 * none is on by default.
 */
export const DEFAULT_ALERT_RULES: readonly z.input<typeof alertRuleSchema>[] = [
  {
    rule_id: 'low-conversion',
    type: 'low_conversion',
    severity: 'warning',
    threshold: 0.01,
    recovery: 0.015,
    window_minutes: 30,
    pending_minutes: 5,
    min_sample: 50,
  },
  {
    rule_id: 'intent-spike',
    type: 'intent_spike',
    severity: 'info',
    threshold: 3,
    recovery: 1.5,
    window_minutes: 15,
    pending_minutes: 5,
    min_sample: 10,
  },
  {
    rule_id: 'cost-spike',
    type: 'cost_spike',
    severity: 'critical',
    threshold: 2,
    recovery: 1.3,
    window_minutes: 60,
    pending_minutes: 15,
    min_sample: 1,
  },
  {
    rule_id: 'roi-drop',
    type: 'roi_drop',
    severity: 'critical',
    threshold: 0,
    recovery: 0.2,
    window_minutes: 360,
    pending_minutes: 30,
    min_sample: 50,
  },
];

function uniqueBy<T>(key: (item: T) => string, what: string) {
  return (items: T[], context: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const id = key(item);
      if (seen.has(id))
        context.addIssue({ code: 'custom', path: [index], message: `${what} "${id}" appears twice` });
      seen.add(id);
    });
  };
}

/** A brand's alerting: its rules and where notifications go (brand settings `alerts`). */
export const alertSettingsSchema = z.object({
  rules: z
    .array(alertRuleSchema)
    .max(100)
    .superRefine(uniqueBy((rule: AlertRule) => rule.rule_id, 'rule_id'))
    .default(() => DEFAULT_ALERT_RULES.map((rule) => alertRuleSchema.parse(rule))),
  receivers: z
    .array(alertReceiverSchema)
    .max(10)
    .superRefine(uniqueBy((receiver: AlertReceiver) => receiver.receiver_id, 'receiver_id'))
    .default([]),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

/**
 * An operator's decision on alerts, sent by the dashboard through events.raw
 * (keyed by brand) like identity commands, so the processor applies it in
 * order with the brand's events and commits it with its batch:
 * - `acknowledge`: someone is on it (an open alert; its state is unchanged);
 * - `silence`: hold back notifications of a rule and/or subject (or all) until `ends_at`;
 * - `unsilence`: end a silence early.
 */
export const ALERT_COMMANDS = ['acknowledge', 'silence', 'unsilence'] as const;

const commandBase = {
  brand_id: z.string(),
  /** Unique per command; a silence's id derives from it. */
  command_id: z.string().min(1).max(100),
  issued_by: z.string(),
  issued_at: z.string(),
};

export const alertCommandSchema = z.discriminatedUnion('type', [
  z.object({ ...commandBase, type: z.literal('acknowledge'), alert_id: z.string().min(1) }),
  z.object({
    ...commandBase,
    type: z.literal('silence'),
    rule_id: z.string().nullable(),
    subject: z.string().nullable(),
    ends_at: z.iso.datetime({ offset: true }),
    reason: z.string().max(500),
  }),
  z.object({ ...commandBase, type: z.literal('unsilence'), silence_id: z.string().min(1) }),
]);
export type AlertCommand = z.infer<typeof alertCommandSchema>;

/** One notification: an alert fired or resolved. */
export interface AlertNotification {
  brand_id: string;
  alert_id: string;
  rule_id: string;
  rule_type: AlertRuleType;
  /** The campaign, source or `brand` the alert is about. */
  subject: string;
  severity: (typeof RULE_SEVERITIES)[number];
  state: 'firing' | 'resolved';
  message: string;
  value: number;
  threshold: number;
  /** When the state changed, ISO-8601. */
  at: string;
  /** The alert on the dashboard. */
  url: string;
}
