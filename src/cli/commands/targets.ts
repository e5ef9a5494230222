/**
 * `loyal targets <transactions>`: the retention target list, ranked by value at risk = predicted CLV × churn risk,
 * with reason codes, plain-language reasons, suggested actions and contact windows.
 */

import Table from "cli-table3";
import type { Command } from "commander";
import { LoyalError } from "../../errors.ts";
import { retentionTargetList } from "../../insights/targets.ts";
import { type CliContext, printJson } from "../context.ts";
import { COMPACT_CHARS } from "../table.ts";
import { addInsightOptions, f, type InsightFlags, loadInput, num, PLAIN, writeRows } from "./insight-common.ts";
import { addThresholdOptions, thresholds } from "./segments.ts";

interface TargetsFlags extends InsightFlags {
  top?: string;
  minValue?: string;
  currency: string;
  horizonDays: string;
  leadDays: string;
  windowDays: string;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("targets")
    .description("retention target list ranked by value at risk (predicted CLV x churn risk)")
    .argument("<transactions...>", "transaction file(s), directory or glob")
    .option("--top <n>", "keep the first n customers")
    .option("--min-value <x>", "keep customers whose value at risk is at least x")
    .option("--currency <symbol>", "currency symbol in the reasons", "$")
    .option("--horizon-days <d>", "prediction horizon in days", "365")
    .option("--lead-days <d>", "open the contact window this many days before the expected next order", "7")
    .option("--window-days <d>", "length of the contact window in days", "14");
  addThresholdOptions(cmd);
  addInsightOptions(cmd, true).action(async (sources: string[], flags: TargetsFlags) => {
    const input = await loadInput(ctx, sources, flags, true);
    if (!input.purchaseModel) throw new LoyalError("E_INTERNAL", "no purchase model");
    if (!input.spendModel)
      throw new LoyalError("E_USAGE", "targets need predicted CLV: give an --amount column (or --spend-model-file)");
    const top = num("--top", flags.top, 0);
    if (top !== undefined && !Number.isInteger(top))
      throw new LoyalError("E_USAGE", `--top must be a whole number, got '${flags.top}'`);
    const result = retentionTargetList(
      { purchases: input.purchases, summary: input.summary, model: input.purchaseModel, spendModel: input.spendModel },
      {
        endDay: input.endDay,
        horizonDays: num("--horizon-days", flags.horizonDays, 1),
        top,
        minValue: num("--min-value", flags.minValue, 0),
        currency: flags.currency,
        leadDays: num("--lead-days", flags.leadDays, 0),
        windowDays: num("--window-days", flags.windowDays, 1),
        ...thresholds(flags),
      },
    );
    if (flags.output) await writeRows(flags.output, result.targets);
    if (flags.json) {
      printJson(ctx.io, result);
      return;
    }
    ctx.io.stdout(
      `${result.targets.length} of ${result.meta.candidates} customers with value at risk as of ${result.meta.asOf}; total value at risk ${flags.currency}${f(result.meta.totalValueAtRisk)}\n${result.meta.definition}\n`,
    );
    const t = new Table({
      chars: COMPACT_CHARS,
      style: PLAIN,
      head: ["#", "customer", "value at risk", "pred. CLV", "P(alive)", "reason", "contact"],
      wordWrap: true,
      colWidths: [6, 14, 14, 12, 10, 60, 24],
    });
    for (const r of result.targets.slice(0, 20))
      t.push([
        r.rank,
        r.customerId,
        f(r.valueAtRisk),
        f(r.predictedClv),
        f(r.pAlive, 3),
        `${r.reasonCode}: ${r.reason}`,
        `${r.contactFrom}..${r.contactTo}`,
      ]);
    ctx.io.stdout(`${t.toString()}\n`);
    if (result.targets.length > 20) ctx.io.stdout(`(first 20 shown${flags.output ? "" : "; -o file.csv for all"})\n`);
    if (flags.output) ctx.io.stdout(`target list written to ${flags.output}\n`);
  });
}
