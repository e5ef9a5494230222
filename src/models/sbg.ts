/**
 * sBG: shifted-beta-geometric model of contract renewal (Fader & Hardie 2007, "How to project customer retention",
 * Journal of Interactive Marketing 21(1)), with the discounted expected lifetime measures of Fader & Hardie 2010,
 * "Customer-base valuation in a contractual setting: the perils of ignoring heterogeneity", Marketing Science 29(1).
 *
 * Each customer of a cohort acquired at period 0 churns at each renewal opportunity t = 1, 2, ... with probability
 * θ ~ Beta(α, β), so the lifetime T (the renewal opportunity at which the customer leaves) is geometric given θ:
 * P(T = t | θ) = θ(1−θ)^{t−1}, S(t) = P(T > t | θ) = (1−θ)^t. "Alive at period t" means T > t: the customer has
 * renewed t times. `alive[t]` of a survival curve is the number of the cohort still customers at period t.
 * Data objects are treated as immutable: their reduction to per-period counts is cached per object.
 */
import { LoyalError } from "../errors.ts";
import type { Rng } from "../math/random.ts";
import { betaln, digamma, hyp2f1A1 } from "../math/special.ts";
import { fitModel } from "./fit-model.ts";
import type { FitOptions, FittedModel } from "./types.ts";

export interface SbgParams {
  alpha: number;
  beta: number;
  [k: string]: number;
}

export const SBG_PARAMS = ["alpha", "beta"] as const;

/** A cohort's survival curve: `alive[0]` customers at period 0, `alive[t]` still customers at period t. */
export interface SbgSurvivalData {
  alive: ArrayLike<number>;
}

/**
 * One row per customer (or per group with `weights`): `periods[i]` is the renewal opportunity at which the customer
 * churned when `churned[i]` (T = periods[i] >= 1), otherwise the number of periods the customer has been observed
 * alive (right-censored: T > periods[i]).
 */
export interface SbgCustomerData {
  periods: ArrayLike<number>;
  churned: ArrayLike<boolean>;
  weights?: ArrayLike<number>;
}

export type SbgData = SbgSurvivalData | SbgCustomerData;

/** Counts by period: `churn[t]` customers with T = t, `censored[t]` with T > t and observed for t periods. */
interface SbgCounts {
  churn: Float64Array;
  censored: Float64Array;
  n: number;
}

const countsCache = new WeakMap<object, SbgCounts>();

/**
 * Reduces either data shape to churn and censoring counts per period (cached per data object), validating it.
 * @throws LoyalError E_INPUT naming the first bad entry
 */
function toCounts(data: SbgData): SbgCounts {
  const hit = countsCache.get(data);
  if (hit) return hit;
  let out: SbgCounts;
  if ("alive" in data) {
    const a = data.alive;
    if (a.length < 2) throw new LoyalError("E_INPUT", "sBG survival curve needs alive[0] and at least one more period");
    if (!(a[0] > 0) || !Number.isFinite(a[0]))
      throw new LoyalError("E_INPUT", `alive[0] (cohort size) must be finite and > 0, got ${a[0]}`, {
        column: "alive",
        row: 1,
      });
    const churn = new Float64Array(a.length);
    const censored = new Float64Array(a.length);
    for (let t = 1; t < a.length; t++) {
      if (!(a[t] >= 0 && a[t] <= a[t - 1]) || !Number.isFinite(a[t]))
        throw new LoyalError(
          "E_INPUT",
          `alive[${t}] must be finite, >= 0 and <= alive[${t - 1}] (${a[t - 1]}), got ${a[t]}`,
          { column: "alive", row: t + 1 },
        );
      churn[t] = a[t - 1] - a[t];
    }
    censored[a.length - 1] = a[a.length - 1];
    out = { churn, censored, n: a[0] };
  } else {
    const { periods, churned, weights } = data;
    const m = periods.length;
    if (churned.length !== m || (weights && weights.length !== m))
      throw new LoyalError("E_INPUT", "sBG customer data: periods, churned and weights have different lengths");
    if (m === 0) throw new LoyalError("E_INPUT", "sBG customer data: no customers");
    let maxT = 0;
    for (let i = 0; i < m; i++) {
      const t = periods[i];
      const min = churned[i] ? 1 : 0;
      if (!Number.isInteger(t) || t < min)
        throw new LoyalError("E_INPUT", `periods must be a whole number >= ${min}, got ${t}`, {
          row: i + 1,
          column: "periods",
        });
      const w = weights ? weights[i] : 1;
      if (!(w >= 0) || !Number.isFinite(w))
        throw new LoyalError("E_INPUT", `weight must be finite and >= 0, got ${w}`, { row: i + 1, column: "weights" });
      if (t > maxT) maxT = t;
    }
    const churn = new Float64Array(maxT + 1);
    const censored = new Float64Array(maxT + 1);
    let n = 0;
    for (let i = 0; i < m; i++) {
      const w = weights ? weights[i] : 1;
      if (churned[i]) churn[periods[i]] += w;
      else censored[periods[i]] += w;
      n += w;
    }
    out = { churn, censored, n };
  }
  countsCache.set(data, out);
  return out;
}

