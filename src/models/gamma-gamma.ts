/**
 * Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value";
 * Colombo & Jiang 1999). A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ); here γ is `v`.
 * Fitted on repeat customers only (x > 0, mean repeat spend > 0): zero-value purchases carry no spend information.
 */
import { LoyalError } from "../errors.ts";
import type { Rng } from "../math/random.ts";
import { digamma, gammaln } from "../math/special.ts";
import { warn } from "../warnings.ts";
import { informationCriteria, maximizeLikelihood } from "./fit.ts";
import type { FitOptions, FittedModel } from "./types.ts";

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
  [k: string]: number;
}

/** Spend data: for each customer, the number of repeat purchases x and their mean value zbar. */
export interface SpendData {
  frequency: Float64Array;
  monetary: Float64Array;
  weights?: Float64Array;
}

export interface GammaGammaFitOptions extends FitOptions {
  /** Force q > 1 so the population mean spend p·v/(q−1) is finite (fits q = 1 + e^u). */
  constrainQ?: boolean;
}

/**
 * Log-likelihood (weighted total over customers with x > 0 and zbar > 0) and its gradient in (p, q, v).
 * Density of zbar given x: Γ(px+q)/(Γ(px)Γ(q)) · v^q · zbar^{px−1} · x^{px} / (v + x·zbar)^{px+q}.
 * @see lifetimes GammaGammaFitter._negative_log_likelihood
 */
export function gammaGammaLogLikelihoodWithGradient(
  theta: ArrayLike<number>,
  data: SpendData,
  grad?: Float64Array,
): number {
  const p = theta[0];
  const q = theta[1];
  const v = theta[2];
  if (!(p > 0 && q > 0 && v > 0)) return Number.NEGATIVE_INFINITY;
  const lgQ = gammaln(q);
  const psiQ = grad ? digamma(q) : 0;
  const lnV = Math.log(v);
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gv = 0;
  const { frequency, monetary, weights } = data;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    const z = monetary[i];
    if (!(x > 0 && z > 0)) continue;
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    const px = p * x;
    const lnXz = Math.log(x * z + v);
    const lnZ = Math.log(z);
    const lnX = Math.log(x);
    ll += w * (gammaln(px + q) - gammaln(px) - lgQ + q * lnV + (px - 1) * lnZ + px * lnX - (px + q) * lnXz);
    if (grad) {
      const psiPQ = digamma(px + q);
      gp += w * x * (psiPQ - digamma(px) + lnZ + lnX - lnXz);
      gq += w * (psiPQ - psiQ + lnV - lnXz);
      gv += w * (q / v - (px + q) / (x * z + v));
    }
  }
  if (grad) {
    grad[0] = gp;
    grad[1] = gq;
    grad[2] = gv;
  }
  return ll;
}

/**
 * Total log-likelihood of Gamma-Gamma parameters.
 * @example gammaGammaLogLikelihood({ p: 6.248802, q: 3.744588, v: 15.447748 }, cdnowSpend) // ≈ -4055.9232
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendData): number {
  return gammaGammaLogLikelihoodWithGradient([params.p, params.q, params.v], data);
}

/**
 * Fits the Gamma-Gamma spend model by maximum likelihood on the repeat customers.
 * @param data frequency and mean repeat spend per customer (rows with x = 0 or zbar <= 0 are skipped)
 * @param options weights, penalizer, `constrainQ`
 * @returns the fitted model; warns (W_GG_Q) when q <= 1, where the mean spend and CLV are not finite
 * @throws LoyalError E_INPUT with no usable customers, E_CONVERGENCE when the fit fails
 * @see lifetimes GammaGammaFitter.fit
 */
