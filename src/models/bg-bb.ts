/**
 * BG/BB: beta-geometric / beta-Bernoulli model of discrete-time repeat transactions (Fader, Hardie & Shang 2010,
 * "Customer-base analysis in a discrete-time noncontractual setting", Marketing Science 29(6)).
 *
 * A cohort is acquired at period 0 and has `periods` (n) transaction opportunities 1..n. At the start of each
 * period an alive customer dies with probability θ ~ Beta(γ, δ); an alive customer then transacts with
 * probability p ~ Beta(α, β). A customer's history is (x, t_x, n): x transactions, the last at opportunity t_x
 * (0 when x = 0). "Alive at period t" means the customer survived the first t death draws.
 * Data objects are treated as immutable: their distinct histories are cached per object.
 */
import { LoyalError } from "../errors.ts";
import type { Rng } from "../math/random.ts";
import { betaln, digamma, gammaln, hyp2f1A1 } from "../math/special.ts";
import type { LimitModel } from "./boundary.ts";
import { totalWeight } from "./fit.ts";
import { fitModel } from "./fit-model.ts";
import type { FitOptions, FittedModel } from "./types.ts";

export interface BgBbParams {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
  [k: string]: number;
}

export const BG_BB_PARAMS = ["alpha", "beta", "gamma", "delta"] as const;

/** Discrete-time histories, column-wise: x, t_x and n per row, optionally weighted (customers per row). */
export interface BgBbData {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  periods: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

/** One customer's history: x transactions in n opportunities, the last at t_x. */
export interface BgBbCustomer {
  frequency: number;
  recency: number;
  periods: number;
}

interface Patterns {
  x: Int32Array;
  tx: Int32Array;
  n: Int32Array;
  w: Float64Array;
  total: number;
}

const patternCache = new WeakMap<object, Patterns>();

/**
 * Validates the rows and merges identical (x, t_x, n) histories, summing their weights (cached per data object),
 * so every Beta term is computed once per distinct history.
 * @throws LoyalError E_INPUT naming the first bad row and column
 */
function patterns(data: BgBbData): Patterns {
  const hit = patternCache.get(data);
  if (hit) return hit;
  const { frequency, recency, periods, weights } = data;
  const m = frequency.length;
  if (recency.length !== m || periods.length !== m || (weights && weights.length !== m))
    throw new LoyalError("E_INPUT", "BG/BB data: columns have different lengths");
  if (m === 0) throw new LoyalError("E_INPUT", "BG/BB data: no customers");
  const index = new Map<string, number>();
  const xs: number[] = [];
  const txs: number[] = [];
  const ns: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < m; i++) {
    const x = frequency[i];
    const tx = recency[i];
    const n = periods[i];
    const loc = (column: string) => ({ row: i + 1, column });
    if (!Number.isInteger(n) || n < 0)
      throw new LoyalError("E_INPUT", `periods must be a whole number >= 0, got ${n}`, loc("periods"));
    if (!Number.isInteger(x) || x < 0 || x > n)
      throw new LoyalError(
        "E_INPUT",
        `frequency must be a whole number in [0, periods = ${n}], got ${x}`,
        loc("frequency"),
      );
    if (!Number.isInteger(tx) || tx < x || tx > n || (x === 0 && tx !== 0))
      throw new LoyalError(
        "E_INPUT",
        `recency must be a whole number in [frequency = ${x}, periods = ${n}] (0 when frequency is 0), got ${tx}`,
        loc("recency"),
      );
    const w = weights ? weights[i] : 1;
    if (!(w >= 0) || !Number.isFinite(w))
      throw new LoyalError("E_INPUT", `weight must be finite and >= 0, got ${w}`, loc("weights"));
    const key = `${x},${tx},${n}`;
    const j = index.get(key);
    if (j === undefined) {
      index.set(key, xs.length);
      xs.push(x);
      txs.push(tx);
      ns.push(n);
      ws.push(w);
    } else ws[j] += w;
  }
  const out: Patterns = {
    x: Int32Array.from(xs),
    tx: Int32Array.from(txs),
    n: Int32Array.from(ns),
    w: Float64Array.from(ws),
    total: totalWeight(m, weights),
  };
  patternCache.set(data, out);
  return out;
}

