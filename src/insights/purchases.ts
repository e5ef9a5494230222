/**
 * Transaction-level input of the insights (cohorts, profiles, RFM) and its per-customer grouping.
 *
 * Definitions used by every insight built on transactions:
 * - an **order** is a distinct (customer, day) whose net amount is not negative (rows of one day are merged, as the
 *   model summaries merge them; a day with an unknown amount, NaN, counts as an order);
 * - a day whose rows net to a negative amount is a **refund day**: it lowers revenue but is not an order;
 * - **revenue** is the sum of all known amounts (refunds included, so it is net of refunds).
 */
import { LoyalError } from "../errors.ts";

/** Purchases as parallel columns: row i is one transaction row. */
export interface Purchases {
  customerId: string[];
  /** Days since 1970-01-01. */
  day: Int32Array;
  /** Amount of the row (negative for a refund; NaN when unknown). */
  amount: Float64Array;
}

/** Per-customer order history, customers sorted by id (byte order), orders by day. */
export interface CustomerHistories {
  ids: string[];
  /** Orders of customer c are `orderDay[start[c]] .. orderDay[start[c + 1] - 1]`. */
  start: Uint32Array;
  /** Day of each order. */
  orderDay: Int32Array;
  /** Net amount of each order (NaN when unknown). */
  orderAmount: Float64Array;
  /** Net revenue per customer (orders and refunds, known amounts only). */
  revenue: Float64Array;
  /** Whether any amount of the customer is known. */
  hasAmount: Uint8Array;
}

/** Byte-order comparison of strings (the order of the summaries' `ORDER BY customer_id`). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Groups purchases into per-customer orders up to and including `endDay`.
 * @param p purchases
 * @param endDay last day included (default: all)
 * @returns histories of the customers with at least one order on or before `endDay`
 * @throws LoyalError E_INPUT when the columns differ in length
 * @example groupPurchases({ customerId: ["a", "a"], day: Int32Array.of(1, 1), amount: Float64Array.of(2, 3) }).orderAmount // => Float64Array [5]
 */
export function groupPurchases(p: Purchases, endDay = Number.POSITIVE_INFINITY): CustomerHistories {
  const n = p.customerId.length;
  if (p.day.length !== n || p.amount.length !== n)
    throw new LoyalError(
      "E_INPUT",
      `purchase columns differ in length: ${n} ids, ${p.day.length} days, ${p.amount.length} amounts`,
    );
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (p.day[i] <= endDay) rows.push(i);
  rows.sort((i, j) => compareIds(p.customerId[i], p.customerId[j]) || p.day[i] - p.day[j]);
  const ids: string[] = [];
  const start: number[] = [];
  const orderDay: number[] = [];
  const orderAmount: number[] = [];
  const revenue: number[] = [];
  const hasAmount: number[] = [];
  let k = 0;
  while (k < rows.length) {
    const id = p.customerId[rows[k]];
    let rev = 0;
    let known = 0;
    const s = orderDay.length;
    while (k < rows.length && p.customerId[rows[k]] === id) {
      const day = p.day[rows[k]];
      let net = 0;
      let anyKnown = false;
      while (k < rows.length && p.customerId[rows[k]] === id && p.day[rows[k]] === day) {
        const a = p.amount[rows[k]];
        if (!Number.isNaN(a)) {
          net += a;
          anyKnown = true;
        }
        k++;
      }
      if (anyKnown) {
        rev += net;
        known = 1;
      }
      if (!anyKnown || net >= 0) {
        orderDay.push(day);
        orderAmount.push(anyKnown ? net : Number.NaN);
      }
    }
    if (orderDay.length === s) continue; // refunds only: not a customer of the period
    ids.push(id);
    start.push(s);
    revenue.push(rev);
    hasAmount.push(known);
  }
  start.push(orderDay.length);
  return {
    ids,
    start: Uint32Array.from(start),
    orderDay: Int32Array.from(orderDay),
    orderAmount: Float64Array.from(orderAmount),
    revenue: Float64Array.from(revenue),
    hasAmount: Uint8Array.from(hasAmount),
  };
}

/** Number of orders of customer c. */
export function orderCount(h: CustomerHistories, c: number): number {
  return h.start[c + 1] - h.start[c];
}

/** ISO date (YYYY-MM-DD) of a day number. */
export function dayToIsoDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Months since January 1970 of a day number (UTC calendar). */
export function monthIndex(day: number): number {
  const d = new Date(day * 86_400_000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth() - 1970 * 12;
}

/** "YYYY-MM" of a month index. */
export function monthLabel(m: number): string {
  const y = 1970 + Math.floor(m / 12);
  const mm = (((m % 12) + 12) % 12) + 1;
  return `${y}-${String(mm).padStart(2, "0")}`;
}

/**
 * Quantile with linear interpolation between order statistics (type 7, R's default and NumPy's "linear").
 * @param sorted ascending values
 * @param q in [0, 1]
 * @returns NaN for no values
 * @example quantileSorted([1, 2, 3, 4], 0.5) // => 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Median of unsorted values (NaN for none). */
export function median(values: ArrayLike<number>): number {
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}

/** Rounds to `digits` decimals (for presentation fields only). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Builds a row-aligned lookup from customer id to row. */
export function indexById(ids: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) m.set(ids[i], i);
  return m;
}
