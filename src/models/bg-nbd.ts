/**
 * BG/NBD: beta-geometric / negative binomial distribution model of repeat purchasing and dropout
 * (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way", Marketing Science 24(2)).
 *
 * While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat purchase the
 * customer drops out with probability p ~ Beta(a, b). Time is in the unit of the data it was fitted on.
 */
import type { Customer, RfmData } from "../data/summary.ts";
import { LoyalError } from "../errors.ts";
import type { Rng } from "../math/random.ts";
import { betaln, digamma, gammaln } from "../math/special.ts";
import { bracketOverAm1 } from "./bg-bracket.ts";
import { informationCriteria, maximizeLikelihood, totalWeight } from "./fit.ts";
import { fewValuesIndex, frequencyIndex, requireRepeatPurchases, type ValueIndex, validateRfm } from "./rfm-cache.ts";
import type { FitOptions, FittedModel } from "./types.ts";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
  [k: string]: number;
}

export const BG_NBD_PARAMS = ["r", "alpha", "a", "b"] as const;

/**
 * Log-likelihood (weighted total) and, when `grad` is given, its gradient in (r, α, a, b).
 * Fader, Hardie & Lee (2005) eq. 6, written as ln A₁ + ln A₂ + logaddexp(ln A₃, ln A₄).
 * @see lifetimes BetaGeoFitter._negative_log_likelihood
 */
export function bgNbdLogLikelihoodWithGradient(p: ArrayLike<number>, data: RfmData, grad?: Float64Array): number {
  const r = p[0];
  const alpha = p[1];
  const a = p[2];
  const b = p[3];
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NEGATIVE_INFINITY;
  const { values, index } = frequencyIndex(data);
  const m = values.length;
  // Per distinct x: the terms that depend on x only.
  const cA = new Float64Array(m);
  const dAr = new Float64Array(m);
  const dAa = new Float64Array(m);
  const dAb = new Float64Array(m);
  const lnRatio = new Float64Array(m); // ln a - ln(b + x - 1)
  const psiR = digamma(r);
  const psiAB = digamma(a + b);
  const psiB = digamma(b);
  const lgR = gammaln(r);
  const lbAB = betaln(a, b);
  for (let j = 0; j < m; j++) {
    const x = values[j];
    cA[j] = gammaln(r + x) - lgR + betaln(a, b + x) - lbAB;
    if (grad) {
      const psiABX = digamma(a + b + x);
      dAr[j] = digamma(r + x) - psiR;
      dAa[j] = psiAB - psiABX;
      dAb[j] = digamma(b + x) - psiB + psiAB - psiABX;
    }
    lnRatio[j] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
  }
  const lnAlpha = Math.log(alpha);
  const { frequency, recency, T, weights } = data;
  // ln(α + T) and ln(α + t_x) once per distinct value when there are few (daily data), else per row.
  const tIdx = fewValuesIndex(T);
  const rIdx = fewValuesIndex(recency);
  const lnAT = logShifted(alpha, T, tIdx);
  const lnAR = logShifted(alpha, recency, rIdx);
  const invAT = grad ? lnAT.map((v) => Math.exp(-v)) : lnAT;
  const invAR = grad ? lnAR.map((v) => Math.exp(-v)) : lnAR;
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  const n = frequency.length;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    const j = index[i];
    const x = values[j];
    const rx = r + x;
    const lT = tIdx ? lnAT[tIdx.index[i]] : lnAT[i];
    const a3 = -rx * lT;
    let lse = a3;
    let w4 = 0;
    let lR = 0;
    if (x > 0) {
      lR = rIdx ? lnAR[rIdx.index[i]] : lnAR[i];
      const a4 = lnRatio[j] - rx * lR;
      const hi = Math.max(a3, a4);
      const e = Math.exp(-Math.abs(a3 - a4));
      lse = hi + Math.log1p(e);
      w4 = a4 >= a3 ? 1 / (1 + e) : e / (1 + e);
    }
    ll += w * (cA[j] + r * lnAlpha + lse);
    if (grad) {
      const w3 = 1 - w4;
      gr += w * (dAr[j] + lnAlpha - w3 * lT - w4 * lR);
      gAlpha +=
        w *
        (r / alpha -
          rx *
            (w3 * (tIdx ? invAT[tIdx.index[i]] : invAT[i]) +
              (x > 0 ? w4 * (rIdx ? invAR[rIdx.index[i]] : invAR[i]) : 0)));
      ga += w * (dAa[j] + w4 / a);
      gb += w * (dAb[j] - (x > 0 ? w4 / (b + x - 1) : 0));
    }
  }
  if (grad) {
    grad[0] = gr;
    grad[1] = gAlpha;
    grad[2] = ga;
    grad[3] = gb;
  }
  return ll;
}

