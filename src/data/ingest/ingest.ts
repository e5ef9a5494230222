/**
 * Raw transaction files → a clean `purchases(customer_id VARCHAR, day INTEGER, amount DOUBLE)` table in DuckDB, with
 * every input row accounted for: used, merged into another, quarantined, excluded, duplicated or refunded.
 */
import { basename } from "node:path";
import { LoyalError } from "../../errors.ts";
import type { DuckDBConnection } from "../duckdb.ts";
import { type ProgressListener, type QueryTracker, trackQueries } from "../progress.ts";
import { type CleanCounts, cleanStaged } from "./clean.ts";
import { type ColumnMap, mapColumns, type Role } from "./column-map.ts";
import { type CurrencyRates, convertCurrencies, parseCurrencyRates } from "./currency.ts";
import { checkTimeZone } from "./parse-date.ts";
import { firstQuarantined, writeQuarantine } from "./quarantine.ts";
import { resolveSources, type SourceInfo, sniffSource, typicalFieldCount } from "./read-source.ts";
import { dropLines, run, stageFast, stageLines, stageRows, stageSelect, unordered } from "./stage.ts";

/** How to read and clean the input. Every field is optional. */
export interface IngestOptions {
  /** Customer id column (auto-detected when absent). */
  customer?: string;
  /** Date or timestamp column (auto-detected when absent). */
  date?: string;
  /** Amount column (auto-detected when absent; without one, `amount` is NULL). */
  amount?: string;
  /** Order / invoice id column: rows with the same id are one purchase. */
  order?: string;
  /** Status column (for `excludeStatus`). */
  status?: string;
  /** Currency column: more than one currency is an error, unless `currencyRates` converts them. */
  currency?: string;
  /**
   * Rates into one reporting currency: a CSV file (`currency,rate`, or `date,currency,rate` for rates that change;
   * the latest on or before a purchase's day applies) or an object of currency → rate. Amounts are multiplied by
   * their currency's rate; a row without a currency is quarantined (`missing_currency`); a currency without a rate
   * is an error (E_CURRENCY).
   */
  currencyRates?: CurrencyRates;
  /** Names for the columns of a file without a header (also replaces a header that is present). */
  columns?: string[];
  /** Whether line 1 is a header (default: auto-detect). */
  header?: boolean;
  /** One character, or "whitespace" for runs of spaces/tabs (default: auto-detect). */
  delimiter?: string;
  /** A strptime format for the date column (default: YYYYMMDD, YYYY-MM-DD, ISO timestamps). */
  dateFormat?: string;
  /** IANA zone in which timestamps without an offset are read (default "UTC"). */
  tz?: string;
  /** Status values (case-insensitive) whose rows are dropped, e.g. ["cancelled", "test"]. */
  excludeStatus?: string[];
  /** Customer ids whose rows are dropped. */
  excludeCustomers?: string[];
  /** Where to write the quarantine CSV (file, line_number, reason, column, original_line). */
  quarantineFile?: string;
  /** Fail with E_STRICT when any row is quarantined (after writing the quarantine file). */
  strict?: boolean;
  /**
   * Only a per-customer summary will be made from `purchases`: it may then hold one row per customer and purchase
   * day instead of one per purchase (the result's `perDay` says whether it does). Used by summarizeFile.
   */
  forSummary?: boolean;
  /** Told each step (reading a file, writing the quarantine, cleaning) and how far its query is. */
  onProgress?: ProgressListener;
}

/**
 * What happened to the input: the cleaning counts (all `rows*` counts except `rowsRead` add up to `rowsRead`), the
 * columns and the files.
 */
export interface IngestionReport extends Omit<CleanCounts, "perDay"> {
  /** The columns used (from the first file), and which roles were recognised by name. */
  columns: {
    customer: string;
    date: string;
    amount?: string;
    order?: string;
    status?: string;
    currency?: string;
    detected: string[];
  };
  /** The files read, in order. */
  files: string[];
  /** The quarantine file written, if any. */
  quarantineFile?: string;
  /** With `currencyRates`: the usable rows per currency (upper case), before conversion. */
  currencies?: Record<string, number>;
}

const STAGE_VIEW = "__li_stage";
const CONVERTED_VIEW = "__li_converted";

/**
 * Reads transaction files into the table `purchases` (replacing it), one row per purchase occasion.
 * @param conn a DuckDB connection (see `openDuckDb`); one ingestion at a time per connection
 * @param source a file, a directory, a glob, or a list of them (CSV/TSV/whitespace text, .gz, Parquet, NDJSON)
 * @param options column names, parsing and cleaning choices
 * @returns the table name and a report whose counts add up
 * @throws LoyalError E_USAGE (bad options, missing columns), E_IO (missing files), E_INPUT (unreadable file),
 *   E_CURRENCY (several currencies), E_STRICT (rows quarantined in strict mode)
 * @example
 * const { report } = await ingestTransactions(conn, "datasets/CDNOW_master.txt",
 *   { columns: ["customer_id", "date", "cds", "amount"] });
 * report.rowsRead // => 69659
 */
