/**
 * The options every command that reads a transaction file shares, and their translation to library options.
 * A `--config` JSON file (data/ingest/config.ts) can hold any of them; a flag given on the command line wins over
 * the file, and the file over the defaults.
 */
import type { Command } from "commander";
import { loadTransactionConfig, readIdList, type TransactionConfig } from "../data/ingest/config.ts";
import type { SummarizeFileOptions } from "../data/summarize-file.ts";
import { parseTimeUnit } from "../data/time-unit.ts";

/** Adds the transaction-file options to a command. */
export function addTransactionOptions(cmd: Command): Command {
  return cmd
    .option("--config <file>", "JSON file with any of these settings (columns, cleaning, periods); flags win over it")
    .option("--customer <col>", "customer id column (auto-detected when absent)")
    .option("--date <col>", "purchase date column (auto-detected when absent)")
    .option("--amount <col>", "purchase amount column")
    .option("--order <col>", "order id column: rows of one order are one purchase")
    .option("--status <col>", "order status column")
    .option("--currency-column <col>", "currency column: amounts in more than one currency are an error")
    .option("--currency-rates <file>", "CSV currency,rate (or date,currency,rate): convert amounts into one currency")
    .option("--exclude-status <values>", "comma-separated status values to drop (e.g. cancelled,test)")
    .option("--exclude-customers <ids>", "comma-separated customer ids to drop")
    .option("--exclude-customers-file <file>", "file of customer ids to drop, one per line (# comments allowed)")
    .option("--columns <names>", "comma-separated column names for a file without a header")
    .option("--header", "line 1 is a header (default: detected)")
    .option("--no-header", "line 1 is data, not a header")
    .option("--delimiter <d>", "field delimiter (default: detected; 'whitespace' for runs of spaces)")
    .option("--date-format <fmt>", "strptime format of the dates (default: YYYYMMDD, ISO dates and timestamps)")
    .option("--tz <zone>", "time zone of timestamps without an offset (default: UTC)")
    .option("--quarantine <file>", "write rejected rows with their reasons to this CSV")
    .option("--strict", "fail when any row is rejected")
    .option("--no-strict", "do not fail on rejected rows (overrides a config's strict: true)")
    .option("--end <date>", "calibration end YYYY-MM-DD (default: the last purchase day)")
    .option("--holdout-end <date>", "holdout end YYYY-MM-DD: adds holdout columns")
    .option("--unit <unit>", "time unit: day, week, month or year (default: week)");
}

export interface TransactionFlags {
  config?: string;
  customer?: string;
  date?: string;
  amount?: string;
  order?: string;
  status?: string;
  currencyColumn?: string;
  currencyRates?: string;
  excludeStatus?: string;
  excludeCustomers?: string;
  excludeCustomersFile?: string;
  columns?: string;
  header?: boolean;
  delimiter?: string;
  dateFormat?: string;
  tz?: string;
  quarantine?: string;
  strict?: boolean;
  end?: string;
  holdoutEnd?: string;
  unit?: string;
}

const list = (s?: string) =>
  s
    ?.split(",")
    .map((v) => v.trim())
    .filter(Boolean);

/** The union of the lists given (undefined when none is). */
function union(...lists: (string[] | undefined)[]): string[] | undefined {
  const given = lists.filter((l) => l !== undefined);
  return given.length ? [...new Set(given.flat())] : undefined;
}

/**
 * Translates parsed flags (and the `--config` file they name) into the library's options.
 * @throws LoyalError E_IO / E_USAGE for an unreadable or invalid config file or customer list
 */
export function toSummarizeOptions(f: TransactionFlags): SummarizeFileOptions {
  const c: TransactionConfig = f.config ? loadTransactionConfig(f.config) : {};
  const col = c.columns ?? {};
  const files = [c.excludeCustomersFile, f.excludeCustomersFile].filter((x) => x !== undefined);
  return {
    customer: f.customer ?? col.customer,
    date: f.date ?? col.date,
    amount: f.amount ?? col.amount,
    order: f.order ?? col.order,
    status: f.status ?? col.status,
    currency: f.currencyColumn ?? col.currency,
    currencyRates: f.currencyRates ?? c.currencyRates,
    excludeStatus: union(c.excludeStatus, list(f.excludeStatus)),
    excludeCustomers: union(c.excludeCustomers, list(f.excludeCustomers), ...files.map(readIdList)),
    columns: list(f.columns) ?? c.names,
    header: f.header ?? c.header,
    delimiter: f.delimiter ?? c.delimiter,
    dateFormat: f.dateFormat ?? c.dateFormat,
    tz: f.tz ?? c.tz ?? "UTC",
    quarantineFile: f.quarantine ?? c.quarantine,
    strict: f.strict ?? c.strict,
    end: f.end ?? c.end,
    holdoutEnd: f.holdoutEnd ?? c.holdoutEnd,
    unit: parseTimeUnit(f.unit ?? c.unit ?? "week"),
  };
}