/**
 * The n − t_x + 1 terms of ln L(α, β, γ, δ | x, t_x, n), in log space: term 0 is alive at n (the transaction part
 * B(α+x, β+n−x)/B(α,β), the death part B(γ, δ+n)/B(γ,δ)); term j >= 1 died at the start of period t_x + j
 * (B(α+x, β+t_x−x+j−1)/B(α,β) · B(γ+1, δ+t_x+j−1)/B(γ,δ)). The integer counts are added to β and δ only after
 * they are formed: β + n − x evaluated left to right loses β when β << n (β = 5e-10 lost 8.7e-7 of itself and
 * put P(alive) at 1.00000087).
 */
function logTerms(
  alpha: number,
  beta: number,
  gamma: number,
  delta: number,
  lbAB: number,
  lbGD: number,
  x: number,
  tx: number,
  n: number,
): Float64Array {
  const terms = n - tx + 1;
  const logs = new Float64Array(terms);
  for (let j = 0; j < terms; j++) {
    const mB = j === 0 ? n - x : tx - x + j - 1;
    logs[j] =
      j === 0
        ? betaln(alpha + x, beta + mB) - lbAB + betaln(gamma, delta + n) - lbGD
        : betaln(alpha + x, beta + mB) - lbAB + betaln(gamma + 1, delta + (tx + j - 1)) - lbGD;
  }
  return logs;
}

/**
 * ln L(α, β, γ, δ | x, t_x, n) and, when `g` is given, adds w · d ln L/dθ into g.
 * L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ) + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
 * (Fader, Hardie & Shang 2010, eq. 5): alive through n, or died at the start of period t_x+i+1.
 */
function logLikelihoodOne(
  p: ArrayLike<number>,
  x: number,
  tx: number,
  n: number,
  w: number,
  g: Float64Array | undefined,
  k: {
    lbAB: number;
    lbGD: number;
    psiA: number;
    psiB: number;
    psiAB: number;
    psiG: number;
    psiD: number;
    psiGD: number;
    psiAx: number;
  },
): number {
  const alpha = p[0];
  const beta = p[1];
  const gamma = p[2];
  const delta = p[3];
  const terms = n - tx + 1;
  const logs = logTerms(alpha, beta, gamma, delta, k.lbAB, k.lbGD, x, tx, n);
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < terms; j++) if (logs[j] > max) max = logs[j];
  let s = 0;
  for (let j = 0; j < terms; j++) s += Math.exp(logs[j] - max);
  const ll = max + Math.log(s);
  if (g) {
    for (let j = 0; j < terms; j++) {
      const wt = (w * Math.exp(logs[j] - max)) / s;
      if (wt === 0) continue;
      const mB = j === 0 ? n - x : tx - x + j - 1;
      const c = j === 0 ? 0 : 1;
      const e = j === 0 ? n : tx + j - 1;
      const psiABm = digamma(alpha + beta + x + mB);
      const psiGDe = digamma(gamma + delta + c + e);
      g[0] += wt * (k.psiAx - psiABm - k.psiA + k.psiAB);
      g[1] += wt * (digamma(beta + mB) - psiABm - k.psiB + k.psiAB);
      g[2] += wt * ((c === 0 ? k.psiG : k.psiG + 1 / gamma) - psiGDe - k.psiG + k.psiGD);
      g[3] += wt * (digamma(delta + e) - psiGDe - k.psiD + k.psiGD);
    }
  }
  return ll;
}

