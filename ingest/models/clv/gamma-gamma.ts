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

import { checkPositive, checkSpend, ClvInputError, type CustomerSpend } from './input';
import { minimizePositive, type MinimizeOptions } from './optimize';
import { logGamma } from './special';

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
  converged: boolean;
}

function checkParams({ p, q, gamma }: GammaGammaParams): void {
  checkPositive('params.p', p);
  checkPositive('params.q', q);
  checkPositive('params.gamma', gamma);
}

/** ln f(m̄ | p, q, γ, x): the density of a customer's observed mean spend m̄ over x transactions. */
function customerLogLikelihood({ p, q, gamma }: GammaGammaParams, x: number, m: number): number {
  const px = p * x;
  return (
    logGamma(px + q) -
    logGamma(px) -
    logGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(gamma + m * x)
  );
}

/** Total log-likelihood over the repeat customers (x > 0, mean spend > 0) of a population. */
export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  customers: readonly CustomerSpend[],
): number {
  checkParams(params);
  let sum = 0;
  customers.forEach((c, i) => {
    checkSpend(c, `customers[${i}]`);
    if (c.x > 0 && c.meanSpend > 0) sum += customerLogLikelihood(params, c.x, c.meanSpend);
  });
  return sum;
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
  const negLogLikelihood = ([p, q, gamma]: readonly number[]) => {
    const params = { p, q, gamma } as GammaGammaParams;
    let sum = 0;
    for (const c of repeat) sum += customerLogLikelihood(params, c.x, c.meanSpend);
    return -sum;
  };
  // Start with mean spend p·γ/(q−1) at the sample mean: p = 1, q = 2, γ = mean.
  const result = minimizePositive(negLogLikelihood, [1, 2, meanSpend], options);
  const [p, q, gamma] = result.x as [number, number, number];
  return {
    params: { p, q, gamma },
    logLikelihood: -result.value,
    customers: repeat.length,
    skippedZeroSpend,
    iterations: result.iterations,
    converged: result.converged,
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
