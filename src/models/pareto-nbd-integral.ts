/**
 * The one hard integral of the Pareto/NBD model and the quadrature behind it.
 *
 * The likelihood (Fader, Hardie & Lee 2005, "A note on deriving the Pareto/NBD model and related expressions",
 * eq. 22) is C·[(α+T)^{-(r+x)}(β+T)^{-s} + s/(r+s+x)·A₀], and A₀ = (r+s+x)·∫_{t_x}^{T} (α+τ)^{-(r+x)}(β+τ)^{-(s+1)} dτ.
 * Write the integrand as g(τ) = (P+τ)^{-e_P}(m+τ)^{-e_m}, where P = max(α, β) and m = min(α, β) carry the exponents
 * of their side (this is the note's symmetric choice that keeps |z| < 1). Its tail G(τ) = ∫_τ^∞ g is, by Pfaff's
 * transformation of the note's ₂F₁(r+s+x, ·; r+s+x+1; z),
 *
 *   G(τ) = (m+τ)^{1−e_m} (P+τ)^{−e_P} ₂F₁(1, e_P; e_P+e_m; w) / (e_P+e_m−1),   w = (P−m)/(P+τ) ∈ [0, 1),
 *
 * a series of positive, decreasing terms (ratio (e_P+k)/(e_P+e_m+k)·w < w) whatever the size of x: the huge
 * parameter sits in both numerator and denominator, so no term overflows and nothing cancels. At α = β, w = 0 and
 * G is the closed form (α+τ)^{1−e}/(e−1): no special case is needed. Where w is close to 1 (one of α, β much
 * smaller than the other, early τ), the series would be slow; there G(τ) = ∫_τ^{τ_s} g + G(τ_s) with τ_s where
 * w = W0, and the first part by composite Gauss–Legendre in y = ln(m+τ). The integral over [t_x, T] is
 * G(t_x) − G(T), or a direct quadrature when the interval is so short that the difference would cancel.
 * Every function returns the log of the value and the partial derivatives of that log with respect to
 * (e_P, e_m, P, m), for the analytic gradient of the log-likelihood.
 */

/** Largest w summed as a series (at most ~130 terms); beyond it the quadrature takes over. */
const W0 = 0.7;
/** Number of terms over which the series' ratio is judged when w > W0 (see lnTail). */
const SERIES_K = 150;

function legendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

/**
 * Gauss–Legendre rules on [-1, 1] (nodes by Newton's method on P_n at module load).
 * @example GL8.w.reduce((a, b) => a + b) // ≈ 2
 */
export const GL16 = legendre(16);
export const GL8 = legendre(8);

/**
 * ln G(τ) and its partials. `out` receives [ln G, ∂/∂e_P, ∂/∂e_m, ∂/∂P, ∂/∂m] (partials of ln G).
 * @param eP exponent on the P = max(α, β) side
 * @param eM exponent on the m = min(α, β) side (e_P + e_m > 1)
 * @param P the larger of α, β
 * @param m the smaller of α, β
 * @param tau lower end τ >= 0
 * @param out receives the five numbers
 * @returns nothing (writes `out`)
 * @example lnTail(2, 1.5, 10, 10, 0, out); out[0] // => ln(10^{-2.5}/2.5) (α = β: closed form)
 */
export function lnTail(eP: number, eM: number, P: number, m: number, tau: number, out: Float64Array): void {
  const d = P - m;
  const w = d / (P + tau);
  // The series' term ratio (e_P+k)/(e_P+e_m+k)·w rises from about w·e_P/(e_P+e_m) towards w: with a large e_m
  // (s or r + x large on the ridges) it is small for the first hundreds of terms, which are all that are needed,
  // even where w is close to 1.
  if (w <= W0 || (w < 1 - 1e-9 && (w * (eP + SERIES_K)) / (eP + eM + SERIES_K) <= W0)) {
    tailSeries(eP, eM, P, m, tau, out);
    return;
  }
  const tauS = d / W0 - P;
  tailSeries(eP, eM, P, m, tauS, out);
  const q = quadScratch;
  lnIntegralQuad(eP, eM, P, m, tau, tauS, q, GL16);
  const hi = Math.max(q[0], out[0]);
  const a = Math.exp(q[0] - hi);
  const b = Math.exp(out[0] - hi);
  const s = a + b;
  out[0] = hi + Math.log(s);
  for (let k = 1; k < 5; k++) out[k] = (a * q[k] + b * out[k]) / s;
}
const quadScratch = new Float64Array(5);

