/**
 * What every fitted model reports, and the options every fit takes.
 */
import type { TimeUnit } from "../data/time-unit.ts";

export type ModelName = "bg-nbd" | "gamma-gamma" | "pareto-nbd" | "mbg-nbd" | "bg-bb" | "sbg";

export interface FitOptions {
  /** Per-row weights (number of customers each row stands for). */
  weights?: ArrayLike<number>;
  /** L2 penalty coefficient on the parameters, added to the mean negative log-likelihood (as lifetimes does). */
  penalizer?: number;
  /** Starting values (natural scale); default: the model's fixed starting points. */
  initialParams?: Record<string, number>;
  maxIterations?: number;
}

/** The convergence report of a fit. */
export interface ConvergenceReport {
  converged: boolean;
  iterations: number;
  /** Infinity norm of the gradient of the mean negative log-likelihood w.r.t. the log-parameters. */
  gradientNorm: number;
  /** Which optimiser produced the returned optimum. */
  optimizer: "bfgs" | "nelder-mead";
  message: string;
}

/** A fitted model, serialisable as JSON (see models/serialize.ts). */
export interface FittedModel<P extends Record<string, number> = Record<string, number>> {
  model: ModelName;
  params: P;
  /** Standard errors (delta method from the Hessian of the log-parameters); NaN-free: absent when not available. */
  standardErrors?: Record<string, number>;
  /** 95% intervals, exp(log θ ± 1.96·se(log θ)). */
  intervals?: Record<string, [number, number]>;
  /** Covariance of the log-parameters, row-major, in `paramNames` order. */
  logCovariance?: number[];
  logLikelihood: number;
  aic: number;
  bic: number;
  /** Number of customers (sum of weights). */
  n: number;
  /** Time unit of the data the model was fitted on (absent for unit-free models such as Gamma-Gamma). */
  unit?: TimeUnit;
  penalizer: number;
  convergence: ConvergenceReport;
}