/** ln(shift + v) for each distinct value (with an index) or each row. */
function logShifted(shift: number, column: Float64Array, idx: ValueIndex | null): Float64Array {
  const src = idx ? idx.values : column;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = Math.log(shift + src[i]);
  return out;
}

/**
 * Total log-likelihood of BG/NBD parameters on a data set (weighted by `data.weights`).
 * @example bgNbdLogLikelihood({ r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 }, cdnowRounded) // ≈ -9582.4256
 */
export function bgNbdLogLikelihood(params: BgNbdParams, data: RfmData): number {
  return bgNbdLogLikelihoodWithGradient([params.r, params.alpha, params.a, params.b], data);
}

/**
 * Fits BG/NBD by maximum likelihood.
 * @param data summaries (optionally weighted, e.g. compressed)
 * @param options weights, penalizer, starting values
 * @returns the fitted model with standard errors and its convergence report
 * @throws LoyalError E_INPUT for an invalid summary, E_CONVERGENCE when the fit fails or the data cannot identify
 *   it (no customer with a repeat purchase, or a single repeat-purchase history: see requireRepeatPurchases)
 * @see lifetimes BetaGeoFitter.fit
 */
export function fitBgNbd(data: RfmData, options: FitOptions = {}): FittedModel<BgNbdParams> {
  const d: RfmData = options.weights ? { ...data, weights: Float64Array.from(options.weights) } : data;
  validateRfm(d);
  requireRepeatPurchases(d, "bg-nbd");
  const n = totalWeight(d.frequency.length, d.weights);
  let meanT = 0;
  for (let i = 0; i < d.T.length; i++) meanT += (d.weights ? d.weights[i] : 1) * d.T[i];
  meanT /= n;
  const init = options.initialParams;
  const starts = init
    ? [[init.r, init.alpha, init.a, init.b]]
    : [
        [1, Math.max(meanT, 1e-3), 1, 1],
        [0.5, Math.max(meanT / 4, 1e-3), 0.5, 2],
        [2, Math.max(meanT * 4, 1e-3), 2, 0.5],
      ];
  const res = maximizeLikelihood({
    model: "bg-nbd",
    names: BG_NBD_PARAMS,
    n,
    starts,
    firstConverged: true,
    penalizer: options.penalizer,
    maxIterations: options.maxIterations,
    logLikelihood: (theta, g) => bgNbdLogLikelihoodWithGradient(theta, d, g),
  });
  return {
    model: "bg-nbd",
    params: res.params as BgNbdParams,
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
 * Probability that a customer with history (x, t_x, T) is still alive at T.
 * Fader, Hardie & Lee (2005) eq. 11 (and Fader, Hardie & Lee 2008 note on P(alive)).
 * @see lifetimes BetaGeoFitter.conditional_probability_alive
 * @example bgNbdProbabilityAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { frequency: 2, recency: 30.43, T: 38.86 }) // ≈ 0.726579
 */
export function bgNbdProbabilityAlive(p: BgNbdParams, c: Customer): number {
  const x = c.frequency;
  if (x === 0) return 1;
  const lnOdds =
    Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.recency));
  return lnOdds > 0 ? Math.exp(-lnOdds) / (1 + Math.exp(-lnOdds)) : 1 / (1 + Math.exp(lnOdds));
}

/**
 * Conditional expected number of purchases in (T, T + t] for a customer with history (x, t_x, T).
 * Fader, Hardie & Lee (2005) eq. 10.
 * @see lifetimes BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time
 * @example bgNbdExpectedPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, { frequency: 2, recency: 30.43, T: 38.86 }) // ≈ 1.226028
 */
export function bgNbdExpectedPurchases(p: BgNbdParams, t: number, c: Customer): number {
  const x = c.frequency;
  return (p.a + p.b + x - 1) * bracketOverAm1(p.r, p.alpha, p.a, p.b, x, c.T, t) * bgNbdProbabilityAlive(p, c);
}

/**
 * Conditional expected purchases at several horizons and P(alive) for every customer at once. The ₂F₁ part depends
 * on (x, T, t) only, so it is computed once per distinct (x, T) when T takes few values (daily data).
 * @param p parameters
 * @param times horizons (model time unit)
 * @param data summaries
 * @returns expected[k][i] = E[purchases in (T, T + times[k]] | customer i] and pAlive[i]
 */
