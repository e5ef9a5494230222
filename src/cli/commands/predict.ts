/**
 * `loyal predict <model.json> <summary.csv>`: per-customer expected purchases, P(alive), and with a spend model
 * expected spend and discounted CLV.
 */
import type { Command } from "commander";
import type { CustomerSummary } from "../../data/summary.ts";
import { readSummaryCsv } from "../../data/summary-io.ts";
import { writeTable } from "../../data/write-table.ts";
import { LoyalError } from "../../errors.ts";
import { type CustomerScores, type ScoreOptions, scoreCustomers } from "../../insights/clv.ts";
import { loadModel } from "../../models/serialize.ts";
import type { FittedModel } from "../../models/types.ts";
import { customerPredictionIntervals, type PredictionIntervals } from "../../models/uncertainty.ts";
import { type CliContext, printJson } from "../context.ts";
import { createProgress } from "../progress.ts";

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

export function register(program: Command, ctx: CliContext): void {
  program
    .command("predict")
    .description("score customers with a fitted model")
    .argument("<model>", "fitted purchase model JSON (from `loyal fit`)")
    .argument("<summary>", "summary CSV in the model's time unit")
    .option("--horizon <t>", "prediction horizon in the model's time unit", "52")
    .option("--spend-model <file>", "fitted gamma-gamma JSON: adds expected_spend and clv")
    .option("--months <n>", "CLV horizon in months", "12")
    .option("--discount <rate>", "monthly discount rate for CLV", "0.01")
    .option("--days-per-month <d>", "length of a month in days", String(365.25 / 12))
    .option("--intervals", "add percentile intervals from parameter uncertainty (_lo/_hi columns)")
    .option("--draws <n>", "--intervals: parameter draws", "200")
    .option("--level <p>", "--intervals: central coverage of the interval", "0.9")
    .option("--seed <s>", "--intervals: seed of the draws", "1")
    .option("-o, --output <file>", "scores output (.csv or .parquet)")
    .option("--json", "print totals (and, without -o, every customer's scores) as one JSON object")
    .action(
      async (
        modelFile: string,
        summaryFile: string,
        flags: {
          horizon: string;
          spendModel?: string;
          months: string;
          discount: string;
          daysPerMonth: string;
          intervals?: boolean;
          draws: string;
          level: string;
          seed: string;
          output?: string;
          json?: boolean;
        },
      ) => {
        const progress = createProgress(ctx.io);
        const model = await loadModel(modelFile);
        if (model.model === "gamma-gamma")
          throw new LoyalError(
            "E_USAGE",
            `${modelFile} is a spend model: pass a purchase model first and the spend model with --spend-model`,
          );
        const spendModel = flags.spendModel ? await loadModel(flags.spendModel) : undefined;
        progress.step(`reading ${summaryFile}`);
        const summary = await readSummaryCsv(summaryFile, { unit: model.unit });
        progress.step(`scoring ${summary.ids.length} customers`);
        const scoreOptions = {
          horizon: parsePositive("--horizon", flags.horizon, true),
          months: parsePositive("--months", flags.months, true),
          discount: Number(flags.discount),
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
