/**
 * MBG/NBD: modified beta-geometric / negative binomial distribution model (Batislam, Denizel & Filiztekin 2007,
 * "Empirical validation and comparison of models for customer base analysis", International Journal of Research in
 * Marketing 24(3); also Hoppe & Wagner 2007's CBG/NBD in the same form).
 *
 * Like BG/NBD, a live customer buys as a Poisson process with rate λ ~ Gamma(r, α) and drops out with probability
 * p ~ Beta(a, b) after each repeat purchase; unlike BG/NBD, the customer may also drop out at time 0, right after the
 * first purchase, so customers with no repeat purchase are not certainly alive. Time is in the unit of the data.
 */
import type { Customer, RfmData } from "../data/summary.ts";
import { LoyalError } from "../errors.ts";
import type { Rng } from "../math/random.ts";
import { betaln, digamma, gammaln } from "../math/special.ts";
import { bracketOverAm1 as bgBracketOverAm1 } from "./bg-bracket.ts";
import { fitBgFamily } from "./bg-nbd.ts";
import { frequencyIndex } from "./rfm-cache.ts";
import type { FitOptions, FittedModel } from "./types.ts";

export interface MbgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
  [k: string]: number;
}

export const MBG_NBD_PARAMS = ["r", "alpha", "a", "b"] as const;

/**
 * Log-likelihood (weighted total) and, when `grad` is given, its gradient in (r, α, a, b).
 * Batislam et al. (2007) eq. 3: L = B(a, b+x+1)/B(a, b) · Γ(r+x) α^r / Γ(r) ·
 * [(α+T)^{−(r+x)} + a/(b+x) · (α+t_x)^{−(r+x)}], the second term present for every x (also x = 0).
 * @param p natural-scale parameters [r, α, a, b]
 * @param data summaries (optionally weighted)
 * @param grad receives dLL/d(r, α, a, b) when given
 * @returns the total log-likelihood; -Infinity outside the parameter space
 * @throws nothing: data is assumed validated (fitMbgNbd validates it)
 * @see lifetimes ModifiedBetaGeoFitter._negative_log_likelihood
 * @example
 * const g = new Float64Array(4);
 * mbgNbdLogLikelihoodWithGradient([0.525, 6.183, 0.891, 1.614], cdnowRounded, g) // ≈ -9582.132795
 * g // ≈ [-0.693051, 0.034866, 0.305156, -0.139581]
 */
