/**
 * `loyal predict <model.json> <summary.csv>`: per-customer expected purchases, P(alive), and with a spend model
 * expected spend and discounted CLV; for bg-bb and sbg models the tables of `insights/discrete-predictions.ts`.
 * `--intervals` adds percentile intervals from parameter uncertainty for every model.
 */
import { open } from "node:fs/promises";
import type { Command } from "commander";
import type { CustomerSummary } from "../../data/summary.ts";
import { readSummaryCsv } from "../../data/summary-io.ts";
import { writeTable } from "../../data/write-table.ts";
import { LoyalError } from "../../errors.ts";
import { type CustomerScores, type ScoreOptions, scoreCustomers } from "../../insights/clv.ts";
import {
  bgBbPredictionIntervals,
  type DiscretePrediction,
  predictBgBb,
  predictSbg,
  sbgPredictionIntervals,
  withIntervals,
} from "../../insights/discrete-predictions.ts";
import { scoreSummaryFile } from "../../insights/score-file.ts";
import { loadModel } from "../../models/serialize.ts";
import type { FittedModel } from "../../models/types.ts";
import { customerPredictionIntervals, type PredictionIntervals } from "../../models/uncertainty.ts";
import { type CliContext, printJson } from "../context.ts";
import { createProgress } from "../progress.ts";
import { readBgBbCsv, readSbgCsv } from "./fit.ts";

/** Scores as output columns; with intervals, `<name>_lo` and `<name>_hi` follow each predicted column. */
export function scoreColumns(s: CustomerScores, intervals?: PredictionIntervals) {
  const cols: Record<string, readonly string[] | Float64Array> = { customer_id: s.ids };
  const add = (name: string, values: Float64Array) => {
    cols[name] = values;
    if (intervals?.lo[name] && intervals.hi[name]) {
      cols[`${name}_lo`] = intervals.lo[name];
      cols[`${name}_hi`] = intervals.hi[name];
    }
  };
  add("expected_purchases", s.expectedPurchases);
  add("p_alive", s.pAlive);
  if (s.expectedSpend && s.clv) {
    cols.expected_spend = s.expectedSpend;
    add("clv", s.clv);
  }
  return cols;
}

/** Options of {@link scoreWithIntervals}: the scoring settings of `scoreCustomers` plus the interval settings. */
export interface IntervalScoreOptions extends Omit<ScoreOptions, "spendModel"> {
  draws?: number;
  level?: number;
  seed?: number;
}

/**
 * Percentile intervals of expected purchases, P(alive) and (with a spend model) CLV under parameter uncertainty:
 * `customerPredictionIntervals` with `scoreCustomers` as the scorer.
 * @throws LoyalError E_USAGE when a model has no covariance or an option is out of range
 */
export function scoreWithIntervals(
  summary: CustomerSummary,
  purchase: FittedModel,
  spend: FittedModel | undefined,
  options: IntervalScoreOptions,
): PredictionIntervals {
  const { draws, level, seed, ...scoreOptions } = options;
  return customerPredictionIntervals(
    summary,
    { purchase, spend },
    (s, m, g) => {
      const r = scoreCustomers(m, s, { ...scoreOptions, spendModel: g });
      const out: Record<string, Float64Array> = { expected_purchases: r.expectedPurchases, p_alive: r.pAlive };
      if (r.clv) out.clv = r.clv;
      return out;
    },
    { draws, level, seed },
  );
}

/** Totals over all customers. */
export function scoreTotals(s: CustomerScores) {
  let e = 0;
  let a = 0;
  let clv = 0;
  for (let i = 0; i < s.ids.length; i++) {
    e += s.expectedPurchases[i];
    a += s.pAlive[i];
    if (s.clv) clv += s.clv[i];
  }
  return {
    customers: s.ids.length,
    expectedPurchases: e,
    meanPAlive: a / Math.max(1, s.ids.length),
    clv: s.clv ? clv : null,
  };
}

export function parsePositive(name: string, v: string, allowZero = false): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0 || (!allowZero && x === 0))
    throw new LoyalError("E_USAGE", `${name} must be a number ${allowZero ? ">=" : ">"} 0, got '${v}'`);
  return x;
}

