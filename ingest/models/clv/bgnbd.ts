// BG/NBD: the beta-geometric / negative-binomial customer-base model of Fader, Hardie & Lee (2005),
// "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science
// 24(2). Notation and equation numbers follow the paper.
//
// Assumptions (the model's, not ours):
//   - while alive, a customer buys as a Poisson process with rate λ; λ ~ Gamma(r, α) across customers;
//   - after every purchase the customer drops out for good with probability p; p ~ Beta(a, b);
//   - λ and p are independent across and within customers.
// The unit of time is whatever the inputs use (weeks for CDNOW); α carries it, r, a, b are unit-free.
// Only customers' (x, t_x, T) enter: see input.ts.

import { checkPositive, checkRfm, ClvInputError, type CustomerRfm } from './input';
import { minimizePositive, type MinimizeOptions } from './optimize';
import { hyp2f1Scaled, logGamma } from './special';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** Total log-likelihood at the fitted parameters (eq. 6 summed over customers). */
  logLikelihood: number;
  customers: number;
  /** Distinct (x, t_x, T) among them: the rows the likelihood is summed over. */
  groups: number;
  iterations: number;
  /** Likelihood evaluations the search made. */
  evaluations: number;
  converged: boolean;
  /** Shapes that ended at MAX_SHAPE: the data shows no heterogeneity there (see MAX_SHAPE). */
  atBound: ('r' | 'a' | 'b')[];
}

function checkParams({ r, alpha, a, b }: BgNbdParams): void {
  checkPositive('params.r', r);
  checkPositive('params.alpha', alpha);
  checkPositive('params.a', a);
  checkPositive('params.b', b);
}

/**
 * Above this, a shape parameter (r, a, b) says "no heterogeneity": a Gamma(r) rate's coefficient of
 * variation is 1/√r (3 % at 10³), and a Beta(a, b) concentrated as tightly. A population without that
 * heterogeneity (everyone buying at one rate, or dropping out with one probability) has its
 * likelihood rising towards r → ∞ (or a, b → ∞) for ever; the fit stops at this bound instead, where
 * the predictions are those of the limit to within the data's noise.
 */
export const MAX_SHAPE = 1_000;
/** Up to this many repeat purchases a customer's Γ ratios come from a per-evaluation table of sums. */
const TABLE_MAX_X = 10_000;

/** Customers with identical (x, t_x, T), pooled with their count as a weight. */
interface Groups {
  x: Float64Array;
  t_x: Float64Array;
  T: Float64Array;
  n: Float64Array;
  maxX: number;
}

function groupsOf(customers: readonly CustomerRfm[]): Groups {
  const pooled = new Map<string, number>();
  const rows: { x: number; t_x: number; T: number; n: number }[] = [];
  for (const c of customers) {
    const key = `${c.x}|${c.t_x}|${c.T}`;
    const at = pooled.get(key);
    if (at !== undefined) (rows[at] as { n: number }).n++;
    else pooled.set(key, rows.push({ x: c.x, t_x: c.t_x, T: c.T, n: 1 }) - 1);
  }
  return {
    x: Float64Array.from(rows, (g) => g.x),
    t_x: Float64Array.from(rows, (g) => g.t_x),
    T: Float64Array.from(rows, (g) => g.T),
    n: Float64Array.from(rows, (g) => g.n),
    maxX: rows.reduce((m, g) => Math.max(m, g.x), 0),
  };
}

/**
 * The total log-likelihood, eq. (6) of the paper, summed over pooled customers. Written so that it
 * stays accurate when parameters are large (towards MAX_SHAPE and beyond):
 *   lnΓ(r+x) − lnΓ(r) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x) + lnΓ(a+b) = Σ_{k<x} ln(r+k) + ln(b+k) − ln(a+b+k)
 * (x is whole), kept in a table per evaluation (one row per x, not per customer), and
 *   r ln α − (r+x) ln(α+T) = −r ln(1 + T/α) − x ln(α+T),
 * which does not subtract two numbers of size r ln α. Differences of lnΓ at 10⁶ lose ~10⁻⁹ each,
 * which summed over 100,000 customers was noise enough to keep a search from ever settling.
 */
function groupedLogLikelihood({ r, alpha, a, b }: BgNbdParams, g: Groups): number {
  const tableMax = Math.min(g.maxX, TABLE_MAX_X);
  const table = new Float64Array(tableMax + 1);
  for (let k = 0; k < tableMax; k++) {
    table[k + 1] = (table[k] as number) + Math.log(r + k) + Math.log(b + k) - Math.log(a + b + k);
  }
  const ratios = (x: number) =>
    x <= tableMax
      ? (table[x] as number)
      : logGamma(r + x) - logGamma(r) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x) + logGamma(a + b);
  const logA = Math.log(a);
  let sum = 0;
  for (let i = 0; i < g.x.length; i++) {
    const x = g.x[i] as number;
    const T = g.T[i] as number;
    const survived = -r * Math.log1p(T / alpha) - x * Math.log(alpha + T);
    let ll = survived;
    if (x > 0) {
      const t_x = g.t_x[i] as number;
      const droppedOut = logA - Math.log(b + x - 1) - r * Math.log1p(t_x / alpha) - x * Math.log(alpha + t_x);
      const top = Math.max(survived, droppedOut);
      ll = top + Math.log1p(Math.exp(Math.min(survived, droppedOut) - top));
    }
    sum += (g.n[i] as number) * (ratios(x) + ll);
  }
  return sum;
}