export async function ingestTransactions(
  conn: DuckDBConnection,
  source: string | string[],
  options: IngestOptions = {},
): Promise<{ table: "purchases"; report: IngestionReport; perDay: boolean }> {
  const tables: string[] = [];
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new LoyalError("E_USAGE", "option onProgress must be a function");
  }
  const tracker = await trackQueries(conn, options.onProgress);
  try {
    return await ingest(conn, source, options, tables, tracker);
  } catch (e) {
    if (e instanceof LoyalError) throw e;
    throw new LoyalError("E_INPUT", `ingestion failed: ${String((e as Error)?.message ?? e).split("\n")[0]}`);
  } finally {
    await tracker.stop();
    await dropAll(conn, tables);
  }
}

async function dropAll(conn: DuckDBConnection, tables: string[]): Promise<void> {
  try {
    await conn.run(
      `drop view if exists ${CONVERTED_VIEW}; drop view if exists ${STAGE_VIEW}; drop table if exists __li_rates`,
    );
    for (const t of tables) await conn.run(`drop table if exists ${t}`);
    await dropLines(conn);
  } catch {
    // best effort: temporary tables vanish with the connection anyway
  }
}

async function ingest(
  conn: DuckDBConnection,
  source: string | string[],
  options: IngestOptions,
  tables: string[],
  tracker: QueryTracker,
): Promise<{ table: "purchases"; report: IngestionReport; perDay: boolean }> {
  checkOptions(options);
  const rates = options.currencyRates === undefined ? undefined : parseCurrencyRates(options.currencyRates);
  const tz = await checkTimeZone(conn, options.tz);
  const files = await resolveSources(conn, source);
  const given: Partial<Record<Role, string>> = {
    customer: options.customer,
    date: options.date,
    amount: options.amount,
    order: options.order,
    status: options.status,
    currency: options.currency,
  };
  const sources: SourceInfo[] = [];
  const maps: ColumnMap[] = [];
  for (const file of files) {
    const src = await sniffSource(conn, file, {
      delimiter: options.delimiter,
      header: options.header,
      columns: options.columns,
    });
    if (options.columns && src.kind === "text" && src.sample.length > 0) {
      const n = typicalFieldCount(src);
      if (n !== options.columns.length) {
        throw new LoyalError(
          "E_USAGE",
          `the columns option names ${options.columns.length} columns but the file's lines have ${n} fields`,
          { file },
        );
      }
    }
    sources.push(src);
    maps.push(mapColumns(src.names, given, file));
  }
  const anyStatus = maps.some((m) => m.status !== undefined);
  if ((options.excludeStatus?.length ?? 0) > 0 && !anyStatus) {
    throw new LoyalError(
      "E_USAGE",
      `excludeStatus needs a status column; available columns: ${sources[0].names.join(", ")}`,
      { file: files[0] },
    );
  }
  if (rates && !maps.every((m) => m.currency !== undefined)) {
    throw new LoyalError(
      "E_USAGE",
      `currency rates need a currency column in every file; available columns: ${sources[maps.findIndex((m) => m.currency === undefined)].names.join(", ")}`,
      { file: files[maps.findIndex((m) => m.currency === undefined)] },
    );
  }
  const dupKeys = maps.some((m) => m.order !== undefined);
  const exclude = {
    status: (options.excludeStatus ?? []).map((s) => s.trim().toLowerCase()),
    customers: (options.excludeCustomers ?? []).map((s) => s.trim()),
  };
  const selects: string[] = [];
  let shaped: string | undefined;
  for (let i = 0; i < sources.length; i++) {
    const table = `__loyal_stage_${i}`;
    tables.push(table, `${table}_lines`);
    const ctx = {
      conn,
      fileIdx: i,
      map: maps[i],
      dates: { format: options.dateFormat, tz },
      dupKeys,
      exclude,
      needCurrency: rates !== undefined,
      step: (label: string) => tracker.step(label),
    };
    const src = sources[i];
    tracker.step(`reading ${sources.length > 1 ? `${i + 1}/${sources.length} ` : ""}${basename(src.file)}`);
    if (src.kind === "parquet" || src.kind === "json-array") {
      await stageRows(ctx, src, table);
    } else {
      // the exact line reader first: one cheap read of the lines, typed and classified in one pass
      await stageLines(ctx, src, table);
      if (src.kind === "text" && (await hasBrokenQuotes(conn, table))) {
        // a quoted field may span lines, which only DuckDB's typed CSV reader reads as one row
        await run(conn, `drop table if exists ${table}; drop table if exists ${table}_lines`);
        const fast = await stageFast(ctx, src, table);
        if (fast) {
          selects.push(fast.select);
          if (fast.purchasesShaped && sources.length === 1) shaped = table;
          continue;
        }
        await stageLines(ctx, src, table);
      }
    }
    selects.push(await stageSelect(ctx, table));
  }
  await run(conn, `create or replace temp view ${STAGE_VIEW} as ${selects.join(" union all ")}`);
  tracker.step("checking and quarantining rows");
  if (options.quarantineFile) await writeQuarantine(conn, STAGE_VIEW, files, options.quarantineFile);
  if (options.strict) {
    const first = await firstQuarantined(conn, STAGE_VIEW, files);
    if (first) {
      const where = options.quarantineFile ? `; all of them are in ${options.quarantineFile}` : "";
      throw new LoyalError(
        "E_STRICT",
        `${first.reason} (${first.total} row(s) quarantined in strict mode${where})`,
        { file: first.file, row: first.line, column: first.column },
        { byReason: first.byReason },
      );
    }
  }
  const currencyColumn = maps.find((m) => m.currency !== undefined)?.currency;
  let currencies: Record<string, number> | undefined;
  if (rates) {
    tracker.step("converting currencies");
    currencies = await convertCurrencies(conn, STAGE_VIEW, CONVERTED_VIEW, rates, currencyColumn!);
  }
  tracker.step(dupKeys ? "cleaning: duplicates, orders, refunds" : "cleaning: refunds, purchase days");
  const { perDay = false, ...counts } = await unordered(conn, () =>
    cleanStaged(conn, rates ? CONVERTED_VIEW : STAGE_VIEW, {
      hasAmount: maps.some((m) => m.amount !== undefined),
      hasOrder: dupKeys,
      // converted amounts are in one currency
      currencyColumn: rates ? undefined : currencyColumn,
      excludeStatus: options.excludeStatus ?? [],
      excludeCustomers: options.excludeCustomers ?? [],
      purchasesShaped: shaped,
      perDay: options.forSummary === true,
    }),
  );
  const m = maps[0];
  const report: IngestionReport = {
    ...counts,
    columns: {
      customer: m.customer,
      date: m.date,
      ...(m.amount !== undefined && { amount: m.amount }),
      ...(m.order !== undefined && { order: m.order }),
      ...(m.status !== undefined && { status: m.status }),
      ...(m.currency !== undefined && { currency: m.currency }),
      detected: [...m.detected],
    },
    files,
    ...(options.quarantineFile !== undefined && { quarantineFile: options.quarantineFile }),
    ...(currencies !== undefined && { currencies }),
  };
  return { table: "purchases", report, perDay };
}

