/**
 * `loyal whatif <transactions>`: retention economics. Lowers the fitted model's dropout by stated fractions and
 * reports the change in expected purchases and CLV; with --margin and --retention also the margin multiple.
 */

import Table from "cli-table3";
import type { Command } from "commander";
import { LoyalError } from "../../errors.ts";
import { retentionWhatIf } from "../../insights/whatif.ts";
import { type CliContext, printJson } from "../context.ts";
import { COMPACT_CHARS } from "../table.ts";
import {
  addInsightOptions,
  f,
  type InsightFlags,
  loadInput,
  num,
  numList,
  PLAIN,
  writeRows,
} from "./insight-common.ts";

interface WhatIfFlags extends InsightFlags {
  reduction: string;
  months: string;
  discount: string;
  margin?: string;
  retention?: string;
  discountRate: string;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("whatif")
    .description("retention economics: expected purchases and CLV when dropout falls; margin multiple")
    .argument("<transactions...>", "transaction file(s), directory or glob")
    .option("--reduction <k,...>", "dropout reductions (fractions in [0, 1))", "0.05,0.1,0.2,0.3")
    .option("--months <n>", "horizon in months", "12")
    .option("--discount <rate>", "monthly discount rate of the CLV", "0.01")
    .option("--margin <m>", "margin multiple: margin per period")
    .option("--retention <r>", "margin multiple: retention rate per period")
    .option("--discount-rate <i>", "margin multiple: discount rate per period", "0.1");
  addInsightOptions(cmd, true).action(async (sources: string[], flags: WhatIfFlags) => {
    const input = await loadInput(ctx, sources, flags, true);
    if (!input.purchaseModel) throw new LoyalError("E_INTERNAL", "no purchase model");
    const months = num("--months", flags.months, 0);
    if (!Number.isInteger(months))
      throw new LoyalError("E_USAGE", `--months must be a whole number, got '${flags.months}'`);
    const result = retentionWhatIf(input.purchaseModel, input.summary, {
      reductions: numList("--reduction", flags.reduction, 0, 0.999999),
      spendModel: input.spendModel,
      months,
      discount: num("--discount", flags.discount, -0.999999),
      margin: num("--margin", flags.margin),
      retention: num("--retention", flags.retention, 0, 0.999999),
      discountRate: num("--discount-rate", flags.discountRate, -0.999999),
    });
    if (flags.output)
      await writeRows(
        flags.output,
        [result.baseline, ...result.scenarios].map(({ params, ...r }) => ({ ...r, params: JSON.stringify(params) })),
      );
    if (flags.json) {
      printJson(ctx.io, result);
      return;
    }
    ctx.io.stdout(
      `${result.meta.customers} customers, ${result.meta.model}, ${result.meta.months} months\n${result.meta.transformation}\n`,
    );
    const t = new Table({
      chars: COMPACT_CHARS,
      style: PLAIN,
      head: ["dropout cut", "mean dropout", "exp. purchases", "change", "CLV", "change"],
    });
    for (const s of [result.baseline, ...result.scenarios])
      t.push([
        `${f(100 * s.reduction, 0)}%`,
        f(s.meanDropout, 4),
        f(s.expectedPurchases, 1),
        `${f(s.deltaPurchasesPct, 2)}%`,
        f(s.clv),
        s.deltaClvPct === null ? "-" : `${f(s.deltaClvPct, 2)}%`,
      ]);
    ctx.io.stdout(`${t.toString()}\n`);
    const mm = result.marginMultiple;
    if (mm) {
      ctx.io.stdout(
        `margin multiple ${mm.formula}\n  r ${f(mm.retention, 3)}: ${f(mm.value)}${mm.scenarios.map((s) => `; r ${f(s.retention, 3)}: ${f(s.value)}`).join("")}\n  caveat: ${mm.caveat}\n`,
      );
    }
    if (flags.output) ctx.io.stdout(`scenarios written to ${flags.output}\n`);
  });
}
