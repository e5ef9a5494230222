/**
 * Hessians by central differences of an analytic gradient, and the symmetric-matrix algebra that turns one
 * into a covariance matrix.
 */
import type { ObjectiveWithGradient } from "./bfgs.ts";

/**
 * Hessian of `f` at `x` by central differences of its gradient (step h·max(1,|x_i|)), symmetrised.
 * @param f objective with gradient
 * @param x the point
 * @param h relative step, default 1e-5
 * @returns the n×n Hessian, row-major
 * @example numericHessian((x, g) => { g[0] = 2 * x[0]; return x[0] ** 2; }, new Float64Array([1])) // ≈ [2]
 */
export function numericHessian(f: ObjectiveWithGradient, x: ArrayLike<number>, h = 1e-5): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const xp = Float64Array.from(x);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const step = h * Math.max(1, Math.abs(x[j]));
    xp[j] = x[j] + step;
    f(xp, gp);
    xp[j] = x[j] - step;
    f(xp, gm);
    xp[j] = x[j];
    for (let i = 0; i < n; i++) H[i * n + j] = (gp[i] - gm[i]) / (2 * step);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/**
 * Cholesky factor L (lower, row-major) of a symmetric matrix.
 * @returns L, or `undefined` when the matrix is not positive definite
 * @example cholesky(new Float64Array([4, 2, 2, 3]), 2) // => [2, 0, 1, 1.4142135623730951]
 */
export function cholesky(A: ArrayLike<number>, n: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return undefined;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  return L;
}

/**
 * Inverse of a symmetric positive-definite matrix through its Cholesky factor.
 * @returns the inverse, or `undefined` when the matrix is not positive definite
 * @example invertSpd(new Float64Array([2, 0, 0, 4]), 2) // ≈ [0.5, 0, 0, 0.25] (first entry 0.4999999999999999)
 */
export function invertSpd(A: ArrayLike<number>, n: number): Float64Array | undefined {
  const L = cholesky(A, n);
  if (!L) return undefined;
  // Invert L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹.
  const Li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    Li[i * n + i] = 1 / L[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * n + k] * Li[k * n + j];
      Li[i * n + j] = s / L[i * n + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Li[k * n + i] * Li[k * n + j];
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}
