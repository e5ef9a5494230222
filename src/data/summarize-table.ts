/**
 * Summarises loyal's `purchases` table (customer_id VARCHAR, day INTEGER days since 1970-01-01, amount DOUBLE)
 * inside DuckDB with {@link summarySql}, reading the result back column-wise into typed arrays.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { LoyalError } from "../errors.ts";
import { sqlIdent } from "./duckdb.ts";
import { copyArrayColumns, copyStrings } from "./read-columns.ts";
import type { CustomerSummary } from "./summary.ts";
import { excludedCustomersSql, type SummarySqlOptions, summaryWithCountsSql } from "./summary-sql.ts";
import type { TimeUnit } from "./time-unit.ts";

/** What to summarise: the table and the periods. */
export interface SummarizeTableOptions {
  /** Table with columns customer_id, day, amount (default "purchases"). */
  table?: string;
  /** Calibration end, YYYY-MM-DD, included. */
  end: string;
  /** Holdout end, YYYY-MM-DD, included: the holdout period is (end, holdoutEnd]. */
  holdoutEnd?: string;
  unit: TimeUnit;
  /** The table has at most one row per customer and day (see SummarySqlOptions.oneRowPerDay). */
  oneRowPerDay?: boolean;
}

/** A summary with the count of customers it had to leave out. */
export interface SummaryResult {
  summary: CustomerSummary;
  /** Customers whose first purchase is after the calibration end (not in the summary). */
  excludedAfterEnd: number;
  /** Distinct customers in the table (summary rows + excludedAfterEnd). */
  customersSeen: number;
}

/**
 * Builds a CustomerSummary from column arrays named as {@link summarySql} names its output.
 * @param columns `customer_id` (strings) and the numeric columns as Float64Array
 * @param unit the time unit the durations are in
 * @param end the calibration end (YYYY-MM-DD)
 * @returns the summary; monetary and holdout columns when present in `columns`
 */
export function summaryFromColumns(
  columns: { customer_id: string[] } & Record<string, Float64Array | string[]>,
  unit: TimeUnit,
  end: string,
): CustomerSummary {
  const num = (name: string) => columns[name] as Float64Array | undefined;
  const summary: CustomerSummary = {
    unit,
    ids: columns.customer_id,
    frequency: num("frequency")!,
    recency: num("recency")!,
    T: num("T")!,
    calibrationEnd: end,
  };
  if (num("monetary_value")) summary.monetary = num("monetary_value");
  if (num("holdout_frequency"))
    summary.holdout = {
      frequency: num("holdout_frequency")!,
      monetary: num("holdout_monetary_value") ?? new Float64Array(summary.ids.length),
      duration: num("holdout_duration")!,
    };
  return summary;
}

/**
 * Runs a query whose first column is text and the others numbers, returning them column-wise.
 * The numbers come back as one DOUBLE[k] array per row: the client builds a JS object for every vector of every
 * 2,048-row chunk (about 60 µs each), so one array vector instead of k columns cuts most of that; its values arrive as
 * one Float64Array per chunk, copied out column by column (read-columns.ts). The query's row order is kept.
 * @param conn an open DuckDB connection
 * @param sql the query
 * @returns the columns by name: the first as string[], the rest as Float64Array
 * @throws LoyalError E_INTERNAL when a numeric column holds NULL
 */
export async function readSummaryColumns(
  conn: DuckDBConnection,
  sql: string,
): Promise<{ customer_id: string[] } & Record<string, Float64Array | string[]>> {
  const names = (await conn.runAndReadAll(`DESCRIBE ${sql}`)).getRowObjectsJson().map((r) => String(r.column_name));
  const k = names.length - 1;
  const values = names.slice(1).map((n) => `CAST(${sqlIdent(n)} AS DOUBLE)`);
  const packed = k > 0 ? `, [${values.join(", ")}]::DOUBLE[${k}] AS __values` : "";
  // a materialized result: its chunks are taken synchronously (fetching 2,048-row chunks one by one costs an
  // async round trip each)
  const result = await conn.run(`SELECT ${sqlIdent(names[0])}${packed} FROM (${sql}) AS __q`);
  const rows = result.rowCount;
  const ids: string[] = new Array(rows);
  const nums = names.slice(1).map(() => new Float64Array(rows));
  let offset = 0;
  for (let ci = 0, nc = result.chunkCount; ci < nc; ci++) {
    const chunk = result.getChunk(ci);
    const n = chunk.rowCount;
    copyStrings(chunk.getColumnVector(0), ids, offset, n);
    if (k > 0) {
      copyArrayColumns(chunk.getColumnVector(1), nums, offset, n, (row, c) => {
        throw new LoyalError("E_INTERNAL", `summary column ${names[c + 1]} has a NULL at ${offset + row}`);
      });
    }
    offset += n;
  }
  const out: Record<string, Float64Array | string[]> = { customer_id: ids };
  names.slice(1).forEach((name, c) => {
    out[name] = nums[c];
  });
  return out as { customer_id: string[] } & Record<string, Float64Array | string[]>;
}

/**
 * Summarises a purchases table per customer (calibration, and holdout when `holdoutEnd` is given).
 * @param conn an open DuckDB connection holding the table
 * @param options table name, calibration end, holdout end, unit
 * @returns the summary (rows ordered by customer_id), the count of customers left out because their first purchase
 *   is after `end`, and the count of customers seen
 * @throws LoyalError E_USAGE for a bad date, or a holdout end not after the end
 * @example
 * const { summary } = await summarizeTable(conn, { end: "1997-09-30", unit: "week" });
 * summary.frequency.length // => number of customers with a purchase on or before the end
 */
export async function summarizeTable(conn: DuckDBConnection, options: SummarizeTableOptions): Promise<SummaryResult> {
  const sqlOptions: SummarySqlOptions = {
    dialect: "duckdb",
    table: options.table ?? "purchases",
    customer: "customer_id",
    date: "day",
    dateIsDay: true,
    amount: "amount",
    end: options.end,
    holdoutEnd: options.holdoutEnd,
    unit: options.unit,
    oneRowPerDay: options.oneRowPerDay,
  };
  const columns = await readSummaryColumns(conn, summaryWithCountsSql(sqlOptions));
  const seen = columns.customers_seen as Float64Array;
  delete columns.customers_seen;
  let customersSeen = seen[0];
  if (seen.length === 0) {
    const counts = await conn.runAndReadAll(excludedCustomersSql(sqlOptions));
    customersSeen = (counts.getRowObjectsJS() as { customers_seen: number }[])[0].customers_seen;
  }
  return {
    summary: summaryFromColumns(columns, options.unit, options.end),
    excludedAfterEnd: customersSeen - columns.customer_id.length,
    customersSeen,
  };
}
