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
import { hyp2f1, logGamma } from './special';

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
  iterations: number;
  converged: boolean;
}

function checkParams({ r, alpha, a, b }: BgNbdParams): void {
  checkPositive('params.r', r);
  checkPositive('params.alpha', alpha);
  checkPositive('params.a', a);
  checkPositive('params.b', b);
}

/** One customer's log-likelihood, eq. (6) of the paper, written with log-sum-exp for its two terms. */
function customerLogLikelihood({ r, alpha, a, b }: BgNbdParams, x: number, t_x: number, T: number): number {
  const common =
    logGamma(r + x) -
    logGamma(r) +
    r * Math.log(alpha) +
    logGamma(a + b) +
    logGamma(b + x) -
    logGamma(b) -
    logGamma(a + b + x);
  const survived = -(r + x) * Math.log(alpha + T);
  if (x === 0) return common + survived;
  const droppedOut = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + t_x);
  const top = Math.max(survived, droppedOut);
  return common + top + Math.log(Math.exp(survived - top) + Math.exp(droppedOut - top));
}

/** Total log-likelihood of a population under the given parameters. */
export function bgNbdLogLikelihood(params: BgNbdParams, customers: readonly CustomerRfm[]): number {
  checkParams(params);
  let sum = 0;
  customers.forEach((c, i) => {
    checkRfm(c, `customers[${i}]`);
    sum += customerLogLikelihood(params, c.x, c.t_x, c.T);
  });
  return sum;
}

/**
 * Maximum-likelihood fit. Refuses an empty population and one without any repeat purchase (the
 * likelihood then has no maximum: it keeps rising as r → 0). Identical (x, t_x, T) summaries are
 * pooled with a weight, which makes a fit over thousands of customers take milliseconds.
 */
export function fitBgNbd(customers: readonly CustomerRfm[], options: MinimizeOptions = {}): BgNbdFit {
  if (customers.length === 0) throw new ClvInputError('customers', 'must not be empty');
  const pooled = new Map<string, { x: number; t_x: number; T: number; n: number }>();
  let repeaters = 0;
  let meanAge = 0;
  customers.forEach((c, i) => {
    checkRfm(c, `customers[${i}]`);
    if (c.x > 0) repeaters++;
    meanAge += c.T / customers.length;
    const key = `${c.x}|${c.t_x}|${c.T}`;
    const seen = pooled.get(key);
    if (seen) seen.n++;
    else pooled.set(key, { x: c.x, t_x: c.t_x, T: c.T, n: 1 });
  });
  if (repeaters === 0) {
    throw new ClvInputError(
      'customers',
      'need at least one customer with a repeat purchase (x > 0); all have x = 0',
    );
  }
  if (!(meanAge > 0)) throw new ClvInputError('customers', 'need some customer with T > 0');
  const groups = [...pooled.values()];
  const negLogLikelihood = ([r, alpha, a, b]: readonly number[]) => {
    const params = { r, alpha, a, b } as BgNbdParams;
    let sum = 0;
    for (const g of groups) sum += g.n * customerLogLikelihood(params, g.x, g.t_x, g.T);
    return -sum;
  };
  // Start at r = a = b = 1 and α at the population's mean age, so the start is scale-aware.
  const result = minimizePositive(negLogLikelihood, [1, meanAge, 1, 1], options);
  const [r, alpha, a, b] = result.x as [number, number, number, number];
  return {
    params: { r, alpha, a, b },
    logLikelihood: -result.value,
    customers: customers.length,
    iterations: result.iterations,
    converged: result.converged,
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
  const f = hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const bracket = 1 - Math.exp((a - 1) * Math.log1p(-z)) * f;
  return ((a + b + x - 1) / (a - 1)) * bracket * (1 / (1 + deadToAliveOdds(params, x, t_x, T)));
}
