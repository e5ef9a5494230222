/**
 * PostgreSQL pushdown: the summary query runs on the warehouse and only one row per customer comes back.
 */
import { LoyalError } from "../errors.ts";
import type { SummaryResult } from "./summarize-table.ts";
import { summaryFromColumns } from "./summarize-table.ts";
import { excludedCustomersSql, type SummarySqlOptions, summarySql } from "./summary-sql.ts";
import type { TimeUnit } from "./time-unit.ts";

/** Where the purchases are on the server, and the periods. */
export interface PostgresSummaryOptions {
  /** Table or view, optionally schema-qualified (`schema.table`). */
  table: string;
  /** Customer id column (cast to text). */
  customer: string;
  /** A date or timestamp column (timestamps are cut to their UTC date), or integer day numbers with `dateIsDay`. */
  date: string;
  /** `date` holds integer days since 1970-01-01. */
  dateIsDay?: boolean;
  /** Amount column; without it the summary has no monetary value. */
  amount?: string;
  /** Calibration end (YYYY-MM-DD, included). */
  end: string;
  /** Holdout end (YYYY-MM-DD, included). */
  holdoutEnd?: string;
  unit: TimeUnit;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

function wrap(e: unknown, url: string): LoyalError {
  if (e instanceof LoyalError) return e;
  const err = e as { message?: string; code?: string };
  // SQLSTATE class 42 (syntax error or access rule violation: missing table or column) and 22 (data exception) are
  // problems with the input; anything else (connection refused, authentication) is I/O.
  const input = typeof err.code === "string" && /^(42|22)/.test(err.code);
  return new LoyalError(input ? "E_INPUT" : "E_IO", `PostgreSQL at ${redact(url)}: ${err.message ?? String(e)}`);
}

/**
 * Summarises purchases held in PostgreSQL: runs {@link summarySql} (dialect postgres) on the server and reads back
 * one row per customer. The session's time zone is set to UTC, so timestamps become dates the same way everywhere.
 * @param url a PostgreSQL connection URL (postgresql://user:password@host:port/database)
 * @param options table, columns, calibration end, holdout end, unit
 * @returns the summary (ordered by customer_id in byte order, as summarizeTable), the customers left out because
 *   their first purchase is after `end`, and the customers seen
 * @throws LoyalError E_USAGE for bad dates; E_INPUT when the server rejects the query (missing table or column, bad
 *   data); E_IO when the server cannot be reached
 * @example
 * await summarizeFromPostgres("postgresql://loyal@db/shop", { table: "sales.orders", customer: "client",
 *   date: "ordered_at", amount: "total", end: "2024-06-30", unit: "week" }) // => { summary, excludedAfterEnd, ... }
 */
export async function summarizeFromPostgres(url: string, options: PostgresSummaryOptions): Promise<SummaryResult> {
  const sqlOptions: SummarySqlOptions = { ...options, dialect: "postgres" };
  const sql = summarySql(sqlOptions); // validates the options before connecting
  // loaded here, not at the top: only this command needs the PostgreSQL client (keeps every other command's start lean)
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'");
    const result = await client.query({ text: sql, rowMode: "array" });
    const counts = await client.query(excludedCustomersSql(sqlOptions));
    const names = result.fields.map((f) => f.name);
    const rows = result.rows as unknown[][];
    const columns: Record<string, Float64Array | string[]> = { customer_id: rows.map((r) => r[0] as string) };
    for (let c = 1; c < names.length; c++) {
      const col = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) col[i] = rows[i][c] as number;
      columns[names[c]] = col;
    }
    const { customers_seen, excluded_after_end } = counts.rows[0] as Record<string, number>;
    return {
      summary: summaryFromColumns(columns as { customer_id: string[] }, options.unit, options.end),
      excludedAfterEnd: excluded_after_end,
      customersSeen: customers_seen,
    };
  } catch (e) {
    throw wrap(e, url);
  } finally {
    await client.end().catch(() => {});
  }
}
