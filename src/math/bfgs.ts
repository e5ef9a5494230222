/**
 * A small BFGS minimiser with a backtracking (Armijo) line search and analytic gradients.
 * Works on unconstrained parameters: models optimise the logs of their positive parameters.
 */

/** Objective: returns f(x) and writes ∇f(x) into `grad`. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

/** What an optimiser reports. */
export interface OptimizeResult {
  x: Float64Array;
  value: number;
  iterations: number;
  gradientNorm: number;
  converged: boolean;
  method: "bfgs" | "nelder-mead";
  message: string;
}

export interface BfgsOptions {
  /** Stop when the infinity norm of the gradient is below this. Default 1e-6. */
  gradientTolerance?: number;
  /** Stop when the relative change of f over an iteration is below this (and the gradient is small-ish). Default 1e-12. */
  valueTolerance?: number;
  /** Default 500. */
  maxIterations?: number;
}

function infNorm(g: Float64Array): number {
  let m = 0;
  for (let i = 0; i < g.length; i++) {
    const a = Math.abs(g[i]);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}

/**
 * Minimises `f` from `x0` with BFGS.
 * @param f objective with gradient
 * @param x0 starting point (not modified)
 * @param options tolerances
 * @returns the optimum found and a convergence report; `converged` is false when it stopped for any other reason
 * @example
 * const r = bfgs((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2; }, new Float64Array([0]));
 * // r.x[0] ≈ 3, r.converged === true
 */
export function bfgs(f: ObjectiveWithGradient, x0: ArrayLike<number>, options: BfgsOptions = {}): OptimizeResult {
  const gtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.valueTolerance ?? 1e-12;
  const maxIter = options.maxIterations ?? 500;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = f(x, g);
  if (!Number.isFinite(fx) || !g.every(Number.isFinite)) {
    return {
      x,
      value: fx,
      iterations: 0,
      gradientNorm: infNorm(g),
      converged: false,
      method: "bfgs",
      message: "objective or gradient not finite at the start",
    };
  }
  // Inverse Hessian approximation, row-major.
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  const p = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let iter = 0;
  let firstStep = true;
  let smallChanges = 0;
  for (; iter < maxIter; iter++) {
    const gn = infNorm(g);
    if (gn < gtol) {
      return {
        x,
        value: fx,
        iterations: iter,
        gradientNorm: gn,
        converged: true,
        method: "bfgs",
        message: "gradient below tolerance",
      };
    }
    // p = -H g
    let slope = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= H[i * n + j] * g[j];
      p[i] = v;
      slope += v * g[i];
    }
    if (!(slope < 0)) {
      // Not a descent direction: reset to steepest descent.
      H.fill(0);
      for (let i = 0; i < n; i++) H[i * n + i] = 1;
      slope = 0;
      for (let i = 0; i < n; i++) {
        p[i] = -g[i];
        slope -= g[i] * g[i];
      }
    }
    // First step: limit its length so a steepest-descent step on a steep objective does not overshoot.
    let step = 1;
    if (firstStep) {
      let pn = 0;
      for (let i = 0; i < n; i++) pn = Math.max(pn, Math.abs(p[i]));
      if (pn > 1) step = 1 / pn;
      firstStep = false;
    }
    let fNew = Number.NaN;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      let moved = false;
      for (let i = 0; i < n; i++) {
        xNew[i] = x[i] + step * p[i];
        if (xNew[i] !== x[i]) moved = true;
      }
      // A step too small to change x in floating point would pass the Armijo test with fNew === fx: that is a failed
      // line search, not an iteration.
      if (!moved) break;
      fNew = f(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope && gNew.every(Number.isFinite)) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      return {
        x,
        value: fx,
        iterations: iter,
        gradientNorm: gn,
        converged: gn < Math.sqrt(gtol),
        method: "bfgs",
        message: "line search failed",
      };
    }
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
    }
    const relChange = Math.abs(fx - fNew) / Math.max(1, Math.abs(fx));
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (relChange < ftol) {
      smallChanges++;
      if (smallChanges >= 3) {
        const gnEnd = infNorm(g);
        return {
          x,
          value: fx,
          iterations: iter + 1,
          gradientNorm: gnEnd,
          converged: gnEnd < Math.sqrt(gtol),
          method: "bfgs",
          message: "relative change in value below tolerance",
        };
      }
    } else {
      smallChanges = 0;
    }
    if (sy > 1e-12) {
      // BFGS update of the inverse Hessian: H = (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ.
      const rho = 1 / sy;
      let yHy = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j] * y[j];
        Hy[i] = v;
        yHy += y[i] * v;
      }
      if (iter === 0) {
        // Scale the initial identity (Nocedal & Wright 6.20) before the first update.
        let yy = 0;
        for (let i = 0; i < n; i++) yy += y[i] * y[i];
        const scale = sy / yy;
        for (let i = 0; i < n * n; i++) H[i] *= scale;
        yHy *= scale;
        for (let i = 0; i < n; i++) Hy[i] *= scale;
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
        }
      }
    }
  }
  const gn = infNorm(g);
  return {
    x,
    value: fx,
    iterations: iter,
    gradientNorm: gn,
    converged: gn < gtol,
    method: "bfgs",
    message: "iteration limit reached",
  };
}
