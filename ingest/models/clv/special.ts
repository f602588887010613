// Special functions the customer-base models need, in plain double precision.
//
// logGamma: Lanczos approximation (g = 7, 9 coefficients; the set in Numerical Recipes 3rd ed. §6.1 and
// Godfrey's note), relative error ≈ 1e-15 for positive arguments, with the reflection formula below 0.5.
// hyp2f1: the Gauss series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ for |z| < 1, summed until the remaining tail is
// provably below the tolerance. It does not transform the argument: callers whose parameters grow with
// the data (BG/NBD's r + x, b + x) apply Euler's transformation first so the series stays short and
// small (see bgnbd.ts).

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln |Γ(x)|. Throws at the poles (0, −1, −2, …) and for non-finite x. */
export function logGamma(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`logGamma: x must be finite, got ${x}`);
  if (x <= 0 && Number.isInteger(x)) throw new RangeError(`logGamma: pole at x = ${x}`);
  if (x < 0.5) {
    // Γ(x) Γ(1 − x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const y = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * ln Γ(z + s) − ln Γ(z) for z > 0, s ≥ 0, accurate when z is large: the plain difference of two
 * values of size z ln z loses their rounding (≈10⁻⁸ at z = 10⁸). From z ≥ 10 it is the difference of
 * Stirling's series, (z − ½) ln(1 + s/z) + s ln(z + s) − s + c(z + s) − c(z), with c(w) = 1/(12w) −
 * 1/(360w³) + 1/(1260w⁵) − 1/(1680w⁷) (truncation below 10⁻¹² there).
 */
export function logGammaRatio(z: number, s: number): number {
  if (!(z > 0) || !Number.isFinite(z))
    throw new RangeError(`logGammaRatio: z must be > 0 and finite, got ${z}`);
  if (!(s >= 0) || !Number.isFinite(s))
    throw new RangeError(`logGammaRatio: s must be ≥ 0 and finite, got ${s}`);
  if (s === 0) return 0;
  if (z < 10) return logGamma(z + s) - logGamma(z);
  const c = (w: number) => {
    const w2 = w * w;
    return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * w2)) / w2) / w2) / w;
  };
  return (z - 0.5) * Math.log1p(s / z) + s * Math.log(z + s) - s + (c(z + s) - c(z));
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

export interface Hyp2f1Options {
  /** Stop when the bound on the remaining tail is below tolerance × |sum|. Default 1e-15. */
  tolerance?: number;
  /** Give up (throw) after this many terms. Default 1e6. */
  maxTerms?: number;
}

/**
 * Gauss hypergeometric ₂F₁(a, b; c; z) by its power series, for real parameters and −1 < z < 1.
 *
 * Convergence care: the term ratio (a+n)(b+n) z / ((c+n)(n+1)) tends to z and, once n is past the
 * parameters' magnitudes, moves monotonically towards it (1 + (a+b−c−1)/n + O(1/n²), times z). From
 * there the tail after term n is bounded by |termₙ| · ρ / (1 − ρ) with ρ = max(|next ratio|, |z|),
 * and summation stops when that bound is below the tolerance; terms may first grow (large a, b). Terminates exactly when a or b is a
 * non-positive integer (a polynomial). Throws for |z| ≥ 1, for c a non-positive integer (undefined),
 * and when the series has not converged within maxTerms — never a silently wrong number.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const { value, logScale } = hyp2f1Scaled(a, b, c, z, options);
  const result = logScale === 0 ? value : value * Math.exp(logScale);
  if (!Number.isFinite(result)) throw new RangeError(`hyp2f1: overflow (a=${a}, b=${b}, c=${c}, z=${z})`);
  return result;
}

const RESCALE = 1e250;
const LOG_RESCALE = Math.log(RESCALE);

/**
 * ₂F₁ as value · e^logScale: the same series, rescaled whenever it passes 10²⁵⁰, so a sum beyond a
 * double's range (large parameters, z near 1) is still returned for callers that multiply it by
 * something small, in logs (BG/NBD's (1−z)^(a−1) · ₂F₁ with a large a).
 */
export function hyp2f1Scaled(
  a: number,
  b: number,
  c: number,
  z: number,
  options: Hyp2f1Options = {},
): { value: number; logScale: number } {
  const tolerance = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 1_000_000;
  for (const [name, value] of [
    ['a', a],
    ['b', b],
    ['c', c],
    ['z', z],
  ] as const) {
    if (!Number.isFinite(value)) throw new RangeError(`hyp2f1: ${name} must be finite, got ${value}`);
  }
  if (Math.abs(z) >= 1) throw new RangeError(`hyp2f1: the series needs |z| < 1, got z = ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1: c must not be 0 or a negative integer`);
  if (z === 0) return { value: 1, logScale: 0 };

  let term = 1;
  let sum = 1;
  let logScale = 0;
  // The ratio keeps falling once n is past every parameter's magnitude; only then is the tail bound valid.
  const settled = Math.ceil(Math.max(Math.abs(a), Math.abs(b), Math.abs(c))) + 1;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) return { value: sum, logScale }; // a polynomial: a or b was a non-positive integer
    if (Math.abs(sum) > RESCALE || Math.abs(term) > RESCALE) {
      sum /= RESCALE;
      term /= RESCALE;
      logScale += LOG_RESCALE;
    }
    if (!Number.isFinite(sum)) throw new RangeError(`hyp2f1: overflow (a=${a}, b=${b}, c=${c}, z=${z})`);
    if (n + 1 < settled) continue;
    const next = Math.max(Math.abs((((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2))) * z), Math.abs(z));
    if (next < 1) {
      const tail = (Math.abs(term) * next) / (1 - next);
      if (tail <= tolerance * Math.abs(sum)) return { value: sum, logScale };
    }
  }
  throw new RangeError(`hyp2f1: no convergence after ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${z})`);
}
