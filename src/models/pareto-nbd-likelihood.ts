/**
 * The Pareto/NBD likelihood over a data set: the tails G(t_x), G(T) of pareto-nbd-integral.ts computed once per
 * distinct (x, τ) pair, combined per row in linear scale (one log per row) or in log space where the values span
 * too wide a range; and the vectorised scoring that shares the same per-pair tails.
 */
import type { RfmData } from "../data/summary.ts";
import { digamma, gammaln } from "../math/special.ts";
import type { ParetoNbdParams } from "./pareto-nbd.ts";
import { GL8, lnIntegralQuad, lnTail } from "./pareto-nbd-integral.ts";
import { frequencyIndex } from "./rfm-cache.ts";

/** Log-variation of the integrand over [t_x, T] below which the integral is taken directly (no G(t_x) − G(T)). */
const SHORT = 0.01;

const ep = new Float64Array(5);

/**
 * ln G(τ) for a customer with frequency x, with the partials mapped to (r, α, s, β): writes [ln G, ∂r, ∂α, ∂s, ∂β].
 */
function tailRasb(r: number, alpha: number, s: number, beta: number, x: number, tau: number, out: Float64Array, o = 0) {
  if (alpha >= beta) {
    lnTail(r + x, s + 1, alpha, beta, tau, ep);
    out[o] = ep[0];
    out[o + 1] = ep[1];
    out[o + 2] = ep[3];
    out[o + 3] = ep[2];
    out[o + 4] = ep[4];
  } else {
    lnTail(s + 1, r + x, beta, alpha, tau, ep);
    out[o] = ep[0];
    out[o + 1] = ep[2];
    out[o + 2] = ep[4];
    out[o + 3] = ep[1];
    out[o + 4] = ep[3];
  }
}

/** ln ∫_{t_x}^{T} (α+τ)^{-(r+x)}(β+τ)^{-(s+1)} dτ directly by quadrature, partials mapped to (r, α, s, β). */
function directRasb(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  tx: number,
  T: number,
  out: Float64Array,
) {
  if (alpha >= beta) {
    lnIntegralQuad(r + x, s + 1, alpha, beta, tx, T, ep, GL8);
    out[0] = ep[0];
    out[1] = ep[1];
    out[2] = ep[3];
    out[3] = ep[2];
    out[4] = ep[4];
  } else {
    lnIntegralQuad(s + 1, r + x, beta, alpha, tx, T, ep, GL8);
    out[0] = ep[0];
    out[1] = ep[2];
    out[2] = ep[4];
    out[3] = ep[1];
    out[4] = ep[3];
  }
}

function isShort(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): boolean {
  const dt = T - tx;
  return dt * ((r + x) / (alpha + tx) + (s + 1) / (beta + tx)) <= SHORT;
}

/**
 * Combines ln G(t_x) (at g1[o1..]) and ln G(T) (at g2[o2..]) into ln I, I = G(t_x) − G(T), and its gradient.
 */
function differenceInto(g1: Float64Array, o1: number, g2: Float64Array, o2: number, out: Float64Array): void {
  const lr = g2[o2] - g1[o1];
  if (!(lr < 0)) {
    out[0] = Number.NEGATIVE_INFINITY;
    out[1] = out[2] = out[3] = out[4] = 0;
    return;
  }
  const rho = Math.exp(lr);
  out[0] = g1[o1] + (lr > -Math.LN2 ? Math.log(-Math.expm1(lr)) : Math.log1p(-rho));
  const k = 1 / (1 - rho);
  for (let j = 1; j < 5; j++) out[j] = (g1[o1 + j] - rho * g2[o2 + j]) * k;
}

const tA = new Float64Array(5);
const tB = new Float64Array(5);

/**
 * ln I(x, t_x, T) = ln ∫_{t_x}^{T} (α+τ)^{-(r+x)}(β+τ)^{-(s+1)} dτ (−Infinity when t_x = T), with its gradient
 * in (r, α, s, β) at out[1..4]. The note's A₀ is (r+s+x)·I.
 * @param p parameters
 * @param x frequency
 * @param tx recency
 * @param T age
 * @param out where to write [ln I, ∂/∂r, ∂/∂α, ∂/∂s, ∂/∂β] (of ln I)
 * @returns `out`
 * @example paretoNbdLnIntegral({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 2, 30.43, 38.86)[0] // ≈ -13.72834347
 */
