/**
 * The transaction-file settings as a small JSON file (`loyal summarize --config loyal.json ...`): the column mapping
 * and the cleaning and period choices a shop's export always needs, written once instead of as flags on every
 * command. Validated with zod at this edge: an unknown key (a typo) or a value of the wrong type is an error naming
 * the file and the key, and a JSON syntax error names the line and column.
 *
 * ```json
 * {
 *   "columns": { "customer": "client_no", "date": "ordered_at", "amount": "total", "order": "invoice" },
 *   "excludeStatus": ["cancelled", "test"],
 *   "excludeCustomersFile": "staff-accounts.txt",
 *   "tz": "Europe/Berlin",
 *   "end": "2024-06-30",
 *   "unit": "week"
 * }
 * ```
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { z } from "zod";
import { LoyalError } from "../../errors.ts";

const name = z.string().min(1, "must be a non-empty string");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD");

/** The keys a config file may hold; every one is optional. */
export const transactionConfigSchema = z
  .object({
    /** Which column plays which role. */
    columns: z
      .object({ customer: name, date: name, amount: name, order: name, status: name, currency: name })
      .partial()
      .strict()
      .optional(),
    /** Column names for a file without a header (replaces a header that is present). */
    names: z.array(name).min(1).optional(),
    /** Whether line 1 is a header (default: detected). */
    header: z.boolean().optional(),
    /** One character, or "whitespace" (default: detected). */
    delimiter: name.optional(),
    /** strptime format of the dates. */
    dateFormat: name.optional(),
    /** IANA time zone of timestamps without an offset (default UTC). */
    tz: name.optional(),
    /** Status values whose rows are dropped (case-insensitive). */
    excludeStatus: z.array(name).optional(),
    /** Customer ids whose rows are dropped. */
    excludeCustomers: z.array(name).optional(),
    /** Currency rates (`currency,rate` or `date,currency,rate` CSV, relative to the config file's folder). */
    currencyRates: name.optional(),
    /** A file of customer ids to drop, one per line (relative to the config file's folder). */
    excludeCustomersFile: name.optional(),
    /** Where to write the quarantine CSV (relative to the working directory, like the flag). */
    quarantine: name.optional(),
    /** Fail when any row is quarantined. */
    strict: z.boolean().optional(),
    /** Calibration end, YYYY-MM-DD (default: the last purchase day). */
    end: isoDate.optional(),
    /** Holdout end, YYYY-MM-DD. */
    holdoutEnd: isoDate.optional(),
    /** Time unit of the summary (default week). */
    unit: z.enum(["day", "week", "month", "year"]).optional(),
  })
  .strict();

export type TransactionConfig = z.infer<typeof transactionConfigSchema>;

/** Line and column (1-based) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/**
 * Reads and validates a config file.
 * @param file the JSON file
 * @returns the settings, with `excludeCustomersFile` and `currencyRates` resolved against the config file's folder
 * @throws LoyalError E_IO when the file cannot be read; E_USAGE for invalid JSON (with its line), an unknown key or
 *   a value of the wrong type (with the key's path)
 * @example loadTransactionConfig("loyal.json").columns?.customer // => "client_no"
 */
export function loadTransactionConfig(file: string): TransactionConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new LoyalError("E_IO", `cannot read the config file: ${(e as NodeJS.ErrnoException).code ?? e}`, { file });
  }
  // without a byte-order mark: JSON.parse's positions are in this text, and an editor does not show the mark
  text = text.replace(/^\uFEFF/, "");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = at ? lineAndColumn(text, Number(at[1])) : undefined;
    throw new LoyalError(
      "E_USAGE",
      `not valid JSON${where ? ` at column ${where.column}` : ""}: ${message}`,
      where ? { file, row: where.line } : { file },
    );
  }
  const parsed = transactionConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
    const path = [...issue.path, ...(keys.length === 1 ? keys : [])].join(".");
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown key${keys.length > 1 ? `s ${keys.join(", ")}` : ""} (allowed: ${allowedKeys(issue.path)})`
        : issue.message;
    throw new LoyalError("E_USAGE", `${path || "(the file)"}: ${message}`, { file });
  }
  const config = parsed.data;
  for (const k of ["excludeCustomersFile", "currencyRates"] as const) {
    const path = config[k];
    if (path !== undefined && !isAbsolute(path)) config[k] = join(dirname(file), path);
  }
  return config;
}

function allowedKeys(path: PropertyKey[]): string {
  const shape =
    path[0] === "columns" ? transactionConfigSchema.shape.columns.unwrap().shape : transactionConfigSchema.shape;
  return Object.keys(shape).join(", ");
}

/**
 * Reads a list of customer ids: one per line, surrounding spaces trimmed; blank lines and lines starting with `#` are
 * skipped.
 * @param file the list
 * @returns the ids in file order
 * @throws LoyalError E_IO when the file cannot be read
 * @example readIdList("staff-accounts.txt") // => ["c17", "c203"]
 */
export function readIdList(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new LoyalError("E_IO", `cannot read the customer list: ${(e as NodeJS.ErrnoException).code ?? e}`, { file });
  }
  return text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}
