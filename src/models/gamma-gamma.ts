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
import { boundaryError, boundaryProblems } from "./boundary.ts";
import { maximizeLikelihood } from "./fit.ts";
import { fittedModel } from "./fit-model.ts";
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
  /** Σ w ln zbar */
  sumLnZ: number;
  /** Σ w ln(x·zbar) */
  sumLnXZ: number;
}

const prepared = new WeakMap<Float64Array, { frequency: Float64Array; out: PreparedSpend }>();

function prepare(data: SpendData): PreparedSpend {
  const hit = prepared.get(data.monetary);
  if (hit && hit.frequency === data.frequency && data.weights === undefined) return hit.out;
  const { frequency, monetary, weights } = data;
  const n = frequency.length;
  let cnt = 0;
  for (let i = 0; i < n; i++) if (frequency[i] > 0 && monetary[i] > 0 && weights?.[i] !== 0) cnt++;
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
  let sumLnXZ = 0;
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
    sumLnXZ += wi * (lz + Math.log(xi));
  }
  const out: PreparedSpend = {
    x: ux,
    xz: uxz,
    w: uw,
    xs: Float64Array.from(byX.keys()),
    wx: Float64Array.from(byX.values()),
    W,
    sumLnZ,
    sumLnXZ,
  };
  if (!weights) prepared.set(monetary, { frequency, out });
  return out;
}

/** Above this argument ln Γ(a+q) − ln Γ(a) and ψ(a+q) − ψ(a) are taken from their asymptotic expansions. */
const ASYMPTOTIC = 100;

/**
 * ln Γ(a+q) − ln Γ(a) without the cancellation of the two ln Γ values: at a = p·x = 1e12 each is ~3e13, so their
 * difference (~q·ln a) would keep only ~3 significant digits, and at a = 1e138 none (it reached +2e124).
 * For a >= 100, Stirling's series: (a−½)·log1p(q/a) + q·ln(a+q) − q + S(a+q) − S(a), S(z) = 1/(12z) − 1/(360z³) +
 * 1/(1260z⁵) (truncation below 1e-17).
 */
function lnGammaRatio(a: number, q: number): number {
  if (a < ASYMPTOTIC) return gammaln(a + q) - gammaln(a);
  const b = a + q;
  const s = (z: number) => {
    const z2 = 1 / (z * z);
    return (z2 * (-1 / 360 + z2 / 1260)) / z;
  };
  return (a - 0.5) * Math.log1p(q / a) + q * Math.log(b) - q - q / (12 * a * b) + s(b) - s(a);
}

/**
 * ψ(a+q) − ψ(a), for a >= 100 from ψ(z) ~ ln z − 1/(2z) − 1/(12z²) + 1/(120z⁴) − 1/(252z⁶) (truncation below 1e-17),
 * so the difference keeps its relative accuracy when it is ~q/a.
 */
function digammaDiff(a: number, q: number): number {
  if (a < ASYMPTOTIC) return digamma(a + q) - digamma(a);
  const b = a + q;
  const t = (z: number) => {
    const z2 = 1 / (z * z);
    return z2 * z2 * (1 / 120 - z2 / 252);
  };
  return Math.log1p(q / a) + q / (2 * a * b) + (q * (a + b)) / (12 * a * a * b * b) + t(b) - t(a);
}

