/**
 * Calibration/holdout validation of purchase models (Fader, Hardie & Lee 2005, section 4): predicted vs actual
 * holdout purchases in total, per customer and by calibration frequency; the tracking plot of weekly and cumulative
 * repeat transactions over calibration + holdout; the same for spend; and a data-sufficiency check.
 */
import type { CustomerSummary } from "../data/summary.ts";
import { DAYS_PER_UNIT } from "../data/time-unit.ts";
import { LoyalError } from "../errors.ts";
import { fitSummary } from "../models/fit-summary.ts";
import { type GammaGammaParams, gammaGammaExpectedSpend } from "../models/gamma-gamma.ts";
import { purchaseModel, purchaseModelNames } from "../models/registry.ts";
import { assertSameUnit } from "../models/serialize.ts";
import type { FittedModel } from "../models/types.ts";
import { warn } from "../warnings.ts";
import { scoreCustomers } from "./clv.ts";
import { dayToIsoDate, type Purchases } from "./purchases.ts";
import { dataSufficiency, type SufficiencyCheck, type SufficiencyOptions } from "./sufficiency.ts";
import {
  expectedCumulativeRepeat,
  type TrackingBase,
  type TrackingPeriod,
  trackingBase,
  trackingSeries,
} from "./tracking.ts";

export { dataSufficiency, type SufficiencyCheck, type TrackingPeriod };

export interface ValidationOptions extends SufficiencyOptions {
  /** Frequency bins 0 .. maxFrequencyBin − 1 and maxFrequencyBin+ (default 7). */
  maxFrequencyBin?: number;
  /** Length of a tracking period in days (default 7: weekly). */
  trackingPeriodDays?: number;
  /** L2 penalty for the fits (default 0). */
  penalizer?: number;
}

export interface ValidationInput {
  /** Calibration summary with holdout columns (summarise with a holdout end). */
  summary: CustomerSummary;
  /** Transactions up to the holdout end: needed for the tracking series. */
  purchases?: Purchases;
  /** Fitted Gamma-Gamma model: adds the spend comparison. */
  spendModel?: FittedModel;
}

export interface FitMetrics {
  /** Mean absolute error per customer. */
  mae: number;
  /** Root mean squared error per customer. */
  rmse: number;
  /** Pearson correlation of actual and expected per customer (null when either is constant). */
  correlation: number | null;
}

export interface FrequencyBin {
  /** Calibration frequency ("0" .. "6", "7+"). */
  frequency: string;
  customers: number;
  actualTotal: number;
  expectedTotal: number;
  /** Mean holdout purchases per customer. */
  actualMean: number;
  expectedMean: number;
}

export interface ModelValidation {
  model: string;
  params: Record<string, number>;
  /** Actual holdout repeat purchases (purchase days in the holdout period), all customers. */
  actualTotal: number;
  /** Σ E[X(holdout length) | calibration history] over customers. */
  expectedTotal: number;
  perCustomer: FitMetrics;
  byFrequency: FrequencyBin[];
  /** Weekly (trackingPeriodDays) repeat transactions, actual vs expected; null without purchases. */
  tracking: TrackingPeriod[] | null;
  spend: {
    actualTotal: number;
    expectedTotal: number;
    perCustomer: FitMetrics;
    tracking: TrackingPeriod[] | null;
    populationMeanSpend: number;
  } | null;
}

export interface ValidationReport {
  meta: {
    unit: string;
    calibrationEnd: string | null;
    holdoutEnd: string | null;
    customers: number;
    trackingPeriodDays: number;
    /** The model whose expectedTotal is repeated at the top level. */
    primaryModel: string;
    definitions: Record<string, string>;
  };
  actualTotal: number;
  expectedTotal: number;
  checks: SufficiencyCheck;
  models: ModelValidation[];
}

/**
 * Mean absolute error, RMSE and Pearson correlation.
 * @example fitMetrics([1, 2, 3], [1, 2, 4]).mae // ≈ 0.3333
 */
export function fitMetrics(actual: ArrayLike<number>, expected: ArrayLike<number>): FitMetrics {
  const n = actual.length;
  let ae = 0;
  let se = 0;
  let ma = 0;
  let me = 0;
  for (let i = 0; i < n; i++) {
    const d = actual[i] - expected[i];
    ae += Math.abs(d);
    se += d * d;
    ma += actual[i];
    me += expected[i];
  }
  ma /= n;
  me /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const a = actual[i] - ma;
    const b = expected[i] - me;
    sab += a * b;
    saa += a * a;
    sbb += b * b;
  }
  return { mae: ae / n, rmse: Math.sqrt(se / n), correlation: saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null };
}