/**
 * Log-likelihood (weighted total over histories) and, when `grad` is given, its gradient in (α, β, γ, δ); each
 * customer's likelihood is a log-sum-exp of its n − t_x + 1 terms (Fader, Hardie & Shang 2010, eq. 5).
 * @param p natural-scale parameters [α, β, γ, δ]
 * @param data histories (optionally weighted)
 * @param grad receives dLL/d(α, β, γ, δ) when given
 * @returns the total log-likelihood; -Infinity outside the parameter space
 * @throws LoyalError E_INPUT for invalid data
 * @see lifetimes BetaGeoBetaBinomFitter._negative_log_likelihood
 * @example bgBbLogLikelihoodWithGradient([1.204, 0.75, 0.657, 2.783], donations, g) // ≈ -33225.581755; g ≈ [0.670120, -1.191148, -2.643500, 0.446872]
 */
export function bgBbLogLikelihoodWithGradient(p: ArrayLike<number>, data: BgBbData, grad?: Float64Array): number {
  const pat = patterns(data);
  const [alpha, beta, gamma, delta] = [p[0], p[1], p[2], p[3]];
  if (!(alpha > 0 && beta > 0 && gamma > 0 && delta > 0)) return Number.NEGATIVE_INFINITY;
  const g = grad ? new Float64Array(4) : undefined;
  const base = {
    lbAB: betaln(alpha, beta),
    lbGD: betaln(gamma, delta),
    psiA: grad ? digamma(alpha) : 0,
    psiB: grad ? digamma(beta) : 0,
    psiAB: grad ? digamma(alpha + beta) : 0,
    psiG: grad ? digamma(gamma) : 0,
    psiD: grad ? digamma(delta) : 0,
    psiGD: grad ? digamma(gamma + delta) : 0,
    psiAx: 0,
  };
  let ll = 0;
  for (let j = 0; j < pat.x.length; j++) {
    const w = pat.w[j];
    if (w === 0) continue;
    if (grad) base.psiAx = digamma(alpha + pat.x[j]);
    ll += w * logLikelihoodOne(p, pat.x[j], pat.tx[j], pat.n[j], w, g, base);
  }
  if (grad && g) grad.set(g);
  return ll;
}

/**
 * Total log-likelihood of BG/BB parameters (weighted by `data.weights`).
 * @param params (α, β, γ, δ)
 * @param data histories
 * @returns the total log-likelihood
 * @throws LoyalError E_INPUT for invalid data
 * @example bgBbLogLikelihood({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, donations) // ≈ -33225.6
 */
export function bgBbLogLikelihood(params: BgBbParams, data: BgBbData): number {
  return bgBbLogLikelihoodWithGradient([params.alpha, params.beta, params.gamma, params.delta], data);
}

/**
 * Fits BG/BB by maximum likelihood (log-parameters, BFGS with Nelder–Mead fallback, see fit.ts).
 * @param data histories (optionally weighted: the donations data is 22 weighted patterns)
 * @param options weights (override `data.weights`), penalizer, starting values
 * @returns the fitted model with standard errors
 * @throws LoyalError E_INPUT for invalid data or no customer with a transaction opportunity, E_CONVERGENCE when
 * no customer transacted or every customer transacted at every opportunity (see requireInformativeHistories), when
 * the fit fails, or when its optimum is on the boundary (a parameter beyond 1e8 or below 1e-8, or a limit model with
 * one transaction or dropout probability for everyone as likely as the fit)
 * @see lifetimes BetaGeoBetaBinomFitter.fit
 * @example fitBgBb(donations).params // ≈ { alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783 }
 */