export function mbgNbdLogLikelihoodWithGradient(p: ArrayLike<number>, data: RfmData, grad?: Float64Array): number {
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
  const lnRatio = new Float64Array(m); // ln a − ln(b + x)
  const psiR = digamma(r);
  const psiAB = digamma(a + b);
  const psiB = digamma(b);
  const lgR = gammaln(r);
  const lbAB = betaln(a, b);
  const lnA = Math.log(a);
  for (let j = 0; j < m; j++) {
    const x = values[j];
    cA[j] = gammaln(r + x) - lgR + betaln(a, b + x + 1) - lbAB;
    if (grad) {
      const psiABX = digamma(a + b + x + 1);
      dAr[j] = digamma(r + x) - psiR;
      dAa[j] = psiAB - psiABX;
      dAb[j] = digamma(b + x + 1) - psiB + psiAB - psiABX;
    }
    lnRatio[j] = lnA - Math.log(b + x);
  }
  const lnAlpha = Math.log(alpha);
  const { frequency, recency, T, weights } = data;
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
    const lnAT = Math.log(alpha + T[i]);
    const lnAtx = Math.log(alpha + recency[i]);
    const a3 = -rx * lnAT;
    const a4 = lnRatio[j] - rx * lnAtx;
    const e = Math.exp(-Math.abs(a3 - a4));
    const lse = Math.max(a3, a4) + Math.log1p(e);
    ll += w * (cA[j] + r * lnAlpha + lse);
    if (grad) {
      const w4 = a4 >= a3 ? 1 / (1 + e) : e / (1 + e);
      const w3 = 1 - w4;
      gr += w * (dAr[j] + lnAlpha - w3 * lnAT - w4 * lnAtx);
      gAlpha += w * (r / alpha - rx * (w3 / (alpha + T[i]) + w4 / (alpha + recency[i])));
      ga += w * (dAa[j] + w4 / a);
      gb += w * (dAb[j] - w4 / (b + x));
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

/**
 * Total log-likelihood of MBG/NBD parameters on a data set (weighted by `data.weights`).
 * @param params (r, α, a, b)
 * @param data summaries
 * @returns the total log-likelihood
 * @example mbgNbdLogLikelihood({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, cdnowRounded) // ≈ -9582.132795
 */
export function mbgNbdLogLikelihood(params: MbgNbdParams, data: RfmData): number {
  return mbgNbdLogLikelihoodWithGradient([params.r, params.alpha, params.a, params.b], data);
}

/**
 * Fits MBG/NBD by maximum likelihood (log-parameters, BFGS with Nelder–Mead fallback, see fit.ts).
 * @param data summaries (optionally weighted, e.g. compressed)
 * @param options weights, penalizer, starting values
 * @returns the fitted model with standard errors and its convergence report
 * @throws LoyalError E_INPUT for an invalid summary, E_CONVERGENCE when the fit fails or the data cannot identify
 *   it (no customer with a repeat purchase, or a single repeat-purchase history: see requireRepeatPurchases), or
 *   when its optimum is on the boundary (as BG/NBD's: see bgFamilyBoundaryProblems in bg-nbd.ts)
 * @see lifetimes ModifiedBetaGeoFitter.fit
 * @example fitMbgNbd(cdnowRounded).params // ≈ { r: 0.524838, alpha: 6.182992, a: 0.891356, b: 1.613999 }
 */
export function fitMbgNbd(data: RfmData, options: FitOptions = {}): FittedModel<MbgNbdParams> {
  // BG/NBD's fit and boundary check (bg-nbd.ts), with dropout possible at time 0 (shift 1)
  return fitBgFamily("mbg-nbd", 1, mbgNbdLogLikelihoodWithGradient, data, options);
}

/** MBG/NBD's ₂F₁ bracket: BG/NBD's with b → b + 1 (see bg-bracket.ts). */
function bracketOverAm1(r: number, alpha: number, a: number, b: number, x: number, T: number, t: number): number {
  return bgBracketOverAm1(r, alpha, a, b, x, T, t, 1);
}

/**
 * Probability that a customer with history (x, t_x, T) is still alive at T:
 * 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^{r+x}). Always < 1, also for x = 0 (Batislam et al. 2007, eq. 4).
 * @param p parameters
 * @param c the customer's (frequency, recency, T)
 * @returns P(alive at T | x, t_x, T)
 * @throws nothing; a customer outside the data's support gives a meaningless number, not an error
 * @see lifetimes ModifiedBetaGeoFitter.conditional_probability_alive
 * @example mbgNbdProbabilityAlive({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, { frequency: 0, recency: 0, T: 38.86 }) // ≈ 0.389735
 */
export function mbgNbdProbabilityAlive(p: MbgNbdParams, c: Customer): number {
  const x = c.frequency;
  const lnOdds =
    Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.recency));
  return lnOdds > 0 ? Math.exp(-lnOdds) / (1 + Math.exp(-lnOdds)) : 1 / (1 + Math.exp(lnOdds));
}

/**
 * Conditional expected number of purchases in (T, T + t] for a customer with history (x, t_x, T):
 * (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))] · P(alive)
 * (Batislam et al. 2007, eq. 5). Finite and continuous at a = 1.
 * @param p parameters
 * @param t length of the prediction period
 * @param c the customer's (frequency, recency, T)
 * @returns E[X(T, T+t) | x, t_x, T]
 * @see lifetimes ModifiedBetaGeoFitter.conditional_expected_number_of_purchases_up_to_time
 * @example mbgNbdExpectedPurchases({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, 39, { frequency: 2, recency: 30.43, T: 38.86 }) // ≈ 1.262961
 */
