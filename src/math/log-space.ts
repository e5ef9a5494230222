/**
 * Log-space arithmetic: sums and differences of numbers held as their logarithms.
 */

/**
 * ln(e^a + e^b) without overflow or underflow.
 * @example logAddExp(0, 0) // => Math.LN2
 */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  // Equal arguments: also keeps logAddExp(Infinity, Infinity) = Infinity (a - b would be NaN).
  if (a === b) return a + Math.LN2;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * ln(e^a - e^b) for a >= b; -Infinity when a === b.
 * @throws RangeError when b > a (the difference would be negative)
 * @example logSubExp(Math.LN2, 0) // => 0
 */
export function logSubExp(a: number, b: number): number {
  if (b > a) throw new RangeError(`logSubExp: b (${b}) > a (${a})`);
  if (b === Number.NEGATIVE_INFINITY) return a;
  if (a === b) return Number.NEGATIVE_INFINITY;
  return a + log1mExp(b - a);
}

/**
 * ln(1 - e^x) for x <= 0, using the Mächler (2012) switch between log(-expm1) and log1p(-exp).
 * @example log1mExp(-Math.LN2) // => -Math.LN2
 */
export function log1mExp(x: number): number {
  if (x > 0) return Number.NaN;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/**
 * ln Σ e^{v_i}.
 * @param values logs of the terms
 * @returns the log of their sum; -Infinity for an empty list
 * @example logSumExp([0, 0, 0]) // => Math.log(3)
 */
export function logSumExp(values: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  let iMax = -1;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > m) {
      m = values[i];
      iMax = i;
    }
  }
  if (m === Number.NEGATIVE_INFINITY || !Number.isFinite(m)) return m;
  // m + log1p(Σ_{i≠max} e^{v_i - m}) rather than m + log(Σ e^{v_i - m}): keeps full relative accuracy when the
  // result is near 0 (logSumExp([0, -40]) is 4.2e-18, not 0), matching logAddExp for two values.
  let s = 0;
  for (let i = 0; i < values.length; i++) if (i !== iMax) s += Math.exp(values[i] - m);
  return m + Math.log1p(s);
}