export function fitBgBb(data: BgBbData, options: FitOptions = {}): FittedModel<BgBbParams> {
  const d: BgBbData = options.weights ? { ...data, weights: Float64Array.from(options.weights) } : data;
  const pat = patterns(d);
  requireInformativeHistories(pat);
  const init = options.initialParams;
  const starts = init
    ? [[init.alpha, init.beta, init.gamma, init.delta]]
    : [
        [1, 1, 1, 1],
        [0.5, 2, 0.5, 2],
        [2, 0.5, 2, 0.5],
      ];
  return fitModel<BgBbParams>(
    {
      model: "bg-bb",
      names: BG_BB_PARAMS,
      n: pat.total,
      starts,
      logLikelihood: (theta, g) => bgBbLogLikelihoodWithGradient(theta, d, g),
      // All four are dimensionless Beta shapes, bounded to 1e±8 (see boundary.ts): beyond, the optimiser has run to a
      // limit model (β → 0: every alive customer transacts at every opportunity; α, β → 0: each customer either
      // always or never transacts; γ, δ → ∞: everyone dies at one rate) and stopped wherever the gradient flattened
      // (α = 3.5e-95, β = 1e-93, γ = 2.5e7, δ = 1.2e7 on 180 customers). Within them, the limit models with one
      // transaction or one dropout probability for everyone must be less likely than the fit (γ = 1.2e7..3.5e7 in the
      // torture data).
      boundary: {
        limits: (params) => limitModels(params, pat),
        advice: "try --penalizer (it bounds parameters that run to ∞, not to 0) or more periods per customer",
      },
    },
    options,
  );
}

/**
 * Refuses histories on which BG/BB has no maximum-likelihood estimate, before any optimisation (rows of weight 0
 * and customers without an opportunity, n = 0, carry no information): no transaction at all (every likelihood,
 * Σ over death times of P(no transaction before it), rises to 1 as the transaction probability goes to 0), or a
 * transaction at every opportunity (B(α+n, β)/B(α, β) · B(γ, δ+n)/B(γ, δ) rises to 1 as the transaction probability
 * goes to 1 and the dropout probability to 0). The optimiser would stop anywhere on those ridges.
 * @throws LoyalError E_INPUT when no customer has an opportunity; E_CONVERGENCE for the two cases above
 */
function requireInformativeHistories(pat: Patterns): void {
  let customers = 0;
  let transacted = false;
  let missed = false;
  for (let j = 0; j < pat.x.length; j++) {
    if (pat.w[j] === 0 || pat.n[j] === 0) continue;
    customers += pat.w[j];
    if (pat.x[j] > 0) transacted = true;
    if (pat.x[j] < pat.n[j]) missed = true;
  }
  if (customers === 0)
    throw new LoyalError(
      "E_INPUT",
      "bg-bb: no customer has a transaction opportunity (every periods is 0, or its weight is 0): nothing to fit",
    );
  if (!transacted)
    throw new LoyalError(
      "E_CONVERGENCE",
      `bg-bb: no customer has a transaction in any period (all ${customers} customers have frequency 0), so the model cannot be fitted: the likelihood keeps rising as the transaction probability goes to 0 and has no maximum; need customers with frequency > 0`,
    );
  if (!missed)
    throw new LoyalError(
      "E_CONVERGENCE",
      `bg-bb: every customer transacted at every opportunity (frequency = periods for all ${customers} customers), so the model cannot be fitted: the likelihood keeps rising as the transaction probability goes to 1 and the dropout probability to 0, and has no maximum; need customers with frequency < periods`,
    );
}

/**
 * Total log-likelihood of a limit model at the fitted parameters: with `homogeneous` "buy", α, β → ∞ at
 * p = α/(α+β) (every customer transacts with the same p: the transaction part B(α+x, β+m)/B(α,β) becomes
 * p^x (1−p)^m); with "die", γ, δ → ∞ at θ = γ/(γ+δ) (B(γ, δ+e)/B(γ,δ) becomes (1−θ)^e, B(γ+1, δ+e)/B(γ,δ) θ(1−θ)^e).
 */