/**
 * True when a line staged from `table` was quarantined as a parse error with an odd number of double quotes: a
 * quoted field that may continue on the next line (only the few quarantined rows are looked at).
 */
async function hasBrokenQuotes(conn: DuckDBConnection, table: string): Promise<boolean> {
  const r = await run(
    conn,
    `select count(*)::integer as n from ${table} where reason = 'parse_error'
      and (length(original) - length(replace(original, '"', ''))) % 2 = 1`,
  );
  return Number(r.getRowObjectsJson()[0].n) > 0;
}

/** Rejects options of the wrong shape (callers may come from JSON). */
function checkOptions(o: IngestOptions): void {
  const strings: (keyof IngestOptions)[] = [
    "customer",
    "date",
    "amount",
    "order",
    "status",
    "currency",
    "delimiter",
    "dateFormat",
    "tz",
    "quarantineFile",
  ];
  if (o.forSummary !== undefined && typeof o.forSummary !== "boolean") {
    throw new LoyalError("E_USAGE", "option forSummary must be true or false");
  }
  for (const k of strings) {
    if (o[k] !== undefined && (typeof o[k] !== "string" || o[k] === "")) {
      throw new LoyalError("E_USAGE", `option ${k} must be a non-empty string`);
    }
  }
  for (const k of ["columns", "excludeStatus", "excludeCustomers"] as const) {
    const v = o[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) {
      throw new LoyalError("E_USAGE", `option ${k} must be a list of strings`);
    }
  }
  if (o.columns && new Set(o.columns).size !== o.columns.length) {
    throw new LoyalError("E_USAGE", `option columns has repeated names: ${o.columns.join(", ")}`);
  }
}
