/**
 * Prediction intervals from parameter uncertainty. The MLE driver (`fit.ts`) reports the covariance of the
 * log-parameters (inverse Hessian); here parameter vectors are drawn from the multivariate normal of the
 * log-parameters, every prediction is recomputed per draw, and the percentiles of the draws give the interval
 * (a parametric bootstrap on the asymptotic distribution of the MLE, as in Fader, Hardie & Lee 2005's suggestion of
 * sampling from the estimator's distribution; the log scale keeps every draw in the parameter space).
 *
 * The scoring function is passed in, so this file depends only on models and data: the CLI and the server hand it
 * `scoreCustomers` from `insights/clv.ts`.
 */
import type { CustomerSummary } from "../data/summary.ts";
import { uniqueRows } from "../data/unique-rows.ts";
import { LoyalError } from "../errors.ts";
import { cholesky } from "../math/hessian.ts";
import { createRng, type Rng } from "../math/random.ts";
import type { FittedModel } from "./types.ts";

/** Options of {@link customerPredictionIntervals}. */
export interface IntervalOptions {
  /** Number of parameter draws (default 200). */
  draws?: number;
  /** Central coverage of the interval, in (0, 1) (default 0.9). */
  level?: number;
  /** Seed of the generator (default 1). */
  seed?: number;
}

/** The settings used and, per prediction name, the lower and upper bound for each customer (row-aligned). */
export interface PredictionIntervals<K extends string = string> {
  level: number;
  draws: number;
  seed: number;
  lo: Record<K, Float64Array>;
  hi: Record<K, Float64Array>;
}

/** Recomputes row-aligned predictions for `summary` with the given (drawn) purchase and spend models. */
export type DrawScorer<K extends string = string> = (
  summary: CustomerSummary,
  purchase: FittedModel,
  spend: FittedModel | undefined,
) => Record<K, ArrayLike<number>>;

/**
 * Draws parameter vectors from the asymptotic distribution of the MLE: log θ ~ N(log θ̂, Σ), Σ = `logCovariance`.
 * @param model a fitted model with `logCovariance`
 * @param draws number of draws (whole number >= 1)
 * @param rng seeded generator
 * @returns `draws` parameter records (natural scale, every value > 0)
 * @throws LoyalError E_USAGE when the model has no covariance (its Hessian was not positive definite: see the
 *   W_HESSIAN warning of the fit) or the covariance is not positive definite, or `draws` is not a whole number >= 1
 * @example sampleParameters(fit, 2, createRng(1)).length // => 2
 */
export function sampleParameters(model: FittedModel, draws: number, rng: Rng): Record<string, number>[] {
  if (!(Number.isInteger(draws) && draws >= 1))
    throw new LoyalError("E_USAGE", `draws must be a whole number >= 1, got ${draws}`);
  const names = Object.keys(model.params);
  const k = names.length;
  const cov = model.logCovariance;
  if (!cov || cov.length !== k * k)
    throw new LoyalError(
      "E_USAGE",
      `the ${model.model} model has no parameter covariance (the Hessian at the optimum was not positive definite), so prediction intervals are not available`,
    );
  const L = cholesky(cov, k);
  if (!L) throw new LoyalError("E_USAGE", `the ${model.model} model's parameter covariance is not positive definite`);
  const mean = names.map((nm) => Math.log(model.params[nm]));
  const z = new Float64Array(k);
  const out: Record<string, number>[] = [];
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < k; i++) z[i] = rng.normal();
    const p: Record<string, number> = {};
    for (let i = 0; i < k; i++) {
      let u = mean[i];
      for (let j = 0; j <= i; j++) u += L[i * k + j] * z[j];
      p[names[i]] = Math.exp(u);
    }
    out.push(p);
  }
  return out;
}

