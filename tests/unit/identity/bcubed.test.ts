import { describe, expect, it } from 'vitest';
import { bcubed } from '../../identity/bcubed';

const items = (pairs: [string, string][]) => pairs.map(([predicted, truth]) => ({ predicted, truth }));

describe('bcubed', () => {
  it('is 1 and 1 for a perfect clustering, whatever the cluster names', () => {
    expect(
      bcubed(
        items([
          ['x', 'a'],
          ['x', 'a'],
          ['y', 'b'],
        ]),
      ),
    ).toEqual({ precision: 1, recall: 1, f1: 1, items: 3 });
  });

  it('charges a merge of two people to precision only', () => {
    // a (2 items) and b (2 items) in one cluster: each item's cluster is half its person.
    const result = bcubed(
      items([
        ['x', 'a'],
        ['x', 'a'],
        ['x', 'b'],
        ['x', 'b'],
      ]),
    );
    expect(result.precision).toBeCloseTo(0.5, 12);
    expect(result.recall).toBe(1);
  });

  it('charges a split of one person to recall only, by how many items each part holds', () => {
    // a's 4 items split 3 + 1: recall (3·3/4 + 1·1/4) / 4 = 10/16.
    const result = bcubed(
      items([
        ['x', 'a'],
        ['x', 'a'],
        ['x', 'a'],
        ['y', 'a'],
      ]),
    );
    expect(result.precision).toBe(1);
    expect(result.recall).toBeCloseTo(10 / 16, 12);
  });

  it('matches a hand-computed example where clusters mix people', () => {
    // Cluster 1 holds 3 items of A and 1 of B; cluster 2 holds 1 of A and 2 of C.
    const result = bcubed(
      items([
        ['1', 'A'],
        ['1', 'A'],
        ['1', 'A'],
        ['1', 'B'],
        ['2', 'A'],
        ['2', 'C'],
        ['2', 'C'],
      ]),
    );
    // Precision: cluster 1: 3·(3/4) + 1·(1/4) = 2.5; cluster 2: 1·(1/3) + 2·(2/3) = 5/3. Sum 25/6 over 7.
    expect(result.precision).toBeCloseTo(25 / 6 / 7, 12);
    // Recall: A (4 items): 3·(3/4) + 1·(1/4) = 2.5; B: 1; C: 2·1 = 2. Sum 5.5 over 7.
    expect(result.recall).toBeCloseTo(5.5 / 7, 12);
  });

  it('refuses an empty clustering rather than divide by zero', () => {
    expect(() => bcubed([])).toThrow(RangeError);
  });
});
