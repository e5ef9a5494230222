/**
 * The one place where error codes become process exit codes.
 */
import type { ErrorCode } from "../errors.ts";

const EXIT: Record<ErrorCode, number> = {
  E_USAGE: 2,
  E_INPUT: 3,
  E_STRICT: 3,
  E_CURRENCY: 3,
  E_IO: 4,
  E_MODEL_FILE: 4,
  E_UNIT_MISMATCH: 5,
  E_NOT_FITTED: 5,
  E_CONVERGENCE: 6,
  E_INTERNAL: 70,
};

/**
 * Exit code of an error code.
 * @example exitCodeFor("E_USAGE") // => 2
 */
export function exitCodeFor(code: ErrorCode): number {
  return EXIT[code] ?? 1;
}