export function paretoNbdLnIntegral(
  p: ParetoNbdParams,
  x: number,
  tx: number,
  T: number,
  out = new Float64Array(5),
): Float64Array {
  const { r, alpha, s, beta } = p;
  if (!(T > tx)) {
    out.fill(0);
    out[0] = Number.NEGATIVE_INFINITY;
  } else if (isShort(r, alpha, s, beta, x, tx, T)) directRasb(r, alpha, s, beta, x, tx, T, out);
  else {
    tailRasb(r, alpha, s, beta, x, tx, tA);
    tailRasb(r, alpha, s, beta, x, T, tB);
    differenceInto(tA, 0, tB, 0, out);
  }
  return out;
}

interface EndpointCache {
  /** Distinct (x, τ) pairs: x and τ. */
  ex: Float64Array;
  et: Float64Array;
  /** Per endpoint: index of its x among the distinct frequencies (frequencyIndex). */
  ej: Uint32Array;
  /** Per row: endpoint of (x, t_x) and of (x, T). */
  iTx: Uint32Array;
  iT: Uint32Array;
}

const endpointCache = new WeakMap<Float64Array, WeakMap<Float64Array, WeakMap<Float64Array, EndpointCache>>>();

function endpoints(data: RfmData): EndpointCache {
  let a = endpointCache.get(data.frequency);
  if (!a) {
    a = new WeakMap();
    endpointCache.set(data.frequency, a);
  }
  let b = a.get(data.recency);
  if (!b) {
    b = new WeakMap();
    a.set(data.recency, b);
  }
  const hit = b.get(data.T);
  if (hit) return hit;
  const byX = new Map<number, Map<number, number>>();
  const ex: number[] = [];
  const et: number[] = [];
  const id = (x: number, t: number): number => {
    let mp = byX.get(x);
    if (!mp) {
      mp = new Map();
      byX.set(x, mp);
    }
    let k = mp.get(t);
    if (k === undefined) {
      k = ex.length;
      mp.set(t, k);
      ex.push(x);
      et.push(t);
    }
    return k;
  };
  const n = data.frequency.length;
  const iTx = new Uint32Array(n);
  const iT = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    iTx[i] = id(data.frequency[i], data.recency[i]);
    iT[i] = id(data.frequency[i], data.T[i]);
  }
  const { values } = frequencyIndex(data);
  const pos = new Map<number, number>();
  values.forEach((v, j) => pos.set(v, j));
  const ej = Uint32Array.from(ex, (x) => pos.get(x) ?? 0);
  const out = { ex: Float64Array.from(ex), et: Float64Array.from(et), ej, iTx, iT };
  b.set(data.T, out);
  return out;
}

/**
 * Log-likelihood (weighted total) and, when `grad` is given, its gradient in (r, α, s, β).
 * Fader, Hardie & Lee (2005 note) eq. 22: ln[Γ(r+x)α^rβ^s/Γ(r)] + ln[(α+T)^{-(r+x)}(β+T)^{-s} + s·I], with
 * I = ∫_{t_x}^{T}(α+τ)^{-(r+x)}(β+τ)^{-(s+1)}dτ = A₀/(r+s+x). The tails G(t_x), G(T) are computed once per
 * distinct (x, τ) pair of the data set.
 * @param p (r, α, s, β) as an array
 * @param data summaries, optionally weighted
 * @param grad when given, receives dLL/d(r, α, s, β)
 * @returns the weighted total log-likelihood; -Infinity outside the parameter space
 * @see lifetimes ParetoNBDFitter._negative_log_likelihood
 * @example paretoNbdLogLikelihoodWithGradient([0.553276, 10.577612, 0.606214, 11.667912], cdnowRounded, g) // ≈ -9594.9739, g ≈ 0
 */
