/**
 * The per-customer summary every model consumes, held column-wise in typed arrays.
 *
 * Conventions (the field's standard, see datasets/README.md): same-day purchases are one purchase with amounts
 * summed; `frequency` x = repeat purchase days; `recency` t_x = first to last purchase; `T` = first purchase to the
 * calibration end; `monetary` = mean amount of the repeat purchases (0 when x = 0).
 */
import type { TimeUnit } from "./time-unit.ts";

/** The (frequency, recency, T) columns the purchase models fit on, optionally weighted (compressed rows). */
export interface RfmData {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  /** Number of customers each row stands for; absent means 1 each. */
  weights?: Float64Array;
}

/** One customer's calibration statistics. */
export interface Customer {
  frequency: number;
  recency: number;
  T: number;
}

/** Holdout-period statistics, present when a holdout end was given. */
export interface HoldoutColumns {
  /** Purchase days in the holdout period (all of them count: the first holdout purchase is a repeat purchase). */
  frequency: Float64Array;
  /** Mean spend per holdout purchase day (0 when none). */
  monetary: Float64Array;
  /** Length of the holdout period in `unit`. */
  duration: Float64Array;
}

/** Per-customer summary table. Row i of every column is customer `ids[i]`. */
export interface CustomerSummary extends RfmData {
  unit: TimeUnit;
  ids: string[];
  /** Mean repeat-purchase spend (0 when frequency is 0); absent without an amount column. */
  monetary?: Float64Array;
  /** Calibration end date (ISO YYYY-MM-DD) when known. */
  calibrationEnd?: string;
  holdout?: HoldoutColumns;
}
