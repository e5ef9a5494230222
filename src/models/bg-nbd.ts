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
import { boundaryProblems, type LimitModel } from "./boundary.ts";
import { totalWeight } from "./fit.ts";
import { fitModel } from "./fit-model.ts";
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
  const lnRatio = new Float64Array(m); // ln a - ln(b + (x − 1)), summed so that tiny b survives x = 1
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
    lnRatio[j] = x > 0 ? Math.log(a) - Math.log(b + (x - 1)) : Number.NEGATIVE_INFINITY;
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
      gb += w * (dAb[j] - (x > 0 ? w4 / (b + (x - 1)) : 0));
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
 *   it (no customer with a repeat purchase, or a single repeat-purchase history: see requireRepeatPurchases), or
 *   when its optimum is on the boundary (r, a or b beyond 1e±8, or, unpenalised, a limit model as likely as the
 *   fit: one dropout probability, dropout at the first opportunity or never, or one purchase rate for everyone: see
 *   bgFamilyBoundaryProblems)
 * @see lifetimes BetaGeoFitter.fit
 */
export function fitBgNbd(data: RfmData, options: FitOptions = {}): FittedModel<BgNbdParams> {
  return fitBgFamily("bg-nbd", 0, bgNbdLogLikelihoodWithGradient, data, options);
}

/**
 * The maximum-likelihood fit shared by BG/NBD (`shift` 0) and MBG/NBD (`shift` 1): validation, the refusal of data
 * without enough repeat histories, three starts around the mean T, the boundary check, the fitted model.
 * @param model "bg-nbd" or "mbg-nbd"
 * @param shift 0 for BG/NBD, 1 for MBG/NBD (dropout also possible at time 0)
 * @param logLikelihood the model's log-likelihood of (r, α, a, b) with its gradient
 * @param data summaries (optionally weighted)
 * @param options weights, penalizer, starting values
 * @returns the fitted model
 * @throws LoyalError as fitBgNbd
 */
export function fitBgFamily(
  model: "bg-nbd" | "mbg-nbd",
  shift: 0 | 1,
  logLikelihood: (theta: ArrayLike<number>, data: RfmData, grad?: Float64Array) => number,
  data: RfmData,
  options: FitOptions,
): FittedModel<BgNbdParams> {
  const d: RfmData = options.weights ? { ...data, weights: Float64Array.from(options.weights) } : data;
  validateRfm(d);
  requireRepeatPurchases(d, model);
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
  return fitModel<BgNbdParams>(
    {
      model,
      names: BG_NBD_PARAMS,
      n,
      starts,
      // BG/NBD keeps the first start that converges (as it always has); MBG/NBD tries every start
      firstConverged: shift === 0,
      logLikelihood: (theta, g) => logLikelihood(theta, d, g),
      boundary: {
        problems: (params, ll, penalized) => bgFamilyBoundaryProblems(params, ll, d, shift, penalized),
        advice: BG_FAMILY_BOUNDARY_ADVICE,
      },
    },
    options,
  );
}

/** What the user can do when a BG/NBD or MBG/NBD optimum is on the boundary. */
export const BG_FAMILY_BOUNDARY_ADVICE =
  "the data cannot tell the fitted parameters from a limit model (few distinct repeat-purchase histories, or too little heterogeneity across customers); try --penalizer (it bounds parameters that run to ∞, not to 0), or more customers with repeat purchases";

