/**
 * Retention economics: what lower dropout is worth.
 *
 * Model-based: the fitted purchase model's dropout is lowered by a stated fraction k and every customer is scored
 * again (same histories, changed parameters), giving the change in total expected purchases and CLV over the horizon.
 * - BG/NBD and MBG/NBD (dropout probability p ~ Beta(a, b)): the mean dropout probability a/(a+b) is scaled by
 *   (1 − k) keeping a + b (the prior's concentration): a' = (1 − k)·a, b' = a + b − a'.
 * - Pareto/NBD (dropout rate μ ~ Gamma(s, β)): the mean dropout rate s/β is scaled by (1 − k) keeping the shape s
 *   (so the coefficient of variation): β' = β/(1 − k).
 *
 * Simple: the margin multiple m·r/(1 + i − r) (expected value of a customer with margin m per period, retention r
 * and discount rate i, margin received at the end of each period). It assumes every customer has the same
 * retention rate; with heterogeneity the survivors are the more loyal ones, so it understates long-run value.
 */
import type { CustomerSummary } from "../data/summary.ts";
import { DAYS_PER_UNIT } from "../data/time-unit.ts";
import { LoyalError } from "../errors.ts";
import type { FittedModel } from "../models/types.ts";
import { scoreCustomers } from "./clv.ts";

export interface WhatIfOptions {
  /** Dropout reductions k in [0, 1) (default [0.05, 0.1, 0.2, 0.3]). */
  reductions?: number[];
  /** A fitted Gamma-Gamma model: adds CLV. */
  spendModel?: FittedModel;
  /** Horizon in months (default 12); expected purchases are over the same horizon. */
  months?: number;
  /** Monthly discount rate of the CLV (default 0.01). */
  discount?: number;
  /** Length of a month in days (default 30.4375). */
  daysPerMonth?: number;
  /** For the margin multiple: margin per period. */
  margin?: number;
  /** For the margin multiple: retention rate per period, in (0, 1). */
  retention?: number;
  /** For the margin multiple: discount rate per period (default 0.1). */
  discountRate?: number;
}

export interface WhatIfTotals {
  reduction: number;
  params: Record<string, number>;
  /** The mean dropout: a/(a+b) (probability per repeat purchase) or s/β (rate per unit). */
  meanDropout: number;
  expectedPurchases: number;
  clv: number | null;
  deltaPurchases: number;
  deltaPurchasesPct: number;
  deltaClv: number | null;
  deltaClvPct: number | null;
}

export interface MarginMultipleResult {
  margin: number;
  retention: number;
  discountRate: number;
  value: number;
  /** r' = 1 − (1 − r)(1 − k) per reduction k, and its margin multiple. */
  scenarios: { reduction: number; retention: number; value: number }[];
  formula: string;
  caveat: string;
}

export interface WhatIfResult {
  meta: {
    model: string;
    unit: string;
    customers: number;
    months: number;
    horizon: number;
    discount: number;
    transformation: string;
  };
  baseline: WhatIfTotals;
  scenarios: WhatIfTotals[];
  marginMultiple: MarginMultipleResult | null;
}

/**
 * The simple margin multiple m·r/(1 + i − r).
 * @param margin margin per period
 * @param retention retention rate per period, in [0, 1)
 * @param discountRate discount rate per period
 * @throws LoyalError E_USAGE for a retention outside [0, 1) or a discount rate <= -1 + r
 * @example marginMultiple(100, 0.8, 0.1) // ≈ 266.67
 */
export function marginMultiple(margin: number, retention: number, discountRate: number): number {
  if (!(retention >= 0 && retention < 1))
    throw new LoyalError("E_USAGE", `retention must be in [0, 1), got ${retention}`);
  if (!(1 + discountRate - retention > 0)) throw new LoyalError("E_USAGE", "1 + discount rate − retention must be > 0");
  return (margin * retention) / (1 + discountRate - retention);
}

/**
 * Parameters with the dropout lowered by k (see the module comment for the exact transformation).
 * @throws LoyalError E_USAGE for a model without a dropout process or k outside [0, 1)
 * @example lowerDropout("bg-nbd", { r: 1, alpha: 1, a: 0.8, b: 2.4 }, 0.5) // ≈ { r: 1, alpha: 1, a: 0.4, b: 2.8 }
 */
