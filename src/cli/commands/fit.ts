/**
 * `loyal fit <summary.csv> --model NAME`: maximum-likelihood fit, saved as versioned JSON. The discrete-time models
 * read their own CSV shapes: BG/BB `frequency,recency,periods[,weights]` (as datasets/donations.csv), sBG a
 * survival curve `period,alive` or per-customer `periods,churned[,weights]`.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { readSummaryCsv } from "../../data/summary-io.ts";
import { parseTimeUnit } from "../../data/time-unit.ts";
import { LoyalError } from "../../errors.ts";
import { type BgBbData, fitBgBb } from "../../models/bg-bb.ts";
import { compareModels, selectModel } from "../../models/compare.ts";
import { fitSummary } from "../../models/fit-summary.ts";
import { purchaseModelNames } from "../../models/registry.ts";
import { fitSbg, type SbgData } from "../../models/sbg.ts";
import { saveModel } from "../../models/serialize.ts";
import type { FittedModel } from "../../models/types.ts";
import { type CliContext, printJson } from "../context.ts";
import { createProgress } from "../progress.ts";
import { comparisonResult } from "./compare.ts";

/** The JSON object `fit --json` prints. */
export function fitResult(m: FittedModel) {
  return {
    model: m.model,
    params: m.params,
    standardErrors: m.standardErrors ?? null,
    intervals: m.intervals ?? null,
    logLikelihood: m.logLikelihood,
    aic: m.aic,
    bic: m.bic,
    n: m.n,
    unit: m.unit ?? null,
    converged: m.convergence.converged,
    iterations: m.convergence.iterations,
    optimizer: m.convergence.optimizer,
    gradientNorm: m.convergence.gradientNorm,
  };
}

/** A small CSV table: header, and rows with their line numbers (1 = first line of the file). */
interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
  lines: number[];
}

/**
 * Reads a small CSV file with a header; `#` comment lines and blank lines are skipped.
 * @throws LoyalError E_IO when unreadable, E_INPUT when empty or a row has the wrong number of fields
 */
async function readCsvTable(file: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new LoyalError("E_IO", `cannot read: ${(e as Error).message}`, { file });
  }
  const t: CsvTable = { file, header: [], rows: [], lines: [] };
  const all = text.split(/\r?\n|\r/);
  for (let i = 0; i < all.length; i++) {
    const line = all[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(",").map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
    if (t.header.length === 0) {
      t.header = fields;
      continue;
    }
    if (fields.length !== t.header.length)
      throw new LoyalError("E_INPUT", `expected ${t.header.length} fields, found ${fields.length}`, {
        file,
        row: i + 1,
      });
    t.rows.push(fields);
    t.lines.push(i + 1);
  }
  if (t.header.length === 0) throw new LoyalError("E_INPUT", "the file is empty", { file });
  if (t.rows.length === 0) throw new LoyalError("E_INPUT", "the file has a header but no rows", { file });
  return t;
}

/**
 * A numeric column of a table, checked value by value.
 * @param check returns what is wrong with a finite value, or undefined when it is fine
 * @throws LoyalError E_INPUT naming file, row and column for a missing column or a bad value
 */
function numericColumn(t: CsvTable, name: string, check: (v: number) => string | undefined): Float64Array {
  const c = t.header.indexOf(name);
  if (c < 0)
    throw new LoyalError("E_INPUT", `missing column '${name}' (header: ${t.header.join(",")})`, { file: t.file });
  return Float64Array.from(t.rows, (r, i) => {
    const raw = r[c];
    const v = raw === "" ? Number.NaN : Number(raw);
    const problem = Number.isFinite(v) ? check(v) : "is not a finite number";
    if (problem)
      throw new LoyalError("E_INPUT", `'${raw}' ${problem}`, { file: t.file, row: t.lines[i], column: name });
    return v;
  });
}

const wholeAtLeast = (min: number) => (v: number) =>
  Number.isInteger(v) && v >= min ? undefined : `must be a whole number >= ${min}`;
const weight = (v: number) => (v >= 0 ? undefined : "must be >= 0");

/** Throws E_INPUT for row i of column `column` when `bad`. */
function rowCheck(t: CsvTable, i: number, column: string, bad: boolean, message: string): void {
  if (bad) throw new LoyalError("E_INPUT", message, { file: t.file, row: t.lines[i], column });
}