/**
 * Why a BG/NBD (`shift` 0) or MBG/NBD (`shift` 1) optimum is on the boundary of the parameter space (see
 * boundary.ts). The dimensionless shapes r, a and b are bounded to 1e±8 (α carries the unit of time, so it is not
 * bounded; on the ridge below it runs to ∞ with r): beyond, the optimiser has run to a limit model and stopped where
 * the gradient flattened (a = 9e8, b = 1e-9, r = 2.7e8 with 3 repeat histories among 1,000 one-time buyers;
 * r = 3e7, b = 4.5e9 for a single customer), where the log-likelihood has lost its digits (r, α ≈ 1e12 give a
 * positive one). A penalised fit is bounded on the ∞ side only: the penalty λ·Σθ² pulls parameters towards 0, so a
 * shape near 0 is what the user asked for (a = 1e-32 for a single customer), not a failure to identify the model.
 * Unpenalised, the three limit models that keep the fitted means must be less likely than the fit: a, b → ∞ at
 * p = a/(a+b) (one dropout probability for everyone), a, b → 0 at π = a/(a+b) (p is 1 for a share π of customers and
 * 0 for the others: each drops out at the first opportunity or never; a = 2.6e-7, b = 5.4e-7 in the torture data)
 * and r, α → ∞ at λ = r/α (one purchase rate for everyone: Poisson purchasing instead of NBD). A fit on a ridge
 * has a log-likelihood below its limit's (the supremum), so the check fires wherever along the ridge the optimiser
 * stopped. The limits are evaluated in closed form and the
 * fit is re-evaluated in the same cancellation-free form for the comparison (see bgFamilyLimitLogLikelihood): at
 * r ≈ 7e7 the likelihood's r·ln α − (r+x)·ln(α+T) has lost ~1e-3 over a few thousand rows, more than the
 * tolerance. Each is one pass over the rows; the limit models are not refitted (the limit at the fitted p or λ can
 * only be below the limit model's maximum, so a fit in a local optimum beside a better limit is not caught).
 * @param params fitted parameters
 * @param logLikelihood the fit's log-likelihood
 * @param data the data fitted (with its weights)
 * @param shift 0 for BG/NBD, 1 for MBG/NBD (dropout also possible at time 0)
 * @param penalized whether the fit was penalised (then only parameters beyond 1e8 count)
 * @returns the problems found, empty for an interior optimum
 * @example bgFamilyBoundaryProblems({ r: 3e7, alpha: 3e8, a: 2e-8, b: 4.5e9 }, -9.9, oneCustomer, 0, false) // => ["b = 4.50e+9 → ∞"]
 */
export function bgFamilyBoundaryProblems(
  params: BgNbdParams,
  logLikelihood: number,
  data: RfmData,
  shift: 0 | 1,
  penalized: boolean,
): string[] {
  const other = Number.isFinite(logLikelihood) ? [] : [`log-likelihood ${logLikelihood}`];
  const { r, alpha, a, b } = params;
  const shapes = [
    ["r", r],
    ["a", a],
    ["b", b],
  ] as const;
  const bounded = penalized ? shapes.filter(([, v]) => v >= 1) : shapes;
  return boundaryProblems({ bounded, logLikelihood, penalized }, other, (): LimitModel[] => {
    const dropout = bgFamilyLimitLogLikelihood(params, data, shift, "dropout");
    const rate = bgFamilyLimitLogLikelihood(params, data, shift, "rate");
    const polar = bgFamilyLimitLogLikelihood(params, data, shift, "polar");
    // Measured from the fit's log-likelihood in the same accurate form (only needed when a limit comes close).
    const near = Math.max(dropout, rate, polar) >= logLikelihood - 1;
    const shiftLL = near ? logLikelihood - bgFamilyLimitLogLikelihood(params, data, shift, "none") : 0;
    return [
      {
        logLikelihood: dropout + shiftLL,
        problem: `a = ${a.toExponential(2)}, b = ${b.toExponential(2)} on a ridge: one dropout probability for everyone is as likely`,
      },
      {
        logLikelihood: rate + shiftLL,
        problem: `r = ${r.toExponential(2)}, alpha = ${alpha.toExponential(2)} on a ridge: one purchase rate for everyone (Poisson, not NBD) is as likely`,
      },
      {
        logLikelihood: polar + shiftLL,
        problem: `a = ${a.toExponential(2)}, b = ${b.toExponential(2)} on a ridge: each customer dropping out either at the first opportunity or never is as likely`,
      },
    ];
  });
}

/** Above this frequency, ln Γ(r+x) − ln Γ(r) and the Beta ratio are taken from gammaln/betaln, not summed. */
const SUM_TERMS = 1000;

/**
 * Total log-likelihood of a BG/NBD-family model (`homogeneous` "none") or of one of its limit models, at the fitted
 * parameters, in a form free of cancellation for large parameters. The per-customer likelihood is
 * D(x) · [N(T) + c · R · N(t_x)] with D(x) = B(a, b+k)/B(a, b) = Π_{j<k} (b+j)/(a+b+j), R = a/(b+k−1),
 * N(t) = Γ(r+x)/Γ(r) · α^r (α+t)^{−(r+x)}, ln N(t) = Σ_{j<x} ln(r+j) − r·log1p(t/α) − x·ln(α+t), k = x + s
 * (s = `shift`) and c = 1 when k > 0. With "dropout", a, b → ∞ at p = a/(a+b): D(x) → (1−p)^k, R → p/(1−p). With
 * "polar", a, b → 0 at π = a/(a+b): D(x) → 1 − π for k ≥ 1, R → π/(1−π) for k = 1 and 0 for k ≥ 2. With "rate",
 * r, α → ∞ at λ = r/α: N(t) → λ^x e^{−λt}.
 * @param params the fitted parameters
 * @param data summaries (optionally weighted)
 * @param shift 0 for BG/NBD, 1 for MBG/NBD
 * @param homogeneous which limit model, or "none" for the model itself
 * @returns the total log-likelihood
 * @example bgFamilyLimitLogLikelihood({ r: 0.24, alpha: 4.4, a: 2.5e6, b: 7.5e6 }, cdnowRounded, 0, "dropout") // ≈ -9629.926830 (the model's own LL there: -9629.926747)
 */