/**
 * Log-likelihood and, when `grad` is given, its gradient in (α, β):
 * Σ_t churn_t · ln P(T = t) + censored_t · ln S(t), with P(T = t) = B(α+1, β+t−1)/B(α, β) and
 * S(t) = B(α, β+t)/B(α, β) (Fader & Hardie 2007, eqs. 3–5 and 7).
 * @param p natural-scale parameters [α, β]
 * @param data survival curve or per-customer rows
 * @param grad receives dLL/d(α, β) when given
 * @returns the total log-likelihood; -Infinity outside the parameter space
 * @throws LoyalError E_INPUT for invalid data
 * @example sbgLogLikelihoodWithGradient([0.704, 1.182], { alive: [1000, 631, 468, 382, 326, 289, 262, 241] }, g) // ≈ -1680.265191; g ≈ [0.067397, -0.023922]
 */
export function sbgLogLikelihoodWithGradient(p: ArrayLike<number>, data: SbgData, grad?: Float64Array): number {
  const alpha = p[0];
  const beta = p[1];
  const { churn, censored } = toCounts(data);
  if (!(alpha > 0 && beta > 0)) return Number.NEGATIVE_INFINITY;
  const lbAB = betaln(alpha, beta);
  const psiA = grad ? digamma(alpha) : 0;
  const psiB = grad ? digamma(beta) : 0;
  const psiAB = grad ? digamma(alpha + beta) : 0;
  const psiA1 = grad ? digamma(alpha + 1) : 0;
  let ll = 0;
  let ga = 0;
  let gb = 0;
  for (let t = 0; t < churn.length; t++) {
    const d = churn[t];
    const c = censored[t];
    if (d === 0 && c === 0) continue;
    const psiABt = grad ? digamma(alpha + beta + t) : 0;
    if (d > 0) {
      ll += d * (betaln(alpha + 1, beta + t - 1) - lbAB);
      if (grad) {
        ga += d * (psiA1 - psiABt - psiA + psiAB);
        gb += d * (digamma(beta + t - 1) - psiABt - psiB + psiAB);
      }
    }
    if (c > 0 && t > 0) {
      ll += c * (betaln(alpha, beta + t) - lbAB);
      if (grad) {
        ga += c * (psiAB - psiABt);
        gb += c * (digamma(beta + t) - psiABt - psiB + psiAB);
      }
    }
  }
  if (grad) {
    grad[0] = ga;
    grad[1] = gb;
  }
  return ll;
}

/**
 * Total log-likelihood of sBG parameters.
 * @param params (α, β)
 * @param data survival curve or per-customer rows
 * @returns the log-likelihood
 * @throws LoyalError E_INPUT for invalid data
 * @example sbgLogLikelihood({ alpha: 0.704, beta: 1.182 }, { alive: [1000, 631, 468, 382, 326, 289, 262, 241] }) // ≈ -1680.265
 */
export function sbgLogLikelihood(params: SbgParams, data: SbgData): number {
  return sbgLogLikelihoodWithGradient([params.alpha, params.beta], data);
}

