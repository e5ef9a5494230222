/**
 * `loyal predict <model.json> <summary.csv>`: per-customer expected purchases, P(alive), and with a spend model
 * expected spend and discounted CLV.
 */
import type { Command } from "commander";
import { readSummaryCsv } from "../../data/summary-io.ts";
import { writeTable } from "../../data/write-table.ts";
import { LoyalError } from "../../errors.ts";
import { type CustomerScores, scoreCustomers } from "../../insights/clv.ts";
import { loadModel } from "../../models/serialize.ts";
import { type CliContext, printJson } from "../context.ts";
import { createProgress } from "../progress.ts";

/** Scores as output columns. */
export function scoreColumns(s: CustomerScores) {
  const cols: Record<string, readonly string[] | Float64Array> = {
    customer_id: s.ids,
    expected_purchases: s.expectedPurchases,
    p_alive: s.pAlive,
  };
  if (s.expectedSpend && s.clv) {
    cols.expected_spend = s.expectedSpend;
    cols.clv = s.clv;
  }
  return cols;
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
        const scores = scoreCustomers(model, summary, {
          horizon: parsePositive("--horizon", flags.horizon, true),
          spendModel,
          months: parsePositive("--months", flags.months, true),
          discount: Number(flags.discount),
          daysPerMonth: parsePositive("--days-per-month", flags.daysPerMonth),
        });
        if (flags.output) {
          progress.step(`writing ${flags.output}`);
          await writeTable(flags.output, scoreColumns(scores));
        }
        progress.done();
        const totals = scoreTotals(scores);
        if (flags.json) {
          const cols = scoreColumns(scores);
          const customers = flags.output
            ? undefined
            : scores.ids.map((id, i) =>
                Object.fromEntries(
                  Object.entries(cols).map(([k, c]) => [k, k === "customer_id" ? id : (c as Float64Array)[i]]),
                ),
              );
          printJson(ctx.io, { meta: scores.meta, totals, output: flags.output ?? null, customers });
        } else {
          ctx.io.stdout(
            `${totals.customers} customers: ${totals.expectedPurchases.toFixed(1)} expected purchases in the next ${scores.meta.horizon} ${scores.meta.unit}s, mean P(alive) ${totals.meanPAlive.toFixed(3)}${totals.clv !== null ? `, total ${scores.meta.months}-month CLV ${totals.clv.toFixed(2)}` : ""}\n`,
          );
          if (flags.output) ctx.io.stdout(`scores written to ${flags.output}\n`);
        }
      },
    );
}
