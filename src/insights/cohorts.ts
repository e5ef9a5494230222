/**
 * Cohorts and transaction-level loyalty metrics: first-purchase-month cohorts (retention triangle, revenue),
 * repeat purchase rates, time to second purchase, customers by number of orders, repeat vs one-time buyers.
 * Orders and revenue follow the definitions of `purchases.ts` (an order is a customer-day; revenue is net of refunds).
 */
import { LoyalError } from "../errors.ts";
import {
  type CustomerHistories,
  dayToIsoDate,
  groupPurchases,
  monthIndex,
  monthLabel,
  orderCount,
  type Purchases,
  quantileSorted,
} from "./purchases.ts";

export interface CohortOptions {
  /** Last day included (days since 1970-01-01); default: the last purchase day. */
  endDay?: number;
  /** Window for the windowed repeat purchase rate, in days after the first order (default 90). */
  repeatWindowDays?: number;
}

/** One first-purchase-month cohort. */
export interface CohortRow {
  /** First-purchase month, YYYY-MM. */
  cohort: string;
  customers: number;
  /** Customers with an order in month k after the cohort month (k = 0, 1, ... up to the end month). */
  active: number[];
  /** active[k] / customers (0..1). */
  retention: number[];
  /** Net revenue of the cohort in month k. */
  revenue: number[];
  /** Cumulative net revenue per cohort customer up to month k. */
  cumulativeRevenuePerCustomer: number[];
  /** Customers with 2+ orders / customers. */
  repeatRate: number;
  /** Among customers whose first order is at least `repeatWindowDays` before the end: share with a second order within the window (null when none is eligible). */
  repeatRateWithinWindow: number | null;
  eligibleForWindow: number;
}

export interface DistributionSummary {
  count: number;
  mean: number | null;
  min: number | null;
  p10: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  p90: number | null;
  max: number | null;
}

export interface BuyerGroup {
  customers: number;
  orders: number;
  ordersPerCustomer: number | null;
  revenue: number;
  /** Revenue / orders (null without orders). */
  aov: number | null;
  /** Share of all customers' net revenue (null when total revenue is 0). */
  revenueShare: number | null;
}

export interface CohortReport {
  meta: {
    asOf: string;
    repeatWindowDays: number;
    definitions: Record<string, string>;
  };
  cohorts: CohortRow[];
  overall: {
    customers: number;
    orders: number;
    revenue: number;
    repeatRate: number;
    repeatRateWithinWindow: number | null;
    eligibleForWindow: number;
  };
  /** Days from the first to the second order, over customers with 2+ orders. */
  timeToSecondPurchase: DistributionSummary;
  /** Customers by number of orders (1, 2, ...). */
  ordersDistribution: { orders: number; customers: number; share: number }[];
  repeatVsOneTime: { oneTime: BuyerGroup; repeat: BuyerGroup };
}

/**
 * Five-number-plus summary of values.
 * @example summarizeDistribution([1, 2, 3]).median // => 2
 */
export function summarizeDistribution(values: ArrayLike<number>): DistributionSummary {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  const q = (p: number) => (n ? quantileSorted(s, p) : null);
  let sum = 0;
  for (const v of s) sum += v;
  return {
    count: n,
    mean: n ? sum / n : null,
    min: n ? s[0] : null,
    p10: q(0.1),
    p25: q(0.25),
    median: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
    max: n ? s[n - 1] : null,
  };
}

function lastDay(p: Purchases): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < p.day.length; i++) if (p.day[i] > m) m = p.day[i];
  return m;
}

function buyerGroup(h: CustomerHistories, repeat: boolean, totalRevenue: number): BuyerGroup {
  let customers = 0;
  let orders = 0;
  let revenue = 0;
  for (let c = 0; c < h.ids.length; c++) {
    const k = orderCount(h, c);
    if (k >= 2 !== repeat) continue;
    customers++;
    orders += k;
    revenue += h.revenue[c];
  }
  return {
    customers,
    orders,
    ordersPerCustomer: customers ? orders / customers : null,
    revenue,
    aov: orders ? revenue / orders : null,
    revenueShare: totalRevenue !== 0 ? revenue / totalRevenue : null,
  };
}

/**
 * Cohort and loyalty metrics from transactions.
 * @param purchases transaction rows
 * @param options end day and the repeat-rate window
 * @returns a JSON-able report (see {@link CohortReport}); months are UTC calendar months
 * @throws LoyalError E_INPUT when there is no order on or before the end; E_USAGE for a bad window
 * @example cohortReport(purchases, { repeatWindowDays: 90 }).overall.repeatRate // => share of customers with 2+ orders
 */
