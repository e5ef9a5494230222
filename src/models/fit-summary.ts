/**
 * Fits a named model to a customer summary: purchase models on the compressed (frequency, recency, T) rows with
 * weights (identical histories are common in daily data, and the likelihood is a sum over rows), the spend model on
 * (frequency, monetary value).
 */
import type { CustomerSummary, RfmData } from "../data/summary.ts";
import { uniqueRows } from "../data/unique-rows.ts";
import { LoyalError } from "../errors.ts";
import { fitGammaGamma, type GammaGammaFitOptions } from "./gamma-gamma.ts";
import { purchaseModel } from "./registry.ts";
import type { FitOptions, FittedModel } from "./types.ts";

/**
 * Merges identical (frequency, recency, T) rows into weighted rows (weights add up).
 * @returns the compressed data and, for each original row, its compressed row
 * @example compressRfm({ frequency: [1, 1], recency: [2, 2], T: [3, 3] }).data.weights // => [2]
 */
export function compressRfm(data: RfmData): { data: RfmData; index: Uint32Array } {
  const u = uniqueRows([data.frequency, data.recency, data.T]);
  const m = u.first.length;
  const frequency = new Float64Array(m);
  const recency = new Float64Array(m);
  const T = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const i = u.first[j];
    frequency[j] = data.frequency[i];
    recency[j] = data.recency[i];
    T[j] = data.T[i];
  }
  let weights = u.counts;
  if (data.weights) {
    weights = new Float64Array(m);
    for (let i = 0; i < u.index.length; i++) weights[u.index[i]] += data.weights[i];
  }
  return { data: { frequency, recency, T, weights }, index: u.index };
}

export interface FitSummaryOptions extends FitOptions, GammaGammaFitOptions {}

/**
 * Fits `model` ("bg-nbd", "pareto-nbd", "mbg-nbd" or "gamma-gamma") to a summary.
 * @param model model name
 * @param summary per-customer summary
 * @param options penalizer, starting values, `constrainQ` for Gamma-Gamma
 * @returns the fitted model, recording the summary's time unit (purchase models)
 * @throws LoyalError E_USAGE for an unknown model or a summary without spend for gamma-gamma; E_CONVERGENCE
 */
export function fitSummary(model: string, summary: CustomerSummary, options: FitSummaryOptions = {}): FittedModel {
  if (model === "gamma-gamma") {
    if (!summary.monetary) throw new LoyalError("E_USAGE", "gamma-gamma needs a monetary_value column in the summary");
    return fitGammaGamma(
      { frequency: summary.frequency, monetary: summary.monetary, weights: summary.weights },
      options,
    );
  }
  const api = purchaseModel(model);
  const { data } = compressRfm(summary);
  const fitted = api.fit(data, options);
  return { ...fitted, unit: summary.unit };
}