/**
 * Fits sBG by maximum likelihood (log-parameters, see fit.ts).
 * @param data survival curve (`{ alive }`) or per-customer rows (`{ periods, churned, weights? }`)
 * @param options penalizer, starting values (`weights` is ignored: use `data.weights`)
 * @returns the fitted model with standard errors
 * @throws LoyalError E_INPUT for invalid data or data that cannot identify (α, β): nobody churned, or nobody was
 *   observed beyond period 1 (one period identifies only the mean churn probability α/(α+β)); E_CONVERGENCE when
 *   the fit fails or its optimum is on the boundary (α or β beyond 1e±8, or, unpenalised, one churn probability for
 *   everyone as likely as the fit: a cohort whose retention does not rise over time)
 * @example fitSbg({ alive: [1000, 631, 468, 382, 326, 289, 262, 241] }).params // ≈ { alpha: 0.704, beta: 1.182 }
 */
export function fitSbg(data: SbgData, options: FitOptions = {}): FittedModel<SbgParams> {
  const { n, churn, censored } = toCounts(data);
  let churners = 0;
  let pastOne = 0;
  for (let t = 0; t < churn.length; t++) {
    churners += churn[t];
    if (t >= 2 && churn[t] + censored[t] > 0) pastOne++;
  }
  if (churners === 0)
    throw new LoyalError(
      "E_INPUT",
      "sBG: no customer churned, so the likelihood increases without bound as churn probabilities go to 0",
    );
  if (pastOne === 0)
    throw new LoyalError(
      "E_INPUT",
      "sBG: no customer was observed beyond period 1, so only the mean churn probability α/(α+β) is identified, not α and β",
    );
  const init = options.initialParams;
  const starts = init
    ? [[init.alpha, init.beta]]
    : [
        [1, 1],
        [0.5, 3],
        [3, 0.5],
      ];
  return fitModel<SbgParams>(
    {
      model: "sbg",
      names: SBG_PARAMS,
      n,
      starts,
      logLikelihood: (theta, g) => sbgLogLikelihoodWithGradient(theta, data, g),
      // Heterogeneity in θ makes retention rise over time; a cohort whose retention does not rise puts the supremum
      // at α, β → ∞ (one θ for everyone), where the optimiser stopped anywhere: a constant 70% retention curve gave
      // α = 5.9e22, β = 1.4e23, at which ln B(α, β) has no digits left: LL 0 and S(t) = 1 for every t (see
      // boundary.ts).
      boundary: {
        limits: (params) => [
          {
            logLikelihood: homogeneousLogLikelihood(params.alpha / (params.alpha + params.beta), churn, censored),
            problem: `alpha = ${params.alpha.toExponential(2)}, beta = ${params.beta.toExponential(2)} on a ridge: one churn probability for everyone is as likely`,
          },
        ],
        advice:
          "the retention rate does not rise over time (heterogeneous churn probabilities would make it rise), so α and β are not identified; try --penalizer (it bounds parameters that run to ∞)",
      },
    },
    options,
  );
}

/**
 * Log-likelihood of the limit model α, β → ∞ at churn probability θ = α/(α+β): one θ for everyone, so
 * P(T = t) = θ(1−θ)^{t−1} and S(t) = (1−θ)^t (the geometric lifetime of Fader & Hardie 2007, eq. 1).
 */
function homogeneousLogLikelihood(theta: number, churn: Float64Array, censored: Float64Array): number {
  const lnTheta = Math.log(theta);
  const lnSurvive = Math.log1p(-theta);
  let ll = 0;
  for (let t = 1; t < churn.length; t++) {
    if (churn[t] > 0) ll += churn[t] * (lnTheta + (t - 1) * lnSurvive);
    if (censored[t] > 0) ll += censored[t] * t * lnSurvive;
  }
  return ll;
}

function checkPeriod(t: number, min: number): void {
  if (!Number.isInteger(t) || t < min)
    throw new LoyalError("E_USAGE", `period must be a whole number >= ${min}, got ${t}`);
}

