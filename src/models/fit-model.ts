/**
 * The sequence every model's fit ends with, written once: maximise the likelihood (fit.ts), refuse an optimum on the
 * boundary of the parameter space (boundary.ts), and report the fitted model. Each model keeps its own data
 * validation, starting points, limit models and advice; Gamma-Gamma, whose fit retries other starts and
 * reparametrises q, builds its report with {@link fittedModel} alone.
 */
import { boundaryError, boundaryProblems, type LimitModel } from "./boundary.ts";
import { informationCriteria, type MleProblem, type MleResult, maximizeLikelihood } from "./fit.ts";
import type { FitOptions, FittedModel, ModelName } from "./types.ts";

/**
 * How a model tells an optimum on the boundary of the parameter space: either its limit models, with every
 * parameter bounded to 1e±8 (BG/BB, sBG), or its own `problems` (BG/NBD, MBG/NBD); and the advice of the error.
 */
export type BoundaryCheck<P> = (
  | {
      /** The limit models at the fitted parameters, compared with the fit only when it is unpenalised. */
      limits: (params: P) => readonly LimitModel[];
    }
  | {
      /** Why the fitted parameters are on the boundary (see boundary.ts); empty for an interior optimum. */
      problems: (params: P, logLikelihood: number, penalized: boolean) => string[];
    }
) & {
  /** What the user can do, the end of the error message (e.g. "try --penalizer"). */
  advice: string;
};

/** A model's maximum-likelihood problem; the penalizer and iteration limit come from the fit's options. */
export interface ModelProblem<P> extends Omit<MleProblem, "model" | "penalizer" | "maxIterations"> {
  model: ModelName;
  /** The boundary check; absent for a model kept off its boundary by `logBox` (Pareto/NBD). */
  boundary?: BoundaryCheck<P>;
}

/**
 * Fits a model by maximum likelihood, refuses an optimum on the boundary of the parameter space, and reports it.
 * @param problem the model's likelihood, parameter names, number of customers, starting points and boundary check
 * @param options penalizer and iteration limit (the model reads weights and starting values itself)
 * @returns the fitted model with standard errors, AIC/BIC and the convergence report
 * @throws LoyalError E_CONVERGENCE when the optimiser finds no converged optimum (see maximizeLikelihood) or the
 *   optimum is on the boundary ("<model>: the data do not identify the model: …; <advice>", see boundaryError)
 * @example fitModel({ model: "sbg", names: SBG_PARAMS, n: 1000, starts: [[1, 1]], logLikelihood: (θ, g) => sbgLogLikelihoodWithGradient(θ, regular, g), boundary }, {}).params // ≈ { alpha: 0.704, beta: 1.182 }
 */
export function fitModel<P extends Record<string, number>>(
  problem: ModelProblem<P>,
  options: FitOptions,
): FittedModel<P> {
  const { boundary, ...mle } = problem;
  const res = maximizeLikelihood({ ...mle, penalizer: options.penalizer, maxIterations: options.maxIterations });
  if (boundary) {
    const params = res.params as P;
    const penalized = (options.penalizer ?? 0) > 0;
    const bad =
      "problems" in boundary
        ? boundary.problems(params, res.logLikelihood, penalized)
        : boundaryProblems(
            { bounded: problem.names.map((k) => [k, params[k]] as const), logLikelihood: res.logLikelihood, penalized },
            [],
            () => boundary.limits(params),
          );
    if (bad.length > 0) throw boundaryError(problem.model, bad, boundary.advice, res);
  }
  return fittedModel<P>(problem.model, res, problem.n, options);
}

/**
 * The fitted model reported for an optimum: its parameters, standard errors, intervals and covariance, the
 * log-likelihood with AIC and BIC (one parameter per optimised coordinate), the number of customers, the penalizer
 * and the convergence report.
 * @param model model name
 * @param res the optimum (with the model's own parameters, intervals and covariance where it reparametrises)
 * @param n number of customers (sum of weights)
 * @param options the fit's options (for the penalizer, 0 when absent)
 * @returns the fitted model
 * @throws nothing
 * @example fittedModel("sbg", res, 1000, {}).aic // => 4 − 2 · res.logLikelihood
 */
export function fittedModel<P extends Record<string, number>>(
  model: ModelName,
  res: MleResult,
  n: number,
  options: FitOptions,
): FittedModel<P> {
  return {
    model,
    params: res.params as P,
    standardErrors: res.standardErrors,
    intervals: res.intervals,
    logCovariance: res.logCovariance,
    logLikelihood: res.logLikelihood,
    ...informationCriteria(res.logLikelihood, res.values.length, n),
    n,
    penalizer: options.penalizer ?? 0,
    convergence: res.convergence,
  };
}
