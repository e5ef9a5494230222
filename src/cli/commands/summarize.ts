/**
 * `loyal summarize <transactions>`: per-customer summaries (and the ingestion report) from a transaction file.
 */
import type { Command } from "commander";
import { summarizeFromPostgres } from "../../data/postgres.ts";
import { summarizeFile } from "../../data/summarize-file.ts";
import { writeSummaryCsv, writeSummaryParquet } from "../../data/summary-io.ts";
import { LoyalError } from "../../errors.ts";
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
    .option(
      "--from <url>",
      "run the summary on a live PostgreSQL (postgres://...) instead of reading files: the argument is then the table",
    )
    .option("-o, --output <file>", "summary output (.csv or .parquet)")
    .option("--json", "print the ingestion report and summary facts as one JSON object")
    .action(async (sources: string[], flags: TransactionFlags & { from?: string; output?: string; json?: boolean }) => {
      const progress = createProgress(ctx.io);
      if (flags.from) progress.step(`summarising ${sources.join(", ")} on the server`);
      const r = flags.from
        ? await fromPostgres(flags.from, sources, flags)
        : await summarizeFile(sources.length === 1 ? sources[0] : sources, {
            ...toSummarizeOptions(flags),
            onProgress: progress.listener(),
          });
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

/** `summarize TABLE --from postgres://...`: the summary runs on the server; only the summary comes back. */
async function fromPostgres(
  url: string,
  sources: string[],
  flags: TransactionFlags,
): Promise<Awaited<ReturnType<typeof summarizeFile>>> {
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new LoyalError("E_USAGE", `--from takes a postgres:// or postgresql:// URL, got '${url}'`);
  if (sources.length !== 1) throw new LoyalError("E_USAGE", "with --from, give exactly one table name");
  const o = toSummarizeOptions(flags);
  // the server-side summary reads customer, date and amount only: a setting that would change the numbers (from a
  // flag or a shared --config file) is refused rather than silently ignored
  const unsupported = [
    o.order !== undefined && "order",
    o.excludeStatus?.length && "excludeStatus",
    o.excludeCustomers?.length && "excludeCustomers",
    o.currencyRates !== undefined && "currencyRates",
    // several currencies would be summed as one; the file path refuses them (or converts them with rates)
    o.currency !== undefined && "currency column",
    o.tz !== undefined && o.tz !== "UTC" && "tz",
  ].filter((s): s is string => typeof s === "string");
  if (unsupported.length > 0)
    throw new LoyalError(
      "E_USAGE",
      `with --from, these settings cannot be applied on the server: ${unsupported.join(", ")} (from the flags or --config)`,
    );
  if (!o.customer || !o.date) throw new LoyalError("E_USAGE", "with --from, name the --customer and --date columns");
  if (!o.end) throw new LoyalError("E_USAGE", "with --from, give the calibration --end");
  const r = await summarizeFromPostgres(url, {
    table: sources[0],
    customer: o.customer,
    date: o.date,
    amount: o.amount,
    end: o.end,
    holdoutEnd: o.holdoutEnd,
    unit: o.unit,
  });
  const rows = r.customersSeen;
  return {
    ...r,
    end: o.end,
    // Nothing was read row by row here: the warehouse did the work, and the report says so.
    ingestion: {
      rowsRead: 0,
      rowsUsed: 0,
      rowsMerged: 0,
      rowsQuarantined: 0,
      rowsExcludedStatus: 0,
      rowsExcludedCustomer: 0,
      rowsDuplicate: 0,
      rowsRefunded: 0,
      byReason: {},
      columns: { customer: o.customer, date: o.date, amount: o.amount, detected: [] },
      files: [`${sources[0]} (PostgreSQL, ${rows} customers)`],
    },
  };
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
