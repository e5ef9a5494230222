/**
 * One call from a transaction file to per-customer summaries: ingest (clean, quarantine, report) into DuckDB,
 * then summarise in SQL.
 */

import { LoyalError } from "../errors.ts";
import { closeDuckDb, type DuckDBConnection, openDuckDb } from "./duckdb.ts";
import { type IngestionReport, type IngestOptions, ingestTransactions } from "./ingest/index.ts";
import { type ProgressListener, trackQueries } from "./progress.ts";
import { summarizeTable } from "./summarize-table.ts";
import type { CustomerSummary } from "./summary.ts";
import { isoToDay } from "./summary-sql.ts";
import type { TimeUnit } from "./time-unit.ts";

export interface SummarizeFileOptions extends IngestOptions {
  /** Calibration end (YYYY-MM-DD, included); default: the day of the last purchase in the data. */
  end?: string;
  /** Holdout end (YYYY-MM-DD, included). */
  holdoutEnd?: string;
  unit: TimeUnit;
}

export interface SummarizeFileResult {
  summary: CustomerSummary;
  ingestion: IngestionReport;
  /** The calibration end used. */
  end: string;
  /** Customers whose first purchase is after the end: excluded from the summary and counted here. */
  excludedAfterEnd: number;
  customersSeen: number;
}

/** ISO date of a day number (days since 1970-01-01). */
export function dayToIso(day: number): string {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

/**
 * Loads transactions into a new in-memory DuckDB `purchases` table.
 * @returns the open connection (close it with closeDuckDb) and the ingestion report
 */
export async function loadPurchases(
  source: string | string[],
  options: IngestOptions,
): Promise<{ conn: DuckDBConnection; ingestion: IngestionReport; perDay: boolean }> {
  const conn = await openDuckDb();
  try {
    const { report, perDay } = await ingestTransactions(conn, source, options);
    return { conn, ingestion: report, perDay };
  } catch (e) {
    closeDuckDb(conn);
    throw e;
  }
}

/**
 * Summarises a purchases table already loaded on `conn`, defaulting the end to the last purchase day.
 * @throws LoyalError E_INPUT when no purchase is left after cleaning
 */
export async function summarizeLoaded(
  conn: DuckDBConnection,
  options: {
    end?: string;
    holdoutEnd?: string;
    unit: TimeUnit;
    oneRowPerDay?: boolean;
    onProgress?: ProgressListener;
  },
) {
  let end = options.end;
  if (!end) {
    const rows = (await conn.runAndReadAll("select max(day) as d from purchases")).getRowObjectsJS() as {
      d: number | null;
    }[];
    if (rows[0]?.d === null || rows[0]?.d === undefined)
      throw new LoyalError("E_INPUT", "no purchases left after cleaning");
    end = dayToIso(Number(rows[0].d));
  } else {
    isoToDay(end, "--end");
  }
  const tracker = await trackQueries(conn, options.onProgress);
  tracker.step("summarising customers");
  const r = await summarizeTable(conn, {
    end,
    holdoutEnd: options.holdoutEnd,
    unit: options.unit,
    oneRowPerDay: options.oneRowPerDay,
  }).finally(() => tracker.stop());
  if (r.summary.ids.length === 0)
    throw new LoyalError("E_INPUT", `no customer has a purchase on or before the end ${end}`);
  return { ...r, end };
}

/**
 * Reads a transaction file (CSV/TSV/Parquet/NDJSON, a directory or glob) and returns per-customer summaries.
 * @param source file path(s), directory or glob
 * @param options column mapping, cleaning options, end dates and unit
 * @returns the summary, the ingestion report and the count of customers excluded because they start after the end
 * @throws LoyalError E_INPUT / E_USAGE for bad input or options
 * @example
 * const r = await summarizeFile("datasets/CDNOW_sample.txt", { columns: ["master_id","customer_id","date","cds","amount"], end: "1997-09-30", unit: "week" });
 * r.summary.ids.length // => 2357
 */
export async function summarizeFile(
  source: string | string[],
  options: SummarizeFileOptions,
): Promise<SummarizeFileResult> {
  const { conn, ingestion, perDay } = await loadPurchases(source, { ...options, forSummary: true });
  try {
    const r = await summarizeLoaded(conn, { ...options, oneRowPerDay: perDay });
    return {
      summary: r.summary,
      ingestion,
      end: r.end,
      excludedAfterEnd: r.excludedAfterEnd,
      customersSeen: r.customersSeen,
    };
  } finally {
    closeDuckDb(conn);
  }
}