export function paretoNbdLogLikelihoodWithGradient(p: ArrayLike<number>, data: RfmData, grad?: Float64Array): number {
  const r = p[0];
  const alpha = p[1];
  const s = p[2];
  const beta = p[3];
  if (!(r > 0 && alpha > 0 && s > 0 && beta > 0 && Number.isFinite(r + alpha + s + beta)))
    return Number.NEGATIVE_INFINITY;
  const { values, index } = frequencyIndex(data);
  const m = values.length;
  const cX = new Float64Array(m);
  const dX = new Float64Array(m);
  const psiR = digamma(r);
  const lgR = gammaln(r);
  for (let j = 0; j < m; j++) {
    cX[j] = gammaln(r + values[j]) - lgR;
    if (grad) dX[j] = digamma(r + values[j]) - psiR;
  }
  const E = endpoints(data);
  const ne = E.ex.length;
  const G = new Float64Array(5 * ne);
  const lnA = new Float64Array(ne);
  const lnB = new Float64Array(ne);
  // Linear-scale copies of G and F = (α+τ)^{-(r+x)}(β+τ)^{-s}, scaled by a per-x offset, so that most rows need one
  // log instead of four transcendental calls; an x whose values span more than e^600 stays on the log path.
  const hiX = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
  const loX = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  const lnFe = new Float64Array(ne);
  for (let e = 0; e < ne; e++) {
    const x = E.ex[e];
    tailRasb(r, alpha, s, beta, x, E.et[e], G, 5 * e);
    lnA[e] = Math.log(alpha + E.et[e]);
    lnB[e] = Math.log(beta + E.et[e]);
    lnFe[e] = -(r + x) * lnA[e] - s * lnB[e];
    const j = E.ej[e];
    const hi = Math.max(G[5 * e], lnFe[e]);
    const lo = Math.min(G[5 * e], lnFe[e]);
    if (hi > hiX[j]) hiX[j] = hi;
    if (lo < loX[j]) loX[j] = lo;
  }
  const Gl = new Float64Array(ne);
  const Fl = new Float64Array(ne);
  for (let e = 0; e < ne; e++) {
    const off = hiX[E.ej[e]];
    Gl[e] = Math.exp(G[5 * e] - off);
    Fl[e] = Math.exp(lnFe[e] - off);
  }
  const lnAlpha = Math.log(alpha);
  const lnBeta = Math.log(beta);
  const lnS = Math.log(s);
  const { frequency, recency, T, weights } = data;
  const I = new Float64Array(5);
  let ll = 0;
  let gr = 0;
  let ga = 0;
  let gs = 0;
  let gb = 0;
  const n = frequency.length;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    const x = frequency[i];
    const tx = recency[i];
    const Ti = T[i];
    const j = index[i];
    const e1 = E.iTx[i];
    const e2 = E.iT[i];
    const lnAT = lnA[e2];
    const lnBT = lnB[e2];
    let pI = 0;
    let lse: number;
    if (Ti > tx && hiX[j] - loX[j] < 600 && !isShort(r, alpha, s, beta, x, tx, Ti) && Gl[e1] > Gl[e2]) {
      // Linear path: L / (C e^{off}) = F̃ + s (G̃(t_x) − G̃(T)).
      const Il = Gl[e1] - Gl[e2];
      const sI = s * Il;
      const tot = Fl[e2] + sI;
      lse = hiX[j] + Math.log(tot);
      pI = sI / tot;
      const k1 = Gl[e1] / Il;
      const k2 = Gl[e2] / Il;
      const o1 = 5 * e1;
      const o2 = 5 * e2;
      for (let k = 1; k < 5; k++) I[k] = k1 * G[o1 + k] - k2 * G[o2 + k];
    } else {
      if (!(Ti > tx)) I[0] = Number.NEGATIVE_INFINITY;
      else if (isShort(r, alpha, s, beta, x, tx, Ti)) directRasb(r, alpha, s, beta, x, tx, Ti, I);
      else differenceInto(G, 5 * e1, G, 5 * e2, I);
      const lnF = lnFe[e2];
      const lnSI = lnS + I[0];
      if (lnSI === Number.NEGATIVE_INFINITY) lse = lnF;
      else {
        const e = Math.exp(-Math.abs(lnF - lnSI));
        lse = Math.max(lnF, lnSI) + Math.log1p(e);
        pI = lnSI >= lnF ? 1 / (1 + e) : e / (1 + e);
      }
    }
    ll += w * (cX[j] + r * lnAlpha + s * lnBeta + lse);
    if (grad) {
      const pF = 1 - pI;
      gr += w * (dX[j] + lnAlpha - pF * lnAT + (pI > 0 ? pI * I[1] : 0));
      ga += w * (r / alpha - (pF * (r + x)) / (alpha + Ti) + (pI > 0 ? pI * I[2] : 0));
      gs += w * (lnBeta - pF * lnBT + (pI > 0 ? pI * (1 / s + I[3]) : 0));
      gb += w * (s / beta - (pF * s) / (beta + Ti) + (pI > 0 ? pI * I[4] : 0));
    }
  }
  if (grad) {
    grad[0] = gr;
    grad[1] = ga;
    grad[2] = gs;
    grad[3] = gb;
  }
  return ll;
}

