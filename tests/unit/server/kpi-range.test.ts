import { describe, expect, it } from 'vitest';
import { lastHour, parseKpiRange } from '../../../src/lib/server/kpi-range';

const NOW = new Date('2026-03-01T10:15:42.123Z');

describe('KPI range', () => {
  it('defaults to the 60 minutes up to and including the current one', () => {
    expect(lastHour(NOW)).toEqual({ from: '2026-03-01T09:16:00.000Z', to: '2026-03-01T10:16:00.000Z' });
    expect(parseKpiRange(undefined, undefined, NOW)).toEqual({ ok: true, range: lastHour(NOW) });
  });

  it('takes ISO-8601 bounds with a zone and normalises them to UTC', () => {
    expect(parseKpiRange('2026-03-01T08:00:00+02:00', '2026-03-01T10:00:00Z', NOW)).toEqual({
      ok: true,
      range: { from: '2026-03-01T06:00:00.000Z', to: '2026-03-01T10:00:00.000Z' },
    });
    expect(parseKpiRange('2026-02-01', '2026-03-01', NOW)).toEqual({
      ok: true,
      range: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
    });
  });

  it('puts a missing bound an hour from the given one', () => {
    expect(parseKpiRange(undefined, '2026-03-01T05:00:00Z', NOW)).toEqual({
      ok: true,
      range: { from: '2026-03-01T04:00:00.000Z', to: '2026-03-01T05:00:00.000Z' },
    });
    expect(parseKpiRange('2026-03-01T09:00:00Z', undefined, NOW)).toEqual({
      ok: true,
      range: { from: '2026-03-01T09:00:00.000Z', to: '2026-03-01T10:16:00.000Z' },
    });
  });

  it.each([
    ['yesterday', undefined, /from "yesterday" is not an ISO-8601/],
    ['1', undefined, /not an ISO-8601/],
    ['2026-03-01T10:00:00', undefined, /with a time zone/],
    ['2026-02-30T10:00:00Z', undefined, /not an ISO-8601/],
    [undefined, 'March 7', /to "March 7" is not/],
    ['2026-03-01T11:00:00Z', '2026-03-01T10:00:00Z', /from is after to/],
    ['2026-01-01T00:00:00Z', '2026-02-01T00:00:01Z', /longer than 31 days/],
  ])('refuses from=%j to=%j', (from, to, problem) => {
    const result = parseKpiRange(from, to, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it('accepts exactly 31 days', () => {
    expect(parseKpiRange('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', NOW).ok).toBe(true);
  });
});