export function mbgNbdExpectedPurchases(p: MbgNbdParams, t: number, c: Customer): number {
  const x = c.frequency;
  return (p.a + p.b + x) * bracketOverAm1(p.r, p.alpha, p.a, p.b, x, c.T, t) * mbgNbdProbabilityAlive(p, c);
}

/**
 * Expected number of repeat purchases of a new customer in (0, t]:
 * b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))] (Batislam et al. 2007, eq. 6).
 * @param p parameters
 * @param t length of the period since the first purchase
 * @returns E[X(t)]
 * @see lifetimes ModifiedBetaGeoFitter.expected_number_of_purchases_up_to_time
 * @example mbgNbdExpectedPurchasesNewCustomer({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, 39) // ≈ 1.182954
 */
export function mbgNbdExpectedPurchasesNewCustomer(p: MbgNbdParams, t: number): number {
  return p.b * bracketOverAm1(p.r, p.alpha, p.a, p.b, 0, 0, t);
}

/**
 * P(X(t) = n): probability that a new customer makes exactly n repeat purchases in (0, t].
 * Given (λ, p): (1−p)^{n+1} Poisson(n; λt) + p(1−p)^n P(Poisson(λt) >= n) (the second term is dropout right after
 * the n-th purchase, at time 0 for n = 0); mixed over Gamma(r, α) and Beta(a, b):
 * B(a, b+n+1)/B(a, b) · NB(n) + B(a+1, b+n)/B(a, b) · (1 − Σ_{j<n} NB(j)). The tail 1 − Σ NB(j) is summed
 * directly when it is small, so it keeps its relative accuracy.
 * @param p parameters
 * @param n number of repeat purchases (whole number >= 0)
 * @param t length of the period
 * @returns P(X(t) = n)
 * @throws LoyalError E_USAGE when n is not a whole number >= 0
 * @see lifetimes ModifiedBetaGeoFitter.probability_of_n_purchases_up_to_time
 * @example mbgNbdProbabilityOfPurchases({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, 0, 39) // ≈ 0.582473
 */
export function mbgNbdProbabilityOfPurchases(p: MbgNbdParams, n: number, t: number): number {
  if (!Number.isInteger(n) || n < 0) throw new LoyalError("E_USAGE", `n must be a whole number >= 0, got ${n}`);
  const { r, alpha, a, b } = p;
  const lq = Math.log(alpha / (alpha + t));
  const lz = Math.log(t / (alpha + t));
  const nb = (j: number) => gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * lq + (j > 0 ? j * lz : 0);
  const lbAB = betaln(a, b);
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
  return Math.exp(betaln(a, b + n + 1) - lbAB + nb(n)) + Math.exp(betaln(a + 1, b + n) - lbAB) * tail;
}

/**
 * Simulates MBG/NBD customers: for each, λ ~ Gamma(r, α), p ~ Beta(a, b); the customer drops out at time 0 with
 * probability p, otherwise buys as a Poisson process and drops out with probability p after each repeat purchase;
 * observed until `T[i]`.
 * @param p parameters
 * @param T observation length of each customer (from first purchase to the end)
 * @param rng seeded generator
 * @param resolution when > 0, purchase times are floored to multiples of it and purchases in the same slot merge
 *   (see simulateBgNbd)
 * @returns simulated summaries
 * @see lifetimes.generate_data.modified_beta_geometric_nbd_model
 * @example simulateMbgNbd({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, [39, 39, 39], createRng(1)).T // => [39, 39, 39]
 */
export function simulateMbgNbd(p: MbgNbdParams, T: ArrayLike<number>, rng: Rng, resolution = 0): RfmData {
  const n = T.length;
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const Ts = Float64Array.from(T);
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(p.r, p.alpha);
    const drop = rng.beta(p.a, p.b);
    let x = 0;
    let last = 0;
    if (rng.uniform() >= drop) {
      let t = 0;
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
    }
    frequency[i] = x;
    recency[i] = last;
  }
  return { frequency, recency, T: Ts };
}
