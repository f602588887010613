// Gamma-Gamma spend model: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for
// Customer Base Analysis", Journal of Marketing Research 42(4), and Fader & Hardie (2013), "The
// Gamma-Gamma Model of Monetary Value" (note).
//
// Assumptions:
//   - a customer's transaction values z_i ~ Gamma(p, ν), so their mean spend per transaction is p/ν;
//   - ν ~ Gamma(q, γ) across customers;
//   - spend is independent of the purchase process (BG/NBD's x, t_x): check this on the brand's data
//     (the correlation of x and mean spend should be near 0) before trusting value predictions.
// Fitted on repeat customers only (x > 0), each summarized by x and the mean of those x repeat
// purchases' values (the first purchase is left out, as in the papers). Repeat customers whose mean
// spend is exactly 0 (only free orders) have zero density under the model: the fit leaves them out and
// counts them (skippedZeroSpend); their expected spend is still defined (the weighted mean below).

import { MAX_SHAPE } from './bgnbd';
import { checkPositive, checkSpend, ClvInputError, type CustomerSpend } from './input';
import { minimizePositive, type MinimizeOptions } from './optimize';
import { logGamma, logGammaRatio } from './special';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Repeat customers the fit used (customers with x = 0 are skipped). */
  customers: number;
  /** Repeat customers left out because their mean spend is 0 (free orders): the model's spend is > 0. */
  skippedZeroSpend: number;
  iterations: number;
  /** Likelihood evaluations the search made. */
  evaluations: number;
  converged: boolean;
  /** Shapes that ended at MAX_SHAPE (bgnbd.ts): no heterogeneity there in the data. */
  atBound: ('p' | 'q')[];
}

function checkParams({ p, q, gamma }: GammaGammaParams): void {
  checkPositive('params.p', p);
  checkPositive('params.q', q);
  checkPositive('params.gamma', gamma);
}

/** Repeat customers with identical (x, m̄), pooled with their count as a weight; x-only terms per distinct x. */
interface Groups {
  x: Float64Array;
  m: Float64Array;
  /** (ln m̄, ln x) per row, precomputed. */
  logM: Float64Array;
  logX: Float64Array;
  n: Float64Array;
  /** Distinct x values and each row's index among them. */
  xs: Float64Array;
  xIndex: Int32Array;
}

function groupsOf(customers: readonly CustomerSpend[]): Groups {
  const pooled = new Map<string, number>();
  const rows: { x: number; m: number; n: number }[] = [];
  for (const c of customers) {
    const key = `${c.x}|${c.meanSpend}`;
    const at = pooled.get(key);
    if (at !== undefined) (rows[at] as { n: number }).n++;
    else pooled.set(key, rows.push({ x: c.x, m: c.meanSpend, n: 1 }) - 1);
  }
  const xs = [...new Set(rows.map((r) => r.x))];
  const xAt = new Map(xs.map((x, i) => [x, i]));
  return {
    x: Float64Array.from(rows, (r) => r.x),
    m: Float64Array.from(rows, (r) => r.m),
    logM: Float64Array.from(rows, (r) => Math.log(r.m)),
    logX: Float64Array.from(rows, (r) => Math.log(r.x)),
    n: Float64Array.from(rows, (r) => r.n),
    xs: Float64Array.from(xs),
    xIndex: Int32Array.from(rows, (r) => xAt.get(r.x) as number),
  };
}

/**
 * Σ ln f(m̄ | p, q, γ, x) over the pooled rows, where
 *   ln f = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln(γ + m̄x),
 * written as lnΓ(q+px) − lnΓ(q) (logGammaRatio) − lnΓ(px), once per distinct x, and
 * q ln γ − (px+q) ln(γ+m̄x) = −q ln(1 + m̄x/γ) − px ln(γ+m̄x), both accurate for large q and γ.
 */
function groupedLogLikelihood({ p, q, gamma }: GammaGammaParams, g: Groups): number {
  const perX = Float64Array.from(g.xs, (x) => logGammaRatio(q, p * x) - logGamma(p * x));
  let sum = 0;
  for (let i = 0; i < g.x.length; i++) {
    const px = p * (g.x[i] as number);
    const mx = (g.m[i] as number) * (g.x[i] as number);
    const ll =
      (perX[g.xIndex[i] as number] as number) +
      (px - 1) * (g.logM[i] as number) +
      px * (g.logX[i] as number) -
      q * Math.log1p(mx / gamma) -
      px * Math.log(gamma + mx);
    sum += (g.n[i] as number) * ll;
  }
  return sum;
}

/** Total log-likelihood over the repeat customers (x > 0, mean spend > 0) of a population. */
export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  customers: readonly CustomerSpend[],
): number {
  checkParams(params);
  customers.forEach((c, i) => checkSpend(c, `customers[${i}]`));
  return groupedLogLikelihood(params, groupsOf(customers.filter((c) => c.x > 0 && c.meanSpend > 0)));
}

/** Maximum-likelihood fit of p, q, γ. Refuses a population without repeat customers. */
export function fitGammaGamma(
  customers: readonly CustomerSpend[],
  options: MinimizeOptions = {},
): GammaGammaFit {
  if (customers.length === 0) throw new ClvInputError('customers', 'must not be empty');
  const repeat: CustomerSpend[] = [];
  let skippedZeroSpend = 0;
  customers.forEach((c, i) => {
    checkSpend(c, `customers[${i}]`);
    if (c.x > 0 && c.meanSpend > 0) repeat.push(c);
    else if (c.x > 0) skippedZeroSpend++;
  });
  if (repeat.length === 0) {
    throw new ClvInputError(
      'customers',
      'need at least one customer with a repeat purchase (x > 0) and mean spend > 0; there is none',
    );
  }
  const meanSpend = repeat.reduce((s, c) => s + c.meanSpend, 0) / repeat.length;
  const groups = groupsOf(repeat);
  const negLogLikelihood = ([p, q, gamma]: readonly number[]) =>
    -groupedLogLikelihood({ p, q, gamma } as GammaGammaParams, groups);
  // Start with mean spend p·γ/(q−1) at the sample mean: p = 1, q = 2, γ = mean. Shapes bounded as in
  // BG/NBD: a population whose spend does not vary between customers drives q (and γ) up for ever.
  const result = minimizePositive(negLogLikelihood, [1, 2, meanSpend], {
    upper: [MAX_SHAPE, MAX_SHAPE, Infinity],
    ...options,
  });
  const [p, q, gamma] = result.x as [number, number, number];
  return {
    params: { p, q, gamma },
    logLikelihood: -result.value,
    customers: repeat.length,
    skippedZeroSpend,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    atBound: (['p', 'q'] as const).filter((k) => ({ p, q })[k] >= MAX_SHAPE * (1 - 1e-6)),
  };
}

/**
 * E[M | p, q, γ, m̄, x]: a customer's expected spend per transaction, a weighted mean of the
 * population mean p·γ/(q−1) and the customer's own mean m̄ (weight p·x/(p·x+q−1)). For x = 0 it is
 * the population mean. Needs q > 1 (otherwise the population mean is infinite): refused otherwise.
 */
export function expectedAverageSpend(params: GammaGammaParams, x: number, meanSpend: number): number {
  checkParams(params);
  checkSpend({ x, meanSpend });
  const { p, q, gamma } = params;
  if (!(q > 1)) throw new ClvInputError('params.q', `must be > 1 for a finite expected spend, got ${q}`);
  if (x === 0) return (p * gamma) / (q - 1);
  return (p * (gamma + meanSpend * x)) / (p * x + q - 1);
}
