/**
 * Time units. Dates become integer day numbers at the data boundary; a unit is a whole number of days
 * (or, for month and year, a stated fraction), so every conversion is explicit and exact.
 */
import { LoyalError } from "../errors.ts";

export type TimeUnit = "day" | "week" | "month" | "year";

/**
 * Days per unit. A month is 365.25/12 = 30.4375 days and a year 365.25 days (the Julian year):
 * defined once here and nowhere else.
 */
export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = {
  day: 1,
  week: 7,
  month: 365.25 / 12,
  year: 365.25,
};

/**
 * Validates a unit name.
 * @throws LoyalError E_USAGE for an unknown unit
 * @example parseTimeUnit("week") // => "week"
 */
export function parseTimeUnit(s: string): TimeUnit {
  if (s === "day" || s === "week" || s === "month" || s === "year") return s;
  if (s === "days" || s === "weeks" || s === "months" || s === "years") return s.slice(0, -1) as TimeUnit;
  throw new LoyalError("E_USAGE", `unknown time unit '${s}' (use day, week, month or year)`);
}

/**
 * Converts a duration between units.
 * @example convertDuration(14, "day", "week") // => 2
 */
export function convertDuration(value: number, from: TimeUnit, to: TimeUnit): number {
  if (from === to) return value;
  return (value * DAYS_PER_UNIT[from]) / DAYS_PER_UNIT[to];
}