/**
 * [1 − (1+q)^{-(s−1)}]/(s−1), exact at s = 1 (ln(1+q)): the lifetime factor of the expectations.
 * @param s dropout shape
 * @param q t / (β + T)
 * @returns the bracket
 * @example powerBracket(1, Math.E - 1) // => 1
 */
export function powerBracket(s: number, q: number): number {
  const l = Math.log1p(q);
  return s === 1 ? l : -Math.expm1(-(s - 1) * l) / (s - 1);
}

/**
 * Conditional expected purchases at several horizons and P(alive) for every customer at once; the tails G(t_x),
 * G(T) are computed once per distinct (x, τ) pair, so daily data with many identical histories scores fast.
 * Equal to the scalar functions (test/models/pareto-nbd.test.ts).
 * @param p parameters
 * @param times horizons (model time unit)
 * @param data summaries
 * @returns expected[k][i] = E[purchases in (T, T + times[k]] | customer i] and pAlive[i]
 * @example paretoNbdScoreMany(pub, [39], oneRow(2, 30.43, 38.86)) // => { expected: [[1.455123...]], pAlive: [0.869168...] }
 */
export function paretoNbdScoreMany(
  p: ParetoNbdParams,
  times: readonly number[],
  data: RfmData,
): { expected: Float64Array[]; pAlive: Float64Array } {
  const { r, alpha, s, beta } = p;
  const n = data.frequency.length;
  const E = endpoints(data);
  const ne = E.ex.length;
  const G = new Float64Array(5 * ne);
  for (let e = 0; e < ne; e++) tailRasb(r, alpha, s, beta, E.ex[e], E.et[e], G, 5 * e);
  const expected = times.map(() => new Float64Array(n));
  const pAlive = new Float64Array(n);
  const I = new Float64Array(5);
  const lnS = Math.log(s);
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i];
    const tx = data.recency[i];
    const Ti = data.T[i];
    let pa = 1;
    if (Ti > tx) {
      if (isShort(r, alpha, s, beta, x, tx, Ti)) directRasb(r, alpha, s, beta, x, tx, Ti, I);
      else differenceInto(G, 5 * E.iTx[i], G, 5 * E.iT[i], I);
      const lnOdds = lnS + I[0] + (r + x) * Math.log(alpha + Ti) + s * Math.log(beta + Ti);
      pa = lnOdds > 0 ? Math.exp(-lnOdds) / (1 + Math.exp(-lnOdds)) : 1 / (1 + Math.exp(lnOdds));
    }
    pAlive[i] = pa;
    const bT = beta + Ti;
    const mult = (((r + x) * bT) / (alpha + Ti)) * pa;
    for (let k = 0; k < times.length; k++) expected[k][i] = mult * powerBracket(s, times[k] / bT);
  }
  return { expected, pAlive };
}
