/**
 * Retention target list: customers ranked by value at risk = predicted CLV × churn risk, each with a reason code,
 * a plain-language reason naming the numbers, a suggested action and a contact window.
 */
import { LoyalError } from "../errors.ts";
import {
  type ModelSegment,
  type ModelSegmentOptions,
  type ModelSegmentsResult,
  modelSegments,
} from "./model-segments.ts";
import {
  type CustomerProfile,
  customerProfiles,
  type ProfileInput,
  type ProfileOptions,
  type ProfileResult,
} from "./profile.ts";
import { dayToIsoDate } from "./purchases.ts";

export type ReasonCode = "LIKELY_LOST" | "VALUABLE_FADING" | "OVERDUE" | "NO_SECOND_PURCHASE" | "CHURN_RISK";

export interface TargetOptions {
  /** Keep the first N (default: all). */
  top?: number;
  /** Keep customers whose value at risk is at least this (default: anything above 0). */
  minValue?: number;
  /** Currency symbol in the reasons (default "$"). */
  currency?: string;
  /** Days before the expected next order at which the contact window opens (default 7). */
  leadDays?: number;
  /** Length of the contact window in days (default 14). */
  windowDays?: number;
}

export interface Target {
  rank: number;
  customerId: string;
  valueAtRisk: number;
  predictedClv: number;
  pAlive: number;
  pAliveAtLastOrder: number;
  churnRisk: number;
  churnRiskTier: string;
  historicOrders: number;
  historicClv: number | null;
  daysSinceLastOrder: number;
  avgDaysBetweenOrders: number | null;
  expectedNextOrderDate: string | null;
  reasonCode: ReasonCode;
  reason: string;
  action: string;
  contactFrom: string;
  contactTo: string;
}

export interface TargetsResult {
  meta: {
    asOf: string;
    horizonDays: number;
    definition: string;
    contactWindow: string;
    reasonCodes: Record<ReasonCode, string>;
    /** Customers with a positive value at risk before the budget options. */
    candidates: number;
    /** Value at risk of the listed customers. */
    totalValueAtRisk: number;
    top: number | null;
    minValue: number | null;
  };
  targets: Target[];
}

const REASONS: Record<ReasonCode, { from: ModelSegment; meaning: string; action: string }> = {
  LIKELY_LOST: {
    from: "lost",
    meaning: "P(alive) is below the lost threshold",
    action: "Low-cost win-back (automated email with a strong offer); do not spend much.",
  },
  VALUABLE_FADING: {
    from: "cant_lose",
    meaning: "a valuable customer whose P(alive) has fallen below the can't-lose threshold since the last order",
    action: "Personal outreach (account manager or call) with a tailored offer; ask for feedback.",
  },
  OVERDUE: {
    from: "overdue",
    meaning: "no order for much longer than the customer's own usual time between orders",
    action: "Reminder with recommendations based on past orders; replenishment nudge or time-limited incentive.",
  },
  NO_SECOND_PURCHASE: {
    from: "second_purchase_due",
    meaning: "a new customer who has not made the second purchase within the usual window",
    action: "Second-purchase incentive and onboarding content; recommend a product related to the first order.",
  },
  CHURN_RISK: {
    from: "active",
    meaning: "predicted value with a non-zero risk of having churned, no specific pattern",
    action: "Include in the regular retention programme (loyalty points, newsletter with personal recommendations).",
  },
};

/**
 * Value at risk: predicted CLV × churn risk, the expected future value weighted by the probability that the
 * customer has already churned.
 * @example valueAtRisk(283, 0.31) // ≈ 195.27
 */
export function valueAtRisk(predictedClv: number, pAlive: number): number {
  return predictedClv * (1 - pAlive);
}

