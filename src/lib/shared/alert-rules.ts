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