/**
 * Reads BG/BB histories: CSV `frequency,recency,periods[,weights]` (x transactions in n opportunities, the last at
 * opportunity t_x; one row per customer or per pattern with a weight), as datasets/donations.csv.
 * @param file the CSV file
 * @returns the histories
 * @throws LoyalError E_IO when unreadable; E_INPUT naming file, row and column for a missing column or a bad value
 *   (not a whole number, frequency > recency, recency > periods, recency > 0 with frequency 0, negative weight)
 * @example (await readBgBbCsv("datasets/donations.csv")).frequency.length // => 22
 */
export async function readBgBbCsv(file: string): Promise<BgBbData> {
  const t = await readCsvTable(file);
  const frequency = numericColumn(t, "frequency", wholeAtLeast(0));
  const recency = numericColumn(t, "recency", wholeAtLeast(0));
  const periods = numericColumn(t, "periods", wholeAtLeast(1));
  for (let i = 0; i < t.rows.length; i++) {
    rowCheck(t, i, "recency", recency[i] > periods[i], `recency ${recency[i]} is after the last period ${periods[i]}`);
    rowCheck(
      t,
      i,
      "frequency",
      frequency[i] > recency[i],
      `${frequency[i]} transactions cannot fit in opportunities 1..${recency[i]} (frequency must be <= recency)`,
    );
    rowCheck(t, i, "recency", frequency[i] === 0 && recency[i] !== 0, "recency must be 0 when frequency is 0");
  }
  const data: BgBbData = { frequency, recency, periods };
  if (t.header.includes("weights")) data.weights = numericColumn(t, "weights", weight);
  return data;
}

/**
 * Reads sBG data: a cohort's survival curve, CSV `period,alive` (periods 0, 1, 2, … in order; alive never rises),
 * or one row per customer (or group with `weights`), CSV `periods,churned[,weights]` with churned 1/0 (true/false):
 * the period the customer churned at, or the periods observed alive.
 * @param file the CSV file
 * @returns the data in the shape `fitSbg` takes
 * @throws LoyalError E_IO when unreadable; E_INPUT naming file, row and column for a missing column or bad value
 * @example (await readSbgCsv("curve.csv")) // => { alive: Float64Array [1000, 631, 468, …] }
 */