export function cohortReport(purchases: Purchases, options: CohortOptions = {}): CohortReport {
  const endDay = options.endDay ?? lastDay(purchases);
  const windowDays = options.repeatWindowDays ?? 90;
  if (!(windowDays > 0)) throw new LoyalError("E_USAGE", `repeat window must be > 0 days, got ${windowDays}`);
  const h = groupPurchases(purchases, endDay);
  const nC = h.ids.length;
  if (nC === 0) throw new LoyalError("E_INPUT", `no order on or before ${dayToIsoDate(endDay)}`);
  const endMonth = monthIndex(endDay);
  const cohortOf = new Map<string, number>();
  let firstMonth = Number.POSITIVE_INFINITY;
  for (let c = 0; c < nC; c++) {
    const m = monthIndex(h.orderDay[h.start[c]]);
    cohortOf.set(h.ids[c], m);
    if (m < firstMonth) firstMonth = m;
  }
  const nM = endMonth - firstMonth + 1;
  const size = new Array<number>(nM).fill(0);
  const repeaters = new Array<number>(nM).fill(0);
  const eligible = new Array<number>(nM).fill(0);
  const windowRepeaters = new Array<number>(nM).fill(0);
  const active: number[][] = [];
  const revenue: number[][] = [];
  for (let k = 0; k < nM; k++) {
    active.push(new Array<number>(nM - k).fill(0));
    revenue.push(new Array<number>(nM - k).fill(0));
  }
  const gaps: number[] = [];
  const byOrders = new Map<number, number>();
  let orders = 0;
  for (let c = 0; c < nC; c++) {
    const s = h.start[c];
    const k = orderCount(h, c);
    orders += k;
    byOrders.set(k, (byOrders.get(k) ?? 0) + 1);
    const first = h.orderDay[s];
    const co = monthIndex(first) - firstMonth;
    size[co]++;
    if (k >= 2) {
      repeaters[co]++;
      gaps.push(h.orderDay[s + 1] - first);
    }
    if (first <= endDay - windowDays) {
      eligible[co]++;
      if (k >= 2 && h.orderDay[s + 1] - first <= windowDays) windowRepeaters[co]++;
    }
    let prevOffset = -1;
    for (let j = s; j < h.start[c + 1]; j++) {
      const off = monthIndex(h.orderDay[j]) - firstMonth - co;
      if (off !== prevOffset) active[co][off]++;
      prevOffset = off;
    }
  }
  // Revenue from every row (refunds included), by the customer's cohort.
  let totalRevenue = 0;
  for (let i = 0; i < purchases.day.length; i++) {
    const d = purchases.day[i];
    const a = purchases.amount[i];
    if (d > endDay || Number.isNaN(a)) continue;
    const m = cohortOf.get(purchases.customerId[i]);
    if (m === undefined) continue;
    const off = monthIndex(d) - m;
    if (off < 0) continue; // a refund before the first order: counted in the total only
    revenue[m - firstMonth][off] += a;
    totalRevenue += a;
  }
  const cohorts: CohortRow[] = [];
  for (let k = 0; k < nM; k++) {
    if (size[k] === 0) continue;
    let cum = 0;
    cohorts.push({
      cohort: monthLabel(firstMonth + k),
      customers: size[k],
      active: active[k],
      retention: active[k].map((v) => v / size[k]),
      revenue: revenue[k],
      cumulativeRevenuePerCustomer: revenue[k].map((v) => {
        cum += v;
        return cum / size[k];
      }),
      repeatRate: repeaters[k] / size[k],
      repeatRateWithinWindow: eligible[k] ? windowRepeaters[k] / eligible[k] : null,
      eligibleForWindow: eligible[k],
    });
  }
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const elig = sum(eligible);
  const maxOrders = Math.max(...byOrders.keys());
  const ordersDistribution = [];
  for (let k = 1; k <= maxOrders; k++) {
    const v = byOrders.get(k) ?? 0;
    if (v) ordersDistribution.push({ orders: k, customers: v, share: v / nC });
  }
  return {
    meta: {
      asOf: dayToIsoDate(endDay),
      repeatWindowDays: windowDays,
      definitions: {
        order: "a distinct customer-day whose net amount is not negative (same-day rows merged)",
        revenue: "sum of all known amounts, refunds included (net of refunds)",
        cohort: "UTC calendar month of the customer's first order",
        active:
          "customers of the cohort with at least one order in month k after the cohort month (k = 0 is the cohort month)",
        repeatRate: "customers with 2 or more orders / all customers, up to asOf",
        repeatRateWithinWindow:
          "customers whose second order is at most repeatWindowDays days after the first / customers whose first order is at least repeatWindowDays days before asOf",
        timeToSecondPurchase: "days from the first to the second order, customers with 2+ orders",
      },
    },
    cohorts,
    overall: {
      customers: nC,
      orders,
      revenue: totalRevenue,
      repeatRate: sum(repeaters) / nC,
      repeatRateWithinWindow: elig ? sum(windowRepeaters) / elig : null,
      eligibleForWindow: elig,
    },
    timeToSecondPurchase: summarizeDistribution(gaps),
    ordersDistribution,
    repeatVsOneTime: { oneTime: buyerGroup(h, false, totalRevenue), repeat: buyerGroup(h, true, totalRevenue) },
  };
}
