/**
 * Per-customer scores and discounted customer lifetime value from a fitted purchase model and a spend model.
 *
 * CLV over a horizon of M months with a monthly discount rate d:
 *   CLV = Σ_{k=1..M} E[spend] · (E[X(k·m)] − E[X((k−1)·m)]) / (1 + d)^k
 * where E[X(t)] is the conditional expected number of purchases in (T, T + t] and m is the length of a month in the
 * purchase model's time unit (m = daysPerMonth / days per unit: with weeks and the default 30.4375 days, m = 4.348).
 * Purchases of month k are discounted at the end of month k (the definition behind lifetimes'
 * `customer_lifetime_value` and the shared reference values, which use m = 4.345 weeks).
 */
import type { CustomerSummary } from "../data/summary.ts";
import { DAYS_PER_UNIT, type TimeUnit } from "../data/time-unit.ts";
import { uniqueRows } from "../data/unique-rows.ts";
import { LoyalError } from "../errors.ts";
import { type GammaGammaParams, gammaGammaExpectedSpend } from "../models/gamma-gamma.ts";
import type { PurchaseModel } from "../models/purchase-model.ts";
import { purchaseModel } from "../models/registry.ts";
import { assertSameUnit } from "../models/serialize.ts";
import type { FittedModel } from "../models/types.ts";

export interface ScoreOptions {
  /** Prediction horizon for expected purchases, in the model's time unit. */
  horizon: number;
  /** A fitted Gamma-Gamma model: adds expected spend and CLV. */
  spendModel?: FittedModel;
  /** CLV horizon in months (default 12). */
  months?: number;
  /** Monthly discount rate (default 0.01). */
  discount?: number;
  /** Length of a month in days (default 365.25/12 = 30.4375). */
  daysPerMonth?: number;
}

/** Scores per customer, row-aligned with the summary. */
export interface CustomerScores {
  ids: string[];
  expectedPurchases: Float64Array;
  pAlive: Float64Array;
  expectedSpend?: Float64Array;
  clv?: Float64Array;
  /** The settings the scores were computed with. */
  meta: { model: string; unit: TimeUnit; horizon: number; months?: number; discount?: number; daysPerMonth?: number };
}

/** Generic path: every prediction evaluated once per distinct (frequency, recency, T). */
function scoreByDistinctRows(
  api: PurchaseModel,
  p: Record<string, number>,
  times: readonly number[],
  summary: CustomerSummary,
) {
  const n = summary.frequency.length;
  const u = uniqueRows([summary.frequency, summary.recency, summary.T]);
  const m = u.first.length;
  const K = times.length;
  const eU = new Float64Array(m * K);
  const aU = new Float64Array(m);
  const c = { frequency: 0, recency: 0, T: 0 };
  for (let j = 0; j < m; j++) {
    const i = u.first[j];
    c.frequency = summary.frequency[i];
    c.recency = summary.recency[i];
    c.T = summary.T[i];
    aU[j] = api.probabilityAlive(p, c);
    for (let k = 0; k < K; k++) eU[j * K + k] = api.expectedPurchases(p, times[k], c);
  }
  const expected = times.map(() => new Float64Array(n));
  const pAlive = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = u.index[i];
    pAlive[i] = aU[j];
    for (let k = 0; k < K; k++) expected[k][i] = eU[j * K + k];
  }
  return { expected, pAlive };
}

/**
 * Scores every customer: expected purchases over the horizon, P(alive), and with a spend model the expected mean
 * spend and the discounted CLV. Predictions are evaluated once per distinct (frequency, recency, T).
 * @param model a fitted purchase model
 * @param summary customer summaries in the model's unit
 * @param options horizon and CLV settings
 * @returns row-aligned scores
 * @throws LoyalError E_UNIT_MISMATCH when the summary's unit differs from the model's; E_USAGE for bad options
 */
export function scoreCustomers(model: FittedModel, summary: CustomerSummary, options: ScoreOptions): CustomerScores {
  assertSameUnit(model, summary.unit);
  if (!(options.horizon >= 0)) throw new LoyalError("E_USAGE", `horizon must be >= 0, got ${options.horizon}`);
  const api = purchaseModel(model.model);
  const p = model.params;
  const n = summary.frequency.length;
  const months = options.months ?? 12;
  const discount = options.discount ?? 0.01;
  const daysPerMonth = options.daysPerMonth ?? DAYS_PER_UNIT.month;
  const monthLen = daysPerMonth / DAYS_PER_UNIT[summary.unit];
  const withClv = options.spendModel !== undefined;
  if (withClv) {
    if (options.spendModel!.model !== "gamma-gamma")
      throw new LoyalError("E_USAGE", `the spend model must be gamma-gamma, got ${options.spendModel!.model}`);
    if (!summary.monetary)
      throw new LoyalError(
        "E_USAGE",
        "CLV needs the summary's monetary_value column (summarise with an amount column)",
      );
    if (!(months >= 0 && Number.isInteger(months)))
      throw new LoyalError("E_USAGE", `months must be a whole number >= 0, got ${months}`);
    if (!(discount > -1)) throw new LoyalError("E_USAGE", `discount must be > -1, got ${discount}`);
  }
  // Horizons: the prediction horizon, then the end of each CLV month.
  const times = [options.horizon];
  if (withClv) for (let k = 1; k <= months; k++) times.push(k * monthLen);
  const { expected, pAlive } = api.scoreMany
    ? api.scoreMany(p, times, summary)
    : scoreByDistinctRows(api, p, times, summary);
  const expectedPurchases = expected[0];
  let clvFactor: Float64Array | undefined;
  if (withClv) {
    // Σ_k (E[X(k·m)] − E[X((k−1)·m)]) / (1 + d)^k per customer.
    clvFactor = new Float64Array(n);
    let disc = 1;
    for (let k = 1; k <= months; k++) {
      disc /= 1 + discount;
      const cur = expected[k];
      const prev = k > 1 ? expected[k - 1] : undefined;
      for (let i = 0; i < n; i++) clvFactor[i] += (cur[i] - (prev ? prev[i] : 0)) * disc;
    }
  }
  const out: CustomerScores = {
    ids: summary.ids,
    expectedPurchases,
    pAlive,
    meta: { model: model.model, unit: summary.unit, horizon: options.horizon },
  };
  if (withClv && clvFactor) {
    const gg = options.spendModel!.params as GammaGammaParams;
    const expectedSpend = new Float64Array(n);
    const clv = new Float64Array(n);
    const mon = summary.monetary!;
    for (let i = 0; i < n; i++) {
      const s = gammaGammaExpectedSpend(gg, mon[i] > 0 ? summary.frequency[i] : 0, mon[i]);
      expectedSpend[i] = s;
      clv[i] = s * clvFactor[i];
    }
    out.expectedSpend = expectedSpend;
    out.clv = clv;
    Object.assign(out.meta, { months, discount, daysPerMonth });
  }
  return out;
}
