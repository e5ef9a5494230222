/**
 * Data-sufficiency check before trusting a buy-till-you-die model: enough calibration history and enough repeat
 * buyers.
 */
import type { CustomerSummary } from "../data/summary.ts";
import { DAYS_PER_UNIT } from "../data/time-unit.ts";
import { warn } from "../warnings.ts";

/** Thresholds of the check. */
export interface SufficiencyOptions {
  /** Warn when the calibration period is shorter than this many days (default 180). */
  minCalibrationDays?: number;
  /** Warn with fewer repeat buyers (frequency > 0) than this (default 100). */
  minRepeatBuyers?: number;
  /** Warn when the share of repeat buyers is below this (default 0.05). */
  minRepeatShare?: number;
}

export interface SufficiencyCheck {
  calibrationDays: number;
  customers: number;
  repeatBuyers: number;
  repeatShare: number;
  ok: boolean;
  warnings: string[];
}

/**
 * Checks that the data can support a model: enough calibration history and enough repeat buyers. Each failed check
 * is reported through `warn("W_DATA_SUFFICIENCY", ...)` and in the result.
 * @param summary calibration summary
 * @param options thresholds
 * @returns the figures and the warnings
 */
export function dataSufficiency(summary: CustomerSummary, options: SufficiencyOptions = {}): SufficiencyCheck {
  const minDays = options.minCalibrationDays ?? 180;
  const minRepeat = options.minRepeatBuyers ?? 100;
  const minShare = options.minRepeatShare ?? 0.05;
  const n = summary.ids.length;
  let maxT = 0;
  let repeat = 0;
  for (let i = 0; i < n; i++) {
    if (summary.T[i] > maxT) maxT = summary.T[i];
    if (summary.frequency[i] > 0) repeat++;
  }
  const calibrationDays = maxT * DAYS_PER_UNIT[summary.unit];
  const warnings: string[] = [];
  if (calibrationDays < minDays)
    warnings.push(
      `too little history: the calibration period spans ${Math.round(calibrationDays)} days (< ${minDays}); repeat-purchase and dropout rates are poorly identified`,
    );
  if (repeat < minRepeat)
    warnings.push(
      `too few repeat buyers: ${repeat} customers with a repeat purchase (< ${minRepeat}); the fit is unreliable`,
    );
  if (n > 0 && repeat / n < minShare)
    warnings.push(
      `few repeat buyers: ${((100 * repeat) / n).toFixed(1)}% of customers made a repeat purchase (< ${100 * minShare}%)`,
    );
  for (const w of warnings) warn("W_DATA_SUFFICIENCY", w);
  return {
    calibrationDays,
    customers: n,
    repeatBuyers: repeat,
    repeatShare: n ? repeat / n : 0,
    ok: warnings.length === 0,
    warnings,
  };
}