/**
 * Log-likelihood (weighted total over customers with x > 0 and zbar > 0) and its gradient in (p, q, v).
 * Density of zbar given x: Γ(px+q)/(Γ(px)Γ(q)) · v^q · zbar^{px−1} · x^{px} / (v + x·zbar)^{px+q}, evaluated as
 * [ln Γ(px+q) − ln Γ(px)] − ln Γ(q) − ln zbar + q·ln r − (px+q)·log1p(r) with r = v/(x·zbar): every term stays
 * accurate on the ridge p → ∞, v = c/p (where the density tends to an inverse-gamma one), instead of being a
 * difference of terms of size p.
 * The Γ and ψ terms are evaluated once per distinct x and the data-only sums once per data set, so an evaluation
 * costs one log1p per distinct (x, zbar).
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
  // Σ w ln r = W ln v − Σ w ln(x·zbar)
  const sumLnR = d.W * Math.log(v) - d.sumLnXZ;
  let ll = -d.W * gammaln(q) - d.sumLnZ + q * sumLnR;
  let gp = 0;
  let gq = grad ? -d.W * digamma(q) + sumLnR : 0;
  for (let j = 0; j < d.xs.length; j++) {
    const px = p * d.xs[j];
    ll += d.wx[j] * lnGammaRatio(px, q);
    if (grad) {
      gp += d.wx[j] * d.xs[j] * digammaDiff(px, q);
      gq += d.wx[j] * digamma(px + q);
    }
  }
  const { x, xz, w } = d;
  let sumL = 0;
  let sumXL = 0;
  let sumWL = 0;
  let sumInv = 0;
  for (let i = 0; i < x.length; i++) {
    const L = Math.log1p(v / xz[i]);
    const wi = w[i];
    const pxq = p * x[i] + q;
    sumL += wi * pxq * L;
    if (grad) {
      sumXL += wi * x[i] * L;
      sumWL += wi * L;
      sumInv += (wi * pxq) / (xz[i] + v);
    }
  }
  ll -= sumL;
  if (grad) {
    grad[0] = gp - sumXL;
    grad[1] = gq - sumWL;
    grad[2] = (d.W * q) / v - sumInv;
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
 * @returns the fitted model; warns (W_GG_Q) when q <= 1, where the mean spend and CLV are not finite, and
 * (W_GG_Q_BOUND) when the q > 1 constraint binds
 * @throws LoyalError E_INPUT with no usable customers, E_CONVERGENCE when the fit fails or its optimum is on the
 * boundary (p or q beyond 1e8 or below 1e-8, or q − 1 not representable with the constraint)
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
  const penalized = (options.penalizer ?? 0) > 0;
  const fit = (firstConverged: boolean, from: readonly (readonly number[])[] = starts) => {
    const r = maximizeLikelihood({
      model: "gamma-gamma",
      names: ["p", "q", "v"],
      n,
      starts: from.map(([p, q, v]) => [p, Math.max(q - shift, 1e-3), v]),
      firstConverged,
      penalizer: options.penalizer,
      maxIterations: options.maxIterations,
      logLikelihood: (theta, g) => gammaGammaLogLikelihoodWithGradient([theta[0], theta[1] + shift, theta[2]], d, g),
    });
    const params: GammaGammaParams = { p: r.params.p, q: r.params.q + shift, v: r.params.v };
    return { r, params, boundary: spendBoundaryProblems(params, r.params.q, constrain, r.logLikelihood, d, penalized) };
  };
  // The first start that converges is usually the optimum; when it ran to the boundary, another start may still
  // find an interior optimum with a higher likelihood, so every start is tried before giving up, and with the
  // constraint also the unconstrained optimum when it has q > 1 (x = 10,000 mixed in: every constrained start runs
  // to p = 9e80 with LL −18.8, the unconstrained fit finds p = 4.0, q = 983 with LL −14.8).
  let attempt = fit(true);
  const retry = (run: () => typeof attempt) => {
    if (attempt.boundary.length === 0) return;
    try {
      const other = run();
      if (other.boundary.length === 0 || other.r.logLikelihood > attempt.r.logLikelihood) attempt = other;
    } catch (e) {
      if (!(e instanceof LoyalError)) throw e;
    }
  };
  if (!init) {
    retry(() => fit(false));
    if (constrain)
      retry(() => {
        const free = fitGammaGamma(data, { ...options, constrainQ: false });
        if (!(free.params.q > 1)) throw new LoyalError("E_CONVERGENCE", "the unconstrained optimum has q <= 1");
        return fit(true, [[free.params.p, free.params.q, free.params.v]]);
      });
  }
  if (attempt.boundary.length > 0)
    throw boundaryError(
      "gamma-gamma",
      attempt.boundary,
      "with few repeat customers or nearly constant spends this is expected; try --penalizer",
      { params: attempt.params, logLikelihood: attempt.r.logLikelihood },
    );
  const res = attempt.r;
  const params = attempt.params;
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
  return fittedModel<GammaGammaParams>("gamma-gamma", { ...res, params, intervals, logCovariance }, n, options);
}

/**
 * Total log-likelihood of the two limit models at the fitted parameters (same data and weights as the fit):
 * - p → ∞ with c = p·v fixed: a customer's transactions all have the same value, and zbar ~ InvGamma(q, c):
 *   ln f = q·ln c − ln Γ(q) − (q+1)·ln zbar − c/zbar;
 * - q → ∞ with s = v/q fixed: no heterogeneity across customers (ν = 1/s), and zbar ~ Gamma(px, rate x/s):
 *   ln f = px·ln(x/s) − ln Γ(px) + (px−1)·ln zbar − x·zbar/s.
 */
