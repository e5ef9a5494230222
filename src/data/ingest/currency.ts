/**
 * Converting amounts in several currencies into one, with a table of rates: `currency,rate` (one rate per currency)
 * or `date,currency,rate` (the rate in force on a purchase's day is the latest one dated on or before it). An amount
 * in the reporting currency is the amount times its currency's rate. Without a table, several currencies are an
 * error (clean.ts); with one, every currency used needs a rate (else E_CURRENCY names the ones missing) and a row
 * without a currency is quarantined as `missing_currency`, since its amount cannot be converted.
 */
import { readFileSync } from "node:fs";
import { LoyalError } from "../../errors.ts";
import type { DuckDBConnection } from "../duckdb.ts";
import { run } from "./stage.ts";

/** One rate: currency code (upper case), the day it applies from (days since 1970-01-01; undefined: always), rate. */
export interface CurrencyRate {
  currency: string;
  day?: number;
  rate: number;
}

/** Rates as given to ingestion: a CSV file, or currency code → rate. */
export type CurrencyRates = string | Record<string, number>;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(ms);
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? ms / 86_400_000 : undefined;
}

function checkRate(rate: number, where: () => { file?: string; row?: number; column?: string }, text: string): void {
  if (!(Number.isFinite(rate) && rate > 0))
    throw new LoyalError("E_USAGE", `a rate must be a number > 0, got '${text}'`, where());
}

/**
 * Reads and checks a rate table.
 * @param rates a plain CSV file (comma-separated, fields may be quoted but hold no commas) with a header naming
 *   `currency` and `rate` (and optionally `date`, YYYY-MM-DD: then every row has one), or an object of currency → rate
 * @returns the rates, currency codes upper-cased
 * @throws LoyalError E_IO when the file cannot be read; E_USAGE naming the file, row and column of a bad value, a
 *   missing column, or a currency given twice (twice for one date)
 * @example parseCurrencyRates({ eur: 1, USD: 0.92 }) // => [{ currency: "EUR", rate: 1 }, { currency: "USD", rate: 0.92 }]
 */
export function parseCurrencyRates(rates: CurrencyRates): CurrencyRate[] {
  const out: CurrencyRate[] = [];
  if (typeof rates !== "string") {
    if (rates === null || typeof rates !== "object" || Array.isArray(rates))
      throw new LoyalError("E_USAGE", "currency rates must be a file name or an object of currency → rate");
    for (const [code, rate] of Object.entries(rates)) {
      checkRate(rate, () => ({ column: code }), String(rate));
      out.push({ currency: code.trim().toUpperCase(), rate });
    }
  } else {
    const file = rates;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new LoyalError("E_IO", `cannot read the currency rates: ${(e as NodeJS.ErrnoException).code ?? e}`, {
        file,
      });
    }
    const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
    const header = lines[0].split(",").map((h) =>
      h
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .toLowerCase(),
    );
    const col = (name: string) => header.indexOf(name);
    for (const need of ["currency", "rate"]) {
      if (col(need) < 0)
        throw new LoyalError("E_USAGE", `the header must name the columns currency and rate (and optionally date)`, {
          file,
          row: 1,
          column: need,
        });
    }
    const dated = col("date") >= 0;
    for (let i = 1; i < lines.length; i++) {
      if (lines[i].trim() === "") continue;
      const f = lines[i].split(",").map((v) => v.trim().replace(/^"(.*)"$/, "$1"));
      const where = (column: string) => () => ({ file, row: i + 1, column });
      const currency = (f[col("currency")] ?? "").toUpperCase();
      if (currency === "") throw new LoyalError("E_USAGE", "the currency is empty", where("currency")());
      const rateText = f[col("rate")] ?? "";
      const rate = rateText === "" ? Number.NaN : Number(rateText);
      checkRate(rate, where("rate"), rateText);
      let day: number | undefined;
      if (dated) {
        day = parseDay(f[col("date")] ?? "");
        if (day === undefined)
          throw new LoyalError("E_USAGE", `'${f[col("date")] ?? ""}' is not a date (use YYYY-MM-DD)`, where("date")());
      }
      out.push({ currency, rate, ...(day !== undefined && { day }) });
    }
  }
  const seen = new Set<string>();
  for (const r of out) {
    const key = `${r.currency}@${r.day ?? ""}`;
    if (seen.has(key))
      throw new LoyalError(
        "E_USAGE",
        `currency ${r.currency} has two rates${r.day !== undefined ? ` for ${new Date(r.day * 86_400_000).toISOString().slice(0, 10)}` : ""}`,
        typeof rates === "string" ? { file: rates } : undefined,
      );
    seen.add(key);
  }
  if (out.length === 0)
    throw new LoyalError(
      "E_USAGE",
      "the currency rate table is empty",
      typeof rates === "string" ? { file: rates } : undefined,
    );
  return out;
}

