/**
 * Model-based loyalty segments, built on the loyalty profile (P(alive), value, rhythm): lost customers, valuable
 * customers whose P(alive) is falling ("can't lose"), customers overdue relative to their own rhythm, and new
 * customers who have not made the second purchase within the expected window. Every threshold is an option and is
 * stated in the output.
 */
import { LoyalError } from "../errors.ts";
import type { CustomerProfile, ProfileResult } from "./profile.ts";
import { groupPurchases, orderCount, type Purchases, quantileSorted } from "./purchases.ts";

export type ModelSegment = "lost" | "cant_lose" | "overdue" | "second_purchase_due" | "active";

export interface ModelSegmentOptions {
  /** P(alive) below this is lost (default 0.2). */
  lostBelow?: number;
  /** Share of customers, by historic value, counted as valuable (default 0.2: the top 20%). */
  valuableTopShare?: number;
  /** A valuable customer is "can't lose" when P(alive) is below this (default 0.5) and below its value at the last order. */
  cantLoseBelow?: number;
  /** Overdue when days since the last order exceed this multiple of the customer's mean days between orders (default 2). */
  overdueFactor?: number;
  /** The second-purchase window is this quantile of observed first-to-second order gaps (default 0.8). */
  secondPurchaseQuantile?: number;
  /** One-order customers count as new when their first order is at most this many days before asOf (default 180). */
  newCustomerDays?: number;
}

export interface ModelSegmentsResult {
  meta: {
    asOf: string;
    thresholds: Required<ModelSegmentOptions> & {
      /** The second-purchase window in days, from the data. */
      secondPurchaseWindowDays: number | null;
      /** Historic value at or above which a customer is valuable. */
      valuableMinHistoricClv: number | null;
    };
    precedence: ModelSegment[];
    definitions: Record<ModelSegment, string>;
  };
  segments: { segment: ModelSegment; customers: number; share: number; predictedClv: number | null; ids: string[] }[];
  /** Segment of every profiled customer, in profile order. */
  customers: { customerId: string; segment: ModelSegment }[];
}

const PRECEDENCE: ModelSegment[] = ["lost", "cant_lose", "overdue", "second_purchase_due", "active"];

/**
 * Days from the first to the second order of every repeat customer up to `endDay`.
 * @returns gaps in days, ascending
 */
export function secondPurchaseGaps(purchases: Purchases, endDay: number): Float64Array {
  const h = groupPurchases(purchases, endDay);
  const gaps: number[] = [];
  for (let c = 0; c < h.ids.length; c++)
    if (orderCount(h, c) >= 2) gaps.push(h.orderDay[h.start[c] + 1] - h.orderDay[h.start[c]]);
  return Float64Array.from(gaps).sort();
}

/**
 * Assigns each profiled customer to one model-based segment (first match in `precedence`).
 * @param profile the loyalty profile (`customerProfiles`)
 * @param purchases transactions (for the observed second-purchase gaps)
 * @param options thresholds
 * @returns segments with counts and member ids, and each customer's segment
 * @throws LoyalError E_USAGE for thresholds out of range
 * @example modelSegments(profile, purchases).segments.find((s) => s.segment === "lost")?.customers
 */
export function modelSegments(
  profile: ProfileResult,
  purchases: Purchases,
  options: ModelSegmentOptions = {},
): ModelSegmentsResult {
  const o: Required<ModelSegmentOptions> = {
    lostBelow: options.lostBelow ?? 0.2,
    valuableTopShare: options.valuableTopShare ?? 0.2,
    cantLoseBelow: options.cantLoseBelow ?? 0.5,
    overdueFactor: options.overdueFactor ?? 2,
    secondPurchaseQuantile: options.secondPurchaseQuantile ?? 0.8,
    newCustomerDays: options.newCustomerDays ?? 180,
  };
  for (const [k, v] of Object.entries(o))
    if (!(v > 0) || (k !== "overdueFactor" && k !== "newCustomerDays" && v > 1))
      throw new LoyalError("E_USAGE", `${k} out of range: ${v}`);
  const asOfDay = Date.parse(`${profile.meta.asOf}T00:00:00Z`) / 86_400_000;
  const gaps = secondPurchaseGaps(purchases, asOfDay);
  const window = gaps.length ? quantileSorted(gaps, o.secondPurchaseQuantile) : null;
  const hist = profile.customers.map((c) => c.historicClv).filter((v): v is number => v !== null);
  hist.sort((a, b) => b - a);
  const valuableMin = hist.length ? hist[Math.max(0, Math.ceil(o.valuableTopShare * hist.length) - 1)] : null;
  const segmentOf = (c: CustomerProfile): ModelSegment => {
    if (c.pAlive < o.lostBelow) return "lost";
    if (
      valuableMin !== null &&
      c.historicClv !== null &&
      c.historicClv >= valuableMin &&
      c.pAlive < o.cantLoseBelow &&
      c.pAlive < c.pAliveAtLastOrder
    )
      return "cant_lose";
    if (c.avgDaysBetweenOrders !== null && c.daysSinceLastOrder > o.overdueFactor * c.avgDaysBetweenOrders)
      return "overdue";
    if (
      c.historicOrders === 1 &&
      window !== null &&
      c.daysSinceLastOrder > window &&
      c.daysSinceLastOrder <= o.newCustomerDays
    )
      return "second_purchase_due";
    return "active";
  };
  const customers = profile.customers.map((c) => ({ customerId: c.customerId, segment: segmentOf(c) }));
  const n = customers.length;
  const segments = PRECEDENCE.map((segment) => {
    const members = profile.customers.filter((_, i) => customers[i].segment === segment);
    const clv = members.every((m) => m.predictedClv !== null)
      ? members.reduce((s, m) => s + (m.predictedClv ?? 0), 0)
      : null;
    return {
      segment,
      customers: members.length,
      share: n ? members.length / n : 0,
      predictedClv: clv,
      ids: members.map((m) => m.customerId),
    };
  });
  return {
    meta: {
      asOf: profile.meta.asOf,
      thresholds: { ...o, secondPurchaseWindowDays: window, valuableMinHistoricClv: valuableMin },
      precedence: PRECEDENCE,
      definitions: {
        lost: `P(alive) < ${o.lostBelow}`,
        cant_lose: `valuable (historic value in the top ${o.valuableTopShare * 100}%, i.e. >= valuableMinHistoricClv) with P(alive) < ${o.cantLoseBelow} and lower than at the last order`,
        overdue: `2+ orders and days since the last order > ${o.overdueFactor} × the customer's mean days between orders`,
        second_purchase_due: `one order, first order at most ${o.newCustomerDays} days ago and longer ago than the second-purchase window (the ${o.secondPurchaseQuantile} quantile of observed first-to-second order gaps)`,
        active: "none of the above",
      },
    },
    segments,
    customers,
  };
}
