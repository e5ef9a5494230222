/**
 * Dates and timestamps → integer day numbers (days since 1970-01-01, UTC), as DuckDB SQL expressions.
 *
 * Recognised without a format: `YYYYMMDD`, `YYYY-MM-DD`, ISO timestamps (`T` or space) with or without a zone
 * offset (`Z`, `+02`, `+0200`, `+02:00`). A timestamp with an offset is an instant; one without is read as wall-clock
 * time in the `tz` option (any IANA zone DuckDB's built-in ICU knows, default UTC). The instant's UTC date is the day.
 * A date without a time is that calendar day. Days before 1900 or after 2199 count as unparseable.
 */
import { LoyalError } from "../../errors.ts";
import { type DuckDBConnection, sqlString } from "../duckdb.ts";

/** How dates are read. */
export interface DateParsing {
  /** A strptime format (DuckDB's `strptime`), or undefined for automatic recognition. */
  format?: string;
  /** IANA zone for timestamps without an offset. */
  tz: string;
}

/** First and last accepted day numbers (1900-01-01 and 2199-12-31). */
export const MIN_DAY = -25567;
export const MAX_DAY = 83237;

const OFFSET = "(Z|z|[+-][0-9][0-9](:?[0-9][0-9])?)$";

/**
 * SQL for `trim(x)` (which strips spaces, including Unicode ones) that calls it only when `x` starts or ends with a
 * space or has a non-ASCII character: trim() is slow, and most values need nothing.
 * @param x a VARCHAR expression (best a column: it is used several times)
 */
export function trimSql(x: string): string {
  return `(case when starts_with(${x}, ' ') or ends_with(${x}, ' ') or strlen(${x}) <> length(${x}) then trim(${x}) else ${x} end)`;
}

/** Wraps a naive TIMESTAMP expression so it is read in `tz` and yields epoch seconds. */
function naiveEpoch(ts: string, tz: string): string {
  return tz === "UTC" ? `epoch(${ts})` : `epoch(timezone(${sqlString(tz)}, ${ts}))`;
}

/**
 * SQL for the epoch seconds of a date string (NULL when it is not a date).
 * @param x a SQL expression of type VARCHAR, already trimmed
 * @example epochSql("d", { tz: "UTC" }) // a CASE expression over the recognised forms
 */
export function epochSql(x: string, p: DateParsing): string {
  if (p.format !== undefined) {
    const f = sqlString(p.format);
    if (/%[zZ]/.test(p.format)) return `epoch(try_strptime(${x}, ${f}))`;
    return naiveEpoch(`try_strptime(${x}, ${f})`, p.tz);
  }
  return `(case
    when length(${x}) = 8 then epoch(try_strptime(${x}, '%Y%m%d'))
    when length(${x}) = 10 then epoch(try_cast(${x} as date))
    when length(${x}) > 10 and regexp_matches(${x}, '${OFFSET}') then epoch(try_cast(${x} as timestamptz))
    else ${naiveEpoch(`try_cast(${x} as timestamp)`, p.tz)} end)`;
}

/**
 * SQL for the day number of a date string, NULL when unparseable or outside 1900–2199.
 * @param x a SQL expression of type VARCHAR, already trimmed
 */
export function daySql(x: string, p: DateParsing): string {
  return dayFromEpochSql(epochSql(x, p));
}

/**
 * SQL for the day number of epoch seconds, NULL outside 1900–2199.
 * @param e a SQL expression of epoch seconds (best a column: it is used twice)
 */
export function dayFromEpochSql(e: string): string {
  return `(case when floor((${e}) / 86400) between ${MIN_DAY} and ${MAX_DAY} then floor((${e}) / 86400)::integer end)`;
}

/**
 * SQL for the day number of an already typed DuckDB value (Parquet/JSON columns).
 * @param col a SQL expression
 * @param type its DuckDB type name
 */
export function typedDaySql(col: string, type: string, p: DateParsing): string {
  return dayFromEpochSql(typedEpochSql(col, type, p));
}

/**
 * SQL for the epoch seconds of an already typed DuckDB value (Parquet/JSON columns); text is parsed as by
 * {@link epochSql}.
 * @param col a SQL expression
 * @param type its DuckDB type name
 */
export function typedEpochSql(col: string, type: string, p: DateParsing): string {
  const t = type.toUpperCase();
  if (t === "DATE") return `epoch(${col})`;
  if (t.startsWith("TIMESTAMP WITH TIME ZONE") || t === "TIMESTAMPTZ") return `epoch(${col})`;
  if (t.startsWith("TIMESTAMP")) return naiveEpoch(`${col}::timestamp`, p.tz);
  return epochSql(`nullif(${trimSql(`${col}::varchar`)}, '')`, p);
}

/**
 * Checks the `tz` option against the zones DuckDB knows.
 * @returns the zone (default "UTC")
 * @throws LoyalError E_USAGE for an unknown zone
 */
export async function checkTimeZone(conn: DuckDBConnection, tz: string | undefined): Promise<string> {
  if (tz === undefined || tz === "UTC") return "UTC";
  const r = await conn.runAndReadAll(
    `select count(*)::integer as n from pg_timezone_names() where name = ${sqlString(tz)}`,
  );
  if (Number(r.getRowObjectsJson()[0].n) === 0) {
    throw new LoyalError("E_USAGE", `unknown time zone "${tz}" (use an IANA name such as Europe/Berlin, or UTC)`);
  }
  return tz;
}

/**
 * Recognises a date format every sample value has, so the CSV reader can type the column itself.
 * @returns a strptime format, or undefined when the sample is mixed or not plain dates
 * @example sampleDateFormat(["19970101", "19970102"]) // => "%Y%m%d"
 */
export function sampleDateFormat(values: string[]): string | undefined {
  if (values.length === 0) return undefined;
  if (values.every((v) => /^\d{8}$/.test(v))) return "%Y%m%d";
  if (values.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v))) return "%Y-%m-%d";
  return undefined;
}
