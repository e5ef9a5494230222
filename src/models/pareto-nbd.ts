/**
 * Pareto/NBD: Poisson purchasing with rate λ ~ Gamma(r, α) and an exponential lifetime with rate μ ~ Gamma(s, β)
 * (Schmittlein, Morrison & Colombo 1987, Management Science 33(1); expressions from Fader, Hardie & Lee 2005,
 * "A note on deriving the Pareto/NBD model and related expressions", and Hardie's notes 008/009/027/028).
 * Time is in the unit of the data it was fitted on. The fit, P(alive), expectations and the
 * simulator live here; the hard integral in pareto-nbd-integral.ts, its per-data-set evaluation (likelihood,
 * vectorised scoring) in pareto-nbd-likelihood.ts; the purchase-count pmfs and DERT in
 * pareto-nbd-pmf.ts.
 */
import type { Customer, RfmData } from "../data/summary.ts";
import type { Rng } from "../math/random.ts";
import { totalWeight } from "./fit.ts";
import { fitModel } from "./fit-model.ts";
import { paretoNbdLnIntegral, paretoNbdLogLikelihoodWithGradient, powerBracket } from "./pareto-nbd-likelihood.ts";
import { requireRepeatPurchases, validateRfm } from "./rfm-cache.ts";
import type { FitOptions, FittedModel } from "./types.ts";

/** Pareto/NBD parameters: λ ~ Gamma(r, α), μ ~ Gamma(s, β) (shape, rate); α and β in the data's time unit. */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
  [k: string]: number;
}

/** Half-width, in natural-log units, of the box the fit searches (1e±5 around its centre). */
const LOG_BOX_RADIUS = 5 * Math.LN10;

/** Purchase-rate shape r and scale α (λ ~ Gamma(r, α)); dropout-rate shape s and scale β (μ ~ Gamma(s, β)). */
export const PARETO_NBD_PARAMS = ["r", "alpha", "s", "beta"] as const;

export {
  paretoNbdLnIntegral,
  paretoNbdLogLikelihoodWithGradient,
  paretoNbdScoreMany,
} from "./pareto-nbd-likelihood.ts";

/**
 * Total log-likelihood of Pareto/NBD parameters on a data set (weighted by `data.weights`).
 * @param params (r, α, s, β)
 * @param data summaries, optionally weighted
 * @returns Σ w_i ln L_i; -Infinity outside the parameter space
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
 * @throws LoyalError E_INPUT for an invalid summary, E_CONVERGENCE when the fit fails or the data cannot identify
 *   it (no customer with a repeat purchase, or a single repeat-purchase history: see requireRepeatPurchases)
 * @see lifetimes ParetoNBDFitter.fit
 * @example fitParetoNbd(cdnowRounded).params // ≈ { r: 0.5533, alpha: 10.5776, s: 0.6062, beta: 11.6679 }
 */
export function fitParetoNbd(data: RfmData, options: FitOptions = {}): FittedModel<ParetoNbdParams> {
  const d: RfmData = options.weights ? { ...data, weights: Float64Array.from(options.weights) } : data;
  validateRfm(d);
  requireRepeatPurchases(d, "pareto-nbd");
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
  return fitModel<ParetoNbdParams>(
    {
      model: "pareto-nbd",
      names: PARETO_NBD_PARAMS,
      n,
      starts,
      logLikelihood: (theta, g) => paretoNbdLogLikelihoodWithGradient(theta, d, g),
      // Shapes within 1e±5 of 1 and scales within 1e±5 of the mean age: beyond, the fit is following one of the
      // model's ridges (s, β → ∞: no heterogeneity in dropout; r, α → ∞: none in purchasing; s → 0) where the
      // likelihood is flat and loses its precision, and the data do not identify the model.
      logBox: { center: [1, meanT, 1, meanT], radius: LOG_BOX_RADIUS },
    },
    options,
  );
}

/**
 * Probability that a customer with history (x, t_x, T) is still alive at T:
 * 1 / (1 + s·I·(α+T)^{r+x}(β+T)^s). Fader, Hardie & Lee (2005 note) eq. 24 (Hardie note 008).
 * @param p parameters
 * @param c the customer's (frequency, recency, T)
 * @returns P(alive at T | history), in [0, 1]; 1 when recency = T
 * @see lifetimes ParetoNBDFitter.conditional_probability_alive
 * @example paretoNbdProbabilityAlive({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, { frequency: 2, recency: 30.43, T: 38.86 }) // ≈ 0.869168
 */
export function paretoNbdProbabilityAlive(p: ParetoNbdParams, c: Customer): number {
  const I = paretoNbdLnIntegral(p, c.frequency, c.recency, c.T);
  if (I[0] === Number.NEGATIVE_INFINITY) return 1;
  const lnOdds = Math.log(p.s) + I[0] + (p.r + c.frequency) * Math.log(p.alpha + c.T) + p.s * Math.log(p.beta + c.T);
  return lnOdds > 0 ? Math.exp(-lnOdds) / (1 + Math.exp(-lnOdds)) : 1 / (1 + Math.exp(lnOdds));
}

/**
 * Conditional expected number of purchases in (T, T + t]:
 * (r+x)(β+T)/((α+T)(s−1))·[1 − ((β+T)/(β+T+t))^{s−1}]·P(alive) (its limit at s = 1).
 * Fader, Hardie & Lee (2005 note) eq. 26.
 * @param p parameters
 * @param t horizon after T (unit of the fit)
 * @param c the customer's (frequency, recency, T)
 * @returns expected purchases in (T, T + t]
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
 * @param p parameters
 * @param t horizon from the first purchase
 * @returns E[X(t)]
 * @see lifetimes ParetoNBDFitter.expected_number_of_purchases_up_to_time
 * @example paretoNbdExpectedPurchasesNewCustomer({ r: 0.55, alpha: 10.56, s: 0.61, beta: 11.64 }, 1) // ≈ 0.05077821 (BTYD)
 */
export function paretoNbdExpectedPurchasesNewCustomer(p: ParetoNbdParams, t: number): number {
  return ((p.r * p.beta) / p.alpha) * powerBracket(p.s, t / p.beta);
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
 * @example simulateParetoNbd({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, [39, 39, 39], createRng(1)).frequency // => [0, 2, 0]
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
