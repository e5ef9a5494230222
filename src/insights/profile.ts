/**
 * Per-customer loyalty profile: the fields commercial CRM tools show on a customer card (historic orders and value,
 * AOV, rhythm, predicted orders and CLV, P(alive), churn risk, expected next order, percentile ranks, spend tier),
 * each defined in the output's `meta.fields`.
 */
import type { CustomerSummary } from "../data/summary.ts";
import { DAYS_PER_UNIT } from "../data/time-unit.ts";
import { LoyalError } from "../errors.ts";
import { purchaseModel } from "../models/registry.ts";
import type { FittedModel } from "../models/types.ts";
import { scoreCustomers } from "./clv.ts";
import { dayToIsoDate, groupPurchases, indexById, orderCount, type Purchases } from "./purchases.ts";

export type Tier = "LOW" | "MEDIUM" | "HIGH";

/** What a profile is computed from. */
export interface ProfileInput {
  /** Transactions (for the historic fields). */
  purchases: Purchases;
  /** Calibration summary in the model's unit; its `calibrationEnd` is the as-of date unless `endDay` is given. */
  summary: CustomerSummary;
  /** A fitted purchase model. */
  model: FittedModel;
  /** A fitted Gamma-Gamma spend model: without it the value predictions are null. */
  spendModel?: FittedModel;
}

export interface ProfileOptions {
  /** As-of day (days since 1970-01-01); default: the summary's calibration end. */
  endDay?: number;
  /** Prediction horizon in days (default 365). */
  horizonDays?: number;
  /** Churn-risk tier cut-offs [low/medium, medium/high] (default [0.3, 0.6]): LOW < 0.3 <= MEDIUM < 0.6 <= HIGH. */
  churnCutoffs?: [number, number];
  /** Spend-tier cut-offs on the historic-value percentile (default [40, 80]): LOW <= 40 < MEDIUM <= 80 < HIGH. */
  spendTierCutoffs?: [number, number];
}

/** One customer's profile (dates are YYYY-MM-DD, money in the data's currency). */
export interface CustomerProfile {
  customerId: string;
  firstOrderDate: string;
  lastOrderDate: string;
  historicOrders: number;
  historicClv: number | null;
  aov: number | null;
  avgDaysBetweenOrders: number | null;
  daysSinceLastOrder: number;
  predictedOrders: number;
  expectedOrderValue: number | null;
  predictedClv: number | null;
  totalClv: number | null;
  pAlive: number;
  pAliveAtLastOrder: number;
  churnRisk: number;
  churnRiskTier: Tier;
  expectedNextOrderDate: string | null;
  predictedClvPercentile: number | null;
  churnRiskPercentile: number;
  historicClvPercentile: number | null;
  spendTier: Tier | null;
}

export interface ProfileResult {
  meta: {
    asOf: string;
    horizonDays: number;
    model: string;
    spendModel: string | null;
    unit: string;
    churnCutoffs: [number, number];
    spendTierCutoffs: [number, number];
    /** Summary customers left out because the purchases hold no order of theirs up to asOf. */
    skipped: number;
    fields: Record<keyof Omit<CustomerProfile, "customerId">, string>;
  };
  customers: CustomerProfile[];
}

/**
 * Percentile ranks 1..100: floor(100 · (number of strictly smaller values) / n) + 1. Tied values share a rank, so
 * the result does not depend on row order; NaN values get NaN.
 * @example percentileRanks([10, 20, 20, 30]) // => [1, 26, 26, 76]
 */
export function percentileRanks(values: ArrayLike<number>): number[] {
  const n = values.length;
  const idx = Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(values[i]));
  idx.sort((i, j) => values[i] - values[j]);
  const m = idx.length;
  const out = new Array<number>(n).fill(Number.NaN);
  let k = 0;
  while (k < m) {
    let e = k;
    while (e + 1 < m && values[idx[e + 1]] === values[idx[k]]) e++;
    const p = Math.floor((100 * k) / m) + 1;
    for (let j = k; j <= e; j++) out[idx[j]] = p;
    k = e + 1;
  }
  return out;
}

/**
 * Churn-risk tier of a risk in [0, 1].
 * @example churnTier(0.45, [0.3, 0.6]) // => "MEDIUM"
 */
export function churnTier(risk: number, cutoffs: [number, number]): Tier {
  return risk < cutoffs[0] ? "LOW" : risk < cutoffs[1] ? "MEDIUM" : "HIGH";
}

