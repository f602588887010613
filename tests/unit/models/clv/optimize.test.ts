import { describe, expect, it } from 'vitest';
import { minimizePositive, nelderMead } from '../../../../ingest/models/clv/optimize';

describe('nelderMead', () => {
  it('finds the Rosenbrock minimum at (1, 1)', () => {
    const rosenbrock = ([x, y]: readonly number[]) =>
      100 * ((y as number) - (x as number) ** 2) ** 2 + (1 - (x as number)) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });

  it('is deterministic', () => {
    const f = ([x, y, z]: readonly number[]) =>
      ((x as number) - 3) ** 2 + ((y as number) + 1) ** 4 + Math.abs(z as number);
    expect(nelderMead(f, [0, 0, 1])).toEqual(nelderMead(f, [0, 0, 1]));
  });

  it('treats non-finite values as a wall', () => {
    const f = ([x]: readonly number[]) => ((x as number) < 0 ? Number.NaN : ((x as number) - 2) ** 2);
    expect(nelderMead(f, [5]).x[0]).toBeCloseTo(2, 6);
  });
});

describe('minimizePositive', () => {
  it('keeps every trial point positive and finds an interior optimum', () => {
    const seen: number[] = [];
    const f = ([a, b]: readonly number[]) => {
      seen.push(a as number, b as number);
      return ((a as number) - 0.01) ** 2 * 1e4 + Math.log(b as number) ** 2;
    };
    const result = minimizePositive(f, [1, 5]);
    expect(Math.min(...seen)).toBeGreaterThan(0);
    expect(result.x[0]).toBeCloseTo(0.01, 6);
    expect(result.x[1]).toBeCloseTo(1, 4);
  });

  it('refuses a non-positive start, naming the coordinate', () => {
    expect(() => minimizePositive(() => 0, [1, 0])).toThrow(/x0\[1\]/);
  });
});
