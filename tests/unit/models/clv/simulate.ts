// Seeded draws from the models' own generative stories, for fits that must find known parameters.
import { seededRandom } from '../../../../ingest/models/random';
import type { CustomerRfm } from '../../../../ingest/models/clv/input';

export type Draw = () => number;

function normal(u: Draw): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000), boosted below shape 1. */
export function gamma(u: Draw, shape: number, rate: number): number {
  if (shape < 1) return gamma(u, shape + 1, rate) * Math.pow(1 - u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(u);
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    if (Math.log(1 - u()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function beta(u: Draw, a: number, b: number): number {
  const x = gamma(u, a, 1);
  return x / (x + gamma(u, b, 1));
}

export interface BgNbdTruth {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * BG/NBD customers: λ ~ Gamma(r, α), p ~ Beta(a, b) (or fixed, when `fixed` says so), a first purchase
 * at 0, Poisson(λ) repeat purchases until T, dropping out with probability p after each repeat one.
 * T is a whole number of weeks, as a brand's weekly cohorts give.
 */
export function simulateBgNbd(
  truth: BgNbdTruth,
  customers: number,
  seed: number,
  fixed: { rate?: number; dropout?: number } = {},
): CustomerRfm[] {
  const u = seededRandom(seed);
  const out: CustomerRfm[] = [];
  for (let i = 0; i < customers; i++) {
    const T = 20 + Math.floor(u() * 60);
    const lambda = fixed.rate ?? gamma(u, truth.r, truth.alpha);
    const p = fixed.dropout ?? beta(u, truth.a, truth.b);
    let t = 0;
    let x = 0;
    let t_x = 0;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (t > T) break;
      x += 1;
      t_x = t;
      if (u() < p) break;
    }
    out.push({ x, t_x, T });
  }
  return out;
}

/** Gamma-Gamma customers: ν ~ Gamma(q, γ); x repeat purchases each ~ Gamma(p, ν); their mean. */
export function simulateGammaGamma(
  truth: { p: number; q: number; gamma: number },
  customers: number,
  seed: number,
): { x: number; meanSpend: number }[] {
  const u = seededRandom(seed);
  const out: { x: number; meanSpend: number }[] = [];
  for (let i = 0; i < customers; i++) {
    const x = 1 + Math.floor(u() * 8);
    const nu = gamma(u, truth.q, truth.gamma);
    let sum = 0;
    for (let k = 0; k < x; k++) sum += gamma(u, truth.p, nu);
    out.push({ x, meanSpend: sum / x });
  }
  return out;
}
