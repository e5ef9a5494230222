/**
 * The per-customer summary as ONE SQL statement, so it runs where the data lives: in loyal's embedded DuckDB, or
 * pushed down to PostgreSQL. Both dialects give the same numbers (times and counts as DOUBLE / double precision,
 * rows ordered by customer_id in byte order).
 *
 * Conventions (datasets/README.md): purchases on the same day are one purchase day with their amounts summed;
 * `frequency` = purchase days after the first within the calibration period (first day .. `end`, `end` included);
 * `recency` = last - first calibration purchase day; `T` = `end` - first purchase day; `monetary_value` = mean
 * amount of the repeat purchase days (0 when there are none). A purchase day whose amounts are all NULL counts as a
 * purchase but not in the mean. Amounts are added exactly as DECIMAL(18, 6) (so amounts are taken to 6 decimals and
 * must be below 10^12 in size); only the final means are doubles, which makes the result independent of thread
 * scheduling and identical in both dialects. Customers whose first purchase is after `end` are left out (see
 * {@link excludedCustomersSql} to count them). Durations are in `unit` = days / {@link DAYS_PER_UNIT}.
 */
import { LoyalError } from "../errors.ts";
import { sqlIdent } from "./duckdb.ts";
import { DAYS_PER_UNIT, type TimeUnit } from "./time-unit.ts";

export type SqlDialect = "duckdb" | "postgres";

/** Where the purchases are and how to summarise them. */
export interface SummarySqlOptions {
  dialect: SqlDialect;
  /** Table (or view) name; a dotted name `schema.table` is quoted part by part. */
  table: string;
  /** Customer id column (cast to text). */
  customer: string;
  /** A DATE (or TIMESTAMP, truncated to its date) column; an INTEGER day number column when `dateIsDay`. */
  date: string;
  /** `date` holds integer days since 1970-01-01 instead of dates. */
  dateIsDay?: boolean;
  /** Amount column; without it the monetary columns are left out. */
  amount?: string;
  /** Calibration end (YYYY-MM-DD), included in the calibration period. */
  end: string;
  /** Holdout end (YYYY-MM-DD), included; the holdout period is (end, holdoutEnd]. */
  holdoutEnd?: string;
  unit: TimeUnit;
  /**
   * The table already has at most one row per customer and day (as ingestion's per-day purchases do): the rows are
   * the purchase days as they are, without grouping them again.
   */
  oneRowPerDay?: boolean;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Days since 1970-01-01 of an ISO date.
 * @param iso a date as YYYY-MM-DD
 * @param what the option's name, for the error message
 * @returns the day number (negative before 1970)
 * @throws LoyalError E_USAGE when `iso` is not a real YYYY-MM-DD date
 * @example isoToDay("1970-01-02") // => 1
 */
export function isoToDay(iso: string, what = "date"): number {
  const m = ISO_DATE.exec(iso);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(ms);
    if (d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]))
      return ms / 86_400_000;
  }
  throw new LoyalError("E_USAGE", `${what} '${iso}' is not a date (use YYYY-MM-DD)`);
}

/** Quotes a possibly schema-qualified table name part by part. */
function tableRef(table: string): string {
  return table.split(".").map(sqlIdent).join(".");
}

function doubleType(dialect: SqlDialect): string {
  return dialect === "postgres" ? "DOUBLE PRECISION" : "DOUBLE";
}

interface Parts {
  dbl: string;
  day: string;
  endLit: string;
  horizonLit: string;
  endDay: number;
  holdoutEndDay?: number;
  /** `x` converted from days to the unit, as a double. */
  inUnit: (x: string) => string;
}

function parts(o: SummarySqlOptions): Parts {
  if (o.dialect !== "duckdb" && o.dialect !== "postgres")
    throw new LoyalError("E_USAGE", `unknown SQL dialect '${String(o.dialect)}' (use duckdb or postgres)`);
  const dpu = DAYS_PER_UNIT[o.unit];
  if (dpu === undefined) throw new LoyalError("E_USAGE", `unknown time unit '${String(o.unit)}'`);
  const endDay = isoToDay(o.end, "end");
  const holdoutEndDay = o.holdoutEnd === undefined ? undefined : isoToDay(o.holdoutEnd, "holdoutEnd");
  if (holdoutEndDay !== undefined && holdoutEndDay <= endDay)
    throw new LoyalError("E_USAGE", `holdoutEnd ${o.holdoutEnd} must be after end ${o.end}`);
  const dbl = doubleType(o.dialect);
  const lit = (iso: string, day: number) => (o.dateIsDay ? String(day) : `DATE '${iso}'`);
  const col = sqlIdent(o.date);
  return {
    dbl,
    day: o.dateIsDay ? col : `CAST(${col} AS DATE)`,
    endLit: lit(o.end, endDay),
    horizonLit: o.holdoutEnd === undefined ? lit(o.end, endDay) : lit(o.holdoutEnd, holdoutEndDay!),
    endDay,
    holdoutEndDay,
    inUnit: (x) => (dpu === 1 ? `CAST(${x} AS ${dbl})` : `CAST(${x} AS ${dbl}) / CAST(${dpu} AS ${dbl})`),
  };
}

