/**
 * Reading one file into a staging table with one row per input row: its file and line number, the role columns
 * parsed (customer, day, amount, order, status, currency), and for a bad row the reason, column and original line.
 *
 * Delimited text and NDJSON are read line by line (each physical line one VARCHAR, split in SQL), which gives exact
 * line numbers and the original text of any bad line. A clean comma/tab/semicolon/pipe file is first tried with
 * DuckDB's typed CSV reader (much faster); if that meets any problem the file is re-read line by line, so the
 * quarantine always comes from the exact reader. A quoted field spanning several lines is read correctly by the
 * typed reader only; the line reader quarantines its pieces as parse errors.
 */
import { rm } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { LoyalError } from "../../errors.ts";
import { type DuckDBConnection, sqlIdent, sqlString } from "../duckdb.ts";
import type { ColumnMap, Role } from "./column-map.ts";
import {
  type DateParsing,
  dayFromEpochSql,
  epochSql,
  MAX_DAY,
  MIN_DAY,
  sampleDateFormat,
  trimSql,
  typedEpochSql,
} from "./parse-date.ts";
import { firstLine, normalizedCopy, type SourceInfo, splitSampleLine } from "./read-source.ts";

/** Columns of every staging table, in order. */
export const STAGE_COLUMNS =
  "file_idx, line_no, customer, day, ts, amount, order_id, status, currency, extra, reason, bad_column, original, h, excl";

/** The columns that make two rows identical (a duplicated export line). */
export const ROW_KEY = "customer, order_id, day, ts, amount, status, currency, extra";

/**
 * The columns `h` hashes: part of ROW_KEY (identical rows have equal hashes; rows with equal hashes are then compared
 * on all of ROW_KEY), the same for every file and reader of an ingestion, and cheap to hash.
 */
const HASH_KEY = "customer, order_id, ts, amount";

/** The type of every staging column (a column a staging table does not store is NULL of this type). */
const STAGE_TYPES: Record<string, string> = {
  file_idx: "integer",
  line_no: "bigint",
  customer: "varchar",
  day: "integer",
  ts: "double",
  amount: "double",
  order_id: "varchar",
  status: "varchar",
  currency: "varchar",
  extra: "varchar",
  reason: "varchar",
  bad_column: "varchar",
  original: "varchar",
  h: "ubigint",
  excl: "varchar",
};

/** SQL naming the column of a quarantine reason (from the reason, so it need not be stored). */
function badColumnSql(map: ColumnMap): string {
  return `case reason when 'missing_customer' then ${sqlString(map.customer)} when 'bad_date' then ${sqlString(map.date)}
    ${map.amount ? `when 'bad_amount' then ${sqlString(map.amount)}` : ""}
    ${map.currency ? `when 'missing_currency' then ${sqlString(map.currency)}` : ""} end`;
}

/**
 * The WHEN clauses of a parsed row's quarantine reason, in order: missing customer, bad date, bad amount, and (when
 * amounts are converted by currency) a missing currency. Columns: `customer` as given, `day`, `amount`, `currency`.
 */
function rowReasonSql(ctx: StageContext, customer: string): string {
  return `when ${customer} is null then 'missing_customer' when day is null then 'bad_date'
    ${ctx.map.amount ? `when ${amountBad("amount")} then 'bad_amount'` : ""}
    ${ctx.needCurrency && ctx.map.currency ? "when currency is null then 'missing_currency'" : ""}`;
}

/**
 * The SELECT presenting a staging table with the staging view's columns (STAGE_COLUMNS and `rid`): the file index,
 * the quarantine column and the columns the table does not store (see `storedColumns`) are filled in here.
 */
export async function stageSelect(ctx: StageContext, table: string): Promise<string> {
  const r = await run(
    ctx.conn,
    `select column_name from duckdb_columns() where table_name = ${sqlString(table)} and database_name = 'temp'`,
  );
  const stored = new Set(r.getRowObjectsJson().map((o) => String(o.column_name)));
  const cols = STAGE_COLUMNS.split(", ").map((c) => {
    if (stored.has(c)) return c;
    if (c === "file_idx") return `${ctx.fileIdx} as file_idx`;
    if (c === "bad_column") return `${badColumnSql(ctx.map)} as bad_column`;
    return `null::${STAGE_TYPES[c]} as ${c}`;
  });
  cols.splice(2, 0, `${ridSql(ctx.fileIdx, "line_no")} as rid`);
  return `select ${cols.join(", ")} from ${table}`;
}

