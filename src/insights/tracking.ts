/**
 * The tracking plot of Fader, Hardie & Lee (2005, Figure 2): repeat transactions per period over calibration and
 * holdout, actual vs expected, where the expected cumulative count by day D is Σ_i E_new(D − first purchase of i),
 * the model's expected repeat purchases of a new customer summed over each customer's first-purchase time.
 */
import type { CustomerSummary } from "../data/summary.ts";
import { DAYS_PER_UNIT, type TimeUnit } from "../data/time-unit.ts";
import { LoyalError } from "../errors.ts";
import { purchaseModel } from "../models/registry.ts";
import type { FittedModel } from "../models/types.ts";
import { dayToIsoDate, groupPurchases, indexById, orderCount, type Purchases } from "./purchases.ts";

export interface TrackingPeriod {
  /** First and last day of the period (YYYY-MM-DD). */
  start: string;
  end: string;
  holdout: boolean;
  actual: number;
  expected: number;
  actualCumulative: number;
  expectedCumulative: number;
}

/** Periods, first-purchase days and actual repeat transactions of the tracking plot. */
export interface TrackingBase {
  periods: { startDay: number; endDay: number }[];
  /** Distinct first-purchase days and their customer counts. */
  firstDays: number[];
  firstCounts: number[];
  /** Actual repeat transactions and repeat spend per period. */
  actual: number[];
  actualSpend: number[];
}

/**
 * Builds the tracking periods (from the earliest first purchase to the holdout end) and counts the actual repeat
 * transactions (orders after each customer's first) and their spend per period, for the summary's customers.
 * @throws LoyalError E_INPUT when no summary customer has orders in the purchases
 */
export function trackingBase(
  summary: CustomerSummary,
  purchases: Purchases,
  endDay: number,
  holdoutEndDay: number,
  periodDays: number,
): TrackingBase {
  const h = groupPurchases(purchases, holdoutEndDay);
  const hi = indexById(h.ids);
  const counts = new Map<number, number>();
  const repeatDays: number[] = [];
  const repeatAmounts: number[] = [];
  let start = Number.POSITIVE_INFINITY;
  for (const id of summary.ids) {
    const c = hi.get(id);
    if (c === undefined) continue;
    const s = h.start[c];
    const f = h.orderDay[s];
    if (f > endDay) continue;
    counts.set(f, (counts.get(f) ?? 0) + 1);
    if (f < start) start = f;
    for (let j = s + 1; j < s + orderCount(h, c); j++) {
      repeatDays.push(h.orderDay[j]);
      repeatAmounts.push(Number.isNaN(h.orderAmount[j]) ? 0 : h.orderAmount[j]);
    }
  }
  if (!Number.isFinite(start)) throw new LoyalError("E_INPUT", "no summary customer has orders in the purchases");
  const periods: { startDay: number; endDay: number }[] = [];
  for (let d = start; d <= holdoutEndDay; d += periodDays)
    periods.push({ startDay: d, endDay: Math.min(d + periodDays - 1, holdoutEndDay) });
  const actual = new Array<number>(periods.length).fill(0);
  const actualSpend = new Array<number>(periods.length).fill(0);
  repeatDays.forEach((d, k) => {
    const j = Math.floor((d - start) / periodDays);
    actual[j]++;
    actualSpend[j] += repeatAmounts[k];
  });
  const firstDays = [...counts.keys()].sort((a, b) => a - b);
  return { periods, firstDays, firstCounts: firstDays.map((f) => counts.get(f)!), actual, actualSpend };
}

/**
 * Actual vs expected per period and cumulated; `expectedCum(day)` is the expected cumulative count up to `day`.
 */
export function trackingSeries(
  base: TrackingBase,
  endDay: number,
  expectedCum: (day: number) => number,
  actual: number[],
): TrackingPeriod[] {
  let ac = 0;
  let prev = 0;
  return base.periods.map((p, j) => {
    ac += actual[j];
    const ec = expectedCum(p.endDay);
    const e = ec - prev;
    prev = ec;
    return {
      start: dayToIsoDate(p.startDay),
      end: dayToIsoDate(p.endDay),
      holdout: p.startDay > endDay,
      actual: actual[j],
      expected: e,
      actualCumulative: ac,
      expectedCumulative: ec,
    };
  });
}

/**
 * Expected cumulative repeat transactions up to a day: Σ over first-purchase days f of (customers starting on f) ×
 * E_new((day − f) in the model's unit). E_new is evaluated once per distinct lag in days.
 * @param base the tracking base (first-purchase days and counts)
 * @param model a fitted purchase model
 * @param unit the model's time unit
 * @returns a function of the day number
 */
export function expectedCumulativeRepeat(
  base: TrackingBase,
  model: FittedModel,
  unit: TimeUnit,
): (day: number) => number {
  const api = purchaseModel(model.model);
  const dpu = DAYS_PER_UNIT[unit];
  const cache = new Map<number, number>();
  const eNew = (lagDays: number) => {
    let v = cache.get(lagDays);
    if (v === undefined) {
      v = lagDays > 0 ? api.expectedPurchasesNewCustomer(model.params, lagDays / dpu) : 0;
      cache.set(lagDays, v);
    }
    return v;
  };
  return (day: number) => {
    let s = 0;
    for (let k = 0; k < base.firstDays.length && base.firstDays[k] <= day; k++)
      s += base.firstCounts[k] * eNew(day - base.firstDays[k]);
    return s;
  };
}
