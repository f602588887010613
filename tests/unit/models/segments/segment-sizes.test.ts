import { describe, expect, it } from 'vitest';
import { ENTERED, LEFT, segmentDrift, segmentSizes } from '../../../../ingest/models/segments/segment-sizes';

const run = (pairs: [string, string][]) => pairs.map(([profileId, segment]) => ({ profileId, segment }));

describe('segmentSizes', () => {
  it('counts per segment, largest first, ties by name', () => {
    expect(
      segmentSizes(
        run([
          ['a', 'new'],
          ['b', 'champions'],
          ['c', 'new'],
          ['d', 'at risk'],
        ]),
      ),
    ).toEqual([
      { segment: 'new', size: 2, share: 0.5 },
      { segment: 'at risk', size: 1, share: 0.25 },
      { segment: 'champions', size: 1, share: 0.25 },
    ]);
    expect(segmentSizes([])).toEqual([]);
  });

  it('refuses duplicates and blanks by name', () => {
    expect(() =>
      segmentSizes(
        run([
          ['a', 'new'],
          ['a', 'new'],
        ]),
      ),
    ).toThrow('run[1].profileId');
    expect(() => segmentSizes(run([['a', '']]))).toThrow('run[0].segment');
  });
});

describe('segmentDrift', () => {
  it('counts stays, moves, entries and exits between two runs', () => {
    const before = run([
      ['a', 'new'],
      ['b', 'new'],
      ['c', 'champions'],
      ['d', 'occasional'],
    ]);
    const after = run([
      ['a', 'champions'],
      ['b', 'new'],
      ['c', 'at risk'],
      ['e', 'new'],
    ]);
    const d = segmentDrift(before, after);
    expect(d).toMatchObject({ stayed: 1, moved: 2, entered: 1, left: 1 });
    expect(d.moves).toEqual([
      { from: ENTERED, to: 'new', count: 1 },
      { from: 'champions', to: 'at risk', count: 1 },
      { from: 'new', to: 'champions', count: 1 },
      { from: 'new', to: 'new', count: 1 },
      { from: 'occasional', to: LEFT, count: 1 },
    ]);
  });
});