/**
 * The staging columns a file's table stores: not those that hold nothing for this file (a constant, or what
 * another column decides), as the table holds every input row; `stageSelect` puts them back.
 * @param hasExtra whether the file has columns besides the role columns (the `extra` duplicate key)
 */
function storedColumns(ctx: StageContext, hasExtra: boolean): string[] {
  const m = ctx.map;
  const skip = new Set(["file_idx", "bad_column"]);
  if (m.currency === undefined) skip.add("currency");
  if (m.order === undefined) skip.add("order_id");
  if (m.status === undefined) skip.add("status");
  if (!ctx.dupKeys) for (const c of ["ts", "h"]) skip.add(c);
  if (!ctx.dupKeys || !hasExtra) skip.add("extra");
  if (!(ctx.exclude?.status.length || ctx.exclude?.customers.length)) skip.add("excl");
  return STAGE_COLUMNS.split(", ").filter((c) => !skip.has(c));
}

/**
 * SQL for a row id unique across the files of one ingestion (the `rid` column of the staging view): the file's
 * index in the high bits, and a number unique within the file (its line or record number, or minus the typed
 * reader's row ordinal) in the low 40.
 */
export function ridSql(fileIdx: number, n: string): string {
  return `(${fileIdx}::bigint * 1099511627776 + ${n})`;
}

/**
 * Runs `fn` with DuckDB free to reorder rows (`preserve_insertion_order = false`: less buffering in parallel
 * CREATE TABLE AS and aggregates), then restores the setting. Only for statements whose result does not depend on
 * row order (no `rowid` of a table they create is used as a position).
 */
export async function unordered<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  const r = await conn.runAndReadAll("select current_setting('preserve_insertion_order')::boolean as v");
  const before = Boolean(r.getRowObjectsJson()[0].v);
  if (!before) return fn();
  await conn.run("set preserve_insertion_order = false");
  try {
    return await fn();
  } finally {
    await conn.run("set preserve_insertion_order = true");
  }
}

/** What staging needs besides the file. */
export interface StageContext {
  conn: DuckDBConnection;
  fileIdx: number;
  map: ColumnMap;
  dates: DateParsing;
  /** Keep a duplicate key and full timestamp (only needed when there is an order column). */
  dupKeys: boolean;
  /** Amounts are converted by currency: a row without a currency is quarantined ('missing_currency'). */
  needCurrency?: boolean;
  /** Status values (lower case) and customer ids whose rows are excluded (the `excl` column). */
  exclude?: { status: string[]; customers: string[] };
  /** Names a sub-step for the progress display (see data/progress.ts). */
  step?: (label: string) => void;
}

/**
 * SQL for the `excl` column of a row that is not quarantined: 'status' for an excluded status (case-insensitive),
 * else 'customer' for an excluded customer id, else NULL. Computed once while staging, so cleaning scans a column.
 */
export function exclusionSql(ctx: StageContext): string {
  const status = ctx.exclude?.status ?? [];
  const customers = ctx.exclude?.customers ?? [];
  const parts = [
    ...(status.length ? [`when lower(status) in (${status.map(sqlString).join(", ")}) then 'status'`] : []),
    ...(customers.length ? [`when customer in (${customers.map(sqlString).join(", ")}) then 'customer'`] : []),
  ];
  return parts.length ? `(case when reason is null then (case ${parts.join(" ")} end) end)` : "null::varchar";
}

/** Runs SQL, turning a DuckDB failure into a LoyalError naming the file. */
export async function run(conn: DuckDBConnection, sql: string, file?: string) {
  try {
    return await conn.runAndReadAll(sql);
  } catch (e) {
    if (e instanceof LoyalError) throw e;
    throw new LoyalError("E_INPUT", `cannot read: ${firstLine((e as Error).message)}`, file ? { file } : undefined);
  }
}

/** Finite-number test for an amount expression. */
const amountBad = (a: string) => `(${a} is null or not isfinite(${a}))`;

