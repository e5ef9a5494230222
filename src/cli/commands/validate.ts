/**
 * `loyal validate <transactions> --end CAL_END --holdout-end DATE`: fits on the calibration period and compares
 * predicted with actual holdout purchases (totals, per customer, by calibration frequency, tracking series).
 */

import Table from "cli-table3";
import type { Command } from "commander";
import { LoyalError } from "../../errors.ts";
import { validateHoldout } from "../../insights/validate.ts";
import { type CliContext, printJson } from "../context.ts";
import { COMPACT_CHARS } from "../table.ts";
import { toSummarizeOptions } from "../transaction-options.ts";
import {
  addInsightOptions,
  f,
  type InsightFlags,
  loadInput,
  num,
  PENALIZER_HELP,
  PLAIN,
  parsePenalizer,
  writeRows,
} from "./insight-common.ts";

interface ValidateFlags extends InsightFlags {
  trackingDays: string;
  maxFrequency: string;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("validate")
    .description("calibration/holdout validation: predicted vs actual holdout purchases, by frequency, tracking")
    .argument("<transactions...>", "transaction file(s), directory or glob")
    .option("--tracking-days <d>", "length of a tracking period in days", "7")
    .option("--max-frequency <k>", "frequency bins 0..k-1 and k+", "7");
  addInsightOptions(cmd, false)
    .option("--model <name|all>", "purchase model to validate, or all", "bg-nbd")
    .option("--penalizer <x>", PENALIZER_HELP, "0")
    .action(async (sources: string[], flags: ValidateFlags) => {
      const periods = toSummarizeOptions(flags);
      if (!periods.end) throw new LoyalError("E_USAGE", "validate needs --end (the calibration end)");
      if (!periods.holdoutEnd) throw new LoyalError("E_USAGE", "validate needs --holdout-end");
      const input = await loadInput(ctx, sources, flags, false);
      const model = flags.model ?? "bg-nbd";
      const report = validateHoldout(
        { summary: input.summary, purchases: input.purchases },
        model === "all" ? "all" : model.split(",").map((s) => s.trim()),
        {
          trackingPeriodDays: num("--tracking-days", flags.trackingDays, 1),
          maxFrequencyBin: num("--max-frequency", flags.maxFrequency, 1),
          penalizer: parsePenalizer(flags.penalizer),
        },
      );
      if (flags.output)
        await writeRows(
          flags.output,
          report.models.flatMap((m) => (m.tracking ?? []).map((p) => ({ model: m.model, ...p }))),
        );
      if (flags.json) {
        printJson(ctx.io, report);
        return;
      }
      const m = report.meta;
      ctx.io.stdout(
        `${m.customers} customers; calibration to ${m.calibrationEnd}, holdout to ${m.holdoutEnd} (${m.unit}s)\n`,
      );
      const t = new Table({
        chars: COMPACT_CHARS,
        style: PLAIN,
        head: ["model", "actual holdout", "expected", "error %", "MAE", "RMSE", "corr."],
      });
      for (const r of report.models)
        t.push([
          r.model,
          r.actualTotal,
          f(r.expectedTotal, 1),
          f((100 * (r.expectedTotal - r.actualTotal)) / r.actualTotal, 1),
          f(r.perCustomer.mae, 3),
          f(r.perCustomer.rmse, 3),
          f(r.perCustomer.correlation, 3),
        ]);
      ctx.io.stdout(`${t.toString()}\n`);
      const b = new Table({
        chars: COMPACT_CHARS,
        style: PLAIN,
        head: ["calibration x", "customers", "actual mean", ...report.models.map((r) => `${r.model} mean`)],
      });
      report.models[0].byFrequency.forEach((bin, k) =>
        b.push([
          bin.frequency,
          bin.customers,
          f(bin.actualMean, 3),
          ...report.models.map((r) => f(r.byFrequency[k].expectedMean, 3)),
        ]),
      );
      ctx.io.stdout(`holdout purchases per customer by calibration frequency:\n${b.toString()}\n`);
      if (!report.checks.ok) ctx.io.stdout(`data sufficiency: ${report.checks.warnings.join("; ")}\n`);
      if (flags.output) ctx.io.stdout(`tracking series written to ${flags.output}\n`);
    });
}
