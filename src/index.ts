/**
 * loyal's public library API, by layer (math ← data ← models ← insights). Import from the package (`loyal`, the
 * compiled dist/src/index.js after `npm run build`) or from this file through a TypeScript loader.
 * @example
 * import { summarizeFile, fitSummary, scoreCustomers } from "loyal";
 * const { summary } = await summarizeFile("datasets/CDNOW_sample.txt", {
 *   columns: ["master_id", "customer_id", "date", "cds", "amount"], end: "1997-09-30", unit: "week" });
 * const bg = fitSummary("bg-nbd", summary); // r ≈ 0.2426, alpha ≈ 4.41, a ≈ 0.793, b ≈ 2.43
 * const scores = scoreCustomers(bg, summary, { horizon: 52, spendModel: fitSummary("gamma-gamma", summary) });
 */

export * from "./data/compress.ts";
export { closeDuckDb, openDuckDb } from "./data/duckdb.ts";
export * from "./data/ingest/index.ts";
export * from "./data/postgres.ts";
export type { ProgressListener } from "./data/progress.ts";
export * from "./data/summarize-file.ts";
export * from "./data/summarize-table.ts";
export * from "./data/summary.ts";
export * from "./data/summary-io.ts";
export * from "./data/summary-sql.ts";
export * from "./data/time-unit.ts";
export * from "./errors.ts";
export * from "./insights/analysis.ts";
export * from "./insights/clv.ts";
export * from "./insights/cohorts.ts";
export * from "./insights/discrete-predictions.ts";
export * from "./insights/model-segments.ts";
export * from "./insights/profile.ts";
export * from "./insights/rfm.ts";
export * from "./insights/score-file.ts";
export * from "./insights/segments.ts";
export * from "./insights/targets.ts";
export * from "./insights/validate.ts";
export * from "./insights/whatif.ts";
export * from "./models/bg-bb.ts";
export * from "./models/bg-nbd.ts";
export * from "./models/compare.ts";
export * from "./models/fit-summary.ts";
export * from "./models/gamma-gamma.ts";
export * from "./models/mbg-nbd.ts";
export * from "./models/pareto-nbd.ts";
export * from "./models/sbg.ts";
export * from "./models/serialize.ts";
export * from "./models/types.ts";
export * from "./models/uncertainty.ts";
