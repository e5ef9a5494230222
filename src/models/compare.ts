/**
 * Model comparison: fits every applicable purchase model to the same summary and scores the fits by information
 * criteria (AIC, BIC) and, when the summary has a holdout period, by how well each predicts the holdout purchases
 * of every customer (mean absolute and root-mean-square error per customer, and the error of the total).
 * `selectModel` picks one and says why.
 */
import type { CustomerSummary, HoldoutColumns } from "../data/summary.ts";
import { uniqueRows } from "../data/unique-rows.ts";
import { isLoyalError, LoyalError } from "../errors.ts";
import { type FitSummaryOptions, fitSummary } from "./fit-summary.ts";
import { purchaseModel, purchaseModelNames } from "./registry.ts";
import type { FittedModel } from "./types.ts";

/** How well a model predicts the holdout period: expected purchases in (T, T + duration] vs the actual count. */
export interface HoldoutScore {
  /** Customers scored (sum of weights). */
  customers: number;
  /** Mean absolute error per customer. */
  mae: number;
  /** Root-mean-square error per customer. */
  rmse: number;
  /** Sum of the expected holdout purchases. */
  expectedTotal: number;
  /** Sum of the actual holdout purchases. */
  actualTotal: number;
  /** expectedTotal − actualTotal. */
  totalError: number;
  /** totalError / actualTotal (NaN-free: null when there were no holdout purchases). */
  relativeTotalError: number | null;
}

/** One model's row of a comparison: its fit statistics, or the error that stopped the fit. */
export interface ComparedModel {
  model: string;
  /** Number of parameters. */
  k: number;
  logLikelihood: number | null;
  aic: number | null;
  bic: number | null;
  holdout: HoldoutScore | null;
  fitted: FittedModel | null;
  /** Set when the model could not be fitted (e.g. E_CONVERGENCE); the model takes no part in the selection. */
  error: { code: string; message: string } | null;
}

/** The result of {@link compareModels}. */
export interface ModelComparison {
  /** Customers (sum of weights). */
  n: number;
  /** Whether the rows carry holdout scores. */
  holdout: boolean;
  models: ComparedModel[];
}

/** Options of {@link compareModels}: fit options for every model, and the holdout columns. */
export interface CompareOptions extends FitSummaryOptions {
  /**
   * Holdout columns to score against (default: `summary.holdout`); `false` compares by information criteria only.
   */
  holdout?: HoldoutColumns | false;
}

/** Why a model was chosen. */
export interface ModelSelection {
  selected: string;
  criterion: "holdout-mae" | "bic";
  /** One sentence, e.g. "bg-nbd has the lowest BIC (19195.9; mbg-nbd 19201.3); no holdout period to validate on". */
  reason: string;
  model: FittedModel;
}

/**
 * Scores a fitted purchase model on holdout purchases: for each customer, E[X(duration) | history] against the
 * holdout frequency; predictions are evaluated once per distinct (frequency, recency, T, duration).
 * @param model a fitted purchase model
 * @param summary the calibration summary (weights count customers)
 * @param holdout holdout frequency and duration per customer
 * @returns MAE, RMSE and the error of the total
 * @throws LoyalError E_INPUT when the holdout columns do not match the summary's length or hold a negative value
 * @example holdoutScore(fit, summary, summary.holdout!).mae // ≈ 0.6 purchases per customer
 */
export function holdoutScore(model: FittedModel, summary: CustomerSummary, holdout: HoldoutColumns): HoldoutScore {
  const n = summary.frequency.length;
  if (holdout.frequency.length !== n || holdout.duration.length !== n)
    throw new LoyalError(
      "E_INPUT",
      `holdout columns have ${holdout.frequency.length} rows, the summary ${n}: they must be row-aligned`,
    );
  const api = purchaseModel(model.model);
  const u = uniqueRows([summary.frequency, summary.recency, summary.T, holdout.duration]);
  const e = new Float64Array(u.first.length);
  const c = { frequency: 0, recency: 0, T: 0 };
  for (let j = 0; j < u.first.length; j++) {
    const i = u.first[j];
    c.frequency = summary.frequency[i];
    c.recency = summary.recency[i];
    c.T = summary.T[i];
    e[j] = api.expectedPurchases(model.params, holdout.duration[i], c);
  }
  let W = 0;
  let abs = 0;
  let sq = 0;
  let expectedTotal = 0;
  let actualTotal = 0;
  for (let i = 0; i < n; i++) {
    const w = summary.weights ? summary.weights[i] : 1;
    const actual = holdout.frequency[i];
    if (!(actual >= 0) || !(holdout.duration[i] >= 0))
      throw new LoyalError("E_INPUT", "holdout frequency and duration must be >= 0", {
        row: i + 1,
        column: actual >= 0 ? "holdout_duration" : "holdout_frequency",
      });
    const d = e[u.index[i]] - actual;
    W += w;
    abs += w * Math.abs(d);
    sq += w * d * d;
    expectedTotal += w * e[u.index[i]];
    actualTotal += w * actual;
  }
  const totalError = expectedTotal - actualTotal;
  return {
    customers: W,
    mae: abs / W,
    rmse: Math.sqrt(sq / W),
    expectedTotal,
    actualTotal,
    totalError,
    relativeTotalError: actualTotal > 0 ? totalError / actualTotal : null,
  };
}

