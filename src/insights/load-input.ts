/**
 * Loads what the insights need from a transaction file in one call: the cleaned purchases as typed columns and the
 * per-customer summary (data layer: ingest into DuckDB, summarise in SQL), and optionally fitted models.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { closeDuckDb } from "../data/duckdb.ts";
import type { IngestionReport } from "../data/ingest/index.ts";
import { copyNumbers, copyStrings } from "../data/read-columns.ts";
import { loadPurchases, type SummarizeFileOptions, summarizeLoaded } from "../data/summarize-file.ts";
import type { CustomerSummary } from "../data/summary.ts";
import { isoToDay } from "../data/summary-sql.ts";
import { fitSummary } from "../models/fit-summary.ts";
import type { FittedModel } from "../models/types.ts";
import { warn } from "../warnings.ts";
import type { Purchases } from "./purchases.ts";

export interface InsightInputOptions extends SummarizeFileOptions {
  /** Fit this purchase model (and Gamma-Gamma when there are amounts); omit to fit nothing. */
  model?: string;
  /** L2 penalty for the fits (default 0). */
  penalizer?: number;
  /** Use these fitted models instead of fitting. */
  purchaseModel?: FittedModel;
  spendModel?: FittedModel;
}

export interface InsightInput {
  purchases: Purchases;
  summary: CustomerSummary;
  /** Calibration end (YYYY-MM-DD) and its day number. */
  end: string;
  endDay: number;
  ingestion: IngestionReport;
  purchaseModel?: FittedModel;
  spendModel?: FittedModel;
}

/**
 * Reads the `purchases(customer_id, day, amount)` table into typed columns (NULL amounts become NaN).
 * @param conn a DuckDB connection holding the table
 * @param upToDay last day included (default: all)
 */
export async function readPurchasesTable(conn: DuckDBConnection, upToDay?: number): Promise<Purchases> {
  const where = upToDay === undefined ? "" : ` WHERE day <= ${Math.floor(upToDay)}`;
  const result = await conn.run(`SELECT customer_id, day, amount FROM purchases${where}`);
  const n = result.rowCount;
  const customerId: string[] = new Array(n);
  const day = new Int32Array(n);
  const amount = new Float64Array(n);
  let o = 0;
  for (let ci = 0, nc = result.chunkCount; ci < nc; ci++) {
    const c = result.getChunk(ci);
    copyStrings(c.getColumnVector(0), customerId, o, c.rowCount, "null");
    copyNumbers(c.getColumnVector(1), day, o, c.rowCount, 0);
    copyNumbers(c.getColumnVector(2), amount, o, c.rowCount, Number.NaN);
    o += c.rowCount;
  }
  return { customerId, day, amount };
}

/**
 * Ingests a transaction file, summarises it and reads the purchases back (up to the holdout end, or the end).
 * @param source file path(s), directory or glob
 * @param options column mapping, cleaning, end dates, unit; `model` to fit a purchase model and Gamma-Gamma
 * @returns purchases, summary, the end used, the ingestion report and any fitted models
 * @throws LoyalError as the data layer and the fits do
 */
export async function loadInsightInput(source: string | string[], options: InsightInputOptions): Promise<InsightInput> {
  const { conn, ingestion } = await loadPurchases(source, { ...options, forSummary: false });
  try {
    const r = await summarizeLoaded(conn, options);
    const endDay = isoToDay(r.end, "end");
    const last = options.holdoutEnd ? isoToDay(options.holdoutEnd, "holdoutEnd") : endDay;
    const purchases = await readPurchasesTable(conn, last);
    const out: InsightInput = { purchases, summary: r.summary, end: r.end, endDay, ingestion };
    out.purchaseModel =
      options.purchaseModel ??
      (options.model ? fitSummary(options.model, r.summary, { penalizer: options.penalizer }) : undefined);
    let repeat = 0;
    for (const x of r.summary.frequency) if (x > 0) repeat++;
    out.spendModel = options.spendModel;
    if (!out.spendModel && options.model && r.summary.monetary && repeat >= 2) {
      try {
        out.spendModel = fitSummary("gamma-gamma", r.summary, { penalizer: options.penalizer });
      } catch (e) {
        warn("W_SPEND_MODEL", `no spend model, so no CLV: the Gamma-Gamma fit failed (${(e as Error).message})`);
      }
    }
    return out;
  } finally {
    closeDuckDb(conn);
  }
}
