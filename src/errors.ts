/**
 * Typed errors with stable codes. The CLI maps codes to exit codes in one place (`cli/exit-codes.ts`),
 * the server maps them to HTTP statuses in one place.
 */
export type ErrorCode =
  | "E_INPUT"
  | "E_USAGE"
  | "E_CONVERGENCE"
  | "E_NOT_FITTED"
  | "E_UNIT_MISMATCH"
  | "E_MODEL_FILE"
  | "E_STRICT"
  | "E_CURRENCY"
  | "E_IO"
  | "E_INTERNAL";

/** Where in an input file a problem is. */
export interface ErrorLocation {
  file?: string;
  row?: number;
  column?: string;
}

/**
 * The one error type loyal throws on purpose.
 * @example
 * new LoyalError("E_INPUT", "date is not a date", { file: "a.csv", row: 3, column: "date" }).message
 * // => "a.csv, row 3, column date: date is not a date"
 */
export class LoyalError extends Error {
  readonly code: ErrorCode;
  readonly location?: ErrorLocation;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, location?: ErrorLocation, details?: Record<string, unknown>) {
    super(formatMessage(message, location));
    this.name = "LoyalError";
    this.code = code;
    this.location = location;
    this.details = details;
  }
}

function formatMessage(message: string, location?: ErrorLocation): string {
  if (!location) return message;
  const parts: string[] = [];
  if (location.file) parts.push(location.file);
  if (location.row !== undefined) parts.push(`row ${location.row}`);
  if (location.column) parts.push(`column ${location.column}`);
  return parts.length ? `${parts.join(", ")}: ${message}` : message;
}

/** True when `e` is a LoyalError (optionally with the given code). */
export function isLoyalError(e: unknown, code?: ErrorCode): e is LoyalError {
  return e instanceof LoyalError && (code === undefined || e.code === code);
}
