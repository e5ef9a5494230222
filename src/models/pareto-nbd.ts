/**
 * Pareto/NBD: Poisson purchasing with rate λ ~ Gamma(r, α) and an exponential lifetime with rate μ ~ Gamma(s, β)
 * (Schmittlein, Morrison & Colombo 1987, Management Science 33(1); expressions from Fader, Hardie & Lee 2005,
 * "A note on deriving the Pareto/NBD model and related expressions", and Hardie's notes 008/009/027/028).
 * Time is in the unit of the data it was fitted on. Likelihood, gradient, fit, P(alive), expectations and the
 * simulator live here; the hard integral in pareto-nbd-integral.ts; the purchase-count pmfs and DERT in
 * pareto-nbd-pmf.ts.
 */
import type { Customer, RfmData } from "../data/summary.ts";
import type { Rng } from "../math/random.ts";
import { digamma, gammaln } from "../math/special.ts";
import { informationCriteria, maximizeLikelihood, totalWeight } from "./fit.ts";
import { GL8, lnIntegralQuad, lnTail } from "./pareto-nbd-integral.ts";
import { frequencyIndex, validateRfm } from "./rfm-cache.ts";
import type { FitOptions, FittedModel } from "./types.ts";

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
  [k: string]: number;
}

export const PARETO_NBD_PARAMS = ["r", "alpha", "s", "beta"] as const;

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
  const out = { ex: Float64Array.from(ex), et: Float64Array.from(et), iTx, iT };
  b.set(data.T, out);
  return out;
}

/**
 * Log-likelihood (weighted total) and, when `grad` is given, its gradient in (r, α, s, β).
 * Fader, Hardie & Lee (2005 note) eq. 22: ln[Γ(r+x)α^rβ^s/Γ(r)] + ln[(α+T)^{-(r+x)}(β+T)^{-s} + s·I], with
 * I = ∫_{t_x}^{T}(α+τ)^{-(r+x)}(β+τ)^{-(s+1)}dτ = A₀/(r+s+x). The tails G(t_x), G(T) are computed once per
 * distinct (x, τ) pair of the data set.
 * @see lifetimes ParetoNBDFitter._negative_log_likelihood
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
  for (let e = 0; e < ne; e++) {
    tailRasb(r, alpha, s, beta, E.ex[e], E.et[e], G, 5 * e);
    lnA[e] = Math.log(alpha + E.et[e]);
    lnB[e] = Math.log(beta + E.et[e]);
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
    if (!(Ti > tx)) I[0] = Number.NEGATIVE_INFINITY;
    else if (isShort(r, alpha, s, beta, x, tx, Ti)) directRasb(r, alpha, s, beta, x, tx, Ti, I);
    else differenceInto(G, 5 * E.iTx[i], G, 5 * E.iT[i], I);
    const lnAT = lnA[E.iT[i]];
    const lnBT = lnB[E.iT[i]];
    const lnF = -(r + x) * lnAT - s * lnBT;
    const lnSI = lnS + I[0];
    let pI: number;
    let lse: number;
    if (lnSI === Number.NEGATIVE_INFINITY) {
      pI = 0;
      lse = lnF;
    } else {
      const e = Math.exp(-Math.abs(lnF - lnSI));
      lse = Math.max(lnF, lnSI) + Math.log1p(e);
      pI = lnSI >= lnF ? 1 / (1 + e) : e / (1 + e);
    }
    const j = index[i];
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
 * Total log-likelihood of Pareto/NBD parameters on a data set (weighted by `data.weights`).
 * @example paretoNbdLogLikelihood({ r: 0.553276, alpha: 10.577612, s: 0.606214, beta: 11.667912 }, cdnowRounded) // ≈ -9594.9739
 */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, data: RfmData): number {
  return paretoNbdLogLikelihoodWithGradient([params.r, params.alpha, params.s, params.beta], data);
}

/**
 * Fits Pareto/NBD by maximum likelihood from fixed starting points (the best optimum wins: deterministic).
 * @param data summaries (optionally weighted, e.g. compressed)
 * @param options weights, penalizer, starting values
 * @returns the fitted model with standard errors and its convergence report
 * @throws LoyalError E_INPUT for an invalid summary, E_CONVERGENCE when the fit fails
 * @see lifetimes ParetoNBDFitter.fit
 * @example fitParetoNbd(cdnowRounded).params // ≈ { r: 0.5533, alpha: 10.5776, s: 0.6062, beta: 11.6679 }
 */
export function fitParetoNbd(data: RfmData, options: FitOptions = {}): FittedModel<ParetoNbdParams> {
  const d: RfmData = options.weights ? { ...data, weights: Float64Array.from(options.weights) } : data;
  validateRfm(d);
  const n = totalWeight(d.frequency.length, d.weights);
  let meanT = 0;
  for (let i = 0; i < d.T.length; i++) meanT += (d.weights ? d.weights[i] : 1) * d.T[i];
  meanT = Math.max(meanT / n, 1e-3);
  const init = options.initialParams;
  const starts = init
    ? [[init.r, init.alpha, init.s, init.beta]]
    : [
        [1, meanT, 1, meanT],
        [0.5, meanT / 4, 0.5, meanT / 4],
        [2, meanT * 4, 2, meanT * 4],
      ];
  const res = maximizeLikelihood({
    model: "pareto-nbd",
    names: PARETO_NBD_PARAMS,
    n,
    starts,
    penalizer: options.penalizer,
    maxIterations: options.maxIterations,
    logLikelihood: (theta, g) => paretoNbdLogLikelihoodWithGradient(theta, d, g),
  });
  return {
    model: "pareto-nbd",
    params: res.params as ParetoNbdParams,
    standardErrors: res.standardErrors,
    intervals: res.intervals,
    logCovariance: res.logCovariance,
    logLikelihood: res.logLikelihood,
    ...informationCriteria(res.logLikelihood, 4, n),
    n,
    penalizer: options.penalizer ?? 0,
    convergence: res.convergence,
  };
}