/**
 * The SELECT that turns per-role raw strings into staging columns.
 * @param v SQL per role for its trimmed raw string (null when the role has no column)
 * @param ok SQL that is true when the line split into the right number of fields
 * @param key SQL for the duplicate-detection key (may use `ts`, `amount` and the raw fields)
 * @param from the subquery providing `line_no`, `line` and whatever `v`, `ok`, `key` refer to
 */
function finishSql(ctx: StageContext, v: Record<Role, string | null>, ok: string, key: string, from: string): string {
  const m = ctx.map;
  const day = dayFromEpochSql("__e");
  const amount = m.amount ? "try_cast(v_amount as double)" : "null::double";
  // a line of only spaces/tabs is no row: marked 'blank' here (tested only on malformed lines) and deleted after
  const reason = `case when not __ok then (case when trim(__line, e' \\t\\r') = '' then 'blank' else 'parse_error' end)
    ${rowReasonSql(ctx, "v_customer")} end`;
  const badCol = badColumnSql(m);
  const ts = ctx.dupKeys ? "__e" : "null::double";
  const role = (r: Role) => v[r] ?? "null::varchar";
  return `select ${ctx.fileIdx} as file_idx, line_no, customer, day, ts, amount, order_id, status, currency, extra, reason,
      ${badCol} as bad_column, case when reason is not null then __line end as original,
      ${ctx.dupKeys ? `case when reason is null then hash(${HASH_KEY}) end` : "null::ubigint"} as h, ${exclusionSql(ctx)} as excl
    from (select *, ${reason} as reason, ${ctx.dupKeys ? key : "null::varchar"} as extra from (
      select *, v_customer as customer, ${day} as day, ${ts} as ts, ${amount} as amount from (
        select *, ${epochSql("v_date", ctx.dates)} as __e from (
          select *, line as __line, ${ok} as __ok,
            ${role("customer")} as v_customer, ${role("date")} as v_date, ${role("amount")} as v_amount,
            ${role("order")} as order_id, ${role("status")} as status, ${role("currency")} as currency
          from ${from}))))`;
}

/**
 * The part of the duplicate-detection key that the role columns do not cover: every other column's trimmed text in
 * file order (NULL when there is none). Rows are duplicates when this and their parsed role values (customer,
 * order, timestamp, amount, status, currency) are equal, so both readers, typed and line by line, agree.
 */
function otherColumnsKeySql(names: string[], map: ColumnMap, raw: (i: number) => string): string {
  const roles = new Set(Object.values(map).filter((v) => typeof v === "string"));
  const parts = names.flatMap((n, i) => (roles.has(n) ? [] : [`coalesce(${raw(i)}, '')`]));
  return parts.length ? parts.join(` || e'\\x1f' || `) : "null::varchar";
}

/** Escapes a character for an RE2 pattern. */
function reChar(c: string): string {
  return /[A-Za-z0-9]/.test(c) ? c : c === "\t" ? "\\t" : `\\${c}`;
}

/**
 * Reads every physical line of a text/NDJSON file into `__lines(line_no, line)`, with exact 1-based line numbers;
 * lines DuckDB cannot decode (invalid UTF-8, a 16 MB line) go to `__li_rejl(line_no, line)` instead.
 * @returns how many lines went to `__li_rejl`
 */
async function readLines(conn: DuckDBConnection, file: string): Promise<number> {
  await dropLines(conn);
  await run(conn, "drop table if exists __li_rej; drop table if exists __li_rejscan");
  const read = (path: string) =>
    conn.run(
      `create temp table __li_raw as select line from read_csv(${sqlString(path)}, columns={'line':'VARCHAR'},
        delim=e'\\x01\\x02\\x03', quote='', escape='', header=false, auto_detect=false, strict_mode=true,
        ignore_errors=true, store_rejects=true, rejects_table='__li_rej', rejects_scan='__li_rejscan',
        max_line_size=16777216)`,
    );
  try {
    await read(file);
  } catch {
    // DuckDB's strict reader refuses a file mixing \n, \r\n and \r line ends: read a copy with \n only
    const copy = await normalizedCopy(file);
    try {
      await run(
        conn,
        "drop table if exists __li_rej; drop table if exists __li_rejscan; drop table if exists __li_raw",
      );
      await read(copy);
    } catch (e) {
      throw new LoyalError("E_INPUT", `cannot read: ${firstLine((e as Error).message)}`, { file });
    } finally {
      await rm(dirname(copy), { recursive: true, force: true });
    }
  }
  const rej = await run(conn, `select count(*)::integer as n from __li_rej`);
  const n = Number(rej.getRowObjectsJson()[0].n);
  if (n === 0) {
    await run(
      conn,
      `create or replace temp view __lines as select rowid + 1 as line_no, line from __li_raw;
       create or replace temp table __li_rejl (line_no bigint, line varchar);`,
    );
  } else {
    await run(
      conn,
      `create or replace temp table __li_rejl as
         select line::bigint as line_no, regexp_replace(min(csv_line), '^[\\r\\n]+', '') as line from __li_rej group by line;
       create or replace temp table __li_shift as
         select a, max(j) as j from (select line_no - j as a, j from
           (select line_no, row_number() over (order by line_no) as j from __li_rejl)) group by a;
       create or replace temp view __lines as
         select l.rowid + 1 + coalesce(s.j, 0) as line_no, l.line from __li_raw l asof left join __li_shift s on l.rowid >= s.a;`,
      file,
    );
  }
  return n;
}