/**
 * A customer's expected purchase rate while alive, E[λ | history, alive], per model time unit: the slope of the
 * conditional expected purchases at t = 0 divided by P(alive) (Richardson-extrapolated forward difference, so it
 * works for any purchase model through its public interface). For BG/NBD it equals (r + x)/(α + T).
 */
export function expectedRateWhileAlive(
  model: FittedModel,
  customer: { frequency: number; recency: number; T: number },
): number {
  const api = purchaseModel(model.model);
  const h = 1e-4 * Math.max(1, customer.T);
  const e1 = api.expectedPurchases(model.params, h, customer) / h;
  const e2 = api.expectedPurchases(model.params, 2 * h, customer) / (2 * h);
  const slope = 2 * e1 - e2;
  const alive = api.probabilityAlive(model.params, customer);
  return alive > 0 ? slope / alive : Number.NaN;
}

const FIELDS: ProfileResult["meta"]["fields"] = {
  firstOrderDate: "date of the first order",
  lastOrderDate: "date of the last order on or before asOf",
  historicOrders:
    "orders up to asOf (an order is a customer-day with a non-negative net amount; refund days are not orders)",
  historicClv: "net revenue up to asOf: all known amounts, refunds subtracted (null without amounts)",
  aov: "historicClv / historicOrders",
  avgDaysBetweenOrders: "(last order − first order) / (historicOrders − 1) in days; null with one order",
  daysSinceLastOrder: "asOf − last order, in days",
  predictedOrders:
    "expected orders in (asOf, asOf + horizonDays] from the purchase model, given the customer's history",
  expectedOrderValue: "expected value per future order from the Gamma-Gamma model, E[M | x, mean repeat spend]",
  predictedClv: "predictedOrders × expectedOrderValue over horizonDays, undiscounted",
  totalClv: "historicClv + predictedClv",
  pAlive:
    "P(alive at asOf | history) from the purchase model (BG/NBD gives 1 to customers without a repeat purchase: it has no evidence of their dropout)",
  pAliveAtLastOrder: "P(alive) the model gave right after the last order (history evaluated with T = recency)",
  churnRisk: "1 − pAlive",
  churnRiskTier: "LOW when churnRisk < churnCutoffs[0], MEDIUM when < churnCutoffs[1], else HIGH",
  expectedNextOrderDate:
    "last order + 1 / E[λ | history, alive] (the mean time between orders at the model's expected purchase rate of the customer while alive), rounded to a day; it can lie before asOf, which means the customer is overdue",
  predictedClvPercentile: "1..100, floor(100 · #customers with a lower predictedClv / n) + 1; ties share a rank",
  churnRiskPercentile: "1..100 rank of churnRisk, as predictedClvPercentile (100 = riskiest)",
  historicClvPercentile: "1..100 rank of historicClv, as predictedClvPercentile",
  spendTier:
    "from historicClvPercentile: HIGH above spendTierCutoffs[1], LOW at or below spendTierCutoffs[0], else MEDIUM",
};

/**
 * Builds every customer's loyalty profile.
 * @param input purchases, the calibration summary, a fitted purchase model and optionally a Gamma-Gamma model
 * @param options as-of day, horizon in days (default 365), tier cut-offs
 * @returns `{ meta, customers }`, customers in summary order
 * @throws LoyalError E_USAGE for bad options or no as-of date; E_UNIT_MISMATCH when the summary's unit differs
 * @example customerProfiles({ purchases, summary, model, spendModel }).customers[0].churnRiskTier // => "LOW"
 */
