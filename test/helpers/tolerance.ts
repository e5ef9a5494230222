/**
 * The suite's one tolerance helper. Every numeric comparison in the tests goes through here, so a failure always
 * prints the same five things: input (the label), actual, expected, difference and tolerance.
 *
 * Pass rule: |actual - expected| <= max(abs, rel * |expected|). NaN never passes (not even NaN vs NaN).
 * Equal infinities of the same sign pass; any other infinity fails.
 */
import { AssertionError } from "node:assert";

/** Tolerance: relative to |expected|, absolute, or both (the looser of the two applies). */
export interface Tolerance {
  /** relative tolerance, compared with |actual - expected| / |expected| */
  rel?: number;
  /** absolute tolerance, compared with |actual - expected| */
  abs?: number;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(17) : String(x);
}

/**
 * Whether `actual` is within `tol` of `expected` (same rule as {@link assertClose}, without throwing).
 * @param actual computed value
 * @param expected reference value
 * @param tol `{ rel?, abs? }`; missing entries count as 0
 * @returns true when |actual - expected| <= max(abs, rel * |expected|) and neither is NaN
 */
export function isClose(actual: number, expected: number, tol: Tolerance): boolean {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return false;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return actual === expected;
  const bound = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(expected));
  return Math.abs(actual - expected) <= bound;
}

/**
 * Relative error |actual - expected| / |expected| (absolute error when expected is 0); NaN or Infinity when undefined.
 * @example relativeError(1.1, 1) // => 0.10000000000000009
 */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  const d = Math.abs(actual - expected);
  return expected === 0 ? d : d / Math.abs(expected);
}

/**
 * Assert that `actual` is within `tol` of `expected`.
 * @param actual computed value
 * @param expected reference value
 * @param tol `{ rel?, abs? }`; passes when |actual - expected| <= max(abs, rel * |expected|)
 * @param label describes the input (e.g. `gammaln(x=1e-6)`); printed on failure
 * @throws AssertionError naming input, actual, expected, difference and tolerance; NaN never passes
 * @example assertClose(0.1 + 0.2, 0.3, { rel: 1e-15 }, "0.1 + 0.2")
 */
export function assertClose(actual: number, expected: number, tol: Tolerance, label?: string): void {
  if (isClose(actual, expected, tol)) return;
  const diff = actual - expected;
  const rel = relativeError(actual, expected);
  const message = [
    `not close${label ? `: ${label}` : ""}`,
    `  input:      ${label ?? "(no label)"}`,
    `  actual:     ${fmt(actual)}`,
    `  expected:   ${fmt(expected)}`,
    `  difference: ${fmt(diff)} (relative ${fmt(rel)})`,
    `  tolerance:  rel ${tol.rel ?? 0}, abs ${tol.abs ?? 0}`,
  ].join("\n");
  throw new AssertionError({ message, actual, expected, operator: "assertClose" });
}

/**
 * Element-wise {@link assertClose} for two arrays of the same length.
 * @param actual computed values
 * @param expected reference values
 * @param tol applied to every element
 * @param label describes the input; the failing index is appended
 * @throws AssertionError on a length mismatch or on the first element out of tolerance
 * @example assertAllClose([1, 2], [1, 2 + 1e-16], { rel: 1e-15 }, "pair")
 */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  label?: string,
): void {
  if (actual.length !== expected.length) {
    throw new AssertionError({
      message: `length mismatch${label ? `: ${label}` : ""}: actual ${actual.length}, expected ${expected.length}`,
      actual: actual.length,
      expected: expected.length,
      operator: "assertAllClose",
    });
  }
  for (let i = 0; i < expected.length; i++) {
    assertClose(actual[i], expected[i], tol, `${label ?? "array"}[${i}]`);
  }
}