function limitLogLikelihood(params: BgBbParams, pat: Patterns, homogeneous: "buy" | "die"): number {
  const { alpha, beta, gamma, delta } = params;
  const lbAB = betaln(alpha, beta);
  const lbGD = betaln(gamma, delta);
  const lnP = Math.log(alpha / (alpha + beta));
  const lnQ = Math.log(beta / (alpha + beta));
  const lnTheta = Math.log(gamma / (gamma + delta));
  const lnSurvive = Math.log(delta / (gamma + delta));
  const buy = (x: number, m: number) =>
    homogeneous === "buy" ? x * lnP + m * lnQ : betaln(alpha + x, beta + m) - lbAB;
  const die = (died: boolean, e: number) =>
    homogeneous === "die" ? (died ? lnTheta : 0) + e * lnSurvive : betaln(died ? gamma + 1 : gamma, delta + e) - lbGD;
  let total = 0;
  for (let i = 0; i < pat.x.length; i++) {
    const w = pat.w[i];
    if (w === 0) continue;
    const x = pat.x[i];
    const tx = pat.tx[i];
    const n = pat.n[i];
    const logs = new Float64Array(n - tx + 1);
    logs[0] = buy(x, n - x) + die(false, n);
    for (let j = 1; j < logs.length; j++) logs[j] = buy(x, tx - x + j - 1) + die(true, tx + j - 1);
    let max = Number.NEGATIVE_INFINITY;
    for (const v of logs) if (v > max) max = v;
    let sum = 0;
    for (const v of logs) sum += Math.exp(v - max);
    total += w * (max + Math.log(sum));
  }
  return total;
}

/**
 * The two limit models at the fitted parameters (see boundary.ts): one transaction probability for everyone
 * (α, β → ∞ at the fitted α/(α+β)) and one dropout probability for everyone (γ, δ → ∞ at the fitted γ/(γ+δ)).
 */
function limitModels(p: BgBbParams, pat: Patterns): LimitModel[] {
  return [
    {
      logLikelihood: limitLogLikelihood(p, pat, "buy"),
      problem: `alpha = ${p.alpha.toExponential(2)}, beta = ${p.beta.toExponential(2)} on a ridge: one transaction probability for everyone is as likely`,
    },
    {
      logLikelihood: limitLogLikelihood(p, pat, "die"),
      problem: `gamma = ${p.gamma.toExponential(2)}, delta = ${p.delta.toExponential(2)} on a ridge: one dropout probability for everyone is as likely`,
    },
  ];
}

/**
 * P(alive at n | x, t_x, n) = term 0 / Σ terms, as 1 / Σ_j exp(term_j − term_0): the j = 0 summand is exactly 1,
 * so the result never exceeds 1 (exp(ln A − ln L) with ln A and ln L from separate sums could: 1 + 9e-16 on the
 * donations data). Validates the history like the likelihood does.
 * @throws LoyalError E_INPUT for an invalid history
 */
function aliveNow(p: BgBbParams, c: BgBbCustomer): number {
  patterns({ frequency: [c.frequency], recency: [c.recency], periods: [c.periods] });
  const { alpha, beta, gamma, delta } = p;
  const logs = logTerms(
    alpha,
    beta,
    gamma,
    delta,
    betaln(alpha, beta),
    betaln(gamma, delta),
    c.frequency,
    c.recency,
    c.periods,
  );
  let sum = 0;
  for (let j = 0; j < logs.length; j++) sum += Math.exp(logs[j] - logs[0]);
  const pa = 1 / sum;
  return pa >= 0 && pa <= 1 ? pa : Number.NaN;
}

/**
 * Posterior mean transaction probability given the history, E[p | x, n] = (α+x)/(α+β+n) = B(α+x+1, β+n−x)/B(α+x, β+n−x).
 */
function transactionProbability(p: BgBbParams, c: BgBbCustomer): number {
  return (p.alpha + c.frequency) / (p.alpha + p.beta + c.periods);
}

function checkWhole(v: number, min: number, what: string): void {
  if (!Number.isInteger(v) || v < min)
    throw new LoyalError("E_USAGE", `${what} must be a whole number >= ${min}, got ${v}`);
}

