/**
 * Loads the bundled published datasets and reference values for tests (plain fs: independent of src/data).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CustomerSummary } from "../../src/data/summary.ts";
import type { BgBbData } from "../../src/models/bg-bb.ts";

export const root = fileURLToPath(new URL("../../", import.meta.url));

/** reference/reference-values.json */
// biome-ignore lint/suspicious/noExplicitAny: a JSON document
export const reference: any = JSON.parse(readFileSync(`${root}reference/reference-values.json`, "utf8"));

function readCsv(name: string): string[][] {
  return readFileSync(`${root}datasets/${name}`, "utf8")
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(","));
}

/** datasets/cdnow_customers_summary.csv (weeks, 2-dp times) as a summary. */
export function cdnowRounded(): CustomerSummary {
  const rows = readCsv("cdnow_customers_summary.csv");
  return {
    unit: "week",
    ids: rows.map((r) => r[0]),
    frequency: Float64Array.from(rows, (r) => +r[1]),
    recency: Float64Array.from(rows, (r) => +r[2]),
    T: Float64Array.from(rows, (r) => +r[3]),
  };
}

/** datasets/cdnow_customers_summary_with_transactions.csv (ID,x,t_x,T,zbar) as a summary with monetary value. */
export function cdnowWithSpend(): CustomerSummary {
  const rows = readCsv("cdnow_customers_summary_with_transactions.csv");
  return {
    unit: "week",
    ids: rows.map((r) => r[0]),
    frequency: Float64Array.from(rows, (r) => +r[1]),
    recency: Float64Array.from(rows, (r) => +r[2]),
    T: Float64Array.from(rows, (r) => +r[3]),
    monetary: Float64Array.from(rows, (r) => +r[4]),
  };
}

/** datasets/donations.csv: Fader, Hardie & Shang 2010's 11,104 donors, 6 opportunities, as 22 weighted patterns. */
export function donations(): BgBbData {
  const rows = readCsv("donations.csv").map((r) => r.map(Number));
  return {
    frequency: Float64Array.from(rows, (r) => r[0]),
    recency: Float64Array.from(rows, (r) => r[1]),
    periods: Float64Array.from(rows, (r) => r[2]),
    weights: Float64Array.from(rows, (r) => r[3]),
  };
}

/** CLI arguments naming CDNOW_sample.txt's columns (a header-less file: master_id, customer_id, date, cds, amount). */
export const CDNOW_SAMPLE_ARGS = [
  "--columns",
  "master_id,customer_id,date,cds,amount",
  "--customer",
  "customer_id",
  "--date",
  "date",
  "--amount",
  "amount",
] as const;
