// Which segment a request may name, and how the page says why there are no segments.
import { describe, expect, it } from 'vitest';
import { checkSegment, noSegmentsReason } from '../../../src/lib/server/segments';
import { runRecord } from '../../support/segment-scenario';

const RUN = runRecord('brand-a', 'run-7', '2026-03-01T06:00:00.000Z', {
  segments: [
    { name: 'champions', size: 2, share: 0.5, centroid: null },
    { name: 'no orders', size: 2, share: 0.5, centroid: null },
  ],
});

describe('checkSegment', () => {
  it('takes a name of the run, and absent or empty as every member', () => {
    expect(checkSegment(RUN, 'no orders')).toEqual({ ok: true, value: 'no orders' });
    for (const raw of [undefined, null, ''])
      expect(checkSegment(RUN, raw)).toEqual({ ok: true, value: null });
  });

  it('refuses any other name, naming it (cut at 200 characters) and the valid ones', () => {
    expect(checkSegment(RUN, 'Champions')).toEqual({
      ok: false,
      status: 400,
      problem: 'unknown segment "Champions"; run run-7 has: "champions", "no orders"',
    });
    const long = checkSegment(RUN, `"${'x'.repeat(500)}`);
    expect(long.ok).toBe(false);
    if (!long.ok)
      expect(long.problem).toBe(
        `unknown segment "\\"${'x'.repeat(199)}…"; run run-7 has: "champions", "no orders"`,
      );
  });
});

describe('noSegmentsReason', () => {
  it('says there is no run yet, or quotes the last run refusal or failure', () => {
    expect(noSegmentsReason(null)).toMatch(/^no prediction run yet/);
    const at = '2026-03-01T06:00:00.000Z';
    const refused = runRecord('b', 'r', at, {
      status: 'not_enough_buyers',
      error: 'not enough buyers (n = 3 < 20)',
    });
    expect(noSegmentsReason(refused)).toBe(
      `the last prediction run (${at}) was refused: not enough buyers (n = 3 < 20)`,
    );
    const failed = runRecord('b', 'r', at, { status: 'failed', error: 'worker exited' });
    expect(noSegmentsReason(failed)).toBe(`the last prediction run (${at}) failed: worker exited`);
  });
});
