/**
 * Prediction intervals from parameter uncertainty. The MLE driver (`fit.ts`) reports the covariance of the
 * log-parameters (inverse Hessian); here parameter vectors are drawn from the multivariate normal of the
 * log-parameters, every prediction is recomputed per draw, and the percentiles of the draws give the interval
 * (a parametric bootstrap on the asymptotic distribution of the MLE, as in Fader, Hardie & Lee 2005's suggestion of
 * sampling from the estimator's distribution; the log scale keeps every draw in the parameter space).
 *
 * The prediction function is passed in, so this file depends only on models and data: the CLI and the server hand
 * it `scoreCustomers` from `insights/clv.ts` for the purchase models, and `insights/discrete-predictions.ts` hands it
 * the BG/BB and sBG predictions. One percentile routine, {@link predictionIntervals}, serves them all.
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
 * Percentile intervals of any predictions under parameter uncertainty, the routine behind every model's intervals:
 * draws each model's parameters from its estimated sampling distribution (independently, in the order given, from
 * one generator seeded with `seed`), recomputes the predictions with each draw, and reports per prediction name and
 * element the (1 − level)/2 and (1 + level)/2 percentiles of the draws (R's type 7, see {@link quantileSorted}).
 * A prediction that is NaN for every draw (e.g. a quantity undefined at that element) stays NaN.
 * @param models the fitted models whose parameters are uncertain (each needs `logCovariance`)
 * @param predict recomputes the predictions with drawn models (same order as `models`); it must return the same
 *   names with the same lengths on every draw
 * @param options draws (200), level (0.9), seed (1)
 * @returns `lo` and `hi` per prediction name, element-aligned with what `predict` returns
 * @throws LoyalError E_USAGE for draws not a whole number >= 2, level outside (0, 1), a seed that is not a whole
 *   number, or a model without covariance (see {@link sampleParameters}); E_INTERNAL when `predict` changes its
 *   names or lengths between draws
 * @example
 * const iv = predictionIntervals([fit], ([m]) => ({ survival: [sbgSurvival(m.params as SbgParams, 5)] }), { seed: 3 });
 * iv.lo.survival[0] < sbgSurvival(fit.params, 5) && sbgSurvival(fit.params, 5) < iv.hi.survival[0] // => true
 */
export function predictionIntervals<K extends string>(
  models: readonly FittedModel[],
  predict: (drawn: FittedModel[]) => Record<K, ArrayLike<number>>,
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
  const sampled = models.map((m) => sampleParameters(m, draws, rng));
  const values = new Map<K, { length: number; v: Float64Array }>();
  for (let d = 0; d < draws; d++) {
    const cols = predict(models.map((m, i) => ({ ...m, params: sampled[i][d] })));
    const keys = Object.keys(cols) as K[];
    if (d > 0 && keys.length !== values.size)
      throw new LoyalError("E_INTERNAL", `draw ${d + 1} returned ${keys.length} predictions, draw 1 ${values.size}`);
    for (const key of keys) {
      const c = cols[key];
      let e = values.get(key);
      if (!e) {
        if (d > 0) throw new LoyalError("E_INTERNAL", `prediction '${key}' appeared only from draw ${d + 1} on`);
        e = { length: c.length, v: new Float64Array(c.length * draws) };
        values.set(key, e);
      }
      if (c.length !== e.length)
        throw new LoyalError(
          "E_INTERNAL",
          `prediction '${key}' has ${c.length} values at draw ${d + 1}, ${e.length} at draw 1`,
        );
      for (let j = 0; j < e.length; j++) e.v[j * draws + d] = c[j];
    }
  }
  const pLo = (1 - level) / 2;
  const pHi = (1 + level) / 2;
  const lo = {} as Record<K, Float64Array>;
  const hi = {} as Record<K, Float64Array>;
  for (const [key, { length, v }] of values) {
    lo[key] = new Float64Array(length);
    hi[key] = new Float64Array(length);
    for (let j = 0; j < length; j++) {
      const s = v.subarray(j * draws, (j + 1) * draws).sort();
      lo[key][j] = quantileSorted(s, pLo);
      hi[key][j] = quantileSorted(s, pHi);
    }
  }
  return { level, draws, seed, lo, hi };
}

/**
 * Per-customer percentile intervals of predictions under parameter uncertainty: draws the purchase model's
 * parameters (and, independently, the spend model's) from their estimated sampling distribution, rescores the
 * customers with each draw, and reports the (1 − level)/2 and (1 + level)/2 percentiles of the draws
 * ({@link predictionIntervals}). Each distinct (frequency, recency, T, monetary) history is scored once per draw.
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
  const { reduced, index } = distinctSummary(summary);
  const drawn = models.spend ? [models.purchase, models.spend] : [models.purchase];
  const iv = predictionIntervals(drawn, ([purchase, spend]) => score(reduced, purchase, spend), options);
  return { ...iv, lo: expandRows(iv.lo, index), hi: expandRows(iv.hi, index) };
}

/**
 * Row-aligned copies of per-distinct-row values: `out[key][i] = values[key][index[i]]`.
 * @param values per name, one value per distinct row
 * @param index for each original row, the number of its distinct row (as from `uniqueRows`)
 * @returns per name, one value per original row
 * @example expandRows({ a: Float64Array.of(1, 2) }, Uint32Array.of(1, 0, 1)).a // => Float64Array [2, 1, 2]
 */
export function expandRows<K extends string>(
  values: Record<K, Float64Array>,
  index: ArrayLike<number>,
): Record<K, Float64Array> {
  const out = {} as Record<K, Float64Array>;
  for (const key of Object.keys(values) as K[]) {
    const v = values[key];
    out[key] = Float64Array.from({ length: index.length }, (_, i) => v[index[i]]);
  }
  return out;
}