/**
 * Probability that a customer with history (x, t_x, T) is still alive at T:
 * 1 / (1 + s·I·(α+T)^{r+x}(β+T)^s). Fader, Hardie & Lee (2005 note) eq. 24 (Hardie note 008).
 * @see lifetimes ParetoNBDFitter.conditional_probability_alive
 * @example paretoNbdProbabilityAlive({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, { frequency: 2, recency: 30.43, T: 38.86 }) // ≈ 0.869168
 */
export function paretoNbdProbabilityAlive(p: ParetoNbdParams, c: Customer): number {
  const I = paretoNbdLnIntegral(p, c.frequency, c.recency, c.T);
  if (I[0] === Number.NEGATIVE_INFINITY) return 1;
  const lnOdds = Math.log(p.s) + I[0] + (p.r + c.frequency) * Math.log(p.alpha + c.T) + p.s * Math.log(p.beta + c.T);
  return lnOdds > 0 ? Math.exp(-lnOdds) / (1 + Math.exp(-lnOdds)) : 1 / (1 + Math.exp(lnOdds));
}

/** [1 − (1+q)^{-(s−1)}]/(s−1), exact at s = 1 (ln(1+q)). */
function powerBracket(s: number, q: number): number {
  const l = Math.log1p(q);
  return s === 1 ? l : -Math.expm1(-(s - 1) * l) / (s - 1);
}

/**
 * Conditional expected number of purchases in (T, T + t]:
 * (r+x)(β+T)/((α+T)(s−1))·[1 − ((β+T)/(β+T+t))^{s−1}]·P(alive) (its limit at s = 1).
 * Fader, Hardie & Lee (2005 note) eq. 26.
 * @see lifetimes ParetoNBDFitter.conditional_expected_number_of_purchases_up_to_time
 * @example paretoNbdExpectedPurchases({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 39, { frequency: 2, recency: 30.43, T: 38.86 }) // ≈ 1.455123
 */
export function paretoNbdExpectedPurchases(p: ParetoNbdParams, t: number, c: Customer): number {
  const bT = p.beta + c.T;
  return (((p.r + c.frequency) * bT) / (p.alpha + c.T)) * powerBracket(p.s, t / bT) * paretoNbdProbabilityAlive(p, c);
}

/**
 * Expected number of repeat purchases of a new customer in (0, t]: rβ/(α(s−1))·[1 − (β/(β+t))^{s−1}].
 * Fader, Hardie & Lee (2005 note) eq. 17.
 * @see lifetimes ParetoNBDFitter.expected_number_of_purchases_up_to_time
 * @example paretoNbdExpectedPurchasesNewCustomer({ r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 }, 1) // ≈ 0.05077821
 */
export function paretoNbdExpectedPurchasesNewCustomer(p: ParetoNbdParams, t: number): number {
  return ((p.r * p.beta) / p.alpha) * powerBracket(p.s, t / p.beta);
}

/**
 * Conditional expected purchases at several horizons and P(alive) for every customer at once; the tails G(t_x),
 * G(T) are computed once per distinct (x, τ) pair, so daily data with many identical histories scores fast.
 * Equal to the scalar functions (test/models/pareto-nbd.test.ts).
 * @param p parameters
 * @param times horizons (model time unit)
 * @param data summaries
 * @returns expected[k][i] = E[purchases in (T, T + times[k]] | customer i] and pAlive[i]
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

/**
 * Simulates Pareto/NBD customers: λ ~ Gamma(r, α), μ ~ Gamma(s, β), lifetime ~ Exp(μ) from the first purchase at
 * time 0, Poisson purchasing at rate λ while alive, observed until `T[i]`.
 * @param p parameters
 * @param T observation length of each customer (from first purchase to the end)
 * @param rng seeded generator
 * @param resolution when > 0, purchase times are floored to multiples of it and purchases in the same slot merge
 *   (1/7 for days when the unit is weeks), as simulateBgNbd does
 * @returns simulated summaries
 */
export function simulateParetoNbd(p: ParetoNbdParams, T: ArrayLike<number>, rng: Rng, resolution = 0): RfmData {
  const n = T.length;
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const Ts = Float64Array.from(T);
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(p.r, p.alpha);
    const mu = rng.gamma(p.s, p.beta);
    const end = Math.min(Ts[i], rng.exponential(mu));
    let t = 0;
    let x = 0;
    let last = 0;
    let lastSlot = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (!(t <= end)) break;
      if (resolution > 0) {
        const slot = Math.floor(t / resolution);
        if (slot * resolution > Ts[i]) break;
        if (slot !== lastSlot) {
          x++;
          last = slot * resolution;
          lastSlot = slot;
        }
      } else {
        x++;
        last = t;
      }
    }
    frequency[i] = x;
    recency[i] = last;
  }
  return { frequency, recency, T: Ts };
}