export function bgFamilyLimitLogLikelihood(
  params: BgNbdParams,
  data: RfmData,
  shift: 0 | 1,
  homogeneous: "none" | "dropout" | "polar" | "rate",
): number {
  const { r, alpha, a, b } = params;
  const { values, index } = frequencyIndex(data);
  const m = values.length;
  const lnD = new Float64Array(m);
  const lnR = new Float64Array(m);
  const lnN0 = new Float64Array(m); // the part of ln N(t) that does not depend on t
  const lnP = Math.log(a) - Math.log(a + b);
  const lnQ = Math.log(b) - Math.log(a + b);
  const lnLambda = Math.log(r) - Math.log(alpha);
  const lambda = r / alpha;
  const lbAB = betaln(a, b);
  const lgR = gammaln(r);
  const rate = homogeneous === "rate";
  for (let j = 0; j < m; j++) {
    const x = values[j];
    const k = x + shift;
    if (homogeneous === "dropout") {
      lnD[j] = k * lnQ;
      lnR[j] = k > 0 ? lnP - lnQ : Number.NEGATIVE_INFINITY;
    } else if (homogeneous === "polar") {
      lnD[j] = k > 0 ? lnQ : 0;
      lnR[j] = k === 1 ? lnP - lnQ : Number.NEGATIVE_INFINITY;
    } else {
      if (k <= SUM_TERMS) {
        let sum = 0;
        for (let i = 0; i < k; i++) sum += Math.log1p(-a / (a + b + i));
        lnD[j] = sum;
      } else lnD[j] = betaln(a, b + k) - lbAB;
      lnR[j] = k > 0 ? Math.log(a) - Math.log(b + (k - 1)) : Number.NEGATIVE_INFINITY;
    }
    if (rate) lnN0[j] = x * lnLambda;
    else if (x <= SUM_TERMS) {
      let sum = 0;
      for (let i = 0; i < x; i++) sum += Math.log(r + i);
      lnN0[j] = sum;
    } else lnN0[j] = gammaln(r + x) - lgR;
  }
  const { frequency, recency, T, weights } = data;
  // The t-dependent part, −λt or −r·log1p(t/α) − x·ln(α+t), from once-per-distinct-value logs when there are few.
  const tIdx = rate ? null : fewValuesIndex(T);
  const rIdx = rate ? null : fewValuesIndex(recency);
  const l1T = rate ? T : log1pOver(alpha, T, tIdx);
  const l1R = rate ? recency : log1pOver(alpha, recency, rIdx);
  const lnAT = rate ? T : logShifted(alpha, T, tIdx);
  const lnAR = rate ? recency : logShifted(alpha, recency, rIdx);
  let total = 0;
  for (let i = 0; i < frequency.length; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    const j = index[i];
    const x = values[j];
    let u: number;
    if (rate) u = lnN0[j] - lambda * T[i];
    else {
      const q = tIdx ? tIdx.index[i] : i;
      u = lnN0[j] - r * l1T[q] - x * lnAT[q];
    }
    let lse = u;
    if (lnR[j] !== Number.NEGATIVE_INFINITY) {
      let v: number;
      if (rate) v = lnN0[j] - lambda * recency[i];
      else {
        const q = rIdx ? rIdx.index[i] : i;
        v = lnN0[j] - r * l1R[q] - x * lnAR[q];
      }
      v += lnR[j];
      lse = Math.max(u, v) + Math.log1p(Math.exp(-Math.abs(u - v)));
    }
    total += w * (lnD[j] + lse);
  }
  return total;
}

/** log1p(v / α) for each distinct value (with an index) or each row. */
function log1pOver(alpha: number, column: Float64Array, idx: ValueIndex | null): Float64Array {
  const src = idx ? idx.values : column;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = Math.log1p(src[i] / alpha);
  return out;
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
    Math.log(p.a) - Math.log(p.b + (x - 1)) + (p.r + x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.recency));
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
  return (p.a + p.b + (x - 1)) * bracketOverAm1(p.r, p.alpha, p.a, p.b, x, c.T, t) * bgNbdProbabilityAlive(p, c);
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
    const mult = p.a + p.b + (x - 1);
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