/**
 * Converts the usable rows of `stage` into the reporting currency: loads the rates, refuses currencies (or days)
 * without a rate, and creates the view `view` = `stage` with `amount` × rate.
 * @param conn the ingestion's connection
 * @param stage the staging view (every row; usable rows have `reason` and `excl` NULL and a currency)
 * @param view the name of the converted view to create
 * @param rates the rates (see parseCurrencyRates)
 * @param currencyColumn the currency column's name, for messages
 * @returns the number of usable rows per currency (upper case)
 * @throws LoyalError E_CURRENCY naming the currencies without a rate (with the first day lacking one, for dated rates)
 */
export async function convertCurrencies(
  conn: DuckDBConnection,
  stage: string,
  view: string,
  rates: CurrencyRate[],
  currencyColumn: string,
): Promise<Record<string, number>> {
  const dated = rates.some((r) => r.day !== undefined);
  // appended, not spelled out as VALUES: a table of daily rates has 100,000s of rows, which SQL parses slowly
  await run(conn, "create or replace temp table __li_rates (currency varchar, day integer, rate double)");
  const appender = await conn.createAppender("__li_rates", "main", "temp");
  for (const r of rates) {
    appender.appendVarchar(r.currency);
    if (r.day === undefined) appender.appendNull();
    else appender.appendInteger(r.day);
    appender.appendDouble(r.rate);
    appender.endRow();
  }
  appender.closeSync();
  const usable = `select *, upper(currency) as __cur from ${stage} where reason is null and excl is null`;
  const joined = dated
    ? `(${usable}) s asof left join __li_rates r on s.__cur = r.currency and s.day >= r.day`
    : `(${usable}) s left join __li_rates r on s.__cur = r.currency`;
  const missing = (
    await run(
      conn,
      `select s.__cur as c, min(s.day)::integer as d, count(*)::bigint as n from ${joined}
       where r.rate is null group by s.__cur order by s.__cur`,
    )
  ).getRowObjectsJson();
  if (missing.length > 0) {
    const list = missing.map((m) =>
      dated ? `${m.c} (first on ${new Date(Number(m.d) * 86_400_000).toISOString().slice(0, 10)})` : String(m.c),
    );
    throw new LoyalError(
      "E_CURRENCY",
      `no rate ${dated ? "on or before the purchase day " : ""}for ${list.join(", ")}: add ${missing.length > 1 ? "them" : "it"} to the currency rate table`,
      { column: currencyColumn },
      { currencies: missing.map((m) => String(m.c)) },
    );
  }
  await run(
    conn,
    `create or replace temp view ${view} as select s.* exclude (__cur) replace (s.amount * r.rate as amount) from ${joined}
     union all select * from ${stage} where reason is not null or excl is not null`,
  );
  const counts = (
    await run(conn, `select __cur as c, count(*)::bigint as n from (${usable}) group by __cur order by __cur`)
  ).getRowObjectsJson();
  return Object.fromEntries(counts.map((r) => [String(r.c), Number(r.n)]));
}
