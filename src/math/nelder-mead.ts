/**
 * Nelder–Mead simplex minimiser: the derivative-free fallback when BFGS fails.
 */
import type { OptimizeResult } from "./bfgs.ts";

export interface NelderMeadOptions {
  /** Stop when the simplex's spread of values is below this (relative). Default 1e-12. */
  valueTolerance?: number;
  /** Stop when the simplex's size is below this. Default 1e-10. */
  pointTolerance?: number;
  /** Default 5000. */
  maxIterations?: number;
  /** Initial step along each axis. Default 0.1. */
  initialStep?: number;
}

/**
 * Minimises `f` from `x0` with the Nelder–Mead simplex (standard coefficients 1, 2, 0.5, 0.5).
 * Non-finite values are treated as +Infinity so the simplex walks away from them.
 * @param f objective (no gradient)
 * @param x0 starting point
 * @param options tolerances
 * @returns the optimum and a report; `gradientNorm` is NaN (not computed here)
 * @example
 * const r = nelderMead((x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 2, [0, 0]);
 * // r.x ≈ [1, -2]
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): OptimizeResult {
  const n = x0.length;
  const ftol = options.valueTolerance ?? 1e-12;
  const xtol = options.pointTolerance ?? 1e-10;
  const maxIter = options.maxIterations ?? 5000;
  const step = options.initialStep ?? 0.1;
  const safe = (x: Float64Array) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const pts: Float64Array[] = [];
  const vals: number[] = [];
  pts.push(Float64Array.from(x0));
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    p[i] += p[i] !== 0 ? step * Math.max(1, Math.abs(p[i])) : step;
    pts.push(p);
  }
  for (const p of pts) vals.push(safe(p));
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);
  let iter = 0;
  let converged = false;
  for (; iter < maxIter; iter++) {
    order.sort((a, b) => vals[a] - vals[b]);
    const best = order[0];
    const worst = order[n];
    const second = order[n - 1];
    const spread = Math.abs(vals[worst] - vals[best]);
    let size = 0;
    for (let k = 1; k <= n; k++) {
      const p = pts[order[k]];
      for (let i = 0; i < n; i++) size = Math.max(size, Math.abs(p[i] - pts[best][i]));
    }
    if (spread <= ftol * Math.max(1, Math.abs(vals[best])) && size <= xtol * 1e3) {
      converged = true;
      break;
    }
    if (size <= xtol) {
      converged = Number.isFinite(vals[best]);
      break;
    }
    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const p = pts[order[k]];
      for (let i = 0; i < n; i++) centroid[i] += p[i] / n;
    }
    for (let i = 0; i < n; i++) xr[i] = centroid[i] + (centroid[i] - pts[worst][i]);
    const fr = safe(xr);
    if (fr < vals[best]) {
      for (let i = 0; i < n; i++) xe[i] = centroid[i] + 2 * (centroid[i] - pts[worst][i]);
      const fe = safe(xe);
      if (fe < fr) {
        pts[worst].set(xe);
        vals[worst] = fe;
      } else {
        pts[worst].set(xr);
        vals[worst] = fr;
      }
    } else if (fr < vals[second]) {
      pts[worst].set(xr);
      vals[worst] = fr;
    } else {
      const outside = fr < vals[worst];
      for (let i = 0; i < n; i++) {
        xc[i] = outside ? centroid[i] + 0.5 * (xr[i] - centroid[i]) : centroid[i] + 0.5 * (pts[worst][i] - centroid[i]);
      }
      const fc = safe(xc);
      if (fc < (outside ? fr : vals[worst])) {
        pts[worst].set(xc);
        vals[worst] = fc;
      } else {
        for (let k = 1; k <= n; k++) {
          const p = pts[order[k]];
          for (let i = 0; i < n; i++) p[i] = pts[best][i] + 0.5 * (p[i] - pts[best][i]);
          vals[order[k]] = safe(p);
        }
      }
    }
  }
  let bi = 0;
  for (let k = 1; k <= n; k++) if (vals[k] < vals[bi]) bi = k;
  return {
    x: Float64Array.from(pts[bi]),
    value: vals[bi],
    iterations: iter,
    gradientNorm: Number.NaN,
    converged: converged && Number.isFinite(vals[bi]),
    method: "nelder-mead",
    message: converged ? "simplex converged" : "iteration limit reached",
  };
}