/**
 * P(alive at period n + m | x, t_x, n) = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L
 * (Fader, Hardie & Shang 2010, eq. 11 for m = 1: alive at the next opportunity), evaluated as
 * P(alive at n) · B(γ, δ+n+m)/B(γ, δ+n) with P(alive at n) = 1 / Σ_j exp(term_j − term_0) over the likelihood's terms,
 * so it lies in [0, 1] by construction.
 * @param p parameters
 * @param c the customer's history
 * @param m periods ahead (whole number >= 0; 0 gives P(alive at n))
 * @returns the probability
 * @throws LoyalError E_USAGE when m is not a whole number >= 0, E_INPUT for an invalid history
 * @see lifetimes BetaGeoBetaBinomFitter.conditional_probability_alive
 * @example bgBbProbabilityAlive({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, { frequency: 6, recency: 6, periods: 6 }) // ≈ 0.93
 */
export function bgBbProbabilityAlive(p: BgBbParams, c: BgBbCustomer, m = 1): number {
  checkWhole(m, 0, "m");
  const { gamma, delta } = p;
  const n = c.periods;
  // Surviving m more death draws given alive at n: B(γ, δ+n+m)/B(γ, δ+n) = Π_{t=n}^{n+m−1} (δ+t)/(γ+δ+t) <= 1.
  let lnSurvive = 0;
  if (m <= 1000) for (let t = n; t < n + m; t++) lnSurvive += Math.log1p(-gamma / (gamma + delta + t));
  else lnSurvive = Math.min(0, betaln(gamma, delta + (n + m)) - betaln(gamma, delta + n));
  return Math.min(1, aliveNow(p, c) * Math.exp(lnSurvive));
}

/**
 * Σ_{t=a+1}^{b} B(γ, δ+t)/B(γ, δ): expected number of the periods a+1..b a new customer is alive in. Summed by
 * the recurrence S(t+1) = S(t)(δ+t)/(γ+δ+t) for b <= 1,000,000 (a few ms; accurate to ~1e-14); beyond, by the
 * telescoped closed form δ/(γ−1) · Γ(γ+δ)/Γ(1+δ) · [Γ(1+δ+a)/Γ(γ+δ+a) − Γ(1+δ+b)/Γ(γ+δ+b)]
 * (Fader, Hardie & Shang 2010, eqs. 9, 13), whose ln Γ differences at such arguments lose ~1e-9 relative.
 */
function aliveSum(gamma: number, delta: number, a: number, b: number): number {
  if (b <= a) return 0;
  if (b <= 1e6 || Math.abs(gamma - 1) < 1e-6) {
    let s = 1;
    let sum = 0;
    for (let t = 0; t < b; t++) {
      s *= (delta + t) / (gamma + delta + t);
      if (t + 1 > a) sum += s;
    }
    return sum;
  }
  const G = (k: number) => gammaln(1 + delta + k) - gammaln(gamma + delta + k);
  const lead = Math.log(delta) + gammaln(gamma + delta) - gammaln(1 + delta) + G(a);
  return (-Math.exp(lead) * Math.expm1(G(b) - G(a))) / (gamma - 1);
}

/**
 * Conditional expected number of transactions in the next n* opportunities (n+1..n+n*):
 * B(α+x+1, β+n−x)/B(α,β) · Σ_{t=n+1}^{n+n*} B(γ, δ+t)/B(γ,δ) / L (Fader, Hardie & Shang 2010, eq. 13, whose
 * δ/(γ−1)·Γ… form is the closed form of the sum; the sum has no singularity at γ = 1), evaluated as
 * P(alive at n) · (α+x)/(α+β+n) · Σ_{k=1}^{n*} B(γ, δ+n+k)/B(γ, δ+n): each factor is a probability or an expected
 * count of alive periods (<= n*), so the result is finite and at most n* whatever the parameters.
 * @param p parameters
 * @param nStar number of future opportunities (whole number >= 0)
 * @param c the customer's history
 * @returns E[X(n, n+n*) | x, t_x, n]
 * @throws LoyalError E_USAGE when nStar is not a whole number >= 0, E_INPUT for an invalid history
 * @see lifetimes BetaGeoBetaBinomFitter.conditional_expected_number_of_purchases_up_to_time
 * @example bgBbExpectedPurchases({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, 5, { frequency: 6, recency: 6, periods: 6 }) // ≈ 3.752116
 */