/**
 * Fits every named purchase model to the same summary and reports LL, k, AIC, BIC and, with holdout columns, the
 * holdout score. A model that cannot be fitted (E_CONVERGENCE) gets a row with its error instead of failing the
 * comparison.
 * @param summary per-customer summary, optionally with holdout columns
 * @param names purchase models to compare (default: every registered purchase model: bg-nbd, mbg-nbd, pareto-nbd…)
 * @param options fit options shared by every model (penalizer…), and `holdout` to override or disable the holdout
 * @returns one row per model, in the order of `names`
 * @throws LoyalError E_USAGE for an unknown or non-purchase model name or an empty list
 * @example compareModels(cdnowRounded(), ["bg-nbd", "mbg-nbd"]).models.map((m) => m.model) // => ["bg-nbd", "mbg-nbd"]
 */
export function compareModels(
  summary: CustomerSummary,
  names: readonly string[] = purchaseModelNames(),
  options: CompareOptions = {},
): ModelComparison {
  if (names.length === 0) throw new LoyalError("E_USAGE", "no models to compare");
  const { holdout: holdoutOption, ...fitOptions } = options;
  const holdout = holdoutOption === false ? undefined : (holdoutOption ?? summary.holdout);
  let n = 0;
  for (let i = 0; i < summary.frequency.length; i++) n += summary.weights ? summary.weights[i] : 1;
  const models: ComparedModel[] = [];
  for (const name of [...new Set(names)]) {
    const api = purchaseModel(name);
    const row: ComparedModel = {
      model: name,
      k: api.paramNames.length,
      logLikelihood: null,
      aic: null,
      bic: null,
      holdout: null,
      fitted: null,
      error: null,
    };
    try {
      const fitted = fitSummary(name, summary, fitOptions);
      row.fitted = fitted;
      row.logLikelihood = fitted.logLikelihood;
      row.aic = fitted.aic;
      row.bic = fitted.bic;
      if (holdout) row.holdout = holdoutScore(fitted, summary, holdout);
    } catch (e) {
      if (!isLoyalError(e, "E_CONVERGENCE")) throw e;
      row.error = { code: e.code, message: e.message };
    }
    models.push(row);
  }
  return { n, holdout: holdout !== undefined, models };
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

/**
 * Picks a model from a comparison: the lowest holdout MAE when the comparison has a holdout (out-of-sample accuracy
 * is what a forecast is for), else the lowest BIC (which charges each parameter ln n). Ties go to the earlier model.
 * @param comparison the result of {@link compareModels}
 * @returns the chosen model, the criterion and a one-sentence reason
 * @throws LoyalError E_CONVERGENCE when no model could be fitted
 * @example selectModel(compareModels(cdnowRounded())).reason // "bg-nbd has the lowest BIC (…)"
 */
export function selectModel(comparison: ModelComparison): ModelSelection {
  const ok = comparison.models.filter((m) => m.fitted !== null);
  if (ok.length === 0) {
    // Each error names its model first; a reason that is the same for every model (a property of the data, such as
    // no repeat purchases) is said once.
    const reasons = comparison.models.map((m) => {
      const message = m.error?.message ?? "not fitted";
      return message.startsWith(`${m.model}: `) ? message.slice(m.model.length + 2) : message;
    });
    throw new LoyalError(
      "E_CONVERGENCE",
      reasons.every((r) => r === reasons[0])
        ? `no model could be fitted (${comparison.models.map((m) => m.model).join(", ")}): ${reasons[0]}`
        : `no model could be fitted: ${comparison.models.map((m, i) => `${m.model}: ${reasons[i]}`).join("; ")}`,
    );
  }
  const byHoldout = comparison.holdout && ok.every((m) => m.holdout !== null);
  const key = (m: ComparedModel) => (byHoldout ? m.holdout!.mae : m.bic!);
  let best = ok[0];
  for (const m of ok) if (key(m) < key(best)) best = m;
  const others = ok.filter((m) => m !== best);
  const failed = comparison.models.filter((m) => m.fitted === null).map((m) => m.model);
  const failedNote = failed.length ? `; ${failed.join(", ")} could not be fitted` : "";
  let reason: string;
  if (byHoldout) {
    const list = others.map((m) => `${m.model} ${fmt(m.holdout!.mae)}`).join(", ");
    reason = `${best.model} has the lowest holdout mean absolute error (${fmt(best.holdout!.mae)} purchases per customer over ${best.holdout!.customers} customers${list ? `; ${list}` : ""})${failedNote}`;
  } else {
    const list = others.map((m) => `${m.model} ${fmt(m.bic!)}, ΔBIC ${fmt(m.bic! - best.bic!)}`).join("; ");
    reason = `${best.model} has the lowest BIC (${fmt(best.bic!)}${list ? `; ${list}` : ""}); no holdout period to validate on${failedNote}`;
  }
  return {
    selected: best.model,
    criterion: byHoldout ? "holdout-mae" : "bic",
    reason,
    model: best.fitted!,
  };
}
