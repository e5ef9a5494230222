/**
 * Predictions of the discrete-time models as tables: BG/BB per history (P(alive), expected transactions, DERT) and
 * sBG per period (survival, retention, DERL, projected survivors), each with its totals, and their percentile
 * intervals under parameter uncertainty (`models/uncertainty.ts`).
 */
import { uniqueRows } from "../data/unique-rows.ts";
import { LoyalError } from "../errors.ts";
import {
  type BgBbData,
  type BgBbParams,
  bgBbDiscountedExpectedResidualTransactions,
  bgBbExpectedPurchases,
  bgBbProbabilityAlive,
} from "../models/bg-bb.ts";
import {
  type SbgData,
  type SbgParams,
  sbgDiscountedExpectedLifetime,
  sbgDiscountedExpectedResidualLifetime,
  sbgRetentionRate,
  sbgSurvival,
  sbgSurvivalCurve,
} from "../models/sbg.ts";
import type { FittedModel } from "../models/types.ts";
import {
  expandRows,
  type IntervalOptions,
  type PredictionIntervals,
  predictionIntervals,
} from "../models/uncertainty.ts";

/** Predictions of a discrete-time model (BG/BB per history, sBG per period) as a table plus summary figures. */
export interface DiscretePrediction {
  meta: Record<string, unknown>;
  totals: Record<string, number | null>;
  columns: Record<string, Float64Array>;
}

/**
 * BG/BB predictions for each history of a `frequency,recency,periods[,weights]` table: P(alive at the last
 * opportunity n), P(alive at n + 1) (Fader, Hardie & Shang 2010, eq. 11), expected transactions in the next
 * `horizon` opportunities (eq. 13) and the discounted expected residual transactions (DERT, eq. 14); totals weight
 * each row by its customers.
 * @param model a fitted bg-bb model
 * @param data the histories (optionally weighted)
 * @param horizon future opportunities n* (whole number >= 0)
 * @param discount discount rate per period for DERT (> 0)
 * @returns the columns frequency, recency, periods, p_alive, p_alive_next, expected_purchases, dert (and weights),
 *   totals customers, expectedPurchases, meanPAlive
 * @throws LoyalError E_USAGE for a non-whole horizon or a discount rate <= 0, E_INPUT for an invalid history
 * @example predictBgBb(fitBgBb(donations), donations, 5, 0.1).totals.customers // => 11104
 */
export function predictBgBb(model: FittedModel, data: BgBbData, horizon: number, discount: number): DiscretePrediction {
  if (!Number.isInteger(horizon))
    throw new LoyalError("E_USAGE", `--horizon must be a whole number of opportunities for bg-bb, got ${horizon}`);
  const p = model.params as BgBbParams;
  const m = data.frequency.length;
  const cols = {
    frequency: Float64Array.from(data.frequency),
    recency: Float64Array.from(data.recency),
    periods: Float64Array.from(data.periods),
    p_alive: new Float64Array(m),
    p_alive_next: new Float64Array(m),
    expected_purchases: new Float64Array(m),
    dert: new Float64Array(m),
  };
  let customers = 0;
  let expected = 0;
  let alive = 0;
  for (let i = 0; i < m; i++) {
    const c = { frequency: data.frequency[i], recency: data.recency[i], periods: data.periods[i] };
    cols.p_alive[i] = bgBbProbabilityAlive(p, c, 0);
    cols.p_alive_next[i] = bgBbProbabilityAlive(p, c, 1);
    cols.expected_purchases[i] = bgBbExpectedPurchases(p, horizon, c);
    cols.dert[i] = bgBbDiscountedExpectedResidualTransactions(p, discount, c);
    const w = data.weights ? data.weights[i] : 1;
    customers += w;
    expected += w * cols.expected_purchases[i];
    alive += w * cols.p_alive[i];
  }
  const columns: Record<string, Float64Array> = cols;
  if (data.weights) columns.weights = Float64Array.from(data.weights);
  return {
    meta: { model: "bg-bb", horizon, discount },
    totals: { customers, expectedPurchases: expected, meanPAlive: customers > 0 ? alive / customers : null },
    columns,
  };
}

/**
 * sBG projections for periods 0..`horizon`: survival S(t), retention rate r_t (NaN at t = 0), DERL of a customer
 * who has made t renewals (Fader & Hardie 2010, eq. 6) and, with data, the expected and observed number alive of
 * the cohort; the DEL of a new customer (eq. 5) goes in `meta`.
 * @param model a fitted sbg model
 * @param data the cohort (survival curve or per-customer rows), or undefined for the curves alone
 * @param horizon last period (whole number >= 0)
 * @param discount discount rate per period for DEL and DERL (> 0)
 * @returns the columns period, survival, retention_rate, derl (and expected_alive, observed_alive), meta.del,
 *   totals survivalAtHorizon, expectedAliveAtHorizon
 * @throws LoyalError E_USAGE for a non-whole horizon or a discount rate <= 0
 * @example predictSbg(fitSbg({ alive: [1000, 631, 468, 382, 326, 289, 262, 241] }), undefined, 12, 0.1).meta.del // ≈ 3.695
 */
