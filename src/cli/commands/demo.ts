/**
 * `loyal demo`: analyze on the bundled CDNOW master data (23,570 customers, calibration end 1997-09-30, weeks).
 */
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { type AnalyzeFlags, addAnalyzeOptions, runAnalyze } from "./analyze.ts";

/**
 * Path of a bundled dataset: `datasets/` of the package, found from this module whether it runs from the sources
 * (src/cli/commands/) or compiled (dist/src/cli/commands/).
 */
export function datasetPath(name: string): string {
  const compiled = import.meta.url.endsWith(".js");
  return fileURLToPath(new URL(`${compiled ? "../" : ""}../../../datasets/${name}`, import.meta.url));
}

export function register(program: Command, ctx: CliContext): void {
  addAnalyzeOptions(
    program.command("demo").description("analyze the bundled CDNOW data (calibration to 1997-09-30, in weeks)"),
    "loyal-demo",
  ).action(async (flags: AnalyzeFlags) => {
    await runAnalyze(ctx, [datasetPath("CDNOW_master.txt")], {
      ...flags,
      columns: "customer_id,date,cds,amount",
      customer: "customer_id",
      date: "date",
      amount: "amount",
      delimiter: "whitespace",
      end: "1997-09-30",
      unit: "week",
      tz: "UTC",
    });
  });
}