export function bgBbExpectedPurchases(p: BgBbParams, nStar: number, c: BgBbCustomer): number {
  checkWhole(nStar, 0, "nStar");
  return aliveNow(p, c) * transactionProbability(p, c) * aliveSum(p.gamma, p.delta + c.periods, 0, nStar);
}

/**
 * Expected number of transactions of a new customer in opportunities 1..n:
 * α/(α+β) · Σ_{t=1}^{n} B(γ, δ+t)/B(γ,δ) (Fader, Hardie & Shang 2010, eq. 9).
 * @param p parameters
 * @param n number of opportunities (whole number >= 0)
 * @returns E[X(n)]
 * @throws LoyalError E_USAGE when n is not a whole number >= 0
 * @see lifetimes BetaGeoBetaBinomFitter.expected_number_of_transactions_in_first_n_periods
 * @example bgBbExpectedPurchasesNewCustomer({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, 6) // ≈ 2.219631
 */
export function bgBbExpectedPurchasesNewCustomer(p: BgBbParams, n: number): number {
  checkWhole(n, 0, "n");
  return (p.alpha / (p.alpha + p.beta)) * aliveSum(p.gamma, p.delta, 0, n);
}

/**
 * P(X(n) = x): probability that a new customer makes x transactions in opportunities 1..n
 * (Fader, Hardie & Shang 2010, eq. 7):
 * C(n,x) B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ) + Σ_{i=x}^{n−1} C(i,x) B(α+x, β+i−x)/B(α,β) · B(γ+1, δ+i)/B(γ,δ).
 * Sums to 1 over x = 0..n.
 * @param p parameters
 * @param x number of transactions (whole number in [0, n])
 * @param n number of opportunities (whole number >= 0)
 * @returns P(X(n) = x)
 * @throws LoyalError E_USAGE for x or n out of range
 * @example bgBbProbabilityOfPurchases({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, 0, 6) // ≈ 0.311218
 */
export function bgBbProbabilityOfPurchases(p: BgBbParams, x: number, n: number): number {
  checkWhole(n, 0, "n");
  checkWhole(x, 0, "x");
  if (x > n) return 0;
  const { alpha, beta, gamma, delta } = p;
  const lbAB = betaln(alpha, beta);
  const lbGD = betaln(gamma, delta);
  const lnChoose = (a: number, b: number) => gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1);
  let v = Math.exp(lnChoose(n, x) + betaln(alpha + x, beta + n - x) - lbAB + betaln(gamma, delta + n) - lbGD);
  for (let i = x; i < n; i++)
    v += Math.exp(lnChoose(i, x) + betaln(alpha + x, beta + i - x) - lbAB + betaln(gamma + 1, delta + i) - lbGD);
  return v;
}

/**
 * Expected number of customers of a cohort with each frequency 0..n after n opportunities: cohortSize · P(X(n) = x).
 * @param p parameters
 * @param n number of opportunities
 * @param cohortSize customers in the cohort
 * @returns an array of length n + 1
 * @throws LoyalError E_USAGE when n is not a whole number >= 0
 * @example bgBbExpectedFrequencyCounts({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, 6, 11104)
 * // ≈ [3455.762, 1888.901, 1348.920, 1113.322, 1017.791, 1026.911, 1252.394]
 */
export function bgBbExpectedFrequencyCounts(p: BgBbParams, n: number, cohortSize: number): Float64Array {
  checkWhole(n, 0, "n");
  const out = new Float64Array(n + 1);
  for (let x = 0; x <= n; x++) out[x] = cohortSize * bgBbProbabilityOfPurchases(p, x, n);
  return out;
}