export function predictSbg(
  model: FittedModel,
  data: SbgData | undefined,
  horizon: number,
  discount: number,
): DiscretePrediction {
  if (!Number.isInteger(horizon))
    throw new LoyalError("E_USAGE", `--horizon must be a whole number of periods for sbg, got ${horizon}`);
  const p = model.params as SbgParams;
  const rows = horizon + 1;
  const columns: Record<string, Float64Array> = {
    period: Float64Array.from({ length: rows }, (_, t) => t),
    survival: Float64Array.from({ length: rows }, (_, t) => sbgSurvival(p, t)),
    retention_rate: Float64Array.from({ length: rows }, (_, t) => (t === 0 ? Number.NaN : sbgRetentionRate(p, t))),
    derl: Float64Array.from({ length: rows }, (_, t) => sbgDiscountedExpectedResidualLifetime(p, discount, t)),
  };
  let cohort: number | null = null;
  if (data) {
    let observed: Float64Array;
    if ("alive" in data) observed = Float64Array.from(data.alive);
    else {
      let maxT = 0;
      for (let i = 0; i < data.periods.length; i++) maxT = Math.max(maxT, data.periods[i]);
      observed = sbgSurvivalCurve(data, maxT);
    }
    cohort = observed[0];
    columns.expected_alive = Float64Array.from(columns.survival, (s) => (cohort as number) * s);
    columns.observed_alive = Float64Array.from({ length: rows }, (_, t) => (t < observed.length ? observed[t] : NaN));
  }
  return {
    meta: { model: "sbg", horizon, discount, del: sbgDiscountedExpectedLifetime(p, discount), cohort },
    totals: {
      survivalAtHorizon: columns.survival[horizon],
      expectedAliveAtHorizon: cohort === null ? null : cohort * columns.survival[horizon],
    },
    columns,
  };
}

/** The predicted (not input or observed) columns, totals and meta figures of each discrete model's prediction. */
const PREDICTED = {
  "bg-bb": {
    columns: ["p_alive", "p_alive_next", "expected_purchases", "dert"],
    totals: ["expectedPurchases", "meanPAlive"],
    meta: [] as string[],
  },
  sbg: {
    columns: ["survival", "retention_rate", "derl", "expected_alive"],
    totals: ["survivalAtHorizon", "expectedAliveAtHorizon"],
    meta: ["del"],
  },
};

/**
 * The predicted figures of a prediction as named arrays: columns under their names, totals as `totals.<name>` and
 * meta figures as `meta.<name>` (one value each); absent or null ones are left out.
 */
function predictedFigures(model: "bg-bb" | "sbg", pred: DiscretePrediction): Record<string, ArrayLike<number>> {
  const names = PREDICTED[model];
  const out: Record<string, ArrayLike<number>> = {};
  for (const c of names.columns) if (pred.columns[c]) out[c] = pred.columns[c];
  for (const t of names.totals) {
    const v = pred.totals[t];
    if (typeof v === "number") out[`totals.${t}`] = [v];
  }
  for (const k of names.meta) {
    const v = pred.meta[k];
    if (typeof v === "number") out[`meta.${k}`] = [v];
  }
  return out;
}

/**
 * Percentile intervals of {@link predictBgBb}'s predictions under parameter uncertainty: α, β, γ, δ are drawn from
 * the fit's sampling distribution (log θ ~ N(log θ̂, Σ)) and every prediction is recomputed per draw
 * ({@link predictionIntervals}); each distinct (x, t_x, n) history is computed once per draw.
 * @param model a fitted bg-bb model with `logCovariance`
 * @param data the histories (optionally weighted)
 * @param horizon future opportunities n* (whole number >= 0)
 * @param discount discount rate per period for DERT (> 0)
 * @param options draws (200), level (0.9), seed (1)
 * @returns `lo` and `hi` for the columns p_alive, p_alive_next, expected_purchases and dert (row-aligned with
 *   `data`) and for the totals, as one-element arrays named `totals.expectedPurchases` and `totals.meanPAlive`
 * @throws LoyalError E_USAGE for bad options, a model without covariance (a fit with the W_HESSIAN warning), a
 *   non-whole horizon or a discount rate <= 0; E_INPUT for an invalid history
 * @example
 * const iv = bgBbPredictionIntervals(fitBgBb(donations), donations, 5, 0.1, { seed: 2 });
 * iv.lo.expected_purchases[0] <= iv.hi.expected_purchases[0] // => true
 */
