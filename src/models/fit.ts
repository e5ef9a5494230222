/**
 * The shared maximum-likelihood driver: every model supplies its log-likelihood and analytic gradient on the
 * natural scale; this file optimises over log-parameters (BFGS from fixed starting points, Nelder–Mead fallback,
 * BFGS polish), computes the Hessian at the optimum, and turns it into standard errors and intervals.
 */
import { LoyalError } from "../errors.ts";
import { bfgs, type OptimizeResult } from "../math/bfgs.ts";
import { invertSpd, numericHessian } from "../math/hessian.ts";
import { nelderMead } from "../math/nelder-mead.ts";
import { warn } from "../warnings.ts";
import type { ConvergenceReport } from "./types.ts";

/**
 * Total (weighted) log-likelihood at natural-scale `params`; writes dLL/dθ into `grad`.
 * Must return a finite number or -Infinity/NaN for parameters outside the support.
 */
export type LogLikelihoodWithGradient = (params: Float64Array, grad: Float64Array) => number;

export interface MleProblem {
  /** Parameter names, in the order of the arrays. */
  names: readonly string[];
  logLikelihood: LogLikelihoodWithGradient;
  /** Number of customers (sum of weights): the objective is the mean negative log-likelihood. */
  n: number;
  /** Natural-scale starting points, tried in order; the best optimum wins (deterministic: no random starts). */
  starts: readonly (readonly number[])[];
  penalizer?: number;
  maxIterations?: number;
  /**
   * Stop at the first starting point that converges (for likelihoods known to be well behaved, such as BG/NBD and
   * Gamma-Gamma); the later starts are fallbacks. Default false: every start is tried and the best optimum kept.
   */
  firstConverged?: boolean;
  /** Model name for messages. */
  model: string;
  /**
   * A box on the log-parameters, |ln θ_i − ln center_i| <= radius: the likelihood is never evaluated outside it
   * (the objective is +Infinity there, so line searches and simplices turn back), and an optimum that ends within
   * BOUNDARY_MARGIN of its wall has run off towards a parameter of 0 or infinity: the fit throws E_CONVERGENCE
   * (the data do not identify the model) instead of following a flat ridge for seconds. For likelihoods that lose
   * precision or speed far out on their ridges (Pareto/NBD: s, β → ∞ or r, α → ∞). Default: no box.
   */
  logBox?: { center: readonly number[]; radius: number };
}

/** Distance (in log-parameter) from the wall of `logBox` within which an optimum counts as on the boundary. */
const BOUNDARY_MARGIN = 0.5;

export interface MleResult {
  params: Record<string, number>;
  values: Float64Array;
  logLikelihood: number;
  standardErrors?: Record<string, number>;
  intervals?: Record<string, [number, number]>;
  logCovariance?: number[];
  convergence: ConvergenceReport;
}

const GTOL = 1e-8;

/**
 * Fits a model by maximum likelihood.
 * @param problem the likelihood, its gradient and the starting points
 * @returns the optimum with its standard errors and convergence report
 * @throws LoyalError E_CONVERGENCE when no starting point leads to a finite, converged optimum
 */