export function bgNbdScoreMany(
  p: BgNbdParams,
  times: readonly number[],
  data: RfmData,
): { expected: Float64Array[]; pAlive: Float64Array } {
  const n = data.frequency.length;
  const fx = frequencyIndex(data);
  const tIdx = fewValuesIndex(data.T);
  const K = times.length;
  const expected = times.map(() => new Float64Array(n));
  const pAlive = new Float64Array(n);
  const nT = tIdx ? tIdx.values.length : 0;
  const cache = tIdx ? new Float64Array(fx.values.length * nT * K).fill(Number.NaN) : undefined;
  const c = { frequency: 0, recency: 0, T: 0 };
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i];
    c.frequency = x;
    c.recency = data.recency[i];
    c.T = data.T[i];
    const pa = bgNbdProbabilityAlive(p, c);
    pAlive[i] = pa;
    const mult = p.a + p.b + x - 1;
    if (cache && tIdx) {
      const base = (fx.index[i] * nT + tIdx.index[i]) * K;
      if (Number.isNaN(cache[base])) {
        for (let k = 0; k < K; k++) cache[base + k] = bracketOverAm1(p.r, p.alpha, p.a, p.b, x, c.T, times[k]);
      }
      for (let k = 0; k < K; k++) expected[k][i] = mult * cache[base + k] * pa;
    } else {
      for (let k = 0; k < K; k++) expected[k][i] = mult * bracketOverAm1(p.r, p.alpha, p.a, p.b, x, c.T, times[k]) * pa;
    }
  }
  return { expected, pAlive };
}

/**
 * Expected number of repeat purchases of a new customer in (0, t]. Fader, Hardie & Lee (2005) eq. 9.
 * @see lifetimes BetaGeoFitter.expected_number_of_purchases_up_to_time
 */
export function bgNbdExpectedPurchasesNewCustomer(p: BgNbdParams, t: number): number {
  return (p.a + p.b - 1) * bracketOverAm1(p.r, p.alpha, p.a, p.b, 0, 0, t);
}

/**
 * P(X(t) = n): probability that a new customer makes exactly n repeat purchases in (0, t].
 * Fader, Hardie & Lee (2005) eq. 8, in log space; the tail term 1 − Σ_{j<n} NB(j) is summed directly when it is
 * small, so it keeps its relative accuracy.
 * @see lifetimes BetaGeoFitter.probability_of_n_purchases_up_to_time
 * @example bgNbdProbabilityOfPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 0, 39) // ≈ 0.5737864
 */
export function bgNbdProbabilityOfPurchases(p: BgNbdParams, n: number, t: number): number {
  if (!Number.isInteger(n) || n < 0) throw new LoyalError("E_USAGE", `n must be a whole number >= 0, got ${n}`);
  const { r, alpha, a, b } = p;
  const lq = Math.log(alpha / (alpha + t));
  const lz = Math.log(t / (alpha + t));
  // Negative binomial log-pmf of j purchases while alive.
  const nb = (j: number) => gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * lq + (j > 0 ? j * lz : 0);
  const lbAB = betaln(a, b);
  let v = Math.exp(betaln(a, b + n) - lbAB + nb(n));
  if (n > 0) {
    let cdf = 0;
    for (let j = 0; j < n; j++) cdf += Math.exp(nb(j));
    let tail: number;
    if (cdf < 0.5) tail = 1 - cdf;
    else {
      tail = 0;
      for (let j = n; j < n + 100000; j++) {
        const tj = Math.exp(nb(j));
        tail += tj;
        if (tj <= 1e-18 * tail && j > n + r * 10 + 10) break;
      }
    }
    v += Math.exp(betaln(a + 1, b + n - 1) - lbAB) * tail;
  }
  return v;
}

/**
 * Simulates BG/NBD customers: for each, λ ~ Gamma(r, α), p ~ Beta(a, b), Poisson purchasing from time 0 (the
 * first purchase), dropout with probability p after each repeat purchase, observed until `T[i]`.
 * @param p parameters
 * @param T observation length of each customer (from first purchase to the end)
 * @param rng seeded generator
 * @param resolution when > 0, purchase times are floored to multiples of it and purchases in the same slot merge
 *   (e.g. 1/7 for days when the unit is weeks), as real daily data behaves
 * @returns simulated summaries
 */
export function simulateBgNbd(p: BgNbdParams, T: ArrayLike<number>, rng: Rng, resolution = 0): RfmData {
  const n = T.length;
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const Ts = Float64Array.from(T);
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(p.r, p.alpha);
    const drop = rng.beta(p.a, p.b);
    let t = 0;
    let x = 0;
    let last = 0;
    let lastSlot = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > Ts[i]) break;
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
      if (rng.uniform() < drop) break;
    }
    frequency[i] = x;
    recency[i] = last;
  }
  return { frequency, recency, T: Ts };
}