function tailSeries(eP: number, eM: number, P: number, m: number, tau: number, out: Float64Array): void {
  const u = P + tau;
  const v = m + tau;
  const w = (P - m) / u;
  const c = eP + eM;
  let t = 1;
  let S = 1;
  let SW = 0;
  let SA = 0;
  let SB = 0;
  let A = 0;
  let B = 0;
  if (w > 0) {
    const tailFactor = 1 / (1 - w);
    for (let k = 0; k < 100000; k++) {
      const ek = eP + k;
      const ck = c + k;
      A += eM / (ek * ck);
      B -= 1 / ck;
      t *= (ek / ck) * w;
      S += t;
      SW += (k + 1) * t;
      SA += t * A;
      SB += t * B;
      if (t * (k + 2) * tailFactor * (1 + Math.abs(B)) < 1e-17 * S) break;
    }
  }
  const Sw = w > 0 ? SW / w / S : eP / c;
  const lnU = Math.log(u);
  const lnV = Math.log(v);
  const cm1 = c - 1;
  out[0] = (1 - eM) * lnV - eP * lnU + Math.log(S) - Math.log(cm1);
  out[1] = -lnU + SA / S - 1 / cm1;
  out[2] = -lnV + SB / S - 1 / cm1;
  out[3] = -eP / u + (Sw * v) / (u * u);
  out[4] = (1 - eM) / v - Sw / u;
}

/** Log-integrand drop below its maximum beyond which the quadrature stops (e^{-50} ≈ 2e-22 of the peak). */
const CUT = 50;
/** Most panels one quadrature uses (see hMin). */
const MAX_PANELS = 512;

/** φ(y) = (1−e_m)y − e_P ln(d+e^y), the log-integrand of lnIntegralQuad (a1 = 1−e_m). Not a closure: hot. */
function quadPhi(a1: number, eP: number, d: number, y: number): number {
  return a1 * y - eP * Math.log(d + Math.exp(y));
}

/** φ'(y); it decreases in y (φ is concave), so |φ'| on a panel peaks at one of its ends. */
function quadDphi(a1: number, eP: number, d: number, y: number): number {
  const e = Math.exp(y);
  return a1 - (eP * e) / (d + e);
}

/** Where φ crosses `cut` in [lo, hi], by bisection: φ rising on it (left cut) or falling (right cut). */
function quadCut(a1: number, eP: number, d: number, cut: number, lo: number, hi: number, rising: boolean): number {
  for (let k = 0; k < 200 && hi - lo > 1e-9 * (1 + Math.abs(lo)); k++) {
    const mid = 0.5 * (lo + hi);
    const v = quadPhi(a1, eP, d, mid);
    // Anywhere within 2 of the cut will do: what is left out is below e^{-(CUT-2)} of the integral.
    if (Math.abs(v - cut) < 2) return mid;
    if (v > cut === rising) hi = mid;
    else lo = mid;
  }
  return rising ? lo : hi;
}

/**
 * ln ∫_{τa}^{τb} g(τ) dτ (τa < τb) and its partials, by composite Gauss–Legendre in y = ln(m+τ), where the
 * integrand is exp(φ(y)), φ(y) = (1−e_m)y − e_P ln(P−m+e^y): concave in y, analytic in the strip |Im y| < π.
 * Only the part of [ya, yb] where φ is within CUT of its maximum is integrated (φ is concave, so what is left out is
 * below e^{-CUT} of the integral), and panels march from left to right, each at most 2 wide and at most
 * 8 / (largest |φ'| on it), so each is integrated to rounding error. The number of panels is therefore bounded
 * (about CUT/8 plus the log of the slope range) however large e_P, e_m, P or m are: on the ridges s, β → ∞ or
 * r, α → ∞ the integrand is sharply peaked and a fixed grid over [ya, yb] would need thousands of panels.
 * @param eP exponent on the P side
 * @param eM exponent on the m side
 * @param P the larger of α, β
 * @param m the smaller of α, β
 * @param ta lower limit
 * @param tb upper limit (> ta)
 * @param out receives [ln ∫, ∂/∂e_P, ∂/∂e_m, ∂/∂P, ∂/∂m] (partials of the log)
 * @param rule Gauss–Legendre rule per panel (GL16 by default)
 * @returns nothing (writes `out`)
 * @example lnIntegralQuad(2, 1.5, 10, 10, 0, 5, out); Math.exp(out[0]) // ≈ (10^{-2.5} − 15^{-2.5}) / 2.5
 */
