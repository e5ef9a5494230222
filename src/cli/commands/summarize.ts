/**
 * `loyal summarize <transactions>`: per-customer summaries (and the ingestion report) from a transaction file.
 */
import type { Command } from "commander";
import { summarizeFile } from "../../data/summarize-file.ts";
import { writeSummaryCsv, writeSummaryParquet } from "../../data/summary-io.ts";
import { type CliContext, printJson } from "../context.ts";
import { createProgress } from "../progress.ts";
import { addTransactionOptions, type TransactionFlags, toSummarizeOptions } from "../transaction-options.ts";

export function register(program: Command, ctx: CliContext): void {
  addTransactionOptions(
    program
      .command("summarize")
      .description("build per-customer summaries (frequency, recency, T, monetary value) from transactions")
      .argument("<transactions...>", "CSV/TSV/Parquet/NDJSON file(s), a directory or a glob"),
  )
    .option("-o, --output <file>", "summary output (.csv or .parquet)")
    .option("--json", "print the ingestion report and summary facts as one JSON object")
    .action(async (sources: string[], flags: TransactionFlags & { output?: string; json?: boolean }) => {
      const progress = createProgress(ctx.io);
      progress.step(`summarising ${sources.join(", ")}`);
      const r = await summarizeFile(sources.length === 1 ? sources[0] : sources, toSummarizeOptions(flags));
      if (flags.output) {
        progress.step(`writing ${flags.output}`);
        if (flags.output.toLowerCase().endsWith(".parquet")) await writeSummaryParquet(flags.output, r.summary);
        else await writeSummaryCsv(flags.output, r.summary);
      }
      progress.done();
      const result = summarizeResult(r, flags.output);
      if (flags.json) printJson(ctx.io, result);
      else {
        const ing = r.ingestion;
        ctx.io.stdout(
          `${result.customers} customers (${result.repeatCustomers} repeat buyers), calibration end ${r.end}, unit ${r.summary.unit}\n` +
            `rows read ${ing.rowsRead}: used ${ing.rowsUsed}, merged ${ing.rowsMerged}, quarantined ${ing.rowsQuarantined}` +
            `${r.excludedAfterEnd ? `; ${r.excludedAfterEnd} customers start after the end (excluded)` : ""}\n` +
            (flags.output ? `summary written to ${flags.output}\n` : ""),
        );
      }
    });
}

/** The JSON object `summarize --json` prints. */
export function summarizeResult(r: Awaited<ReturnType<typeof summarizeFile>>, output?: string) {
  const s = r.summary;
  let repeat = 0;
  let sumF = 0;
  for (let i = 0; i < s.frequency.length; i++) {
    sumF += s.frequency[i];
    if (s.frequency[i] > 0) repeat++;
  }
  return {
    ingestion: r.ingestion,
    end: r.end,
    unit: s.unit,
    customers: s.ids.length,
    repeatCustomers: repeat,
    totalRepeatPurchases: sumF,
    excludedAfterEnd: r.excludedAfterEnd,
    holdout: s.holdout !== undefined,
    output: output ?? null,
  };
}
