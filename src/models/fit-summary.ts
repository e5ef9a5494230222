/**
 * Fits a named model to a customer summary: purchase models on the compressed (frequency, recency, T) rows with
 * weights (identical histories are common in daily data, and the likelihood is a sum over rows), the spend model on
 * (frequency, monetary value).
 */

import { compress } from "../data/compress.ts";
import type { CustomerSummary } from "../data/summary.ts";
import { LoyalError } from "../errors.ts";
import { fitGammaGamma, type GammaGammaFitOptions } from "./gamma-gamma.ts";
import { purchaseModel } from "./registry.ts";
import type { FitOptions, FittedModel } from "./types.ts";

/**
 * Merges identical (frequency, recency, T) rows into weighted rows (see data/compress.ts).
 * @example compressRfm({ frequency: [1, 1], recency: [2, 2], T: [3, 3] }).data.weights // => [2]
 */
export const compressRfm = compress;

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