export async function readSbgCsv(file: string): Promise<SbgData> {
  const t = await readCsvTable(file);
  if (t.header.includes("alive")) {
    const period = numericColumn(t, "period", wholeAtLeast(0));
    const alive = numericColumn(t, "alive", (v) => (v >= 0 ? undefined : "must be >= 0"));
    for (let i = 0; i < t.rows.length; i++) {
      rowCheck(t, i, "period", period[i] !== i, `periods must run 0, 1, 2, … in order: expected ${i}`);
      if (i === 0) rowCheck(t, i, "alive", !(alive[0] > 0), "the cohort size alive at period 0 must be > 0");
      else rowCheck(t, i, "alive", alive[i] > alive[i - 1], `alive cannot rise (${alive[i - 1]} at the period before)`);
    }
    if (alive.length < 2)
      throw new LoyalError("E_INPUT", "a survival curve needs period 0 and at least one more period", { file });
    return { alive };
  }
  const c = t.header.indexOf("churned");
  if (c < 0)
    throw new LoyalError(
      "E_INPUT",
      `expected columns period,alive (survival curve) or periods,churned[,weights] (per customer), found ${t.header.join(",")}`,
      { file },
    );
  const churned = t.rows.map((r, i) => {
    const v = r[c].toLowerCase();
    if (v === "1" || v === "true") return true;
    if (v === "0" || v === "false") return false;
    throw new LoyalError("E_INPUT", `'${r[c]}' must be 1/0 or true/false`, {
      file,
      row: t.lines[i],
      column: "churned",
    });
  });
  const periods = numericColumn(t, "periods", wholeAtLeast(0));
  for (let i = 0; i < t.rows.length; i++)
    rowCheck(t, i, "periods", churned[i] && periods[i] < 1, "a churned customer's periods must be >= 1");
  const data: SbgData = { periods, churned };
  if (t.header.includes("weights")) data.weights = numericColumn(t, "weights", weight);
  return data;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("fit")
    .description(
      "fit a model to a customer summary (CSV with customer_id, frequency, recency, T[, monetary_value]); bg-bb and sbg read their own CSV shapes",
    )
    .argument(
      "<summary>",
      "summary CSV written by `loyal summarize` (or the published ID,frequency,recency,T / ID,x,t_x,T,zbar layouts); bg-bb: frequency,recency,periods[,weights]; sbg: period,alive or periods,churned[,weights]",
    )
    .option(
      "--model <name>",
      "bg-nbd | pareto-nbd | mbg-nbd | gamma-gamma | bg-bb | sbg, or auto: compare the purchase models and keep the best (lowest holdout error, else BIC)",
      "bg-nbd",
    )
    .option("--penalizer <x>", "L2 penalty on the parameters", "0")
    .option("--constrain-q", "gamma-gamma: force q > 1 (finite mean spend)")
    .option("--unit <unit>", "time unit of the summary when the file has no '# unit:' line (default week)")
    .option("-o, --output <file>", "write the fitted model as JSON")
    .option("--json", "print the fit as one JSON object")
    .action(
      async (
        file: string,
        flags: {
          model: string;
          penalizer: string;
          constrainQ?: boolean;
          unit?: string;
          output?: string;
          json?: boolean;
        },
      ) => {
        const penalizer = Number(flags.penalizer);
        if (!(penalizer >= 0))
          throw new LoyalError("E_USAGE", `--penalizer must be a number >= 0, got '${flags.penalizer}'`);
        const progress = createProgress(ctx.io);
        progress.step(`reading ${file}`);
        if (flags.model === "bg-bb" || flags.model === "sbg") {
          const discrete =
            flags.model === "bg-bb"
              ? fitBgBb(await readBgBbCsv(file), { penalizer })
              : fitSbg(await readSbgCsv(file), { penalizer });
          if (flags.output) await saveModel(flags.output, discrete);
          progress.done();
          printFit(ctx, discrete, flags);
          return;
        }
        const summary = await readSummaryCsv(file, { unit: flags.unit ? parseTimeUnit(flags.unit) : undefined });
        let model: FittedModel;
        let auto: ReturnType<typeof comparisonResult> | undefined;
        if (flags.model === "auto") {
          const names = purchaseModelNames();
          progress.step(`fitting ${names.join(", ")} to ${summary.ids.length} customers`);
          const comparison = compareModels(summary, names, { penalizer });
          const selection = selectModel(comparison);
          model = selection.model;
          auto = comparisonResult(comparison, selection);
        } else {
          progress.step(`fitting ${flags.model} to ${summary.ids.length} customers`);
          model = fitSummary(flags.model, summary, { penalizer, constrainQ: flags.constrainQ });
        }
        if (flags.output) await saveModel(flags.output, model);
        progress.done();
        const result = fitResult(model);
        if (flags.json)
          printJson(
            ctx.io,
            auto ? { ...result, selected: auto.selected, reason: auto.reason, comparison: auto } : result,
          );
        else {
          if (auto) ctx.io.stdout(`selected ${auto.selected}: ${auto.reason}\n`);
          printFit(ctx, model, flags);
        }
      },
    );
}

/** Prints a fit: the `--json` object, or one line of parameters and one of fit statistics. */
function printFit(ctx: CliContext, model: FittedModel, flags: { json?: boolean; output?: string }): void {
  if (flags.json) printJson(ctx.io, fitResult(model));
  else {
    const ps = Object.entries(model.params)
      .map(
        ([k, v]) =>
          `${k} = ${v.toPrecision(6)}${model.standardErrors ? ` (se ${model.standardErrors[k].toPrecision(3)})` : ""}`,
      )
      .join(", ");
    ctx.io.stdout(
      `${model.model}: ${ps}\nlog-likelihood ${model.logLikelihood.toFixed(4)}, AIC ${model.aic.toFixed(2)}, BIC ${model.bic.toFixed(2)}, n ${model.n}, ${model.convergence.optimizer} converged in ${model.convergence.iterations} iterations\n`,
    );
    if (flags.output) ctx.io.stdout(`model written to ${flags.output}\n`);
  }
}
