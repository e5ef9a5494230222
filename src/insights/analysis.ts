/**
 * The whole path in one call: transactions → summaries → BG/NBD and Gamma-Gamma → per-customer scores and CLV.
 */
import { type SummarizeFileOptions, type SummarizeFileResult, summarizeFile } from "../data/summarize-file.ts";
import { fitSummary } from "../models/fit-summary.ts";
import type { FittedModel } from "../models/types.ts";
import { warn } from "../warnings.ts";
import { type CustomerScores, scoreCustomers } from "./clv.ts";

export interface AnalysisOptions extends SummarizeFileOptions {
  /** Purchase model (default "bg-nbd"). */
  model?: string;
  /** Horizon for expected purchases, in `unit` (default: 52 weeks' worth). */
  horizon?: number;
  months?: number;
  discount?: number;
  daysPerMonth?: number;
  penalizer?: number;
}

export interface Analysis extends SummarizeFileResult {
  purchaseModel: FittedModel;
  spendModel?: FittedModel;
  scores: CustomerScores;
  /** Rows the purchase model was fitted on after merging identical histories. */
  facts: {
    customers: number;
    repeatCustomers: number;
    repeatRate: number;
    totalExpectedPurchases: number;
    totalClv: number | null;
    meanPAlive: number;
  };
}

/**
 * Runs the main job on a transaction file.
 * @param source transaction file(s)
 * @param options columns, cleaning, end dates, unit, model settings
 * @returns summaries, fitted models, scores and headline facts
 * @throws LoyalError as summarizeFile and the fits do
 */
export async function analyzeTransactions(source: string | string[], options: AnalysisOptions): Promise<Analysis> {
  const base = await summarizeFile(source, options);
  const s = base.summary;
  options.onProgress?.(
    `fitting ${options.model ?? "bg-nbd"} to ${s.ids.length.toLocaleString("en-US")} customers`,
    undefined,
  );
  const purchaseModel = fitSummary(options.model ?? "bg-nbd", s, { penalizer: options.penalizer });
  let repeatCustomers = 0;
  for (let i = 0; i < s.frequency.length; i++) if (s.frequency[i] > 0) repeatCustomers++;
  let spendModel: FittedModel | undefined;
  let spenders = 0;
  if (s.monetary) for (let i = 0; i < s.frequency.length; i++) if (s.frequency[i] > 0 && s.monetary[i] > 0) spenders++;
  if (spenders >= 2) {
    try {
      spendModel = fitSummary("gamma-gamma", s, { penalizer: options.penalizer });
    } catch (e) {
      warn("W_SPEND_MODEL", `no spend model, so no CLV: the Gamma-Gamma fit failed (${(e as Error).message})`);
    }
  } else if (s.monetary && repeatCustomers > 0) {
    warn("W_SPEND_MODEL", "no spend model, so no CLV: fewer than 2 repeat customers with a positive spend");
  }
  options.onProgress?.("scoring customers", undefined);
  const horizon = options.horizon ?? (52 * 7) / { day: 1, week: 7, month: 365.25 / 12, year: 365.25 }[s.unit];
  const scores = scoreCustomers(purchaseModel, s, {
    horizon,
    spendModel,
    months: options.months,
    discount: options.discount,
    daysPerMonth: options.daysPerMonth,
  });
  let e = 0;
  let a = 0;
  let clv = 0;
  for (let i = 0; i < s.ids.length; i++) {
    e += scores.expectedPurchases[i];
    a += scores.pAlive[i];
    if (scores.clv) clv += scores.clv[i];
  }
  return {
    ...base,
    purchaseModel,
    spendModel,
    scores,
    facts: {
      customers: s.ids.length,
      repeatCustomers,
      repeatRate: repeatCustomers / s.ids.length,
      totalExpectedPurchases: e,
      totalClv: scores.clv ? clv : null,
      meanPAlive: a / s.ids.length,
    },
  };
}
