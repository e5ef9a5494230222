/**
 * All loyalty segmentations in one object: RFM (grid and table) and, with a fitted model, the model-based segments.
 */
import type { CustomerSummary } from "../data/summary.ts";
import type { FittedModel } from "../models/types.ts";
import { type ModelSegmentOptions, type ModelSegmentsResult, modelSegments } from "./model-segments.ts";
import { customerProfiles, type ProfileOptions } from "./profile.ts";
import type { Purchases } from "./purchases.ts";
import { type RfmMapping, type RfmResult, rfmSegmentation } from "./rfm.ts";

export interface SegmentsInput {
  purchases: Purchases;
  /** With `model`: the calibration summary for the model-based segments. */
  summary?: CustomerSummary;
  model?: FittedModel;
  spendModel?: FittedModel;
}

export interface SegmentsOptions extends ModelSegmentOptions, Pick<ProfileOptions, "horizonDays"> {
  /** As-of day (default: the summary's calibration end, else the last purchase day). */
  endDay?: number;
  mapping?: RfmMapping;
}

export interface SegmentsResult {
  rfm: RfmResult;
  /** Model-based segments (null without a fitted model). */
  model: ModelSegmentsResult | null;
}

/**
 * RFM and model-based segments of the same customers.
 * @param input purchases, and a summary with a fitted purchase model (and spend model) for the model segments
 * @param options as-of day, RFM mapping, model-segment thresholds, prediction horizon
 * @returns `{ rfm, model }`; the RFM per-segment tables carry the predicted CLV when a spend model is given
 * @throws LoyalError as rfmSegmentation, customerProfiles and modelSegments do
 */
export function loyaltySegments(input: SegmentsInput, options: SegmentsOptions = {}): SegmentsResult {
  let endDay = options.endDay;
  if (endDay === undefined && input.summary?.calibrationEnd)
    endDay = Date.parse(`${input.summary.calibrationEnd}T00:00:00Z`) / 86_400_000;
  if (!input.model || !input.summary)
    return { rfm: rfmSegmentation(input.purchases, { endDay, mapping: options.mapping }), model: null };
  const profile = customerProfiles(
    { purchases: input.purchases, summary: input.summary, model: input.model, spendModel: input.spendModel },
    { endDay, horizonDays: options.horizonDays },
  );
  const clv = new Map<string, number>();
  for (const c of profile.customers) if (c.predictedClv !== null) clv.set(c.customerId, c.predictedClv);
  return {
    rfm: rfmSegmentation(input.purchases, {
      endDay,
      mapping: options.mapping,
      predictedClv: clv.size ? clv : undefined,
    }),
    model: modelSegments(profile, input.purchases, options),
  };
}