/**
 * P(T = t): probability that a new customer churns at renewal opportunity t, B(α+1, β+t−1)/B(α, β)
 * (Fader & Hardie 2007, eq. 3).
 * @param p parameters
 * @param t period, a whole number >= 1
 * @returns P(T = t)
 * @throws LoyalError E_USAGE when t is not a whole number >= 1
 * @example sbgChurnProbability({ alpha: 1, beta: 1 }, 1) // => 0.5
 */
export function sbgChurnProbability(p: SbgParams, t: number): number {
  checkPeriod(t, 1);
  return Math.exp(betaln(p.alpha + 1, p.beta + t - 1) - betaln(p.alpha, p.beta));
}

/**
 * Survival S(t) = P(T > t) = B(α, β+t)/B(α, β): the share of a cohort still customers at period t
 * (Fader & Hardie 2007, eq. 4).
 * @param p parameters
 * @param t period, a whole number >= 0
 * @returns S(t)
 * @throws LoyalError E_USAGE when t is not a whole number >= 0
 * @example sbgSurvival({ alpha: 1, beta: 1 }, 3) // => 0.25
 */
export function sbgSurvival(p: SbgParams, t: number): number {
  checkPeriod(t, 0);
  if (t === 0) return 1;
  return Math.exp(betaln(p.alpha, p.beta + t) - betaln(p.alpha, p.beta));
}

/**
 * Retention rate r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1): the share of the customers alive at t−1 who renew at t
 * (Fader & Hardie 2007, eq. 6). It increases with t (the cohort's mix shifts to loyal customers).
 * @param p parameters
 * @param t period, a whole number >= 1
 * @returns r_t
 * @throws LoyalError E_USAGE when t is not a whole number >= 1
 * @example sbgRetentionRate({ alpha: 1, beta: 1 }, 1) // => 0.5
 */
export function sbgRetentionRate(p: SbgParams, t: number): number {
  checkPeriod(t, 1);
  return (p.beta + t - 1) / (p.alpha + p.beta + t - 1);
}

/**
 * Expected survivors of a cohort of `cohortSize` at periods 0..`periods`: cohortSize · S(t).
 * @param p parameters
 * @param cohortSize customers at period 0
 * @param periods last period to project (whole number >= 0)
 * @returns an array of length periods + 1
 * @throws LoyalError E_USAGE when periods is not a whole number >= 0
 * @example sbgProjectSurvivors({ alpha: 1, beta: 1 }, 1000, 2) // => [1000, 500, 333.33…]
 */
export function sbgProjectSurvivors(p: SbgParams, cohortSize: number, periods: number): Float64Array {
  checkPeriod(periods, 0);
  const out = new Float64Array(periods + 1);
  let s = 1;
  out[0] = cohortSize;
  for (let t = 1; t <= periods; t++) {
    s *= sbgRetentionRate(p, t);
    out[t] = cohortSize * s;
  }
  return out;
}

function checkRate(d: number): void {
  if (!(d > 0) || !Number.isFinite(d))
    throw new LoyalError("E_USAGE", `discount rate must be finite and > 0, got ${d}`);
}

/**
 * DEL: discounted expected lifetime of a customer just acquired, in payments, Σ_{t>=0} S(t)/(1+d)^t =
 * ₂F₁(1, β; α+β; 1/(1+d)) (Fader & Hardie 2010, eq. 5). The payment at acquisition (t = 0) counts undiscounted;
 * the payment at renewal t, made only if T > t, is discounted by (1+d)^t. Multiply by the payment per period for
 * a customer's discounted expected value.
 * @param p parameters
 * @param d discount rate per period (> 0)
 * @returns DEL
 * @throws LoyalError E_USAGE when d <= 0
 * @example sbgDiscountedExpectedLifetime({ alpha: 0.704, beta: 1.182 }, 0.1) // ≈ 3.695
 */
export function sbgDiscountedExpectedLifetime(p: SbgParams, d: number): number {
  checkRate(d);
  return hyp2f1A1(p.beta, p.alpha + p.beta, 1 / (1 + d));
}

