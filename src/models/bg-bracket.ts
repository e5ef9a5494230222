/**
 * The ₂F₁ bracket shared by BG/NBD and MBG/NBD conditional expectations (MBG/NBD's is BG/NBD's with b → b + 1).
 */
import { expm1, hyp2f1 } from "../math/special.ts";

/**
 * [1 − (1−z)^u ₂F₁(u, v; c; z)] / am1 by the direct ₂F₁ series, rescaled so that large terms never overflow. Used
 * when a is large (a·z > 20) or r exceeds a + b by much: there the Euler-transformed series needs about a·z terms and overflows (NaN for
 * a ≳ 1e3, which fits reach on the a, b → ∞ ridge of data with little dropout heterogeneity), while the direct
 * series converges geometrically at rate ≈ z·b/(a+b).
 */
function directBracketOverAm1(u: number, v: number, c: number, am1: number, z: number): number {
  let lnScale = u * Math.log1p(-z);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 1e7; k++) {
    const ratio = (((u + k) * (v + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (sum > 1e280) {
      lnScale += Math.log(sum);
      term /= sum;
      sum = 1;
    }
    if (ratio < 1 && term <= 1e-17 * sum) break;
  }
  return -Math.expm1(lnScale + Math.log(sum)) / am1;
}

/**
 * [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z)] / (a − 1), z = t/(α+T+t), computed through Euler's
 * transformation as [1 − (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z)] / (a − 1) with the factor (a − 1) taken out of
 * the series, so it is exact at a = 1 and never forms the huge ₂F₁ of large x. `shift` 1 gives MBG/NBD's bracket,
 * which is BG/NBD's with b + 1.
 */
export function bracketOverAm1(
  r: number,
  alpha: number,
  a: number,
  b: number,
  x: number,
  T: number,
  t: number,
  shift = 0,
): number {
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const L = Math.log1p(-z);
  const am1 = a - 1;
  // Large a, or r > a + b (a large negative first argument makes the Euler series alternate and cancel).
  // shift 0: BG/NBD; shift 1: MBG/NBD (b + 1). Sums keep a + b first so tiny a, b are not lost against 1.
  const A = a + b + (shift - 1) - r;
  const C = a + b + x + (shift - 1);
  if (am1 * z > 20 || A * z < -20) return directBracketOverAm1(r + x, b + x + shift, C, am1, z);
  // S = Σ_{k≥1} (A)_k (a)_{k−1} / ((C)_k k!) z^k
  let term = (A / C) * z;
  let S = term;
  let k = 1;
  for (; k < 100000; k++) {
    term *= (((A + k) * (a + k - 1)) / ((C + k) * (k + 1))) * z;
    S += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(S)) break;
  }
  if (k >= 100000) {
    // Fall back on the library 2F1 (z close to 1 with slowly converging series).
    const h = hyp2f1(A, am1, C, z);
    return -(Math.exp(am1 * L) * h - 1) / am1;
  }
  const em = am1 === 0 ? L : expm1(am1 * L) / am1;
  return -em - Math.exp(am1 * L) * S;
}
