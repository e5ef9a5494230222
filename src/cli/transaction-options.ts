/**
 * The options every command that reads a transaction file shares, and their translation to library options.
 */
import type { Command } from "commander";
import type { SummarizeFileOptions } from "../data/summarize-file.ts";
import { parseTimeUnit } from "../data/time-unit.ts";

/** Adds the transaction-file options to a command. */
export function addTransactionOptions(cmd: Command): Command {
  return cmd
    .option("--customer <col>", "customer id column (auto-detected when absent)")
    .option("--date <col>", "purchase date column (auto-detected when absent)")
    .option("--amount <col>", "purchase amount column")
    .option("--order <col>", "order id column: rows of one order are one purchase")
    .option("--status <col>", "order status column")
    .option("--exclude-status <values>", "comma-separated status values to drop (e.g. cancelled,test)")
    .option("--exclude-customers <ids>", "comma-separated customer ids to drop")
    .option("--columns <names>", "comma-separated column names for a file without a header")
    .option("--delimiter <d>", "field delimiter (default: detected; 'whitespace' for runs of spaces)")
    .option("--date-format <fmt>", "strptime format of the dates (default: YYYYMMDD, ISO dates and timestamps)")
    .option("--tz <zone>", "time zone of timestamps without an offset", "UTC")
    .option("--quarantine <file>", "write rejected rows with their reasons to this CSV")
    .option("--strict", "fail when any row is rejected")
    .option("--end <date>", "calibration end YYYY-MM-DD (default: the last purchase day)")
    .option("--holdout-end <date>", "holdout end YYYY-MM-DD: adds holdout columns")
    .option("--unit <unit>", "time unit: day, week, month or year", "week");
}

export interface TransactionFlags {
  customer?: string;
  date?: string;
  amount?: string;
  order?: string;
  status?: string;
  excludeStatus?: string;
  excludeCustomers?: string;
  columns?: string;
  delimiter?: string;
  dateFormat?: string;
  tz?: string;
  quarantine?: string;
  strict?: boolean;
  end?: string;
  holdoutEnd?: string;
  unit: string;
}

const list = (s?: string) =>
  s
    ?.split(",")
    .map((v) => v.trim())
    .filter(Boolean);

/** Translates parsed flags into the library's options. */
export function toSummarizeOptions(f: TransactionFlags): SummarizeFileOptions {
  return {
    customer: f.customer,
    date: f.date,
    amount: f.amount,
    order: f.order,
    status: f.status,
    excludeStatus: list(f.excludeStatus),
    excludeCustomers: list(f.excludeCustomers),
    columns: list(f.columns),
    delimiter: f.delimiter,
    dateFormat: f.dateFormat,
    tz: f.tz,
    quarantineFile: f.quarantine,
    strict: f.strict,
    end: f.end,
    holdoutEnd: f.holdoutEnd,
    unit: parseTimeUnit(f.unit),
  };
}