/**
 * DERL: discounted expected residual lifetime of a customer who has made n renewals (is alive at period n, T > n,
 * and has paid at periods 0..n), valued at the start of period n + 1, just before the renewal decision:
 * Σ_{k>=1} P(T > n+k | T > n) / (1+d)^{k−1} = (β+n)/(α+β+n) · ₂F₁(1, β+n+1; α+β+n+1; 1/(1+d))
 * (Fader & Hardie 2010, eq. 6, with their n − 1 renewals written as n here).
 * Indexing convention: the payment at period n (already made) is not counted; the payment at period n + 1 is
 * counted undiscounted if it is made (probability r_{n+1}); the one at n + k is discounted by (1+d)^{k−1}. So
 * DEL = 1 + DERL(d, n = 0)/(1+d).
 * @param p parameters
 * @param d discount rate per period (> 0)
 * @param n renewals made so far (whole number >= 0)
 * @returns DERL
 * @throws LoyalError E_USAGE when d <= 0 or n is not a whole number >= 0
 * @example sbgDiscountedExpectedResidualLifetime({ alpha: 1, beta: 1 }, 0.1, 0) // ≈ 1.801453
 */
export function sbgDiscountedExpectedResidualLifetime(p: SbgParams, d: number, n: number): number {
  checkRate(d);
  checkPeriod(n, 0);
  const { alpha, beta } = p;
  return ((beta + n) / (alpha + beta + n)) * hyp2f1A1(beta + n + 1, alpha + beta + n + 1, 1 / (1 + d));
}

/**
 * Simulates a cohort: each customer draws θ ~ Beta(α, β) and churns at each of the renewal opportunities
 * 1..`periods` with probability θ; customers still alive at `periods` are right-censored.
 * @param p parameters
 * @param n cohort size
 * @param periods observation length (whole number >= 1)
 * @param rng seeded generator
 * @returns per-customer rows (`periods[i]` = churn period, or `periods` when censored)
 * @throws LoyalError E_USAGE when periods is not a whole number >= 1
 * @example simulateSbg({ alpha: 0.704, beta: 1.182 }, 5, 7, createRng(1)) // => { periods: [7, 1, 7, 6, 1], churned: [false, true, false, true, true] }
 */
export function simulateSbg(p: SbgParams, n: number, periods: number, rng: Rng): SbgCustomerData {
  checkPeriod(periods, 1);
  const out = new Float64Array(n);
  const churned: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const theta = rng.beta(p.alpha, p.beta);
    let t = 1;
    while (t <= periods && rng.uniform() >= theta) t++;
    churned[i] = t <= periods;
    out[i] = churned[i] ? t : periods;
  }
  return { periods: out, churned };
}

/**
 * Survival curve of per-customer rows: alive[t] = customers with T > t, for t = 0..maxPeriods, counting only
 * customers observed for at least t periods (so it is exact when every censored customer has the same horizon).
 * @param data per-customer rows
 * @param periods last period of the curve
 * @returns alive counts, alive[0] = cohort size
 * @example sbgSurvivalCurve({ periods: [1, 3, 7, 7], churned: [true, true, false, false] }, 7) // => [4, 3, 3, 2, 2, 2, 2, 2]
 */
export function sbgSurvivalCurve(data: SbgCustomerData, periods: number): Float64Array {
  const alive = new Float64Array(periods + 1);
  for (let i = 0; i < data.periods.length; i++) {
    const w = data.weights ? data.weights[i] : 1;
    const last = data.churned[i] ? data.periods[i] - 1 : data.periods[i];
    for (let t = 0; t <= Math.min(last, periods); t++) alive[t] += w;
  }
  return alive;
}

/** The sBG model's functions in one object, for the CLI and server. */
export const sbgModel = {
  name: "sbg" as const,
  paramNames: SBG_PARAMS,
  fit: fitSbg,
  logLikelihood: sbgLogLikelihood,
  churnProbability: sbgChurnProbability,
  survival: sbgSurvival,
  retentionRate: sbgRetentionRate,
  projectSurvivors: sbgProjectSurvivors,
  discountedExpectedLifetime: sbgDiscountedExpectedLifetime,
  discountedExpectedResidualLifetime: sbgDiscountedExpectedResidualLifetime,
  simulate: simulateSbg,
};
