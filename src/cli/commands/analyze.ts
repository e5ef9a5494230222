/**
 * `loyal analyze <transactions> -o DIR`: summarise, fit BG/NBD and Gamma-Gamma, score every customer, write all of
 * it into DIR and print a digest.
 */

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import Table from "cli-table3";
import type { Command } from "commander";
import { writeSummaryCsv } from "../../data/summary-io.ts";
import { writeTable } from "../../data/write-table.ts";
import { type Analysis, analyzeTransactions } from "../../insights/analysis.ts";
import { saveModel } from "../../models/serialize.ts";
import { type CliContext, type CliIo, printJson } from "../context.ts";
import { createProgress } from "../progress.ts";
import { COMPACT_CHARS } from "../table.ts";
import { addTransactionOptions, type TransactionFlags, toSummarizeOptions } from "../transaction-options.ts";
import { fitResult } from "./fit.ts";
import { PENALIZER_HELP, parsePenalizer } from "./insight-common.ts";
import { parsePositive, scoreColumns } from "./predict.ts";

export interface AnalyzeFlags extends TransactionFlags {
  output: string;
  model: string;
  horizon?: string;
  months: string;
  discount: string;
  penalizer: string;
  json?: boolean;
}

/** Adds analyze's own options (shared with demo). */
export function addAnalyzeOptions(cmd: Command, defaultDir: string): Command {
  return cmd
    .option("-o, --output <dir>", "output directory", defaultDir)
    .option("--model <name>", "purchase model", "bg-nbd")
    .option("--penalizer <x>", PENALIZER_HELP, "0")
    .option("--horizon <t>", "horizon for expected purchases in the time unit (default: 52 weeks)")
    .option("--months <n>", "CLV horizon in months", "12")
    .option("--discount <rate>", "monthly discount rate", "0.01")
    .option("--json", "print the digest as one JSON object");
}

/** Runs analyze with parsed flags: shared by `analyze` and `demo`. */
export async function runAnalyze(ctx: CliContext, sources: string[], flags: AnalyzeFlags): Promise<Analysis> {
  const progress = createProgress(ctx.io);
  const a = await analyzeTransactions(sources.length === 1 ? sources[0] : sources, {
    ...toSummarizeOptions(flags),
    onProgress: progress.listener(),
    model: flags.model,
    horizon: flags.horizon ? parsePositive("--horizon", flags.horizon) : undefined,
    months: parsePositive("--months", flags.months, true),
    penalizer: parsePenalizer(flags.penalizer),
    discount: Number(flags.discount),
  });
  progress.step(`writing ${flags.output}`);
  const dir = flags.output;
  await mkdir(dir, { recursive: true });
  await writeSummaryCsv(join(dir, "summary.csv"), a.summary);
  await saveModel(join(dir, `${a.purchaseModel.model}.json`), a.purchaseModel);
  if (a.spendModel) await saveModel(join(dir, "gamma-gamma.json"), a.spendModel);
  await writeTable(join(dir, "scores.csv"), scoreColumns(a.scores));
  await writeFile(join(dir, "ingestion.json"), `${JSON.stringify(a.ingestion, null, 2)}\n`);
  progress.done();
  if (flags.json) printJson(ctx.io, analysisResult(a, dir));
  else printDigest(ctx.io, a, dir);
  return a;
}

/** The JSON object `analyze --json` prints. */
export function analysisResult(a: Analysis, dir: string) {
  return {
    ingestion: a.ingestion,
    end: a.end,
    unit: a.summary.unit,
    excludedAfterEnd: a.excludedAfterEnd,
    facts: a.facts,
    purchaseModel: fitResult(a.purchaseModel),
    spendModel: a.spendModel ? fitResult(a.spendModel) : null,
    scoring: a.scores.meta,
    topCustomers: topCustomers(a, 10),
    outputDir: dir,
  };
}

function topCustomers(a: Analysis, k: number) {
  const s = a.scores;
  const key = s.clv ?? s.expectedPurchases;
  const order = Array.from(s.ids.keys()).sort((i, j) => key[j] - key[i] || (s.ids[i] < s.ids[j] ? -1 : 1));
  return order.slice(0, k).map((i) => ({
    customer_id: s.ids[i],
    frequency: a.summary.frequency[i],
    recency: a.summary.recency[i],
    T: a.summary.T[i],
    expected_purchases: s.expectedPurchases[i],
    p_alive: s.pAlive[i],
    clv: s.clv ? s.clv[i] : null,
  }));
}

const fmt = (v: number, d = 2) => v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

function printDigest(io: CliIo, a: Analysis, dir: string): void {
  const f = a.facts;
  const ing = a.ingestion;
  const u = a.summary.unit;
  const lines: string[] = [];
  lines.push("loyal analysis");
  lines.push(
    `  rows read ${ing.rowsRead.toLocaleString("en-US")}: used ${ing.rowsUsed.toLocaleString("en-US")}, merged ${ing.rowsMerged.toLocaleString("en-US")}, quarantined ${ing.rowsQuarantined.toLocaleString("en-US")}`,
  );
  lines.push(
    `  customers ${f.customers.toLocaleString("en-US")}, repeat buyers ${f.repeatCustomers.toLocaleString("en-US")} (repeat rate ${(100 * f.repeatRate).toFixed(1)}%), calibration end ${a.end}, unit ${u}`,
  );
  const pm = a.purchaseModel;
  lines.push(
    `  ${pm.model}: ${Object.entries(pm.params)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(", ")}; log-likelihood ${pm.logLikelihood.toFixed(3)}`,
  );
  if (a.spendModel)
    lines.push(
      `  gamma-gamma: ${Object.entries(a.spendModel.params)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join(", ")}; log-likelihood ${a.spendModel.logLikelihood.toFixed(3)}`,
    );
  lines.push(
    `  expected purchases in the next ${fmt(a.scores.meta.horizon, 1)} ${u}s: ${fmt(f.totalExpectedPurchases, 1)}; mean P(alive) ${f.meanPAlive.toFixed(3)}`,
  );
  if (f.totalClv !== null)
    lines.push(
      `  total ${a.scores.meta.months}-month CLV (monthly discount ${a.scores.meta.discount}): ${fmt(f.totalClv)}`,
    );
  io.stdout(`${lines.join("\n")}\n\n`);
  const table = new Table({
    chars: COMPACT_CHARS,
    head: ["customer", "frequency", "recency", "T", "exp. purchases", "P(alive)", "CLV"],
    style: io.isTTY ? undefined : { head: [], border: [] },
  });
  for (const c of topCustomers(a, 10)) {
    table.push([
      c.customer_id,
      c.frequency,
      fmt(c.recency),
      fmt(c.T),
      fmt(c.expected_purchases),
      c.p_alive.toFixed(3),
      c.clv === null ? "" : fmt(c.clv),
    ]);
  }
  io.stdout(
    `top customers by ${a.scores.clv ? "CLV" : "expected purchases"}\n${table.toString()}\n\nwritten to ${dir}: summary.csv, ${pm.model}.json${a.spendModel ? ", gamma-gamma.json" : ""}, scores.csv, ingestion.json\n`,
  );
}

export function register(program: Command, ctx: CliContext): void {
  addAnalyzeOptions(
    addTransactionOptions(
      program
        .command("analyze")
        .description("the whole path: summarise, fit BG/NBD + Gamma-Gamma, score and value every customer")
        .argument("<transactions...>", "transaction file(s), a directory or a glob"),
    ),
    "loyal-output",
  ).action(async (sources: string[], flags: AnalyzeFlags) => {
    await runAnalyze(ctx, sources, flags);
  });
}