/**
 * Validates one fitted purchase model on the holdout period.
 * @param input calibration summary with holdout columns, purchases (for tracking), optional spend model
 * @param model a purchase model fitted on the calibration summary
 * @param options bins, tracking period
 * @returns totals, per-customer metrics, frequency bins, tracking series and spend comparison
 * @throws LoyalError E_USAGE when the summary has no holdout columns; E_UNIT_MISMATCH
 */
export function validateModel(
  input: ValidationInput,
  model: FittedModel,
  options: ValidationOptions = {},
): ModelValidation {
  const { summary } = input;
  const ho = summary.holdout;
  if (!ho) throw new LoyalError("E_USAGE", "validation needs a summary with a holdout period (give a holdout end)");
  assertSameUnit(model, summary.unit);
  purchaseModel(model.model); // fails early (E_USAGE) for a model that is not a registered purchase model
  const n = summary.ids.length;
  const maxBin = options.maxFrequencyBin ?? 7;
  const periodDays = options.trackingPeriodDays ?? 7;
  if (!(Number.isInteger(maxBin) && maxBin >= 1))
    throw new LoyalError("E_USAGE", `maxFrequencyBin must be a whole number >= 1, got ${maxBin}`);
  if (!(Number.isInteger(periodDays) && periodDays >= 1))
    throw new LoyalError("E_USAGE", `tracking period must be whole days >= 1, got ${periodDays}`);
  // Expected holdout purchases per customer; the holdout length is the same for all, so score once per history.
  const expected = new Float64Array(n);
  const durations = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const d = ho.duration[i];
    if (!durations.has(d)) durations.set(d, []);
    durations.get(d)!.push(i);
  }
  for (const [d, rows] of durations) {
    const s = scoreCustomers(model, summary, { horizon: d });
    for (const i of rows) expected[i] = s.expectedPurchases[i];
  }
  let actualTotal = 0;
  let expectedTotal = 0;
  const bins: FrequencyBin[] = Array.from({ length: maxBin + 1 }, (_, k) => ({
    frequency: k === maxBin ? `${maxBin}+` : String(k),
    customers: 0,
    actualTotal: 0,
    expectedTotal: 0,
    actualMean: 0,
    expectedMean: 0,
  }));
  for (let i = 0; i < n; i++) {
    actualTotal += ho.frequency[i];
    expectedTotal += expected[i];
    const b = bins[Math.min(maxBin, summary.frequency[i])];
    b.customers++;
    b.actualTotal += ho.frequency[i];
    b.expectedTotal += expected[i];
  }
  for (const b of bins) {
    b.actualMean = b.customers ? b.actualTotal / b.customers : 0;
    b.expectedMean = b.customers ? b.expectedTotal / b.customers : 0;
  }
  let tracking: TrackingPeriod[] | null = null;
  let base: TrackingBase | null = null;
  const dpu = DAYS_PER_UNIT[summary.unit];
  const endDay = summary.calibrationEnd ? Date.parse(`${summary.calibrationEnd}T00:00:00Z`) / 86_400_000 : Number.NaN;
  const holdoutEndDay = endDay + Math.round(ho.duration[0] * dpu);
  let expectedCum: ((day: number) => number) | null = null;
  if (input.purchases && n > 0) {
    if (Number.isNaN(endDay)) throw new LoyalError("E_USAGE", "tracking needs the summary's calibrationEnd");
    base = trackingBase(summary, input.purchases, endDay, holdoutEndDay, periodDays);
    expectedCum = expectedCumulativeRepeat(base, model, summary.unit);
    tracking = trackingSeries(base, endDay, expectedCum, base.actual);
  }
  let spend: ModelValidation["spend"] = null;
  if (input.spendModel && summary.monetary) {
    const gg = input.spendModel.params as GammaGammaParams;
    const mean = gg.q > 1 ? (gg.p * gg.v) / (gg.q - 1) : Number.POSITIVE_INFINITY;
    const act = new Float64Array(n);
    const exp = new Float64Array(n);
    let at = 0;
    let et = 0;
    for (let i = 0; i < n; i++) {
      act[i] = ho.frequency[i] * ho.monetary[i];
      const m = summary.monetary[i];
      exp[i] = expected[i] * gammaGammaExpectedSpend(gg, m > 0 ? summary.frequency[i] : 0, m);
      at += act[i];
      et += exp[i];
    }
    spend = {
      actualTotal: at,
      expectedTotal: et,
      perCustomer: fitMetrics(act, exp),
      populationMeanSpend: mean,
      tracking:
        base && expectedCum ? trackingSeries(base, endDay, (d) => mean * expectedCum!(d), base.actualSpend) : null,
    };
  }
  return {
    model: model.model,
    params: model.params,
    actualTotal,
    expectedTotal,
    perCustomer: fitMetrics(ho.frequency, expected),
    byFrequency: bins,
    tracking,
    spend,
  };
}

