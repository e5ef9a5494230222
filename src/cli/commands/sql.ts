/**
 * `loyal sql`: prints the summary SQL (or the compressed-statistics SQL) for a named table and columns, for the user
 * to run in their own warehouse.
 */
import type { Command } from "commander";
import { compressedSql, type SqlDialect, summarySql } from "../../data/summary-sql.ts";
import { parseTimeUnit } from "../../data/time-unit.ts";
import { LoyalError } from "../../errors.ts";
import { type CliContext, printJson } from "../context.ts";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("sql")
    .description("print the per-customer summary SQL for a warehouse table (DuckDB or PostgreSQL dialect)")
    .requiredOption("--table <name>", "table or view (schema.table allowed)")
    .requiredOption("--customer <col>", "customer id column")
    .requiredOption("--date <col>", "purchase date or timestamp column")
    .requiredOption("--end <date>", "calibration end YYYY-MM-DD")
    .option("--amount <col>", "amount column (adds monetary_value)")
    .option("--holdout-end <date>", "holdout end YYYY-MM-DD (adds holdout columns)")
    .option("--unit <unit>", "time unit: day, week, month or year", "week")
    .option("--dialect <name>", "duckdb or postgres", "duckdb")
    .option("--compressed", "the compressed statistics (frequency, recency, T, weight) instead of one row per customer")
    .option("--json", "print {dialect, sql} as one JSON object")
    .action(
      (flags: {
        table: string;
        customer: string;
        date: string;
        end: string;
        amount?: string;
        holdoutEnd?: string;
        unit: string;
        dialect: string;
        compressed?: boolean;
        json?: boolean;
      }) => {
        if (flags.dialect !== "duckdb" && flags.dialect !== "postgres")
          throw new LoyalError("E_USAGE", `--dialect must be duckdb or postgres, got '${flags.dialect}'`);
        const options = {
          dialect: flags.dialect as SqlDialect,
          table: flags.table,
          customer: flags.customer,
          date: flags.date,
          amount: flags.amount,
          end: flags.end,
          holdoutEnd: flags.holdoutEnd,
          unit: parseTimeUnit(flags.unit),
        };
        const sql = flags.compressed ? compressedSql(options) : summarySql(options);
        if (flags.json) printJson(ctx.io, { dialect: flags.dialect, compressed: Boolean(flags.compressed), sql });
        else ctx.io.stdout(`${sql.trimEnd()};\n`);
      },
    );
}
