import { describe, expect, it } from 'vitest';
import {
  hyp2f1,
  hyp2f1Scaled,
  logBeta,
  logGamma,
  logGammaRatio,
} from '../../../../ingest/models/clv/special';

// Reference values: Python's math.lgamma and mpmath.hyp2f1 (30 digits, rounded to doubles), computed
// independently. Tolerances: 11–13 decimals, i.e. what Lanczos (g = 7) and a 1e-15 series tail give.
describe('logGamma', () => {
  it.each([
    [1, 0],
    [2, 0],
    [0.5, 0.5 * Math.log(Math.PI)],
    [10, Math.log(362880)],
    [100, 359.1342053695754],
    [1e-5, 11.512919692895824],
    [0.1, 2.2527126517342055],
    [1000.5, 5908.674175848678],
  ])('lnΓ(%d)', (x, expected) => {
    expect(logGamma(x)).toBeCloseTo(expected, 11);
  });

  it('uses the reflection formula below ½ (|Γ(−0.5)| = 2√π)', () => {
    expect(logGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 12);
  });

  it('refuses the poles and non-finite input', () => {
    expect(() => logGamma(0)).toThrow(/pole/);
    expect(() => logGamma(-3)).toThrow(/pole/);
    expect(() => logGamma(Number.NaN)).toThrow(/finite/);
  });

  it('logBeta(2, 3) = ln(1/12)', () => {
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 13);
  });
});

describe('hyp2f1', () => {
  it.each([
    [1, 1, 2, 0.5, 2 * Math.log(2)], // −ln(1−z)/z
    [0.5, 0.5, 1.5, 0.25, 1.0471975511965976], // arcsin(√z)/√z = π/3
    [2.243, 4.426, 5.219, 0.5009, 3.6264847495321244],
    [10.5, 3.2, 12.7, 0.9, 172.41106525255523], // slow series: many terms near z = 1
    [0.3, -0.7, 1.9, 0.99, 0.8798460551809171],
    [52.243, 54.426, 53.219, 0.4, 714429024824.3319], // terms grow a long way before falling
    [1.5, 2.5, -0.5, 0.3, -23.695494295842202], // negative non-integer c
  ])('₂F₁(%d, %d; %d; %d)', (a, b, c, z, expected) => {
    expect(hyp2f1(a, b, c, z) / expected).toBeCloseTo(1, 12);
  });

  it('is a polynomial when a is a non-positive integer', () => {
    expect(hyp2f1(-2, 3, 4, 0.5)).toBeCloseTo(1 - 2 * (3 / 4) * 0.5 + ((3 * 4) / (4 * 5)) * 0.25, 14);
  });

  it('equals (1 − z)^−a when b = c', () => {
    expect(hyp2f1(1.7, 2.2, 2.2, -0.6)).toBeCloseTo(Math.pow(1.6, -1.7), 13);
  });

  it('refuses |z| ≥ 1, c at a pole, and a series it cannot finish', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/\|z\| < 1/);
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(/c must not/);
    expect(() => hyp2f1(1, 1, 2, 0.999999, { maxTerms: 100 })).toThrow(/no convergence/);
  });
});

describe('logGammaRatio (lnΓ(z+s) − lnΓ(z), for large z)', () => {
  it('agrees with the difference of logGamma where that is accurate', () => {
    for (const [z, s] of [
      [0.3, 2.5],
      [9.99, 4],
      [10, 0.25],
      [37.5, 12.75],
      [400, 3000],
    ] as const) {
      expect(logGammaRatio(z, s)).toBeCloseTo(logGamma(z + s) - logGamma(z), 9);
    }
  });

  it('is exact to rounding at 10⁸, where the plain difference is not (Γ(z+2)/Γ(z) = z(z+1))', () => {
    const z = 1e8;
    const exact = Math.log(z) + Math.log(z + 1);
    expect(Math.abs(logGammaRatio(z, 2) - exact)).toBeLessThan(1e-13);
    expect(logGammaRatio(z, 0)).toBe(0);
  });

  it('refuses z ≤ 0 and negative s', () => {
    expect(() => logGammaRatio(0, 1)).toThrow(/z must be > 0/);
    expect(() => logGammaRatio(1, -1)).toThrow(/s must be ≥ 0/);
  });
});

describe('hyp2f1Scaled', () => {
  // ₂F₁(a, b; b; z) = (1 − z)^(−a)
  it('returns a sum beyond a double as value · e^logScale', () => {
    const { value, logScale } = hyp2f1Scaled(2000, 5, 5, 0.5);
    expect(logScale).toBeGreaterThan(0);
    expect(Math.log(value) + logScale).toBeCloseTo(2000 * Math.LN2, 9);
    expect(() => hyp2f1(2000, 5, 5, 0.5)).toThrow(/overflow/);
  });

  it('leaves a sum within range unscaled', () => {
    const { value, logScale } = hyp2f1Scaled(3, 5, 5, 0.5);
    expect(logScale).toBe(0);
    expect(value).toBeCloseTo(8, 12);
  });
});
