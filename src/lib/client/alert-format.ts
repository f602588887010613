// How an alert's measured value and threshold read, in the unit of its rule.
import type { AlertRuleType } from '$lib/shared/alert-rules';

const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
const times = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const minutes = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export function formatRuleValue(type: AlertRuleType, value: number): string {
  switch (type) {
    case 'roi_drop':
    case 'low_conversion':
      return percent.format(value);
    case 'cost_spike':
    case 'intent_spike':
      return `${times.format(value)}×`;
    case 'source_silent':
      return `${minutes.format(value)} min`;
  }
}

/** What a rule's threshold and recovery mean, for the rule form. */
export const RULE_UNITS: Record<AlertRuleType, string> = {
  roi_drop: 'ROI as a fraction: 0 is break-even, 0.2 is +20%. Fires below the threshold.',
  cost_spike: 'Spend rate ÷ its trailing 6-hour rate: 2 is double. Fires above the threshold.',
  low_conversion: 'Purchasers ÷ active users as a fraction: 0.01 is 1%. Fires below the threshold.',
  intent_spike: 'Profiles at High ÷ the usual number: 3 is triple. Fires above the threshold.',
  source_silent: 'Minutes since the source last sent an event. Fires above the threshold.',
};