export function fitGammaGamma(data: SpendData, options: GammaGammaFitOptions = {}): FittedModel<GammaGammaParams> {
  const d: SpendData = options.weights ? { ...data, weights: Float64Array.from(options.weights) } : data;
  let n = 0;
  let sumZ = 0;
  let sumZ2 = 0;
  for (let i = 0; i < d.frequency.length; i++) {
    const z = d.monetary[i];
    if (!Number.isFinite(z) || z < 0)
      throw new LoyalError("E_INPUT", `monetary value must be finite and >= 0, got ${z}`, {
        row: i + 1,
        column: "monetary_value",
      });
    if (d.frequency[i] > 0 && z > 0) {
      const w = d.weights ? d.weights[i] : 1;
      n += w;
      sumZ += w * z;
      sumZ2 += w * z * z;
    }
  }
  if (n < 2)
    throw new LoyalError("E_INPUT", `Gamma-Gamma needs at least 2 repeat customers with positive spend, got ${n}`);
  const mean = sumZ / n;
  const varZ = Math.max(sumZ2 / n - mean * mean, 1e-12 * mean * mean);
  const constrain = options.constrainQ === true;
  const init = options.initialParams;
  // Moment-based start: p·v/(q−1) ≈ mean with q = 3 and p from the coefficient of variation.
  const pStart = Math.min(Math.max((mean * mean) / varZ, 0.1), 100);
  const starts = init
    ? [[init.p, init.q, init.v]]
    : [
        [1, 1, 1],
        [pStart, 3, (mean * 2) / pStart],
        [pStart * 2, 5, (mean * 4) / (pStart * 2)],
      ];
  // With the constraint, the optimiser works on q' = q − 1 > 0.
  const shift = constrain ? 1 : 0;
  const res = maximizeLikelihood({
    model: "gamma-gamma",
    names: ["p", "q", "v"],
    n,
    starts: starts.map(([p, q, v]) => [p, Math.max(q - shift, 1e-3), v]),
    penalizer: options.penalizer,
    maxIterations: options.maxIterations,
    logLikelihood: (theta, g) => {
      const ll = gammaGammaLogLikelihoodWithGradient([theta[0], theta[1] + shift, theta[2]], d, g);
      return ll;
    },
  });
  const params: GammaGammaParams = { p: res.params.p, q: res.params.q + shift, v: res.params.v };
  const standardErrors = res.standardErrors;
  const intervals = res.intervals;
  if (constrain && intervals) intervals.q = [intervals.q[0] + 1, intervals.q[1] + 1];
  if (params.q <= 1) {
    warn(
      "W_GG_Q",
      `gamma-gamma: q = ${params.q.toFixed(4)} <= 1, so the population mean spend p·v/(q−1) is not finite; expected spend of customers without repeat purchases and CLV are not reliable (refit with the q > 1 constraint)`,
    );
  }
  return {
    model: "gamma-gamma",
    params,
    standardErrors,
    intervals,
    logCovariance: res.logCovariance,
    logLikelihood: res.logLikelihood,
    ...informationCriteria(res.logLikelihood, 3, n),
    n,
    penalizer: options.penalizer ?? 0,
    convergence: res.convergence,
  };
}

/**
 * Conditional expected mean transaction value E[M | x, zbar] = (q−1)/(px+q−1) · pv/(q−1) + px/(px+q−1) · zbar:
 * a weighted average of the population mean and the customer's own mean (Fader & Hardie 2013, eq. 5).
 * Customers with x = 0 get the population mean p·v/(q−1) (Infinity when q <= 1).
 * @see lifetimes GammaGammaFitter.conditional_expected_average_profit
 * @example gammaGammaExpectedSpend({ p: 6.25, q: 3.74, v: 15.44 }, 2, 22.35) // ≈ 24.663714
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, frequency: number, monetary: number): number {
  const { p, q, v } = params;
  if (frequency === 0) return q > 1 ? (p * v) / (q - 1) : Number.POSITIVE_INFINITY;
  return (p * (v + frequency * monetary)) / (p * frequency + q - 1);
}

/**
 * Simulates spend: for each customer with x > 0, ν ~ Gamma(q, v) and the mean of x values Gamma(p, ν).
 * @returns the mean repeat spend per customer (0 when x = 0)
 */
export function simulateGammaGamma(params: GammaGammaParams, frequency: ArrayLike<number>, rng: Rng): Float64Array {
  const out = new Float64Array(frequency.length);
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    if (x <= 0) continue;
    const nu = rng.gamma(params.q, params.v);
    // The mean of x iid Gamma(p, ν) values is Gamma(p·x, ν·x).
    out[i] = rng.gamma(params.p * x, nu * x);
  }
  return out;
}