export function lnIntegralQuad(
  eP: number,
  eM: number,
  P: number,
  m: number,
  ta: number,
  tb: number,
  out: Float64Array,
  rule = GL16,
): void {
  const d = P - m;
  const a1 = 1 - eM;
  let ya = Math.log(m + ta);
  let yb = Math.log(m + tb);
  // The maximum of φ on [ya, yb]: where φ' = 0, i.e. e^y/(d+e^y) = (1−e_m)/e_P.
  let yStar = ya;
  const qq = a1 / eP;
  if (d > 0 && qq > 0) yStar = qq >= 1 ? yb : Math.min(yb, Math.max(ya, Math.log((d * qq) / (1 - qq))));
  const off = quadPhi(a1, eP, d, yStar);
  const cut = off - CUT;
  if (quadPhi(a1, eP, d, ya) < cut) ya = quadCut(a1, eP, d, cut, ya, yStar, true);
  if (quadPhi(a1, eP, d, yb) < cut) yb = quadCut(a1, eP, d, cut, yStar, yb, false);
  let s0 = 0;
  let sP = 0;
  let sM = 0;
  let sdP = 0;
  let sdM = 0;
  const { x: nodes, w: weights } = rule;
  const nn = nodes.length;
  let y = ya;
  let dLeft = Math.abs(quadDphi(a1, eP, d, y));
  // Narrowest panel: at most MAX_PANELS of them. It only binds where the peak is narrower than the resolution of y
  // itself (parameters ~1e15 and beyond, where the log-likelihood has lost its precision anyway), so that such a
  // point costs no more than an ordinary one.
  const hMin = (yb - ya) / MAX_PANELS;
  for (let guard = 0; y < yb && guard <= MAX_PANELS; guard++) {
    let h = Math.min(yb - y, 2);
    let dRight = Math.abs(quadDphi(a1, eP, d, y + h));
    for (let k = 0; k < 3; k++) {
      const hNew = Math.max(hMin, Math.min(h, 8 / Math.max(1e-300, dLeft, dRight)));
      if (hNew === h) break;
      h = hNew;
      dRight = Math.abs(quadDphi(a1, eP, d, y + h));
    }
    const half = 0.5 * h;
    const mid = y + half;
    let p0 = 0;
    let pP = 0;
    let pM = 0;
    let pdP = 0;
    let pdM = 0;
    for (let i = 0; i < nn; i++) {
      const yi = mid + half * nodes[i];
      const ey = Math.exp(yi);
      const lnU = Math.log(d + ey);
      const f = weights[i] * Math.exp(a1 * yi - eP * lnU - off);
      p0 += f;
      pP -= lnU * f;
      pM -= yi * f;
      pdP -= (eP / (d + ey)) * f;
      pdM -= (eM / ey) * f;
    }
    s0 += half * p0;
    sP += half * pP;
    sM += half * pM;
    sdP += half * pdP;
    sdM += half * pdM;
    y = h < yb - y ? y + h : yb;
    dLeft = dRight;
  }
  const k = 1 / s0;
  out[0] = off + Math.log(s0);
  out[1] = sP * k;
  out[2] = sM * k;
  out[3] = sdP * k;
  out[4] = sdM * k;
}

/** A log-integrand and a bound on |φ'| over [y, y2]. */
export interface LogIntegrand {
  phi: (y: number) => number;
  slope: (y: number, y2: number) => number;
}

/**
 * ln ∫_{ya}^{yb} exp(φ(y)) dy by composite 16-point Gauss–Legendre, marching panels whose width is at most 2 and at
 * most 8 / (slope bound on the panel); the sum is kept scaled by its running maximum, so it never overflows.
 * For the non-hot paths (pmf, the confluent hypergeometric U).
 * @param f log-integrand and slope bound
 * @param ya lower limit
 * @param yb upper limit
 * @returns ln ∫ exp(φ)
 * @example lnIntegrateExp({ phi: (y) => -y, slope: () => 1 }, 0, 50) // ≈ ln(1 − e^{-50})
 */
export function lnIntegrateExp(f: LogIntegrand, ya: number, yb: number): number {
  let y = ya;
  let mx = Number.NEGATIVE_INFINITY;
  let sum = 0;
  const { x: nodes, w: weights } = GL16;
  let guard = 0;
  while (y < yb && guard++ < 100000) {
    // Width: at most 2, and at most 8 / (slope bound on the panel itself), found by shrinking twice.
    let h = Math.min(yb - y, 2);
    for (let k = 0; k < 3; k++) h = Math.min(h, 8 / Math.max(1e-300, f.slope(y, y + h)));
    const half = 0.5 * h;
    const mid = y + half;
    for (let i = 0; i < 16; i++) {
      const v = f.phi(mid + half * nodes[i]);
      if (v === Number.NEGATIVE_INFINITY) continue;
      const lw = v + Math.log(weights[i] * half);
      if (lw > mx) {
        sum = sum * Math.exp(mx - lw) + 1;
        mx = lw;
      } else sum += Math.exp(lw - mx);
    }
    y += h;
  }
  return mx + Math.log(sum);
}