/**
 * The p-quantile of sorted values, linear interpolation between order statistics (R's type 7, numpy's default).
 * @example quantileSorted([1, 2, 3, 4], 0.5) // => 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  const f = h - i;
  const a = sorted[i];
  if (f === 0 || i + 1 >= sorted.length || a === sorted[i + 1]) return a;
  return a + f * (sorted[i + 1] - a);
}

/** The distinct rows of the columns a prediction depends on, as a smaller summary. */
function distinctSummary(summary: CustomerSummary): { reduced: CustomerSummary; index: Uint32Array } {
  const cols: ArrayLike<number>[] = [summary.frequency, summary.recency, summary.T];
  if (summary.monetary) cols.push(summary.monetary);
  const u = uniqueRows(cols);
  const pick = (c: Float64Array) => Float64Array.from(u.first, (i) => c[i]);
  const reduced: CustomerSummary = {
    unit: summary.unit,
    ids: Array.from(u.first, (i) => summary.ids[i]),
    frequency: pick(summary.frequency),
    recency: pick(summary.recency),
    T: pick(summary.T),
  };
  if (summary.monetary) reduced.monetary = pick(summary.monetary);
  return { reduced, index: u.index };
}

/**
 * Per-customer percentile intervals of predictions under parameter uncertainty: draws the purchase model's
 * parameters (and, independently, the spend model's) from their estimated sampling distribution, rescores the
 * customers with each draw, and reports the (1 − level)/2 and (1 + level)/2 percentiles of the draws. Each distinct
 * (frequency, recency, T, monetary) history is scored once per draw.
 * @param summary the customers to score
 * @param models the fitted purchase model and optionally the Gamma-Gamma spend model
 * @param score recomputes the predictions with drawn models (e.g. a wrapper of `scoreCustomers`)
 * @param options draws (200), level (0.9), seed (1)
 * @returns `lo` and `hi` per prediction name, row-aligned with the summary
 * @throws LoyalError E_USAGE for bad options or a model without covariance (see {@link sampleParameters})
 * @example
 * const iv = customerPredictionIntervals(summary, { purchase: fit }, (s, m) => {
 *   const r = scoreCustomers(m, s, { horizon: 39 });
 *   return { expected_purchases: r.expectedPurchases };
 * }, { seed: 7 });
 * iv.lo.expected_purchases[0] <= iv.hi.expected_purchases[0] // => true
 */
export function customerPredictionIntervals<K extends string>(
  summary: CustomerSummary,
  models: { purchase: FittedModel; spend?: FittedModel },
  score: DrawScorer<K>,
  options: IntervalOptions = {},
): PredictionIntervals<K> {
  const draws = options.draws ?? 200;
  const level = options.level ?? 0.9;
  const seed = options.seed ?? 1;
  if (!(Number.isInteger(draws) && draws >= 2))
    throw new LoyalError("E_USAGE", `draws must be a whole number >= 2, got ${draws}`);
  if (!(level > 0 && level < 1)) throw new LoyalError("E_USAGE", `level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(seed)) throw new LoyalError("E_USAGE", `seed must be a whole number, got ${seed}`);
  const rng = createRng(seed);
  const purchaseDraws = sampleParameters(models.purchase, draws, rng);
  const spendDraws = models.spend ? sampleParameters(models.spend, draws, rng) : undefined;
  const { reduced, index } = distinctSummary(summary);
  const m = reduced.ids.length;
  const values = new Map<K, Float64Array>();
  for (let d = 0; d < draws; d++) {
    const purchase: FittedModel = { ...models.purchase, params: purchaseDraws[d] };
    const spend: FittedModel | undefined =
      models.spend && spendDraws ? { ...models.spend, params: spendDraws[d] } : undefined;
    const cols = score(reduced, purchase, spend);
    for (const key of Object.keys(cols) as K[]) {
      let v = values.get(key);
      if (!v) {
        if (d > 0) throw new LoyalError("E_INTERNAL", `prediction '${key}' appeared only from draw ${d + 1} on`);
        v = new Float64Array(m * draws);
        values.set(key, v);
      }
      const c = cols[key];
      for (let j = 0; j < m; j++) v[j * draws + d] = c[j];
    }
  }
  const pLo = (1 - level) / 2;
  const pHi = (1 + level) / 2;
  const lo = {} as Record<K, Float64Array>;
  const hi = {} as Record<K, Float64Array>;
  const n = summary.ids.length;
  for (const [key, v] of values) {
    const loU = new Float64Array(m);
    const hiU = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      const s = v.subarray(j * draws, (j + 1) * draws).sort();
      loU[j] = quantileSorted(s, pLo);
      hiU[j] = quantileSorted(s, pHi);
    }
    lo[key] = Float64Array.from({ length: n }, (_, i) => loU[index[i]]);
    hi[key] = Float64Array.from({ length: n }, (_, i) => hiU[index[i]]);
  }
  return { level, draws, seed, lo, hi };
}