export function lowerDropout(model: string, params: Record<string, number>, k: number): Record<string, number> {
  if (!(k >= 0 && k < 1)) throw new LoyalError("E_USAGE", `dropout reduction must be in [0, 1), got ${k}`);
  if (model === "bg-nbd" || model === "mbg-nbd") {
    const a = (1 - k) * params.a;
    return { ...params, a, b: params.a + params.b - a };
  }
  if (model === "pareto-nbd") return { ...params, beta: params.beta / (1 - k) };
  throw new LoyalError(
    "E_USAGE",
    `what-if needs a model with a dropout process (bg-nbd, mbg-nbd, pareto-nbd), got ${model}`,
  );
}

function meanDropout(model: string, p: Record<string, number>): number {
  return model === "pareto-nbd" ? p.s / p.beta : p.a / (p.a + p.b);
}

/**
 * Change in total expected purchases and CLV when dropout falls.
 * @param model a fitted BG/NBD, MBG/NBD or Pareto/NBD model
 * @param summary customers in the model's unit
 * @param options reductions, horizon, spend model, margin-multiple inputs
 * @returns baseline and scenario totals with their changes, and the margin multiple when margin and retention are given
 * @throws LoyalError E_USAGE for unsupported models or bad options; E_UNIT_MISMATCH
 * @example retentionWhatIf(bg, summary, { reductions: [0.1] }).scenarios[0].deltaPurchasesPct // > 0
 */
export function retentionWhatIf(
  model: FittedModel,
  summary: CustomerSummary,
  options: WhatIfOptions = {},
): WhatIfResult {
  const reductions = options.reductions ?? [0.05, 0.1, 0.2, 0.3];
  const months = options.months ?? 12;
  const discount = options.discount ?? 0.01;
  const daysPerMonth = options.daysPerMonth ?? DAYS_PER_UNIT.month;
  const horizon = (months * daysPerMonth) / DAYS_PER_UNIT[summary.unit];
  const totals = (
    k: number,
  ): Omit<WhatIfTotals, "deltaPurchases" | "deltaPurchasesPct" | "deltaClv" | "deltaClvPct"> => {
    const params = lowerDropout(model.model, model.params, k);
    const s = scoreCustomers({ ...model, params }, summary, {
      horizon,
      spendModel: options.spendModel,
      months,
      discount,
      daysPerMonth,
    });
    let e = 0;
    for (const v of s.expectedPurchases) e += v;
    let clv: number | null = null;
    if (s.clv) {
      clv = 0;
      for (const v of s.clv) clv += v;
    }
    return { reduction: k, params, meanDropout: meanDropout(model.model, params), expectedPurchases: e, clv };
  };
  const b = totals(0);
  const withDelta = (t: ReturnType<typeof totals>): WhatIfTotals => ({
    ...t,
    deltaPurchases: t.expectedPurchases - b.expectedPurchases,
    deltaPurchasesPct: (100 * (t.expectedPurchases - b.expectedPurchases)) / b.expectedPurchases,
    deltaClv: t.clv === null || b.clv === null ? null : t.clv - b.clv,
    deltaClvPct: t.clv === null || b.clv === null ? null : (100 * (t.clv - b.clv)) / b.clv,
  });
  let mm: MarginMultipleResult | null = null;
  if (options.margin !== undefined && options.retention !== undefined) {
    const i = options.discountRate ?? 0.1;
    const r = options.retention;
    mm = {
      margin: options.margin,
      retention: r,
      discountRate: i,
      value: marginMultiple(options.margin, r, i),
      scenarios: reductions.map((k) => {
        const r2 = 1 - (1 - r) * (1 - k);
        return { reduction: k, retention: r2, value: marginMultiple(options.margin!, r2, i) };
      }),
      formula: "m·r/(1 + i − r): margin m per period received at the end of each period while retained",
      caveat:
        "assumes one retention rate for every customer; real bases are heterogeneous (the survivors are the more loyal customers, so retention rises with tenure), so the multiple understates long-run value; the model-based figures above account for heterogeneity",
    };
  }
  const transformation =
    model.model === "pareto-nbd"
      ? "Pareto/NBD: mean dropout rate s/β scaled by (1 − k) keeping s: β' = β/(1 − k)"
      : "mean dropout probability a/(a+b) scaled by (1 − k) keeping a + b: a' = (1 − k)·a, b' = a + b − a'";
  return {
    meta: {
      model: model.model,
      unit: summary.unit,
      customers: summary.ids.length,
      months,
      horizon,
      discount,
      transformation: `${transformation}; every customer's history is scored again with the changed parameters over ${months} months`,
    },
    baseline: withDelta(b),
    scenarios: reductions.map((k) => withDelta(totals(k))),
    marginMultiple: mm,
  };
}
