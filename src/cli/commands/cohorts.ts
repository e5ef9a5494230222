/**
 * `loyal cohorts <transactions>`: first-purchase-month cohorts (retention triangle, revenue), repeat purchase
 * rates, time to second purchase, customers by number of orders, repeat vs one-time buyers.
 */

import Table from "cli-table3";
import type { Command } from "commander";
import { cohortReport } from "../../insights/cohorts.ts";
import { type CliContext, printJson } from "../context.ts";
import { COMPACT_CHARS } from "../table.ts";
import { addInsightOptions, f, type InsightFlags, loadInput, num, PLAIN, writeRows } from "./insight-common.ts";

interface CohortFlags extends InsightFlags {
  repeatWindow: string;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("cohorts")
    .description("cohort retention triangle, revenue per cohort, repeat purchase rates and order distributions")
    .argument("<transactions...>", "transaction file(s), directory or glob")
    .option("--repeat-window <days>", "window for the windowed repeat purchase rate", "90");
  addInsightOptions(cmd, false).action(async (sources: string[], flags: CohortFlags) => {
    const input = await loadInput(ctx, sources, flags, false);
    const result = cohortReport(input.purchases, {
      endDay: input.endDay,
      repeatWindowDays: num("--repeat-window", flags.repeatWindow, 1),
    });
    if (flags.output)
      await writeRows(
        flags.output,
        result.cohorts.flatMap((c) =>
          c.active.map((a, k) => ({
            cohort: c.cohort,
            month: k,
            customers: c.customers,
            active: a,
            retention: c.retention[k],
            revenue: c.revenue[k],
            cumulativeRevenuePerCustomer: c.cumulativeRevenuePerCustomer[k],
          })),
        ),
      );
    if (flags.json) {
      printJson(ctx.io, result);
      return;
    }
    const o = result.overall;
    ctx.io.stdout(
      `${o.customers} customers, ${o.orders} orders, revenue ${f(o.revenue)} up to ${result.meta.asOf}; repeat purchase rate ${f(100 * o.repeatRate, 1)}% (${f(o.repeatRateWithinWindow === null ? null : 100 * o.repeatRateWithinWindow, 1)}% within ${result.meta.repeatWindowDays} days)\n`,
    );
    const maxK = Math.min(12, Math.max(...result.cohorts.map((c) => c.active.length)));
    const t = new Table({
      chars: COMPACT_CHARS,
      style: PLAIN,
      head: ["cohort", "customers", ...Array.from({ length: maxK }, (_, k) => `M${k}`)],
    });
    for (const c of result.cohorts)
      t.push([
        c.cohort,
        c.customers,
        ...Array.from({ length: maxK }, (_, k) => (k < c.retention.length ? `${f(100 * c.retention[k], 1)}%` : "")),
      ]);
    ctx.io.stdout(`retention triangle (share of the cohort with an order in month k):\n${t.toString()}\n`);
    const s = result.timeToSecondPurchase;
    ctx.io.stdout(
      `time to second purchase (days): n ${s.count}, median ${f(s.median, 0)}, p25 ${f(s.p25, 0)}, p75 ${f(s.p75, 0)}, mean ${f(s.mean, 1)}\n`,
    );
    const { oneTime, repeat } = result.repeatVsOneTime;
    const g = new Table({
      chars: COMPACT_CHARS,
      style: PLAIN,
      head: ["", "customers", "orders/customer", "AOV", "revenue share"],
    });
    g.push([
      "one-time",
      oneTime.customers,
      f(oneTime.ordersPerCustomer),
      f(oneTime.aov),
      `${f(oneTime.revenueShare === null ? null : 100 * oneTime.revenueShare, 1)}%`,
    ]);
    g.push([
      "repeat",
      repeat.customers,
      f(repeat.ordersPerCustomer),
      f(repeat.aov),
      `${f(repeat.revenueShare === null ? null : 100 * repeat.revenueShare, 1)}%`,
    ]);
    ctx.io.stdout(`${g.toString()}\n`);
    if (flags.output) ctx.io.stdout(`cohort table written to ${flags.output}\n`);
  });
}