/**
 * Stages a delimited-text or NDJSON file, line by line, into `table`.
 */
export async function stageLines(ctx: StageContext, src: SourceInfo, table: string): Promise<void> {
  await readLines(ctx.conn, src.file);
  ctx.step?.(`parsing and checking the rows of ${basename(src.file)}`);
  await stageFromLines(ctx, src, table);
}

/** Drops what `readLines` made. */
export async function dropLines(conn: DuckDBConnection): Promise<void> {
  await run(
    conn,
    `drop view if exists __lines; drop table if exists __li_raw; drop table if exists __li_rejl;
     drop table if exists __li_shift; drop table if exists __li_sub`,
  );
}

/**
 * Stages the lines in `lines` (and the undecodable ones in `__li_rejl`) into `table`, then drops what `readLines`
 * made.
 */
async function stageFromLines(ctx: StageContext, src: SourceInfo, table: string, lines = "__lines"): Promise<void> {
  const { conn } = ctx;
  const idx = (name: string | undefined) => (name === undefined ? -1 : src.names.indexOf(name));
  const v = {} as Record<Role, string | null>;
  let ok: string;
  let from: string;
  let key = "__j::varchar";
  if (src.kind === "ndjson") {
    for (const r of ["customer", "date", "amount", "order", "status", "currency"] as Role[]) {
      const col = ctx.map[r];
      v[r] =
        col === undefined
          ? null
          : `nullif(trim(json_extract_string(__j, ${sqlString(`$."${col.replaceAll('"', '\\"')}"`)})), '')`;
    }
    ok = "__j is not null";
    from = `(select line_no, line,
        case when (case when json_valid(line) then json_type(line) = 'OBJECT' else false end) then line::json end as __j
      from ${lines} where line is not null)`;
  } else {
    const n = src.names.length;
    const d = src.delimiter ?? ",";
    let fields: string;
    let at = (i: number) => `__f[${i + 1}]`;
    ok = `len(__f) = ${n}`;
    if (d === "whitespace") {
      // one regex match into a struct of n fields: much faster than splitting into a list (no match: all empty)
      const w = "[^ \\t\\r]+";
      const pattern = `^[ \\t]*(${w})${`[ \\t]+(${w})`.repeat(Math.max(0, n - 1))}[ \\t\\r]*$`;
      const names = Array.from({ length: n }, (_, i) => `'c${i + 1}'`).join(", ");
      fields = n > 0 ? `regexp_extract(line, ${sqlString(pattern)}, [${names}])` : "null";
      at = (i: number) => `__f.c${i + 1}`;
      ok = n > 0 ? "__f.c1 <> ''" : "false";
    } else {
      const D = reChar(d);
      const field = `\\s*"(?:[^"]|"")*"\\s*|[^"${D}]*`;
      const unq = `x -> case when trim(x) like '"%"' then replace(trim(x)[2:-2], '""', '"') else trim(x) end`;
      const full = sqlString(`(?:${field})(?:${D}(?:${field}))*`);
      const each = sqlString(`(?:^|${D})(${field})`);
      fields = `case when contains(line, '"') then (case when regexp_full_match(line, ${full})
        then list_transform(regexp_extract_all(line, ${each}, 1), ${unq}) end)
        else string_split(line, ${sqlString(d)}) end`;
    }
    // trim() (which strips Unicode spaces) is slow: only lines with a space or a non-ASCII character need it
    const trimmed = (i: number) => `(case when __sp then trim(${at(i)}) else ${at(i)} end)`;
    for (const r of ["customer", "date", "amount", "order", "status", "currency"] as Role[]) {
      const i = idx(ctx.map[r]);
      v[r] = i < 0 ? null : `nullif(${trimmed(i)}, '')`;
    }
    key = otherColumnsKeySql(src.names, ctx.map, trimmed);
    from = `(select line_no, line, ${fields} as __f, (contains(line, ' ') or strlen(line) <> length(line)) as __sp
      from ${lines} where line is not null ${src.header ? "and line_no > 1" : ""})`;
  }
  const body = finishSql(ctx, v, `coalesce(${ok}, false)`, key, from);
  const stored = storedColumns(ctx, key !== "null::varchar");
  await unordered(conn, () =>
    run(
      conn,
      `create or replace temp table ${table} as select ${stored.join(", ")} from (${body});
       delete from ${table} where reason = 'blank'`,
      src.file,
    ),
  );
  const rejected: Record<string, string> = { line_no: "line_no", reason: "'parse_error'", original: "line" };
  await run(
    conn,
    `insert into ${table} (${stored.join(", ")}) select ${stored.map((c) => rejected[c] ?? "null").join(", ")}
      from __li_rejl ${src.header ? "where line_no > 1" : ""}`,
    src.file,
  );
  await dropLines(conn);
}

