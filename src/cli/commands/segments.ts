/**
 * `loyal segments <transactions>`: RFM segments (5x5 grid, 125-cell table, optional JSON mapping) and model-based
 * loyalty segments (lost, can't lose, overdue, second purchase due).
 */

import { readFile } from "node:fs/promises";
import Table from "cli-table3";
import type { Command } from "commander";
import { LoyalError } from "../../errors.ts";
import type { RfmMapping, SegmentSummary } from "../../insights/rfm.ts";
import { loyaltySegments } from "../../insights/segments.ts";
import { type CliContext, printJson } from "../context.ts";
import { COMPACT_CHARS } from "../table.ts";
import { addInsightOptions, f, type InsightFlags, loadInput, num, PLAIN, writeRows } from "./insight-common.ts";

interface SegmentsFlags extends InsightFlags {
  mapping?: string;
  rfmOnly?: boolean;
  lostBelow?: string;
  cantLoseBelow?: string;
  valuableTopShare?: string;
  overdueFactor?: string;
  secondPurchaseQuantile?: string;
  newCustomerDays?: string;
  horizonDays: string;
}

/** Adds the model-segment threshold options (shared with targets). */
export function addThresholdOptions(cmd: Command): Command {
  return cmd
    .option("--lost-below <p>", "P(alive) below which a customer is lost", "0.2")
    .option("--cant-lose-below <p>", "P(alive) below which a valuable customer is can't-lose", "0.5")
    .option("--valuable-top-share <s>", "share of customers (by historic value) counted as valuable", "0.2")
    .option("--overdue-factor <k>", "overdue when days since last order > k x own mean days between orders", "2")
    .option(
      "--second-purchase-quantile <q>",
      "quantile of observed first-to-second order gaps used as the window",
      "0.8",
    )
    .option("--new-customer-days <d>", "one-order customers count as new up to this many days", "180");
}

/** Parses the threshold options. */
export function thresholds(flags: SegmentsFlags) {
  return {
    lostBelow: num("--lost-below", flags.lostBelow, 0, 1),
    cantLoseBelow: num("--cant-lose-below", flags.cantLoseBelow, 0, 1),
    valuableTopShare: num("--valuable-top-share", flags.valuableTopShare, 0, 1),
    overdueFactor: num("--overdue-factor", flags.overdueFactor, 0),
    secondPurchaseQuantile: num("--second-purchase-quantile", flags.secondPurchaseQuantile, 0, 1),
    newCustomerDays: num("--new-customer-days", flags.newCustomerDays, 0),
  };
}

async function readMapping(file: string): Promise<RfmMapping> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new LoyalError("E_IO", `cannot read the mapping: ${(e as Error).message}`, { file });
  }
  try {
    const m = JSON.parse(text) as RfmMapping;
    if (typeof m !== "object" || m === null || Array.isArray(m)) throw new Error("not an object");
    return m;
  } catch (e) {
    throw new LoyalError("E_INPUT", `invalid mapping JSON: ${(e as Error).message}`, { file });
  }
}

function segmentTable(rows: SegmentSummary[]): string {
  const t = new Table({
    chars: COMPACT_CHARS,
    style: PLAIN,
    head: ["segment", "customers", "share", "revenue", "rev. share", "AOV", "med. R days", "med. F", "pred. CLV"],
  });
  for (const s of rows)
    t.push([
      s.name,
      s.customers,
      f(100 * s.share, 1),
      f(s.revenue),
      s.revenueShare === null ? "-" : f(100 * s.revenueShare, 1),
      f(s.aov),
      f(s.medianRecencyDays, 0),
      f(s.medianFrequency, 0),
      f(s.predictedClv),
    ]);
  return t.toString();
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("segments")
    .description("RFM segments (5x5 grid and 125-cell table) and model-based loyalty segments")
    .argument("<transactions...>", "transaction file(s), directory or glob")
    .option(
      "--mapping <file.json>",
      'override RFM cells: {"rf": {"11": "lost"}, "rfm": {"lost": ["111"]}, "actions": {...}}',
    )
    .option("--rfm-only", "skip the model (no model-based segments, no predicted CLV)")
    .option("--horizon-days <d>", "prediction horizon in days for predicted CLV", "365");
  addThresholdOptions(cmd);
  addInsightOptions(cmd, true).action(async (sources: string[], flags: SegmentsFlags) => {
    const mapping = flags.mapping ? await readMapping(flags.mapping) : undefined;
    const input = await loadInput(ctx, sources, flags, !flags.rfmOnly);
    const result = loyaltySegments(
      { purchases: input.purchases, summary: input.summary, model: input.purchaseModel, spendModel: input.spendModel },
      { endDay: input.endDay, mapping, horizonDays: num("--horizon-days", flags.horizonDays, 1), ...thresholds(flags) },
    );
    if (flags.output) {
      const model = new Map(result.model?.customers.map((c) => [c.customerId, c.segment]) ?? []);
      await writeRows(
        flags.output,
        result.rfm.customers.map((c) => ({ ...c, modelSegment: model.get(c.customerId) ?? null })),
      );
    }
    if (flags.json) {
      printJson(ctx.io, result);
      return;
    }
    ctx.io.stdout(
      `${result.rfm.meta.customers} customers as of ${result.rfm.meta.asOf}\n\nRFM 5x5 recency x frequency grid:\n${segmentTable(result.rfm.gridSegments)}\n`,
    );
    if (result.rfm.tableSegments) ctx.io.stdout(`\nRFM 125-cell table:\n${segmentTable(result.rfm.tableSegments)}\n`);
    if (result.model) {
      const t = new Table({
        chars: COMPACT_CHARS,
        style: PLAIN,
        head: ["model segment", "customers", "share", "pred. CLV", "definition"],
      });
      for (const s of result.model.segments)
        t.push([
          s.segment,
          s.customers,
          f(100 * s.share, 1),
          f(s.predictedClv),
          result.model.meta.definitions[s.segment],
        ]);
      ctx.io.stdout(
        `\nmodel-based segments (first match in ${result.model.meta.precedence.join(" > ")}):\n${t.toString()}\n`,
      );
    }
    if (flags.output) ctx.io.stdout(`per-customer segments written to ${flags.output}\n`);
  });
}