function limitLogLikelihoods(params: GammaGammaParams, data: SpendData): { pInfinite: number; qInfinite: number } {
  const { p, q, v } = params;
  const d = prepare(data);
  const c = p * v;
  const lnC = Math.log(p) + Math.log(v);
  const s = v / q;
  const lnS = Math.log(v) - Math.log(q);
  let pInfinite = q * lnC * d.W - gammaln(q) * d.W - (q + 1) * d.sumLnZ;
  let qInfinite = 0;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i];
    const z = d.xz[i] / x;
    const lnZ = Math.log(z);
    const px = p * x;
    pInfinite -= (d.w[i] * c) / z;
    qInfinite += d.w[i] * (px * (Math.log(x) - lnS) - gammaln(px) + (px - 1) * lnZ - (x * z) / s);
  }
  return { pInfinite, qInfinite };
}

/**
 * Why the optimum is on the boundary of the parameter space (see boundary.ts): p → ∞ (each customer's spends all
 * alike), q → ∞ (all customers alike), both (all spends equal: the likelihood is then unbounded), or p, q → 0; or when
 * the q > 1 constraint binds so tightly that q − 1 is not representable (the population mean spend p·v/(q−1) would
 * be Infinity). Few repeat customers commonly put the supremum there; the optimiser then stops wherever the
 * gradient has flattened (p = 9e11 and p = 1.6e94 for the same three customers), so a fit is on the boundary when
 * the dimensionless p or q is beyond 1e±8 (v carries the unit of money, so it is not bounded) or when a limit model
 * is as likely as the fit (not checked for a penalised fit).
 * @param qFree the optimiser's q coordinate: q, or q − 1 with the constraint
 * @returns the problems found, empty for an interior optimum
 */
function spendBoundaryProblems(
  params: GammaGammaParams,
  qFree: number,
  constrained: boolean,
  logLikelihood: number,
  data: SpendData,
  penalized: boolean,
): string[] {
  const other: string[] = [];
  if (constrained && !(params.q - 1 > 0))
    other.push(`q − 1 = ${qFree.toExponential(2)} is below double precision (q = 1 exactly)`);
  if (!Number.isFinite(logLikelihood)) other.push(`log-likelihood ${logLikelihood}`);
  const bounded = [
    ["p", params.p],
    ["q", params.q],
  ] as const;
  return boundaryProblems({ bounded, logLikelihood, penalized }, other, () => {
    const lim = limitLogLikelihoods(params, data);
    return [
      {
        logLikelihood: lim.pInfinite,
        problem: `p = ${params.p.toExponential(2)} is on a ridge: the limit p → ∞ is as likely`,
      },
      {
        logLikelihood: lim.qInfinite,
        problem: `q = ${params.q.toExponential(2)} is on a ridge: the limit q → ∞ is as likely`,
      },
    ];
  });
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