/**
 * Stages a Parquet file or a JSON array file (typed columns) into `table`; the row number is the record number.
 */
export async function stageRows(ctx: StageContext, src: SourceInfo, table: string): Promise<void> {
  const { conn, map } = ctx;
  const f = sqlString(src.file);
  const reader =
    src.kind === "parquet"
      ? `(select *, file_row_number + 1 as __ln from read_parquet(${f}, file_row_number=true))`
      : "(select *, rowid + 1 as __ln from __li_json)";
  if (src.kind === "json-array") {
    await run(
      conn,
      `create or replace temp table __li_json as select * from read_json(${f}, format='array')`,
      src.file,
    );
  }
  const types = new Map<string, string>();
  const desc = await run(conn, `describe select * from ${reader}`, src.file);
  for (const o of desc.getRowObjectsJson()) types.set(String(o.column_name), String(o.column_type));
  const col = (r: Role) => (map[r] === undefined ? null : sqlIdent(map[r]!));
  const str = (r: Role) => (col(r) === null ? "null::varchar" : `nullif(${trimSql(`${col(r)}::varchar`)}, '')`);
  const struct = `struct_pack(${src.names.map((n) => `${sqlIdent(n)} := ${sqlIdent(n)}`).join(", ")})`;
  const epoch = typedEpochSql(col("date")!, types.get(map.date) ?? "VARCHAR", ctx.dates);
  const amount = map.amount ? `try_cast(${col("amount")} as double)` : "null::double";
  const extra = ctx.dupKeys
    ? otherColumnsKeySql(src.names, map, (i) => trimSql(`${sqlIdent(src.names[i])}::varchar`))
    : "null::varchar";
  const reason = `case ${rowReasonSql(ctx, "customer")} end`;
  const badCol = badColumnSql(map);
  // only computed columns leave the innermost SELECT, so source columns named like them cannot clash
  await run(
    conn,
    `create or replace temp table ${table} as select ${storedColumns(ctx, extra !== "null::varchar").join(", ")} from (
    select ${ctx.fileIdx} as file_idx, line_no, customer, day, ts, amount,
      order_id, status, currency, extra, reason,
      ${badCol} as bad_column, case when reason is not null then to_json(__s)::varchar end as original,
      ${ctx.dupKeys ? `case when reason is null then hash(${HASH_KEY}) end` : "null::ubigint"} as h, ${exclusionSql(ctx)} as excl
    from (select *, ${reason} as reason from (
      select *, ${dayFromEpochSql("__e")} as day, ${ctx.dupKeys ? "__e" : "null::double"} as ts from (
      select __ln::bigint as line_no, ${str("customer")} as customer, ${epoch} as __e, ${amount} as amount,
        ${str("order")} as order_id, ${str("status")} as status, ${str("currency")} as currency, ${extra} as extra,
        ${struct} as __s
      from ${reader}))))`,
    src.file,
  );
  await run(conn, "drop table if exists __li_json");
}