/** Total log-likelihood of a population under the given parameters. */
export function bgNbdLogLikelihood(params: BgNbdParams, customers: readonly CustomerRfm[]): number {
  checkParams(params);
  customers.forEach((c, i) => checkRfm(c, `customers[${i}]`));
  return groupedLogLikelihood(params, groupsOf(customers));
}

/**
 * Maximum-likelihood fit, in log-parameters (every point tried is valid), from a start whose mean
 * purchase rate r/α is the population's (Σx / ΣT), with shapes bounded by MAX_SHAPE. Refuses an empty
 * population and one without any repeat purchase (the likelihood then has no maximum: it keeps
 * rising as r → 0). Identical (x, t_x, T) summaries are pooled with a weight.
 */
export function fitBgNbd(customers: readonly CustomerRfm[], options: MinimizeOptions = {}): BgNbdFit {
  if (customers.length === 0) throw new ClvInputError('customers', 'must not be empty');
  let repeaters = 0;
  let purchases = 0;
  let age = 0;
  customers.forEach((c, i) => {
    checkRfm(c, `customers[${i}]`);
    if (c.x > 0) repeaters++;
    purchases += c.x;
    age += c.T;
  });
  if (repeaters === 0) {
    throw new ClvInputError(
      'customers',
      'need at least one customer with a repeat purchase (x > 0); all have x = 0',
    );
  }
  if (!(age > 0)) throw new ClvInputError('customers', 'need some customer with T > 0');
  const groups = groupsOf(customers);
  const negLogLikelihood = ([r, alpha, a, b]: readonly number[]) =>
    -groupedLogLikelihood({ r, alpha, a, b } as BgNbdParams, groups);
  const result = minimizePositive(negLogLikelihood, [1, age / purchases, 1, 1], {
    upper: [MAX_SHAPE, Infinity, MAX_SHAPE, MAX_SHAPE],
    ...options,
  });
  const [r, alpha, a, b] = result.x as [number, number, number, number];
  return {
    params: { r, alpha, a, b },
    logLikelihood: -result.value,
    customers: customers.length,
    groups: groups.x.length,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    atBound: (['r', 'a', 'b'] as const).filter((k) => ({ r, a, b })[k] >= MAX_SHAPE * (1 - 1e-6)),
  };
}

/** P(alive | x, t_x, T), eq. (11): 1 for a customer without repeat purchases (the model's dropout follows a purchase). */
export function probabilityAlive(params: BgNbdParams, x: number, t_x: number, T: number): number {
  checkParams(params);
  checkRfm({ x, t_x, T });
  return 1 / (1 + deadToAliveOdds(params, x, t_x, T));
}

/**
 * P(no purchase in the next t | x, t_x, T) = P(dead) + P(alive) · ((α+T)/(α+T+t))^(r+x): a dead
 * customer never buys; a living one's λ is Gamma(r+x, α+T) given the history, and it cannot drop out
 * before its next purchase, so it buys nothing in t with probability E[e^(−λt)].
 */
export function probabilityNoPurchase(
  params: BgNbdParams,
  t: number,
  x: number,
  t_x: number,
  T: number,
): number {
  checkParams(params);
  checkNonNegativeHorizon(t);
  checkRfm({ x, t_x, T });
  const { r, alpha } = params;
  const alive = 1 / (1 + deadToAliveOdds(params, x, t_x, T));
  return 1 - alive + alive * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t)));
}

function deadToAliveOdds({ r, alpha, a, b }: BgNbdParams, x: number, t_x: number, T: number): number {
  if (x === 0) return 0;
  return Math.exp(
    Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + t_x)),
  );
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next t time units of a customer with history
 * (x, t_x, T), eq. (10) of the paper:
 *
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; z)] / (1 + δ(x>0) · odds),
 *   z = t / (α+T+t),  odds = a/(b+x−1) · ((α+T)/(α+t_x))^(r+x).
 *
 * Euler's transformation ₂F₁(A,B;C;z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z) turns the bracket into
 * 1 − (1−z)^(a−1) · ₂F₁(a+b−1−r, a−1; a+b+x−1; z): parameters that no longer grow with x, so the
 * series neither overflows for heavy buyers nor runs long as z → 1. At a = 1 the formula is 0/0 with
 * a finite limit, taken as the mean of the values at a = 1 ± 1e-6.
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, t_x: number, T: number): number {
  checkParams(params);
  checkNonNegativeHorizon(t);
  checkRfm({ x, t_x, T });
  if (t === 0) return 0;
  if (Math.abs(params.a - 1) < 1e-6) {
    const below = conditional({ ...params, a: 1 - 1e-6 }, t, x, t_x, T);
    const above = conditional({ ...params, a: 1 + 1e-6 }, t, x, t_x, T);
    return (below + above) / 2;
  }
  return conditional(params, t, x, t_x, T);
}

function checkNonNegativeHorizon(t: number): void {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new ClvInputError('t', `must be a finite number ≥ 0, got ${String(t)}`);
  }
}

function conditional(params: BgNbdParams, t: number, x: number, t_x: number, T: number): number {
  const { r, alpha, a, b } = params;
  const z = t / (alpha + T + t);
  // (1−z)^(a−1) · ₂F₁ in logs: with a large a (towards MAX_SHAPE) the series alone overflows a double.
  const f = hyp2f1Scaled(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const bracket =
    f.value === 0
      ? 1
      : 1 -
        Math.sign(f.value) * Math.exp((a - 1) * Math.log1p(-z) + Math.log(Math.abs(f.value)) + f.logScale);
  return ((a + b + x - 1) / (a - 1)) * bracket * (1 / (1 + deadToAliveOdds(params, x, t_x, T)));
}