function fmt(x: number, digits = 0): string {
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * The plain-language reason naming the numbers.
 * @example "P(alive) 0.31, down from 0.90 at the last purchase; expected CLV $283 over 365 days; ..."
 */
export function reasonText(c: CustomerProfile, horizonDays: number, currency: string): string {
  const parts: string[] = [];
  const pa = c.pAlive.toFixed(2);
  if (c.pAliveAtLastOrder - c.pAlive >= 0.005)
    parts.push(`P(alive) ${pa}, down from ${c.pAliveAtLastOrder.toFixed(2)} at the last purchase`);
  else parts.push(`P(alive) ${pa}`);
  parts.push(`expected CLV ${currency}${fmt(c.predictedClv ?? 0)} over ${horizonDays} days`);
  let last = `last order ${c.daysSinceLastOrder} days ago`;
  if (c.avgDaysBetweenOrders !== null) last += `, usually every ${fmt(c.avgDaysBetweenOrders)} days`;
  parts.push(last);
  const hist = c.historicClv === null ? "" : ` worth ${currency}${fmt(c.historicClv)}`;
  parts.push(`${c.historicOrders} order${c.historicOrders === 1 ? "" : "s"}${hist} so far`);
  return parts.join("; ");
}

/**
 * Ranks customers for retention: value at risk descending, ties by customer id (byte order).
 * @param profile the loyalty profile (needs predicted CLV, i.e. a spend model)
 * @param segments the model segments of the same profile (the reason codes)
 * @param options budget (`top`, `minValue`), currency, contact window
 * @returns the ranked list with reasons, actions and contact windows
 * @throws LoyalError E_USAGE when the profile has no predicted CLV or options are out of range
 * @example retentionTargets(profile, segments, { top: 100 }).targets[0].reasonCode // => "VALUABLE_FADING"
 */
export function retentionTargets(
  profile: ProfileResult,
  segments: ModelSegmentsResult,
  options: TargetOptions = {},
): TargetsResult {
  const currency = options.currency ?? "$";
  const lead = options.leadDays ?? 7;
  const width = options.windowDays ?? 14;
  if (options.top !== undefined && !(Number.isInteger(options.top) && options.top >= 0))
    throw new LoyalError("E_USAGE", `top must be a whole number >= 0, got ${options.top}`);
  if (!(lead >= 0 && width > 0)) throw new LoyalError("E_USAGE", "leadDays must be >= 0 and windowDays > 0");
  const seg = new Map(segments.customers.map((s) => [s.customerId, s.segment]));
  const asOf = Date.parse(`${profile.meta.asOf}T00:00:00Z`) / 86_400_000;
  const rows: Omit<Target, "rank">[] = [];
  for (const c of profile.customers) {
    if (c.predictedClv === null)
      throw new LoyalError(
        "E_USAGE",
        "retention targets need predicted CLV: give the profile a spend model (an amount column)",
      );
    const v = valueAtRisk(c.predictedClv, c.pAlive);
    if (!(v > 0) || (options.minValue !== undefined && v < options.minValue)) continue;
    const s = seg.get(c.customerId) ?? "active";
    const code = (Object.keys(REASONS) as ReasonCode[]).find((k) => REASONS[k].from === s) ?? "CHURN_RISK";
    const next = c.expectedNextOrderDate ? Date.parse(`${c.expectedNextOrderDate}T00:00:00Z`) / 86_400_000 : asOf;
    const from = Math.max(asOf, next - lead);
    rows.push({
      customerId: c.customerId,
      valueAtRisk: v,
      predictedClv: c.predictedClv,
      pAlive: c.pAlive,
      pAliveAtLastOrder: c.pAliveAtLastOrder,
      churnRisk: c.churnRisk,
      churnRiskTier: c.churnRiskTier,
      historicOrders: c.historicOrders,
      historicClv: c.historicClv,
      daysSinceLastOrder: c.daysSinceLastOrder,
      avgDaysBetweenOrders: c.avgDaysBetweenOrders,
      expectedNextOrderDate: c.expectedNextOrderDate,
      reasonCode: code,
      reason: reasonText(c, profile.meta.horizonDays, currency),
      action: REASONS[code].action,
      contactFrom: dayToIsoDate(from),
      contactTo: dayToIsoDate(from + width),
    });
  }
  const candidates = rows.length;
  rows.sort(
    (a, b) => b.valueAtRisk - a.valueAtRisk || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0),
  );
  const kept = options.top === undefined ? rows : rows.slice(0, options.top);
  const targets = kept.map((r, i) => ({ rank: i + 1, ...r }));
  return {
    meta: {
      asOf: profile.meta.asOf,
      horizonDays: profile.meta.horizonDays,
      definition: `valueAtRisk = predictedClv × churnRisk = predictedClv × (1 − P(alive)), predictedClv over ${profile.meta.horizonDays} days as in the profile; ranked by valueAtRisk descending, ties by customer id; customers with valueAtRisk 0 are not listed`,
      contactWindow: `from max(asOf, expectedNextOrderDate − ${lead} days) for ${width} days`,
      reasonCodes: Object.fromEntries(
        (Object.keys(REASONS) as ReasonCode[]).map((k) => [
          k,
          `${REASONS[k].meaning} (model segment ${REASONS[k].from})`,
        ]),
      ) as Record<ReasonCode, string>,
      candidates,
      totalValueAtRisk: targets.reduce((s, t) => s + t.valueAtRisk, 0),
      top: options.top ?? null,
      minValue: options.minValue ?? null,
    },
    targets,
  };
}

/**
 * The target list straight from purchases, a summary and fitted models: profile → model segments → targets.
 * @param input purchases, calibration summary, purchase model and Gamma-Gamma model
 * @param options profile horizon and cut-offs, segment thresholds, budget and contact window
 * @returns the ranked target list
 * @throws LoyalError E_USAGE without a spend model, and as the steps do
 */
export function retentionTargetList(
  input: ProfileInput,
  options: ProfileOptions & ModelSegmentOptions & TargetOptions = {},
): TargetsResult {
  const profile = customerProfiles(input, options);
  return retentionTargets(profile, modelSegments(profile, input.purchases, options), options);
}
