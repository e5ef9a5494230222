/**
 * Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value";
 * Colombo & Jiang 1999). A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ); here γ is `v`.
 * Fitted on repeat customers only (x > 0, mean repeat spend > 0): zero-value purchases carry no spend information.
 */
import { uniqueRows } from "../data/unique-rows.ts";
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

/** Repeat customers with positive spend, with the data-only sums of the likelihood precomputed. */
interface PreparedSpend {
  x: Float64Array;
  xz: Float64Array;
  w: Float64Array;
  /** Distinct frequencies and their total weights. */
  xs: Float64Array;
  wx: Float64Array;
  W: number;
  sumLnZ: number;
  sumXLnZ: number;
  sumXLnX: number;
}

const prepared = new WeakMap<Float64Array, { frequency: Float64Array; out: PreparedSpend }>();

function prepare(data: SpendData): PreparedSpend {
  const hit = prepared.get(data.monetary);
  if (hit && hit.frequency === data.frequency && data.weights === undefined) return hit.out;
  const { frequency, monetary, weights } = data;
  const n = frequency.length;
  let cnt = 0;
  for (let i = 0; i < n; i++) if (frequency[i] > 0 && monetary[i] > 0 && (!weights || weights[i] !== 0)) cnt++;
  const x = new Float64Array(cnt);
  const z = new Float64Array(cnt);
  const w = weights ? new Float64Array(cnt) : undefined;
  for (let i = 0, k = 0; i < n; i++) {
    if (!(frequency[i] > 0 && monetary[i] > 0) || (weights && weights[i] === 0)) continue;
    x[k] = frequency[i];
    z[k] = monetary[i];
    if (w && weights) w[k] = weights[i];
    k++;
  }
  // Identical (x, zbar) pairs (common: amounts in cents) become one weighted row; every data-only sum is then taken
  // over the distinct rows.
  const u = uniqueRows([x, z]);
  const m = u.first.length;
  const ux = new Float64Array(m);
  const uxz = new Float64Array(m);
  const uw = new Float64Array(m);
  for (let i = 0; i < cnt; i++) uw[u.index[i]] += w ? w[i] : 1;
  const byX = new Map<number, number>();
  let W = 0;
  let sumLnZ = 0;
  let sumXLnZ = 0;
  let sumXLnX = 0;
  for (let j = 0; j < m; j++) {
    const xi = x[u.first[j]];
    const zi = z[u.first[j]];
    const wi = uw[j];
    ux[j] = xi;
    uxz[j] = xi * zi;
    byX.set(xi, (byX.get(xi) ?? 0) + wi);
    W += wi;
    const lz = Math.log(zi);
    sumLnZ += wi * lz;
    sumXLnZ += wi * xi * lz;
    sumXLnX += wi * xi * Math.log(xi);
  }
  const out: PreparedSpend = {
    x: ux,
    xz: uxz,
    w: uw,
    xs: Float64Array.from(byX.keys()),
    wx: Float64Array.from(byX.values()),
    W,
    sumLnZ,
    sumXLnZ,
    sumXLnX,
  };
  if (!weights) prepared.set(monetary, { frequency, out });
  return out;
}

/**
 * Log-likelihood (weighted total over customers with x > 0 and zbar > 0) and its gradient in (p, q, v).
 * Density of zbar given x: Γ(px+q)/(Γ(px)Γ(q)) · v^q · zbar^{px−1} · x^{px} / (v + x·zbar)^{px+q}.
 * The Γ and ψ terms are evaluated once per distinct x and the data-only sums once per data set, so an evaluation
 * costs one logarithm per customer.
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
  const d = prepare(data);
  const lnV = Math.log(v);
  let ll = -d.W * gammaln(q) + d.W * q * lnV + p * (d.sumXLnZ + d.sumXLnX) - d.sumLnZ;
  let gp = d.sumXLnZ + d.sumXLnX;
  let gq = grad ? -d.W * digamma(q) + d.W * lnV : 0;
  const gv = (d.W * q) / v;
  for (let j = 0; j < d.xs.length; j++) {
    const px = p * d.xs[j];
    ll += d.wx[j] * (gammaln(px + q) - gammaln(px));
    if (grad) {
      const psiPQ = digamma(px + q);
      gp += d.wx[j] * d.xs[j] * (psiPQ - digamma(px));
      gq += d.wx[j] * psiPQ;
    }
  }
  const { x, xz, w } = d;
  let sumPL = 0;
  let sumXL = 0;
  let sumL = 0;
  let sumInv = 0;
  for (let i = 0; i < x.length; i++) {
    const s = xz[i] + v;
    const L = Math.log(s);
    const wi = w[i];
    const pxq = p * x[i] + q;
    sumPL += wi * pxq * L;
    if (grad) {
      sumXL += wi * x[i] * L;
      sumL += wi * L;
      sumInv += (wi * pxq) / s;
    }
  }
  ll -= sumPL;
  if (grad) {
    grad[0] = gp - sumXL;
    grad[1] = gq - sumL;
    grad[2] = gv - sumInv;
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
        [pStart, 3, (mean * 2) / pStart],
        [1, 1, 1],
        [pStart * 2, 5, (mean * 4) / (pStart * 2)],
      ];
  // With the constraint, the optimiser works on q' = q − 1 > 0.
  const shift = constrain ? 1 : 0;
  const res = maximizeLikelihood({
    model: "gamma-gamma",
    names: ["p", "q", "v"],
    n,
    starts: starts.map(([p, q, v]) => [p, Math.max(q - shift, 1e-3), v]),
    firstConverged: true,
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
  let logCovariance = res.logCovariance;
  if (constrain) {
    if (intervals) intervals.q = [intervals.q[0] + 1, intervals.q[1] + 1];
    // The optimiser's coordinate is u = ln(q − 1); report the covariance of ln q like every other model:
    // d ln q / du = (q − 1)/q scales q's row and column.
    if (logCovariance) {
      const g = (params.q - 1) / params.q;
      logCovariance = logCovariance.map((c, idx) => c * (Math.floor(idx / 3) === 1 ? g : 1) * (idx % 3 === 1 ? g : 1));
    }
    if (Math.abs(params.q - 1) < 1e-6) {
      warn(
        "W_GG_Q_BOUND",
        `gamma-gamma: the q > 1 constraint is binding (q − 1 = ${(params.q - 1).toExponential(2)}): the data favour q <= 1, so the population mean spend is huge and CLV for customers without repeat purchases is not reliable`,
      );
    }
  }
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
    logCovariance,
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
