// A small, deterministic Nelder–Mead minimizer for the models' maximum-likelihood fits.
//
// The models' parameters are all positive, so `minimizePositive` searches over their logarithms:
// every point it tries is a valid parameter vector, with no constraints or penalties. Standard
// coefficients (reflection 1, expansion 2, contraction ½, shrink ½; Lagarias et al. 1998), an axis
// simplex around the start, and restarts from the best point until a restart no longer improves it,
// which guards against the simplex collapsing early. No randomness: the same input gives the same fit.

export interface MinimizeOptions {
  /**
   * Stop a run when the simplex's function values span less than this, relative to the best value
   * (times max(1, |f|)). Default 1e-10. Relative because a log-likelihood summed over 100,000
   * customers is ~10⁶ and carries rounding noise far above any absolute 1e-10.
   */
  fTolerance?: number;
  /** …and its vertices lie within this distance (per coordinate) of the best one. Default 1e-8. */
  xTolerance?: number;
  /** Iteration cap for each run. Default 5000. */
  maxIterations?: number;
  /** Size of the initial simplex's steps along each axis. Default 0.5 (in log space: a factor ≈ 1.65). */
  step?: number;
  /** Runs after the first, each from the previous best. Default 3. */
  maxRestarts?: number;
  /**
   * minimizePositive only: an upper bound per coordinate (natural units; omitted = none). Points
   * beyond it count as +∞, so a likelihood that keeps rising towards a limit (a model's
   * no-heterogeneity boundary) is maximized at the bound instead of being chased forever.
   */
  upper?: readonly number[];
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  /** Evaluations of f, over all runs. */
  evaluations: number;
  /** True when the last run stopped on the tolerances rather than the iteration cap. */
  converged: boolean;
}

/** Minimize f over ℝⁿ from x0. Non-finite values of f count as +∞ (a wall the simplex backs away from). */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const maxRestarts = options.maxRestarts ?? 3;
  let evaluations = 0;
  const counted = (x: readonly number[]) => {
    evaluations++;
    return f(x);
  };
  let best = run(counted, x0, options);
  let iterations = best.iterations;
  for (let restart = 0; restart < maxRestarts; restart++) {
    const next = run(counted, best.x, options);
    iterations += next.iterations;
    const improved = best.value - next.value > tolerance(options.fTolerance, best.value);
    if (next.value <= best.value) best = next;
    if (!improved) break;
  }
  return { ...best, iterations, evaluations };
}

const tolerance = (fTolerance: number | undefined, value: number) =>
  (fTolerance ?? 1e-10) * Math.max(1, Math.abs(value));

/** Minimize f over positive vectors, searching in log space; x0 and the result are in natural units. */
export function minimizePositive(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const upper = options.upper ?? [];
  for (const [i, v] of x0.entries()) {
    if (!(v > 0) || !Number.isFinite(v))
      throw new RangeError(`minimizePositive: x0[${i}] must be > 0, got ${v}`);
    if (upper[i] !== undefined && !(v <= (upper[i] as number)))
      throw new RangeError(`minimizePositive: x0[${i}] must be ≤ its upper bound ${upper[i]}, got ${v}`);
  }
  const logUpper = upper.map(Math.log);
  const inside = (y: readonly number[]) => y.every((v, i) => !(v > (logUpper[i] ?? Infinity)));
  const result = nelderMead((y) => (inside(y) ? f(y.map(Math.exp)) : Infinity), x0.map(Math.log), options);
  return { ...result, x: result.x.map(Math.exp) };
}

function run(f: (x: readonly number[]) => number, x0: readonly number[], options: MinimizeOptions) {
  const xTolerance = options.xTolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 5000;
  const step = options.step ?? 0.5;
  const n = x0.length;
  const value = (x: readonly number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  let simplex: { x: number[]; v: number }[] = [{ x: [...x0], v: value(x0) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] = (x[i] as number) + step;
    simplex.push({ x, v: value(x) });
  }

  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0] as { x: number[]; v: number };
    const worst = simplex[n] as { x: number[]; v: number };
    const spreadF = Math.abs(worst.v - best.v);
    const spreadX = Math.max(
      ...simplex.slice(1).flatMap((p) => p.x.map((xi, i) => Math.abs(xi - (best.x[i] as number)))),
    );
    if (spreadF <= tolerance(options.fTolerance, best.v) && spreadX <= xTolerance) {
      converged = true;
      break;
    }
    iterations++;

    const centroid = new Array<number>(n).fill(0);
    for (const p of simplex.slice(0, n))
      for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (p.x[i] as number) / n;
    const along = (t: number) => centroid.map((c, i) => c + t * ((worst.x[i] as number) - c));
    const secondWorst = (simplex[n - 1] as { v: number }).v;

    const reflected = along(-1);
    const vr = value(reflected);
    if (vr < best.v) {
      const expanded = along(-2);
      const ve = value(expanded);
      simplex[n] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
      continue;
    }
    if (vr < secondWorst) {
      simplex[n] = { x: reflected, v: vr };
      continue;
    }
    const contracted = vr < worst.v ? along(-0.5) : along(0.5);
    const vc = value(contracted);
    if (vc < Math.min(vr, worst.v)) {
      simplex[n] = { x: contracted, v: vc };
      continue;
    }
    simplex = simplex.map((p, k) => {
      if (k === 0) return p;
      const x = p.x.map((xi, i) => (best.x[i] as number) + 0.5 * (xi - (best.x[i] as number)));
      return { x, v: value(x) };
    });
  }
  simplex.sort((p, q) => p.v - q.v);
  const best = simplex[0] as { x: number[]; v: number };
  return { x: best.x, value: best.v, iterations, converged };
}