export function customerProfiles(input: ProfileInput, options: ProfileOptions = {}): ProfileResult {
  const { summary, model, spendModel } = input;
  const horizonDays = options.horizonDays ?? 365;
  if (!(horizonDays > 0)) throw new LoyalError("E_USAGE", `horizon must be > 0 days, got ${horizonDays}`);
  const churnCutoffs = options.churnCutoffs ?? [0.3, 0.6];
  const spendTierCutoffs = options.spendTierCutoffs ?? [40, 80];
  if (!(churnCutoffs[0] > 0 && churnCutoffs[0] < churnCutoffs[1] && churnCutoffs[1] < 1))
    throw new LoyalError("E_USAGE", `churn cut-offs must satisfy 0 < low < high < 1, got ${churnCutoffs.join(", ")}`);
  let endDay = options.endDay;
  if (endDay === undefined) {
    if (!summary.calibrationEnd)
      throw new LoyalError("E_USAGE", "no as-of date: pass endDay or a summary with calibrationEnd");
    endDay = Date.parse(`${summary.calibrationEnd}T00:00:00Z`) / 86_400_000;
  }
  const dpu = DAYS_PER_UNIT[summary.unit];
  const scores = scoreCustomers(model, summary, {
    horizon: horizonDays / dpu,
    spendModel: spendModel && summary.monetary ? spendModel : undefined,
    months: 0,
  });
  const api = purchaseModel(model.model);
  const h = groupPurchases(input.purchases, endDay);
  const hIndex = indexById(h.ids);
  const rows: CustomerProfile[] = [];
  let skipped = 0;
  const c = { frequency: 0, recency: 0, T: 0 };
  const perHistory = new Map<string, [number, number]>();
  for (let i = 0; i < summary.ids.length; i++) {
    const k = hIndex.get(summary.ids[i]);
    if (k === undefined) {
      skipped++;
      continue;
    }
    const s = h.start[k];
    const orders = orderCount(h, k);
    const first = h.orderDay[s];
    const last = h.orderDay[s + orders - 1];
    c.frequency = summary.frequency[i];
    c.recency = summary.recency[i];
    c.T = summary.T[i];
    const pAlive = scores.pAlive[i];
    // Once per distinct history (daily data repeats them a lot).
    const key = `${c.frequency}|${c.recency}|${c.T}`;
    let cached = perHistory.get(key);
    if (!cached) {
      cached = [api.probabilityAlive(model.params, { ...c, T: c.recency }), expectedRateWhileAlive(model, c)];
      perHistory.set(key, cached);
    }
    const [pAliveAtLastOrder, rate] = cached;
    const next = rate > 0 && Number.isFinite(rate) ? last + Math.round(dpu / rate) : Number.NaN;
    const revenue = h.hasAmount[k] ? h.revenue[k] : null;
    const eov = scores.expectedSpend ? scores.expectedSpend[i] : null;
    const predictedClv = eov === null ? null : eov * scores.expectedPurchases[i];
    rows.push({
      customerId: summary.ids[i],
      firstOrderDate: dayToIsoDate(first),
      lastOrderDate: dayToIsoDate(last),
      historicOrders: orders,
      historicClv: revenue,
      aov: revenue === null ? null : revenue / orders,
      avgDaysBetweenOrders: orders > 1 ? (last - first) / (orders - 1) : null,
      daysSinceLastOrder: endDay - last,
      predictedOrders: scores.expectedPurchases[i],
      expectedOrderValue: eov,
      predictedClv,
      totalClv: predictedClv === null || revenue === null ? null : revenue + predictedClv,
      pAlive,
      pAliveAtLastOrder,
      churnRisk: 1 - pAlive,
      churnRiskTier: churnTier(1 - pAlive, churnCutoffs),
      expectedNextOrderDate: Number.isNaN(next) ? null : dayToIsoDate(next),
      predictedClvPercentile: null,
      churnRiskPercentile: 0,
      historicClvPercentile: null,
      spendTier: null,
    });
  }
  const clvP = percentileRanks(rows.map((r) => r.predictedClv ?? Number.NaN));
  const riskP = percentileRanks(rows.map((r) => r.churnRisk));
  const histP = percentileRanks(rows.map((r) => r.historicClv ?? Number.NaN));
  rows.forEach((r, j) => {
    r.predictedClvPercentile = Number.isNaN(clvP[j]) ? null : clvP[j];
    r.churnRiskPercentile = riskP[j];
    r.historicClvPercentile = Number.isNaN(histP[j]) ? null : histP[j];
    r.spendTier =
      r.historicClvPercentile === null
        ? null
        : r.historicClvPercentile > spendTierCutoffs[1]
          ? "HIGH"
          : r.historicClvPercentile > spendTierCutoffs[0]
            ? "MEDIUM"
            : "LOW";
  });
  return {
    meta: {
      asOf: dayToIsoDate(endDay),
      horizonDays,
      model: model.model,
      spendModel: scores.expectedSpend ? (spendModel?.model ?? null) : null,
      unit: summary.unit,
      churnCutoffs,
      spendTierCutoffs,
      skipped,
      fields: FIELDS,
    },
    customers: rows,
  };
}
