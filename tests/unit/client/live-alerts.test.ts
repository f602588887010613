// The order of the open set and the header's firing count.
import { describe, expect, it } from 'vitest';
import { byUrgency, firingCounts } from '../../../src/lib/client/live-alerts';
import { formatRuleValue } from '../../../src/lib/client/alert-format';
import { alert } from '../server/api/fixtures';

describe('open alerts', () => {
  const open = [
    alert('a', 'pending-critical', {
      state: 'pending',
      severity: 'critical',
      started_at: '2026-03-01T09:00:00Z',
    }),
    alert('a', 'firing-info', { severity: 'info', started_at: '2026-03-01T08:00:00Z' }),
    alert('a', 'firing-critical-new', { severity: 'critical', started_at: '2026-03-01T10:00:00Z' }),
    alert('a', 'firing-critical-old', { severity: 'critical', started_at: '2026-03-01T07:00:00Z' }),
  ];

  it('puts firing before pending, then the most severe, then the oldest', () => {
    expect(byUrgency(open).map((a) => a.alert_id)).toEqual([
      'firing-critical-old',
      'firing-critical-new',
      'firing-info',
      'pending-critical',
    ]);
  });

  it('counts only firing alerts, by severity', () => {
    expect(firingCounts(open)).toEqual({ critical: 2, warning: 0, info: 1 });
  });

  it("reads values in each rule's unit", () => {
    expect(formatRuleValue('roi_drop', -0.25)).toBe('-25%');
    expect(formatRuleValue('cost_spike', 2.345)).toBe('2.35×');
    expect(formatRuleValue('source_silent', 12.34)).toBe('12.3 min');
  });
});
