import { describe, expect, it } from 'vitest';
import { createOutcomeTracker } from '../../../../ingest/models/intent/outcomes';

const H = 1000;

describe('outcome tracker', () => {
  it('labels 1 when the profile orders in the category within the horizon', () => {
    const tracker = createOutcomeTracker<string>({ horizonMs: H });
    tracker.predict('ann', 'shoes', 0, 'a');
    tracker.predict('ann', 'bags', 10, 'b');
    tracker.predict('bob', 'shoes', 20, 'c');
    const resolved = tracker.order('ann', ['shoes'], 500);
    expect(resolved).toEqual([
      { profileId: 'ann', category: 'shoes', predictedAtMs: 0, resolvedAtMs: 500, outcome: 1, payload: 'a' },
    ]);
    expect(tracker.pending).toBe(2);
  });

  it('labels 0 once the horizon has passed without an order', () => {
    const tracker = createOutcomeTracker<string>({ horizonMs: H });
    tracker.predict('ann', 'shoes', 0, 'a');
    tracker.predict('ann', 'shoes', 600, 'b');
    expect(tracker.advance(H)).toEqual([]);
    expect(tracker.advance(H + 1).map((r) => [r.payload, r.outcome, r.resolvedAtMs])).toEqual([['a', 0, H]]);
    // The order comes too late for the first, in time for the second.
    expect(tracker.order('ann', ['shoes'], 1500).map((r) => [r.payload, r.outcome])).toEqual([['b', 1]]);
    expect(tracker.pending).toBe(0);
  });

  it("labels a prediction made at the order's instant (before it in order), not one made later", () => {
    const tracker = createOutcomeTracker<string>({ horizonMs: H });
    tracker.predict('ann', 'shoes', 100, 'a');
    // An order stamped earlier than the prediction (a late event) does not label it.
    expect(tracker.order('ann', ['shoes'], 50)).toEqual([]);
    expect(tracker.pending).toBe(1);
    // Events of one request share their time: the view, then the order it led to.
    expect(tracker.order('ann', ['shoes'], 100).map((r) => r.payload)).toEqual(['a']);
    tracker.predict('ann', 'shoes', 100, 'after the order');
    expect(tracker.pending).toBe(1);
  });

  it('keeps at most maxPending, dropping the oldest', () => {
    const tracker = createOutcomeTracker<number>({ horizonMs: H, maxPending: 3 });
    for (let i = 0; i < 10; i++) tracker.predict(`p${i}`, 'shoes', i, i);
    expect(tracker.pending).toBe(3);
    expect(tracker.dropped).toBe(7);
    expect(tracker.advance(10 * H).map((r) => r.payload)).toEqual([7, 8, 9]);
  });

  it('skips a prediction too close to the previous one for the same key', () => {
    const tracker = createOutcomeTracker<number>({ horizonMs: H, minGapMs: 100 });
    expect(tracker.predict('ann', 'shoes', 0, 1)).toBe(true);
    expect(tracker.predict('ann', 'shoes', 50, 2)).toBe(false);
    expect(tracker.predict('ann', 'bags', 50, 3)).toBe(true);
    expect(tracker.predict('ann', 'shoes', 100, 4)).toBe(true);
  });

  it("moves a merged profile's open predictions to the survivor, so its order labels them", () => {
    const tracker = createOutcomeTracker<string>({ horizonMs: H, minGapMs: 100 });
    tracker.predict('anon', 'shoes', 0, 'a');
    tracker.predict('anon', 'bags', 10, 'b');
    tracker.predict('ann', 'shoes', 20, 'c');
    tracker.reassign('anon', 'ann');
    // The gap now counts from the survivor's latest prediction in the category.
    expect(tracker.predict('ann', 'shoes', 60, 'too soon')).toBe(false);
    expect(tracker.order('anon', ['shoes', 'bags'], 500)).toEqual([]);
    const labelled = tracker.order('ann', ['shoes'], 500).map((r) => [r.profileId, r.payload]);
    expect(labelled.sort()).toEqual([
      ['ann', 'a'],
      ['ann', 'c'],
    ]);
    expect(tracker.advance(H + 11).map((r) => [r.profileId, r.payload, r.outcome])).toEqual([
      ['ann', 'b', 0],
    ]);
    expect(tracker.pending).toBe(0);
    tracker.reassign('nobody', 'ann');
    tracker.reassign('ann', 'ann');
    expect(tracker.pending).toBe(0);
  });
});
