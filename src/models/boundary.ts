/**
 * Optima on the boundary of the parameter space, found after a fit: a parameter that ran beyond 1e±8, or a limit
 * model (a parameter taken to 0 or ∞ along a ridge) as likely as the fit. When the supremum of the likelihood lies
 * there, the optimiser stops wherever the gradient flattens along the ridge (Gamma-Gamma: p = 9e11 and p = 1.6e94
 * for the same three customers; BG/BB: γ = 1.2e7..3.5e7), reports convergence, and returns parameters the data do not
 * determine. Each model supplies its own limit models (gamma-gamma.ts, bg-bb.ts); the tests and the message are
 * here. (Pareto/NBD, whose likelihood loses precision far out on its ridges, is instead kept inside a log-box
 * during the optimisation: see `logBox` in fit.ts.)
 */
import { LoyalError } from "../errors.ts";

/**
 * Largest (and reciprocal of the smallest) value of a dimensionless parameter accepted at an optimum; beyond it the
 * optimiser has run towards 0 or ∞.
 */
export const INTERIOR = 1e8;

/**
 * How close (in total log-likelihood) a limit model may come to the fit before the fit counts as lying on the
 * boundary: a likelihood-ratio statistic of 2e-4, far below any test's critical value, so the data cannot tell the
 * fitted parameters from the limit.
 */
export const RIDGE_TOLERANCE = 1e-4;

/** A limit model evaluated at the fitted parameters, and what it means when it is as likely as the fit. */
export interface LimitModel {
  logLikelihood: number;
  problem: string;
}

/**
 * Why an optimum is on the boundary, in order: each listed parameter beyond 1e±8 ("p = 1.20e+9 → ∞"), then the
 * model's own `other` problems; when there are none and the fit is unpenalised, every limit model whose
 * log-likelihood is within {@link RIDGE_TOLERANCE} of the fit's (a penalised fit maximises another objective, so its
 * likelihood may well be below a limit model's).
 * @param fit the dimensionless parameters to bound (name, value), the fit's log-likelihood, whether it is penalised
 * @param other problems the model found itself (e.g. a constraint binding beyond double precision)
 * @param limits the limit models at the fitted parameters; called only when they are checked
 * @returns the problems found, empty for an interior optimum
 * @example boundaryProblems({ bounded: [["p", 3e9], ["q", 2]], logLikelihood: -10, penalized: false }, [], () => []) // => ["p = 3.00e+9 → ∞"]
 */
export function boundaryProblems(
  fit: { bounded: readonly (readonly [string, number])[]; logLikelihood: number; penalized: boolean },
  other: readonly string[],
  limits: () => readonly LimitModel[],
): string[] {
  const out: string[] = [];
  for (const [k, v] of fit.bounded) {
    if (v > INTERIOR) out.push(`${k} = ${v.toExponential(2)} → ∞`);
    else if (v < 1 / INTERIOR) out.push(`${k} = ${v.toExponential(2)} → 0`);
  }
  out.push(...other);
  if (out.length > 0 || fit.penalized) return out;
  for (const limit of limits()) if (limit.logLikelihood >= fit.logLikelihood - RIDGE_TOLERANCE) out.push(limit.problem);
  return out;
}

/**
 * The error for an optimum on the boundary: "<model>: the data do not identify the model: the likelihood is largest
 * on the boundary of the parameter space (<problems>); <advice>", with the parameters and log-likelihood as details.
 * @param model model name
 * @param problems from {@link boundaryProblems}
 * @param advice what the user can do, e.g. "try --penalizer"
 * @param details the fitted parameters and log-likelihood
 * @returns a LoyalError with code E_CONVERGENCE
 * @example boundaryError("bg-bb", ["gamma = 2.00e+9 → ∞"], "try --penalizer", { params: {}, logLikelihood: -1 }).message // => "bg-bb: the data do not identify the model: the likelihood is largest on the boundary of the parameter space (gamma = 2.00e+9 → ∞); try --penalizer"
 */
export function boundaryError(
  model: string,
  problems: readonly string[],
  advice: string,
  details: { params: Record<string, number>; logLikelihood: number },
): LoyalError {
  return new LoyalError(
    "E_CONVERGENCE",
    `${model}: the data do not identify the model: the likelihood is largest on the boundary of the parameter space (${problems.join("; ")}); ${advice}`,
    undefined,
    { params: { ...details.params }, logLikelihood: details.logLikelihood },
  );
}