/**
 * Fits the named purchase models (and Gamma-Gamma when the summary has spend) on the calibration summary and
 * validates each on the holdout.
 * @param input calibration summary with holdout columns, purchases for the tracking series
 * @param models model names, or "all" for every registered purchase model (default ["bg-nbd"])
 * @param options validation options
 * @returns the report: `actualTotal`, `expectedTotal` (of the first model), checks, per-model results and the
 *   fitted models (purchase models, then Gamma-Gamma when fitted)
 * @throws LoyalError E_USAGE without holdout columns or for an unknown model; E_CONVERGENCE when a fit fails
 * @example validateHoldout({ summary, purchases }).expectedTotal // ≈ 1,653 on CDNOW (weeks)
 */
export function validateHoldout(
  input: Omit<ValidationInput, "spendModel"> & { spendModel?: FittedModel },
  models: string[] | "all" = ["bg-nbd"],
  options: ValidationOptions = {},
): ValidationReport & { fitted: FittedModel[] } {
  const { summary } = input;
  if (!summary.holdout)
    throw new LoyalError("E_USAGE", "validation needs a summary with a holdout period (give a holdout end)");
  const names = models === "all" ? listPurchaseModels() : models;
  if (names.length === 0) throw new LoyalError("E_USAGE", "no model to validate");
  const checks = dataSufficiency(summary, options);
  const fitted = names.map((name) => fitSummary(name, summary, { penalizer: options.penalizer }));
  let spendModel = input.spendModel;
  if (!spendModel && summary.monetary) {
    try {
      spendModel = fitSummary("gamma-gamma", summary, { penalizer: options.penalizer });
    } catch (e) {
      warn("W_SPEND_MODEL", `no spend comparison: the Gamma-Gamma fit failed (${(e as Error).message})`);
    }
  }
  const results = fitted.map((m) => validateModel({ ...input, spendModel }, m, options));
  const dpu = DAYS_PER_UNIT[summary.unit];
  const holdoutEnd =
    summary.calibrationEnd && summary.ids.length
      ? dayToIsoDate(
          Date.parse(`${summary.calibrationEnd}T00:00:00Z`) / 86_400_000 +
            Math.round(summary.holdout.duration[0] * dpu),
        )
      : null;
  return {
    meta: {
      unit: summary.unit,
      calibrationEnd: summary.calibrationEnd ?? null,
      holdoutEnd,
      customers: summary.ids.length,
      trackingPeriodDays: options.trackingPeriodDays ?? 7,
      primaryModel: names[0],
      definitions: {
        actualTotal: "purchase days of the summary's customers in the holdout period (calibrationEnd, holdoutEnd]",
        expectedTotal:
          "Σ over customers of E[X(holdout length) | x, t_x, T] from the model fitted on the calibration period",
        byFrequency:
          "customers grouped by calibration frequency x (repeat purchase days), mean actual and expected holdout purchases",
        tracking:
          "repeat transactions per period (trackingPeriodDays days, from the first customer's first purchase): actual counts vs Σ_i E_new(t − first purchase of i), the model's expected repeat purchases of a new customer, differenced by period (Fader-Hardie-Lee tracking plot)",
        spend:
          "holdout spend: Σ holdout purchase days × mean holdout spend vs Σ E[X] × E[M | x, mean spend] (Gamma-Gamma); tracking: repeat spend per period vs expected repeat transactions × population mean spend p·v/(q−1)",
        perCustomer: "MAE, RMSE and Pearson correlation of actual vs expected holdout purchases per customer",
      },
    },
    actualTotal: results[0].actualTotal,
    expectedTotal: results[0].expectedTotal,
    checks,
    models: results,
    fitted: spendModel ? [...fitted, spendModel] : fitted,
  };
}

/** The registered purchase models that fit continuous-time (x, t_x, T) summaries. */
function listPurchaseModels(): string[] {
  return purchaseModelNames().filter((name) => name !== "bg-bb" && name !== "sbg");
}