/** A lean table from the typed reader, and the SELECT that presents it with the staging columns. */
export interface FastStage {
  table: string;
  select: string;
  /** True when the table is exactly `(customer_id VARCHAR, day INTEGER, amount DOUBLE)`. */
  purchasesShaped: boolean;
}

/**
 * Tries DuckDB's typed CSV reader on a delimited file, into a regular table holding only the columns that are
 * needed. When some rows are rejected or invalid (missing, padded or unparseable values), just their lines are
 * staged by the line reader (see `patchFromLines`). Returns undefined when the typed reader cannot be used; the
 * caller then reads the whole file line by line.
 */
export async function stageFast(ctx: StageContext, src: SourceInfo, table: string): Promise<FastStage | undefined> {
  const { conn, map } = ctx;
  if (src.kind !== "text" || !src.delimiter || src.delimiter === "whitespace") return undefined;
  if (new Set(src.names).size !== src.names.length || src.names.some((n) => n === "")) return undefined;
  const dateIdx = src.names.indexOf(map.date);
  const fmt =
    ctx.dates.format === undefined
      ? sampleDateFormat(
          // the lines that split into the header's fields (a quoted field spanning lines splits into pieces)
          src.sample
            .map((l) => splitSampleLine(l, src.delimiter!))
            .filter((f) => f.length === src.names.length)
            .map((f) => f[dateIdx]),
        )
      : undefined;
  if (!fmt) return undefined;
  const cols = src.names
    .map((n) => `${sqlString(n)}: '${n === map.date ? "DATE" : n === map.amount ? "DOUBLE" : "VARCHAR"}'`)
    .join(", ");
  await run(conn, "drop table if exists __lf_rej; drop table if exists __lf_rejscan");
  const id = (r: Role) => sqlIdent(map[r]!);
  const optional = (["order", "status", "currency"] as Role[]).filter((r) => map[r] !== undefined);
  const outName: Record<string, string> = { order: "order_id", status: "status", currency: "currency" };

  const select = [
    `${id("customer")} as customer_id`,
    `(${id("date")} - date '1970-01-01')::integer as day`,
    `${map.amount ? id("amount") : "null::double"} as amount`,
    ...optional.map((r) => `nullif(trim(${id(r)}), '') as ${outName[r]}`),
    ...(ctx.dupKeys
      ? [
          `epoch(${id("date")}) as ts`,
          `${otherColumnsKeySql(src.names, map, (i) => `trim(${sqlIdent(src.names[i])})`)} as extra`,
        ]
      : []),
  ];
  await run(
    conn,
    `create or replace table ${table} as select ${select.join(", ")}
    from read_csv(${sqlString(src.file)}, columns={${cols}}, delim=${sqlString(src.delimiter)}, quote='"', escape='"',
      header=${src.header}, auto_detect=false, strict_mode=true, dateformat=${sqlString(fmt)}, ignore_errors=true,
      store_rejects=true, rejects_table='__lf_rej', rejects_scan='__lf_rejscan')`,
    src.file,
  );
  const valid = `coalesce(customer_id <> '' and customer_id not like ' %' and customer_id not like '% '
    and day between ${MIN_DAY} and ${MAX_DAY} ${map.amount ? "and isfinite(amount)" : ""}
    ${ctx.needCurrency && map.currency ? "and currency is not null" : ""}, false)`;
  await run(conn, `create or replace temp table __lf_bad as select rowid as ord from ${table} where not ${valid}`);
  const check = await run(
    conn,
    `select (select count(*) from __lf_rej)::integer as rej, (select count(*) from __lf_bad)::integer as bad`,
  );
  const { rej, bad } = check.getRowObjectsJson()[0];
  const clean = Number(rej) === 0 && Number(bad) === 0;
  if (!clean && !(await patchFromLines(ctx, src, table))) {
    await run(
      conn,
      `drop table if exists ${table}; drop table if exists __lf_rej; drop table if exists __lf_rejscan;
       drop table if exists __lf_bad`,
    );
    return undefined;
  }
  await run(conn, "drop table if exists __lf_rej; drop table if exists __lf_rejscan");
  const has = (c: string) => optional.some((r) => outName[r] === c);
  const typed = `select ${ctx.fileIdx} as file_idx, null::bigint as line_no, ${ridSql(ctx.fileIdx, "-(rowid + 1)")} as rid,
    customer_id as customer, day,
    ${ctx.dupKeys ? "ts" : "null::double as ts"}, amount,
    ${has("order_id") ? "order_id" : "null::varchar as order_id"}, ${has("status") ? "status" : "null::varchar as status"},
    ${has("currency") ? "currency" : "null::varchar as currency"}, ${ctx.dupKeys ? "extra" : "null::varchar as extra"},
    null::varchar as reason, null::varchar as bad_column, null::varchar as original from ${table}`;
  const view = `select *, ${ctx.dupKeys ? `hash(${HASH_KEY})` : "null::ubigint"} as h, ${exclusionSql(ctx)} as excl
    from (${typed})`;
  const purchasesShaped = optional.length === 0 && !ctx.dupKeys;
  if (clean) {
    await run(conn, "drop table if exists __lf_bad");
    return { table, select: view, purchasesShaped };
  }
  // the re-read lines that turned out fine join the typed rows; only the quarantined ones stay apart
  const fastCols = ["customer_id", "day", "amount", ...optional.map((r) => outName[r])];
  if (ctx.dupKeys) fastCols.push("ts", "extra");
  await run(
    conn,
    `delete from ${table} where rowid in (select ord from __lf_bad);
     drop table __lf_bad;
     insert into ${table} (${fastCols.join(", ")})
       select ${fastCols.map((c) => (c === "customer_id" ? "customer" : c)).join(", ")}
       from (${await stageSelect(ctx, `${table}_lines`)}) where reason is null;
     delete from ${table}_lines where reason is null;`,
    src.file,
  );
  return { table, select: `${view} union all ${await stageSelect(ctx, `${table}_lines`)}`, purchasesShaped };
}