export function maximizeLikelihood(problem: MleProblem): MleResult {
  const k = problem.names.length;
  const pen = problem.penalizer ?? 0;
  const n = problem.n > 0 ? problem.n : 1;
  const theta = new Float64Array(k);
  const gTheta = new Float64Array(k);
  const box = problem.logBox;
  const lnCenter = box ? box.center.map((c) => Math.log(c)) : [];
  /** Largest |u_i − ln center_i| − radius: > 0 outside the box, > −BOUNDARY_MARGIN at its wall. */
  const beyond = (u: ArrayLike<number>): number => {
    let m = Number.NEGATIVE_INFINITY;
    if (box) for (let i = 0; i < k; i++) m = Math.max(m, Math.abs(u[i] - lnCenter[i]) - box.radius);
    return m;
  };
  const objective = (u: Float64Array, g: Float64Array): number => {
    if (box && !(beyond(u) <= 0)) {
      g.fill(Number.NaN);
      return Number.POSITIVE_INFINITY;
    }
    for (let i = 0; i < k; i++) theta[i] = Math.exp(u[i]);
    gTheta.fill(0);
    const ll = problem.logLikelihood(theta, gTheta);
    if (!Number.isFinite(ll)) {
      g.fill(Number.NaN);
      return Number.POSITIVE_INFINITY;
    }
    let penalty = 0;
    for (let i = 0; i < k; i++) {
      penalty += theta[i] * theta[i];
      g[i] = (-gTheta[i] * theta[i]) / n + 2 * pen * theta[i] * theta[i];
    }
    return -ll / n + pen * penalty;
  };
  const valueOnly = (u: Float64Array): number => objective(u, new Float64Array(k));
  let best: OptimizeResult | undefined;
  let totalIterations = 0;
  for (const start of problem.starts) {
    // A start outside the box (a user's initialParams) is moved inside it, clear of the wall.
    const u0 = start.map((v, i) =>
      box
        ? Math.min(
            lnCenter[i] + box.radius - 2 * BOUNDARY_MARGIN,
            Math.max(lnCenter[i] - box.radius + 2 * BOUNDARY_MARGIN, Math.log(v)),
          )
        : Math.log(v),
    );
    let r = bfgs(objective, u0, { gradientTolerance: GTOL, maxIterations: problem.maxIterations ?? 1000 });
    totalIterations += r.iterations;
    // A BFGS run that stopped at the wall of the box is following a ridge out to the boundary: no fallback (the
    // simplex would crawl along the wall for thousands of evaluations to the same conclusion).
    const ranOut = box !== undefined && Number.isFinite(r.value) && beyond(r.x) > -BOUNDARY_MARGIN;
    if (!ranOut && (!r.converged || !Number.isFinite(r.value))) {
      const nm = nelderMead(valueOnly, Number.isFinite(r.value) ? r.x : u0, { maxIterations: 20000 });
      totalIterations += nm.iterations;
      if (Number.isFinite(nm.value)) {
        const polish = bfgs(objective, nm.x, { gradientTolerance: GTOL, maxIterations: problem.maxIterations ?? 1000 });
        totalIterations += polish.iterations;
        r = polish.value <= nm.value && Number.isFinite(polish.value) ? polish : { ...nm, converged: nm.converged };
        if (r.method === "nelder-mead") {
          const g = new Float64Array(k);
          objective(r.x, g);
          r.gradientNorm = Math.max(...Array.from(g, Math.abs));
          r.converged = r.converged && r.gradientNorm < 1e-4;
        }
      }
    }
    // An optimum at the wall of the box is not an optimum: the likelihood still rises towards the boundary.
    if (box && Number.isFinite(r.value) && beyond(r.x) > -BOUNDARY_MARGIN) {
      r = { ...r, converged: false, message: "ran to the boundary" };
    }
    if (Number.isFinite(r.value) && (best === undefined || better(r, best))) best = r;
    if (problem.firstConverged && best?.converged) break;
  }
  if (!best || !Number.isFinite(best.value) || !best.x.every(Number.isFinite)) {
    throw new LoyalError(
      "E_CONVERGENCE",
      `${problem.model}: no finite optimum found from ${problem.starts.length} starting points`,
    );
  }
  const values = Float64Array.from(best.x, Math.exp);
  if (!values.every((v) => Number.isFinite(v) && v > 0)) {
    throw new LoyalError(
      "E_CONVERGENCE",
      `${problem.model}: the optimum lies on the boundary of the parameter space (a parameter went to 0 or infinity); try --penalizer`,
      undefined,
      { params: Object.fromEntries(problem.names.map((nm, i) => [nm, values[i]])) },
    );
  }
  if (!best.converged && box && beyond(best.x) > -BOUNDARY_MARGIN) {
    const far = problem.names
      .map((nm, i) => [nm, best.x[i] - lnCenter[i]] as const)
      .filter(([, d]) => Math.abs(d) > box.radius - BOUNDARY_MARGIN)
      .map(([nm, d]) => `${nm} -> ${d > 0 ? "infinity" : "0"}`);
    throw new LoyalError(
      "E_CONVERGENCE",
      `${problem.model}: the likelihood keeps rising towards the boundary of the parameter space (${far.join(", ")}): the data do not identify the model; try --penalizer`,
      undefined,
      { params: Object.fromEntries(problem.names.map((nm, i) => [nm, values[i]])) },
    );
  }
  if (!best.converged) {
    throw new LoyalError(
      "E_CONVERGENCE",
      `${problem.model}: the optimiser did not converge (${best.message}; gradient norm ${best.gradientNorm.toExponential(2)}); the data may not identify the model, try --penalizer`,
      undefined,
      { params: Object.fromEntries(problem.names.map((nm, i) => [nm, values[i]])) },
    );
  }
  const grad = new Float64Array(k);
  const logLikelihood = problem.logLikelihood(values, grad);
  const params = Object.fromEntries(problem.names.map((nm, i) => [nm, values[i]]));
  const result: MleResult = {
    params,
    values,
    logLikelihood,
    convergence: {
      converged: true,
      iterations: totalIterations,
      gradientNorm: best.gradientNorm,
      optimizer: best.method,
      message: best.message,
    },
  };
  // Hessian of the total negative log-likelihood (plus penalty) in log-parameters.
  const totalObjective = (u: Float64Array, g: Float64Array): number => {
    const v = objective(u, g);
    for (let i = 0; i < k; i++) g[i] *= n;
    return v * n;
  };
  const H = numericHessian(totalObjective, best.x, 1e-5);
  const cov = H.every(Number.isFinite) ? invertSpd(H, k) : undefined;
  if (!cov?.every(Number.isFinite)) {
    warn(
      "W_HESSIAN",
      `${problem.model}: the Hessian at the optimum is not positive definite; standard errors are not available`,
    );
    return result;
  }
  result.logCovariance = Array.from(cov);
  result.standardErrors = {};
  result.intervals = {};
  for (let i = 0; i < k; i++) {
    const seLog = Math.sqrt(cov[i * k + i]);
    result.standardErrors[problem.names[i]] = values[i] * seLog;
    result.intervals[problem.names[i]] = [
      Math.exp(best.x[i] - 1.959963984540054 * seLog),
      Math.exp(best.x[i] + 1.959963984540054 * seLog),
    ];
  }
  return result;
}

function better(a: OptimizeResult, b: OptimizeResult): boolean {
  if (a.converged !== b.converged) return a.converged;
  return a.value < b.value - 1e-12;
}

/** Akaike and Bayesian information criteria. */
export function informationCriteria(logLikelihood: number, k: number, n: number): { aic: number; bic: number } {
  return { aic: 2 * k - 2 * logLikelihood, bic: k * Math.log(n) - 2 * logLikelihood };
}

/**
 * Total weight of a data set: the sum of `weights`, or the row count when there are none.
 * @throws LoyalError E_INPUT when a weight is negative or not finite
 */
export function totalWeight(rows: number, weights?: ArrayLike<number>): number {
  if (!weights) return rows;
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w))
      throw new LoyalError("E_INPUT", `weight ${i + 1} is ${w}: weights must be finite and non-negative`);
    s += w;
  }
  return s;
}