export function bgBbPredictionIntervals(
  model: FittedModel,
  data: BgBbData,
  horizon: number,
  discount: number,
  options: IntervalOptions = {},
): PredictionIntervals {
  const u = uniqueRows([data.frequency, data.recency, data.periods]);
  const weights = new Float64Array(u.first.length);
  for (let i = 0; i < u.index.length; i++) weights[u.index[i]] += data.weights ? data.weights[i] : 1;
  const pick = (c: ArrayLike<number>) => Float64Array.from(u.first, (i) => c[i]);
  const distinct: BgBbData = {
    frequency: pick(data.frequency),
    recency: pick(data.recency),
    periods: pick(data.periods),
    weights,
  };
  const iv = predictionIntervals(
    [model],
    ([m]) => predictedFigures("bg-bb", predictBgBb(m, distinct, horizon, discount)),
    options,
  );
  const rowsOnly = <T>(r: Record<string, T>, keep: (k: string) => boolean) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => keep(k)));
  const isColumn = (k: string) => !k.includes(".");
  return {
    ...iv,
    lo: { ...expandRows(rowsOnly(iv.lo, isColumn), u.index), ...rowsOnly(iv.lo, (k) => !isColumn(k)) },
    hi: { ...expandRows(rowsOnly(iv.hi, isColumn), u.index), ...rowsOnly(iv.hi, (k) => !isColumn(k)) },
  };
}

/**
 * Percentile intervals of {@link predictSbg}'s predictions under parameter uncertainty: α, β are drawn from the
 * fit's sampling distribution and every projection is recomputed per draw ({@link predictionIntervals}).
 * @param model a fitted sbg model with `logCovariance`
 * @param data the cohort, or undefined for the curves alone
 * @param horizon last period (whole number >= 0)
 * @param discount discount rate per period for DEL and DERL (> 0)
 * @param options draws (200), level (0.9), seed (1)
 * @returns `lo` and `hi` for the columns survival, retention_rate (NaN at period 0), derl and, with data,
 *   expected_alive (one value per period 0..horizon), and as one-element arrays for `meta.del`,
 *   `totals.survivalAtHorizon` and, with data, `totals.expectedAliveAtHorizon`
 * @throws LoyalError E_USAGE for bad options, a model without covariance (a fit with the W_HESSIAN warning), a
 *   non-whole horizon or a discount rate <= 0
 * @example
 * const iv = sbgPredictionIntervals(fitSbg({ alive: [1000, 631, 468, 382, 326, 289, 262, 241] }), undefined, 12, 0.1);
 * [iv.lo["meta.del"][0], iv.hi["meta.del"][0]] // ≈ [3.463, 3.904] around the DEL 3.695
 */
export function sbgPredictionIntervals(
  model: FittedModel,
  data: SbgData | undefined,
  horizon: number,
  discount: number,
  options: IntervalOptions = {},
): PredictionIntervals {
  return predictionIntervals(
    [model],
    ([m]) => predictedFigures("sbg", predictSbg(m, data, horizon, discount)),
    options,
  );
}

/**
 * A prediction with its intervals merged in: `<name>_lo` and `<name>_hi` after each predicted column, total and
 * meta figure that has an interval, and `meta.intervals` = { level, draws, seed }.
 * @param pred the prediction at the MLE ({@link predictBgBb} or {@link predictSbg})
 * @param intervals its intervals ({@link bgBbPredictionIntervals} or {@link sbgPredictionIntervals}, same data and
 *   settings)
 * @returns a new prediction; `pred` is unchanged
 * @example Object.keys(withIntervals(pred, iv).columns).slice(3, 6) // => ["p_alive", "p_alive_lo", "p_alive_hi"]
 */
export function withIntervals(pred: DiscretePrediction, intervals: PredictionIntervals): DiscretePrediction {
  const { lo, hi } = intervals;
  const columns: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(pred.columns)) {
    columns[name] = values;
    if (lo[name] && hi[name]) {
      columns[`${name}_lo`] = lo[name];
      columns[`${name}_hi`] = hi[name];
    }
  }
  const figures = <T>(section: "totals" | "meta", values: Record<string, T>) => {
    const out: Record<string, T | number> = {};
    for (const [name, v] of Object.entries(values)) {
      out[name] = v;
      const key = `${section}.${name}`;
      if (lo[key] && hi[key]) {
        out[`${name}_lo`] = lo[key][0];
        out[`${name}_hi`] = hi[key][0];
      }
    }
    return out;
  };
  return {
    meta: {
      ...figures("meta", pred.meta),
      intervals: { level: intervals.level, draws: intervals.draws, seed: intervals.seed },
    },
    totals: figures("totals", pred.totals),
    columns,
  };
}
