/**
 * `loyal profile <transactions>`: every customer's loyalty profile (historic and predicted value, P(alive), churn
 * risk and tier, expected next order, percentile ranks, spend tier).
 */

import Table from "cli-table3";
import type { Command } from "commander";
import { LoyalError } from "../../errors.ts";
import { customerProfiles } from "../../insights/profile.ts";
import { type CliContext, printJson } from "../context.ts";
import { COMPACT_CHARS } from "../table.ts";
import { addInsightOptions, f, type InsightFlags, loadInput, num, PLAIN, pair, writeRows } from "./insight-common.ts";

interface ProfileFlags extends InsightFlags {
  horizonDays: string;
  churnCutoffs?: string;
  spendTierCutoffs?: string;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("profile")
    .description("per-customer loyalty profile: value, P(alive), churn risk, next order, ranks")
    .argument("<transactions...>", "transaction file(s), directory or glob")
    .option("--horizon-days <d>", "prediction horizon in days", "365")
    .option("--churn-cutoffs <low,high>", "churn-risk tier cut-offs (LOW < low <= MEDIUM < high <= HIGH)", "0.3,0.6")
    .option("--spend-tier-cutoffs <low,high>", "historic-value percentile cut-offs of the spend tier", "40,80");
  addInsightOptions(cmd, true).action(async (sources: string[], flags: ProfileFlags) => {
    const input = await loadInput(ctx, sources, flags, true);
    if (!input.purchaseModel) throw new LoyalError("E_INTERNAL", "no purchase model");
    const result = customerProfiles(
      { purchases: input.purchases, summary: input.summary, model: input.purchaseModel, spendModel: input.spendModel },
      {
        endDay: input.endDay,
        horizonDays: num("--horizon-days", flags.horizonDays, 1),
        churnCutoffs: pair("--churn-cutoffs", flags.churnCutoffs, 0, 1),
        spendTierCutoffs: pair("--spend-tier-cutoffs", flags.spendTierCutoffs, 0, 100),
      },
    );
    if (flags.output) await writeRows(flags.output, result.customers);
    if (flags.json) {
      printJson(ctx.io, result);
      return;
    }
    const rows = result.customers;
    const count = (k: "churnRiskTier" | "spendTier", v: string) => rows.filter((r) => r[k] === v).length;
    const sum = (k: "predictedClv" | "historicClv" | "predictedOrders") => rows.reduce((s, r) => s + (r[k] ?? 0), 0);
    ctx.io.stdout(
      `${rows.length} customers as of ${result.meta.asOf} (${result.meta.model}${result.meta.spendModel ? ` + ${result.meta.spendModel}` : ""}, horizon ${result.meta.horizonDays} days)\n`,
    );
    const t = new Table({ chars: COMPACT_CHARS, style: PLAIN, head: ["", "LOW", "MEDIUM", "HIGH"] });
    t.push(["churn risk tier", ...["LOW", "MEDIUM", "HIGH"].map((v) => count("churnRiskTier", v))]);
    t.push(["spend tier", ...["LOW", "MEDIUM", "HIGH"].map((v) => count("spendTier", v))]);
    ctx.io.stdout(`${t.toString()}\n`);
    ctx.io.stdout(
      `historic value ${f(sum("historicClv"))}; predicted orders ${f(sum("predictedOrders"), 1)}; predicted CLV ${result.meta.spendModel ? f(sum("predictedClv")) : "- (no amounts)"}\n`,
    );
    const top = [...rows].sort((a, b) => (b.predictedClv ?? 0) - (a.predictedClv ?? 0)).slice(0, 10);
    const tt = new Table({
      chars: COMPACT_CHARS,
      style: PLAIN,
      head: ["customer", "orders", "historic", "pred. orders", "pred. CLV", "P(alive)", "risk tier", "next order"],
    });
    for (const r of top)
      tt.push([
        r.customerId,
        r.historicOrders,
        f(r.historicClv),
        f(r.predictedOrders),
        f(r.predictedClv),
        f(r.pAlive, 3),
        r.churnRiskTier,
        r.expectedNextOrderDate ?? "-",
      ]);
    ctx.io.stdout(`top 10 by predicted CLV:\n${tt.toString()}\n`);
    if (flags.output) ctx.io.stdout(`profiles written to ${flags.output}\n`);
  });
}