/** Rows of a column table as objects (non-finite numbers print as null in JSON). */
function tableRows(columns: Record<string, readonly string[] | Float64Array>): Record<string, unknown>[] {
  const names = Object.keys(columns);
  const n = names.length ? columns[names[0]].length : 0;
  return Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, columns[k][i]])));
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("predict")
    .description("score customers with a fitted model")
    .argument("<model>", "fitted model JSON (from `loyal fit`)")
    .argument(
      "[summary]",
      "summary CSV in the model's time unit; bg-bb: frequency,recency,periods[,weights]; sbg (optional): period,alive or periods,churned[,weights]",
    )
    .option(
      "--horizon <t>",
      "prediction horizon in the model's time unit (default 52); bg-bb and sbg: opportunities/periods (default 10)",
    )
    .option("--spend-model <file>", "fitted gamma-gamma JSON: adds expected_spend and clv")
    .option("--months <n>", "CLV horizon in months", "12")
    .option(
      "--discount <rate>",
      "monthly discount rate for CLV (default 0.01); bg-bb DERT and sbg DEL/DERL: rate per period (default 0.1)",
    )
    .option("--days-per-month <d>", "length of a month in days", String(365.25 / 12))
    .option("--intervals", "add percentile intervals from parameter uncertainty (_lo/_hi columns)")
    .option("--draws <n>", "--intervals: parameter draws", "200")
    .option("--level <p>", "--intervals: central coverage of the interval", "0.9")
    .option("--seed <s>", "--intervals: seed of the draws", "1")
    .option("-o, --output <file>", "scores output (.csv or .parquet)")
    .option(
      "--stream",
      "score a summary file of any size in bounded memory, on every core from 192 MiB (needs -o; numbers to 9 decimals)",
    )
    .option("--json", "print totals (and, without -o, every customer's scores) as one JSON object")
    .action(
      async (
        modelFile: string,
        summaryFile: string | undefined,
        flags: {
          horizon?: string;
          spendModel?: string;
          months: string;
          discount?: string;
          daysPerMonth: string;
          intervals?: boolean;
          draws: string;
          level: string;
          seed: string;
          output?: string;
          json?: boolean;
          stream?: boolean;
        },
      ) => {
        const progress = createProgress(ctx.io);
        const model = await loadModel(modelFile);
        if (model.model === "gamma-gamma")
          throw new LoyalError(
            "E_USAGE",
            `${modelFile} is a spend model: pass a purchase model first and the spend model with --spend-model`,
          );
        if (model.model === "bg-bb" || model.model === "sbg") {
          if (flags.spendModel)
            throw new LoyalError(
              "E_USAGE",
              `--spend-model applies to the purchase models (bg-nbd, pareto-nbd, mbg-nbd), not ${model.model}: ${model.model} predicts ${model.model === "bg-bb" ? "transactions" : "survival"}, not spend`,
            );
          if (flags.stream)
            throw new LoyalError(
              "E_USAGE",
              `--stream applies to the purchase models (bg-nbd, pareto-nbd, mbg-nbd), not ${model.model}: its predictions are one row per distinct history, already small`,
            );
          const horizon = parsePositive("--horizon", flags.horizon ?? "10", true);
          const discount = parsePositive("--discount", flags.discount ?? "0.1");
          if (model.model === "bg-bb" && !summaryFile)
            throw new LoyalError("E_USAGE", "bg-bb predictions need a frequency,recency,periods[,weights] file");
          const intervalOptions = { draws: Number(flags.draws), level: Number(flags.level), seed: Number(flags.seed) };
          let pred: DiscretePrediction;
          if (model.model === "bg-bb") {
            const data = await readBgBbCsv(summaryFile!);
            pred = predictBgBb(model, data, horizon, discount);
            if (flags.intervals) {
              progress.step(`intervals from ${flags.draws} parameter draws`);
              pred = withIntervals(pred, bgBbPredictionIntervals(model, data, horizon, discount, intervalOptions));
            }
          } else {
            const data = summaryFile ? await readSbgCsv(summaryFile) : undefined;
            pred = predictSbg(model, data, horizon, discount);
            if (flags.intervals) {
              progress.step(`intervals from ${flags.draws} parameter draws`);
              pred = withIntervals(pred, sbgPredictionIntervals(model, data, horizon, discount, intervalOptions));
            }
          }
          if (flags.output) await writeTable(flags.output, pred.columns);
          progress.done();
          if (flags.json)
            printJson(ctx.io, {
              meta: pred.meta,
              totals: pred.totals,
              output: flags.output ?? null,
              rows: flags.output ? undefined : tableRows(pred.columns),
            });
          else {
            const t = pred.totals;
            const level = (pred.meta.intervals as { level: number } | undefined)?.level ?? 0;
            const range = (name: string, digits: number) => {
              const lo = t[`${name}_lo`];
              const hi = t[`${name}_hi`];
              return typeof lo === "number" && typeof hi === "number"
                ? ` (${+(level * 100).toFixed(6)}% interval ${lo.toFixed(digits)}–${hi.toFixed(digits)})`
                : "";
            };
            ctx.io.stdout(
              model.model === "bg-bb"
                ? `${t.customers} customers: ${t.expectedPurchases!.toFixed(1)}${range("expectedPurchases", 1)} expected transactions in the next ${horizon} opportunities, mean P(alive) ${t.meanPAlive!.toFixed(3)}\n`
                : `sbg: survival ${t.survivalAtHorizon!.toFixed(4)}${range("survivalAtHorizon", 4)} at period ${horizon}${t.expectedAliveAtHorizon !== null ? ` (${t.expectedAliveAtHorizon.toFixed(1)} of ${pred.meta.cohort})` : ""}, DEL ${(pred.meta.del as number).toFixed(4)} at discount ${discount}\n`,
            );
            if (flags.output) ctx.io.stdout(`predictions written to ${flags.output}\n`);
          }
          return;
        }
        if (!summaryFile) throw new LoyalError("E_USAGE", `${model.model} predictions need a summary CSV`);
        if (flags.stream) {
          if (!flags.output)
            throw new LoyalError("E_USAGE", "--stream writes to a file: give -o scores.csv (or .parquet)");
          if (flags.intervals) throw new LoyalError("E_USAGE", "--stream and --intervals do not combine");
          const spend = flags.spendModel ? await loadModel(flags.spendModel) : undefined;
          const bar = progress.bar(`scoring ${summaryFile}`, await estimateRows(summaryFile));
          const r = await scoreSummaryFile(summaryFile, flags.output, {
            onProgress: (rows) => bar.update(rows),
            model,
            spendModel: spend,
            horizon: parsePositive("--horizon", flags.horizon ?? "52", true),
            months: parsePositive("--months", flags.months, true),
            discount: Number(flags.discount ?? "0.01"),
            daysPerMonth: parsePositive("--days-per-month", flags.daysPerMonth),
          });
          progress.done();
          const totals = { customers: r.rows, expectedPurchases: r.totalExpectedPurchases, clv: r.totalClv };
          if (flags.json)
            printJson(ctx.io, {
              meta: { model: model.model, unit: model.unit, stream: true, workers: r.workers },
              totals,
              output: flags.output,
            });
          else
            ctx.io.stdout(
              `${r.rows} customers scored: ${r.totalExpectedPurchases.toFixed(1)} expected purchases${r.totalClv !== null ? `, total CLV ${r.totalClv.toFixed(2)}` : ""}; written to ${flags.output}\n`,
            );
          return;
        }
        const spendModel = flags.spendModel ? await loadModel(flags.spendModel) : undefined;
        progress.step(`reading ${summaryFile}`);
        const summary = await readSummaryCsv(summaryFile, { unit: model.unit });
        progress.step(`scoring ${summary.ids.length} customers`);
        const scoreOptions = {
          horizon: parsePositive("--horizon", flags.horizon ?? "52", true),
          months: parsePositive("--months", flags.months, true),
          discount: Number(flags.discount ?? "0.01"),
          daysPerMonth: parsePositive("--days-per-month", flags.daysPerMonth),
        };
        const scores = scoreCustomers(model, summary, { ...scoreOptions, spendModel });
        let intervals: PredictionIntervals | undefined;
        if (flags.intervals) {
          progress.step(`intervals from ${flags.draws} parameter draws`);
          intervals = scoreWithIntervals(summary, model, spendModel, {
            ...scoreOptions,
            draws: Number(flags.draws),
            level: Number(flags.level),
            seed: Number(flags.seed),
          });
        }
        const columns = scoreColumns(scores, intervals);
        if (flags.output) {
          progress.step(`writing ${flags.output}`);
          await writeTable(flags.output, columns);
        }
        progress.done();
        const totals = scoreTotals(scores);
        if (flags.json) {
          const cols = columns;
          const customers = flags.output
            ? undefined
            : scores.ids.map((id, i) =>
                Object.fromEntries(
                  Object.entries(cols).map(([k, c]) => [k, k === "customer_id" ? id : (c as Float64Array)[i]]),
                ),
              );
          const meta = intervals
            ? { ...scores.meta, intervals: { level: intervals.level, draws: intervals.draws, seed: intervals.seed } }
            : scores.meta;
          printJson(ctx.io, { meta, totals, output: flags.output ?? null, customers });
        } else {
          ctx.io.stdout(
            `${totals.customers} customers: ${totals.expectedPurchases.toFixed(1)} expected purchases in the next ${scores.meta.horizon} ${scores.meta.unit}s, mean P(alive) ${totals.meanPAlive.toFixed(3)}${totals.clv !== null ? `, total ${scores.meta.months}-month CLV ${totals.clv.toFixed(2)}` : ""}\n`,
          );
          if (flags.output) ctx.io.stdout(`scores written to ${flags.output}\n`);
        }
      },
    );
}

/**
 * About how many data rows a summary CSV has (its size over the mean length of the lines in its first 64 KiB), for a
 * progress bar's total; 0 when unknown (Parquet).
 */
async function estimateRows(file: string): Promise<number> {
  if (file.toLowerCase().endsWith(".parquet")) return 0;
  try {
    const fh = await open(file, "r");
    try {
      const { size } = await fh.stat();
      const buf = Buffer.alloc(Math.min(size, 1 << 16));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      let lines = 0;
      for (let i = 0; i < bytesRead; i++) if (buf[i] === 10) lines++;
      return lines > 1 ? Math.round((size / bytesRead) * lines) - 1 : 0;
    } finally {
      await fh.close();
    }
  } catch {
    return 0;
  }
}
