import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed } from '../../../ingest/demo';

describe('createRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 50 }, () => random.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('keeps draws in range and covers it', () => {
    const random = createRandom(1);
    const floats = Array.from({ length: 5000 }, () => random.next());
    const ints = Array.from({ length: 5000 }, () => random.int(3, 6));
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    expect([...new Set(ints)].sort()).toEqual([3, 4, 5, 6]);
  });

  it('draws version-4-shaped UUIDs that do not repeat', () => {
    const random = createRandom(99);
    const ids = Array.from({ length: 10_000 }, () => random.uuid());
    const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(ids.filter((id) => !shape.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses to pick from an empty list', () => {
    expect(() => createRandom(1).pick([])).toThrow(RangeError);
  });

  it('derives different seeds per brand and per run seed', () => {
    expect(deriveSeed(1, 'acme')).toBe(deriveSeed(1, 'acme'));
    expect(deriveSeed(1, 'acme')).not.toBe(deriveSeed(1, 'zenith'));
    expect(deriveSeed(1, 'acme')).not.toBe(deriveSeed(2, 'acme'));
  });
});