/**
 * For a file the typed reader read with some problems: reads its lines, finds the line of every rejected row and of
 * every invalid row (their ordinals in `table` are in `__lf_bad`), and stages just those lines with the line reader
 * into `<table>_lines`, so their verdicts (and line numbers and original text) are exactly what reading the whole
 * file line by line would give. A typed row's line: its ordinal + 1 + the number of non-row lines (header, blank,
 * rejected) before it, found with an ASOF join on those few lines.
 * @returns false when the two readers do not see the same rows (e.g. a quoted field spanning lines)
 */
async function patchFromLines(ctx: StageContext, src: SourceInfo, table: string): Promise<boolean> {
  const { conn } = ctx;
  await readLines(conn, src.file);
  await run(
    conn,
    `create or replace temp table __lf_rejlines as select distinct line::bigint as line_no from __lf_rej;
     create or replace temp table __lf_n as
       select line_no from __lines where line is null ${src.header ? "or line_no = 1" : ""}
       union select line_no from __lf_rejlines union select line_no from __li_rejl;`,
  );
  const counts = (
    await run(
      conn,
      `select (select count(*) from __lines) + (select count(*) from __li_rejl) - (select count(*) from __lf_n) as accepted,
        (select count(*) from ${table}) as typed`,
    )
  ).getRowObjectsJson()[0];
  if (Number(counts.accepted) !== Number(counts.typed)) {
    await dropLines(conn);
    await run(conn, "drop table if exists __lf_n");
    return false;
  }
  await run(
    conn,
    `create or replace temp table __lf_shift as
       select a, max(j) as j from (select line_no - j as a, j from
         (select line_no, row_number() over (order by line_no) as j from __lf_n)) group by a;
     create or replace temp table __lf_badlines as
       select b.ord + 1 + coalesce(s.j, 0) as line_no
       from __lf_bad b asof left join __lf_shift s on b.ord >= s.a;
     create or replace temp table __li_sub as select * from __lines
       where line_no in (select line_no from __lf_badlines union select line_no from __lf_rejlines);
     drop table __lf_shift; drop table __lf_badlines; drop table __lf_n; drop table __lf_rejlines;`,
  );
  await stageFromLines(ctx, src, `${table}_lines`, "__li_sub");
  return true;
}