/**
 * DERT: discounted expected residual transactions of a customer with history (x, t_x, n), the transaction at
 * opportunity n+k discounted by (1+d)^k to period n:
 * B(α+x+1, β+n−x)/B(α,β) · B(γ, δ+n+1)/(B(γ,δ)(1+d)) · ₂F₁(1, δ+n+1; γ+δ+n+1; 1/(1+d)) / L
 * (Fader, Hardie & Shang 2010, eq. 14), evaluated as P(alive at n) · (α+x)/(α+β+n) · (δ+n)/(γ+δ+n) / (1+d) · ₂F₁.
 * @param p parameters
 * @param d discount rate per period (> 0)
 * @param c the customer's history
 * @returns DERT
 * @throws LoyalError E_USAGE when d <= 0, E_INPUT for an invalid history
 * @see lifetimes BetaGeoBetaBinomFitter (no equivalent); BTYD bgbb.DERT
 * @example bgBbDiscountedExpectedResidualTransactions({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, 0.1, { frequency: 6, recency: 6, periods: 6 }) // ≈ 5.908678
 */
export function bgBbDiscountedExpectedResidualTransactions(p: BgBbParams, d: number, c: BgBbCustomer): number {
  if (!(d > 0) || !Number.isFinite(d))
    throw new LoyalError("E_USAGE", `discount rate must be finite and > 0, got ${d}`);
  const { gamma, delta } = p;
  const n = c.periods;
  // B(γ, δ+n+1)/B(γ, δ+n) = (δ+n)/(γ+δ+n)
  const next = (delta + n) / (gamma + delta + n);
  return (
    ((aliveNow(p, c) * transactionProbability(p, c) * next) / (1 + d)) *
    hyp2f1A1(delta + n + 1, gamma + delta + n + 1, 1 / (1 + d))
  );
}

/**
 * Simulates BG/BB customers: p ~ Beta(α, β), θ ~ Beta(γ, δ); at each opportunity 1..periods[i] the customer, if
 * alive, first dies with probability θ and, if still alive, transacts with probability p.
 * @param p parameters
 * @param periods opportunities observed for each customer
 * @param rng seeded generator
 * @returns histories (frequency, recency, periods), one row per customer
 * @see lifetimes.generate_data.beta_geometric_beta_binom_model
 * @example simulateBgBb({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, [6, 6, 6], createRng(1)).frequency // => [1, 6, 1]
 */
export function simulateBgBb(
  p: BgBbParams,
  periods: ArrayLike<number>,
  rng: Rng,
): { frequency: Float64Array; recency: Float64Array; periods: Float64Array } {
  const m = periods.length;
  const frequency = new Float64Array(m);
  const recency = new Float64Array(m);
  const n = Float64Array.from(periods);
  for (let i = 0; i < m; i++) {
    const buy = rng.beta(p.alpha, p.beta);
    const die = rng.beta(p.gamma, p.delta);
    let x = 0;
    let tx = 0;
    for (let t = 1; t <= n[i]; t++) {
      if (rng.uniform() < die) break;
      if (rng.uniform() < buy) {
        x++;
        tx = t;
      }
    }
    frequency[i] = x;
    recency[i] = tx;
  }
  return { frequency, recency, periods: n };
}

/** The BG/BB model's functions in one object, for the CLI and server. */
export const bgBbModel = {
  name: "bg-bb" as const,
  paramNames: BG_BB_PARAMS,
  fit: fitBgBb,
  logLikelihood: bgBbLogLikelihood,
  probabilityAlive: bgBbProbabilityAlive,
  expectedPurchases: bgBbExpectedPurchases,
  expectedPurchasesNewCustomer: bgBbExpectedPurchasesNewCustomer,
  probabilityOfPurchases: bgBbProbabilityOfPurchases,
  expectedFrequencyCounts: bgBbExpectedFrequencyCounts,
  discountedExpectedResidualTransactions: bgBbDiscountedExpectedResidualTransactions,
  simulate: simulateBgBb,
};