/**
 * The summary SELECT without its ORDER BY (shared by summarySql, summaryWithCountsSql and compressedSql).
 * `counted`: scan every row (not only up to the horizon), keep the per-customer table (MATERIALIZED) and add a
 * `customers_seen` column counting every customer, including those whose first purchase is after `end`.
 */
function summaryBody(o: SummarySqlOptions, counted = false): string {
  const p = parts(o);
  const E = p.endLit;
  const cust = sqlIdent(o.customer);
  const hasAmount = o.amount !== undefined;
  const hasHoldout = o.holdoutEnd !== undefined;
  const text = o.dialect === "postgres" ? "TEXT" : "VARCHAR";
  const firstAmount = o.dialect === "postgres" ? "(array_agg(amount ORDER BY day))[1]" : "arg_min_null(amount, day)";
  const calib = `FILTER (WHERE day <= ${E})`;
  const hold = counted ? `FILTER (WHERE day > ${E} AND day <= ${p.horizonLit})` : `FILTER (WHERE day > ${E})`;
  const aggs = ["MIN(day) AS first_day", `MAX(day) ${calib} AS last_day`, `COUNT(*) ${calib} AS days`];
  if (hasAmount)
    aggs.push(
      `SUM(amount) ${calib} AS amount_sum`,
      `COUNT(amount) ${calib} AS amount_days`,
      `${firstAmount} AS first_amount`,
    );
  if (hasHoldout) {
    aggs.push(`COUNT(*) ${hold} AS holdout_days`);
    if (hasAmount)
      aggs.push(`SUM(amount) ${hold} AS holdout_amount_sum`, `COUNT(amount) ${hold} AS holdout_amount_days`);
  }
  const out = [
    "customer_id",
    `CAST(days - 1 AS ${p.dbl}) AS frequency`,
    `${p.inUnit("last_day - first_day")} AS recency`,
    `${p.inUnit(`${E} - first_day`)} AS "T"`,
  ];
  if (hasAmount) {
    const repeatDays = "(amount_days - CASE WHEN first_amount IS NULL THEN 0 ELSE 1 END)";
    out.push(
      `CASE WHEN ${repeatDays} > 0 THEN CAST(amount_sum - COALESCE(first_amount, 0) AS ${p.dbl}) / CAST(${repeatDays} AS ${p.dbl}) ` +
        `ELSE CAST(0 AS ${p.dbl}) END AS monetary_value`,
    );
  }
  if (hasHoldout) {
    out.push(`CAST(COALESCE(holdout_days, 0) AS ${p.dbl}) AS holdout_frequency`);
    if (hasAmount)
      out.push(
        `CASE WHEN holdout_amount_days > 0 THEN CAST(holdout_amount_sum AS ${p.dbl}) / CAST(holdout_amount_days AS ${p.dbl}) ` +
          `ELSE CAST(0 AS ${p.dbl}) END AS holdout_monetary_value`,
      );
    out.push(`${p.inUnit(`${p.holdoutEndDay! - p.endDay}`)} AS holdout_duration`);
  }
  if (counted) out.push(`(SELECT CAST(COUNT(*) AS ${p.dbl}) FROM customers) AS customers_seen`);
  // Amounts are summed as DECIMAL(18, 6): exact, so the result does not depend on the order rows are added in
  // (threads) nor on the dialect; only the final means are doubles.
  const amountCast = hasAmount ? `CAST(${sqlIdent(o.amount!)} AS DECIMAL(18, 6))` : "";
  const amountSel = hasAmount ? `, ${o.oneRowPerDay ? amountCast : `SUM(${amountCast})`} AS amount` : "";
  return [
    "WITH purchase_days AS (",
    `  SELECT CAST(${cust} AS ${text}) AS customer_id, ${p.day} AS day${amountSel}`,
    `  FROM ${tableRef(o.table)}`,
    `  WHERE ${cust} IS NOT NULL AND ${counted ? `${p.day} IS NOT NULL` : `${p.day} <= ${p.horizonLit}`}`,
    o.oneRowPerDay ? "" : "  GROUP BY 1, 2",
    `), customers AS ${counted ? "MATERIALIZED " : ""}(`,
    `  SELECT customer_id, ${aggs.join(", ")}`,
    "  FROM purchase_days",
    "  GROUP BY customer_id",
    counted ? "" : `  HAVING MIN(day) <= ${E}`,
    ")",
    `SELECT ${out.join(",\n  ")}`,
    "FROM customers",
    counted ? `WHERE first_day <= ${E}` : "",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

function orderById(dialect: SqlDialect): string {
  // Byte order in both: PostgreSQL would otherwise sort by the database's locale.
  return dialect === "postgres" ? `ORDER BY customer_id COLLATE "C"` : "ORDER BY customer_id";
}

/**
 * The per-customer summary query.
 * @param options table, columns, calibration end (and holdout end), unit, SQL dialect
 * @returns one SELECT statement giving `customer_id, frequency, recency, T[, monetary_value][, holdout_frequency[,
 *   holdout_monetary_value], holdout_duration]`, one row per customer whose first purchase is on or before `end`,
 *   ordered by customer_id (byte order)
 * @throws LoyalError E_USAGE for a bad date, a holdout end not after the end, or an unknown unit or dialect
 * @example
 * const sql = summarySql({ dialect: "duckdb", table: "purchases", customer: "customer_id", date: "day",
 *   dateIsDay: true, amount: "amount", end: "1997-09-30", unit: "week" });
 * // (await conn.runAndReadAll(sql)).getRowObjectsJS()[0] // => { customer_id: "1", frequency: 2, ... }
 */
export function summarySql(options: SummarySqlOptions): string {
  return `${summaryBody(options)}\n${orderById(options.dialect)}`;
}

/**
 * The summary with the count of customers seen, in one statement: {@link summarySql}'s columns plus
 * `customers_seen` (the same on every row: all customers in the table, including those left out because their
 * first purchase is after `end`). It reads the whole table once, where summarySql plus
 * {@link excludedCustomersSql} read it twice. With no row (every customer starts after `end`) the count is lost:
 * ask excludedCustomersSql then.
 * @param options as for {@link summarySql}
 * @returns one SELECT statement, ordered by customer_id (byte order)
 * @throws LoyalError E_USAGE as {@link summarySql}
 * @example summaryWithCountsSql(options) // rows like { customer_id: "1", frequency: 2, ..., customers_seen: 23570 }
 */
export function summaryWithCountsSql(options: SummarySqlOptions): string {
  return `${summaryBody(options, true)}\n${orderById(options.dialect)}`;
}

/**
 * The summary compressed into weighted rows: customers with identical (frequency, recency, T) become one row.
 * @param options as for {@link summarySql} (amount and holdout are ignored)
 * @returns one SELECT giving `frequency, recency, T, weight` (weight = number of customers, a double), ordered by
 *   frequency, recency, T
 * @throws LoyalError E_USAGE as {@link summarySql}
 * @example compressedSql({ ...options, dialect: "postgres" }) // => "SELECT frequency, recency, \"T\", ..."
 */
export function compressedSql(options: SummarySqlOptions): string {
  const o = { ...options, amount: undefined, holdoutEnd: undefined };
  const dbl = doubleType(o.dialect);
  return [
    `SELECT frequency, recency, "T", CAST(COUNT(*) AS ${dbl}) AS weight`,
    `FROM (\n${summaryBody(o)}\n) AS summary`,
    `GROUP BY frequency, recency, "T"`,
    `ORDER BY frequency, recency, "T"`,
  ].join("\n");
}

/**
 * Counts the customers the summary sees and those it leaves out because their first purchase is after `end`.
 * @param options as for {@link summarySql}
 * @returns one SELECT giving one row `customers_seen, excluded_after_end` (doubles)
 * @throws LoyalError E_USAGE as {@link summarySql}
 * @example excludedCustomersSql(options) // one row, e.g. { customers_seen: 23570, excluded_after_end: 0 }
 */
export function excludedCustomersSql(options: SummarySqlOptions): string {
  const p = parts(options);
  const cust = sqlIdent(options.customer);
  return [
    `SELECT CAST(COUNT(*) AS ${p.dbl}) AS customers_seen,`,
    `  CAST(COUNT(*) FILTER (WHERE first_day > ${p.endLit}) AS ${p.dbl}) AS excluded_after_end`,
    `FROM (SELECT MIN(${p.day}) AS first_day FROM ${tableRef(options.table)}`,
    `  WHERE ${cust} IS NOT NULL AND ${p.day} IS NOT NULL GROUP BY ${cust}) AS firsts`,
  ].join("\n");
}
