/**
 * What the insight commands (profile, segments, targets, cohorts, whatif, validate) share: options, loading the
 * transaction file into purchases + summary (+ fitted models), number parsing, and writing rows of objects as CSV.
 */

import type { Command } from "commander";
import { writeTable } from "../../data/write-table.ts";
import { LoyalError } from "../../errors.ts";
import { type InsightInput, loadInsightInput } from "../../insights/load-input.ts";
import { loadModel } from "../../models/serialize.ts";
import type { CliContext } from "../context.ts";
import { createProgress } from "../progress.ts";
import { PLAIN_STYLE } from "../table.ts";
import { addTransactionOptions, type TransactionFlags, toSummarizeOptions } from "../transaction-options.ts";

export interface InsightFlags extends TransactionFlags {
  model?: string;
  penalizer?: string;
  modelFile?: string;
  spendModelFile?: string;
  output?: string;
  json?: boolean;
}

/** Help text of --penalizer on the commands that fit models. */
export const PENALIZER_HELP =
  "L2 penalty on the model parameters (for small or homogeneous data whose fit runs to the boundary)";

/**
 * Parses --penalizer.
 * @throws LoyalError E_USAGE unless it is a number >= 0
 */
export function parsePenalizer(value: string | undefined): number {
  const x = Number(value ?? "0");
  if (!(x >= 0) || !Number.isFinite(x))
    throw new LoyalError("E_USAGE", `--penalizer must be a number >= 0, got '${value}'`);
  return x;
}

/**
 * Adds the transaction-file options, and with `models` the model options, plus --json and -o.
 */
export function addInsightOptions(cmd: Command, models: boolean): Command {
  addTransactionOptions(cmd);
  if (models)
    cmd
      .option("--model <name>", "purchase model to fit", "bg-nbd")
      .option("--penalizer <x>", PENALIZER_HELP, "0")
      .option("--model-file <file>", "use this fitted purchase model (from `loyal fit`) instead of fitting")
      .option("--spend-model-file <file>", "use this fitted gamma-gamma model instead of fitting");
  return cmd
    .option("-o, --output <file>", "write the rows as CSV (or .parquet)")
    .option("--json", "print one JSON object");
}

/**
 * Loads purchases and the summary (and fits or loads models when `fit`).
 * @throws LoyalError as the data layer, the fits and loadModel do
 */
export async function loadInput(
  ctx: CliContext,
  sources: string[],
  flags: InsightFlags,
  fit: boolean,
): Promise<InsightInput> {
  const progress = createProgress(ctx.io);
  const purchaseModel = fit && flags.modelFile ? await loadModel(flags.modelFile) : undefined;
  const spendModel = fit && flags.spendModelFile ? await loadModel(flags.spendModelFile) : undefined;
  if (purchaseModel?.model === "gamma-gamma")
    throw new LoyalError("E_USAGE", `${flags.modelFile} is a spend model: pass it with --spend-model-file`);
  const input = await loadInsightInput(sources.length === 1 ? sources[0] : sources, {
    ...toSummarizeOptions(flags),
    onProgress: progress.listener(),
    model: fit && !purchaseModel ? (flags.model ?? "bg-nbd") : undefined,
    penalizer: parsePenalizer(flags.penalizer),
    purchaseModel,
    spendModel,
  });
  progress.done();
  return input;
}

/**
 * Parses a number option.
 * @throws LoyalError E_USAGE when not a finite number within [min, max]
 */
export function num(
  name: string,
  v: string | undefined,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x) || x < min || x > max)
    throw new LoyalError("E_USAGE", `${name} must be a number in [${min}, ${max}], got '${v}'`);
  return x;
}

/** Parses a comma-separated list of numbers. */
export function numList(name: string, v: string | undefined, min?: number, max?: number): number[] | undefined {
  if (v === undefined) return undefined;
  return v.split(",").map((s) => num(name, s.trim(), min, max) as number);
}

/** Parses "a,b" into a pair. */
export function pair(name: string, v: string | undefined, min?: number, max?: number): [number, number] | undefined {
  const l = numList(name, v, min, max);
  if (l === undefined) return undefined;
  if (l.length !== 2) throw new LoyalError("E_USAGE", `${name} needs two numbers 'low,high', got '${v}'`);
  return [l[0], l[1]];
}

/**
 * Writes rows of flat objects as a table: numeric columns as numbers (null → empty), others as text.
 * @param path output file (.csv or .parquet)
 * @param rows the rows; the first row's keys are the columns
 */
export async function writeRows(path: string, rows: readonly object[]): Promise<void> {
  const keys = rows.length ? Object.keys(rows[0]) : [];
  const cols: Record<string, string[] | Float64Array> = {};
  for (const k of keys) {
    const vals = rows.map((r) => (r as Record<string, unknown>)[k]);
    const numeric = vals.every((v) => v === null || typeof v === "number");
    cols[k] = numeric
      ? Float64Array.from(vals, (v) => (v === null ? Number.NaN : (v as number)))
      : vals.map((v) => (v === null || v === undefined ? "" : Array.isArray(v) ? v.join(";") : String(v)));
  }
  await writeTable(path, cols);
}

/** Formats a number for the text output. */
export function f(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "-";
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Table style without colour codes (the insight tables are read in files and logs as much as on screens). */
export const PLAIN = PLAIN_STYLE;
