/**
 * The quarantine: every row that could not be used as it stands, written as a CSV the user can open and fix
 * (`file, line_number, reason, column, original_line`), and the `strict` check that turns any of them into an error.
 */
import { LoyalError } from "../../errors.ts";
import { type DuckDBConnection, sqlString } from "../duckdb.ts";
import { run } from "./stage.ts";

/** A quarantined row. */
export interface QuarantinedRow {
  file: string;
  line: number;
  reason: string;
  column?: string;
  /** How many rows are quarantined in all. */
  total: number;
  /** Quarantined rows per reason. */
  byReason: Record<string, number>;
}

/** SQL for the quarantined rows of `stage`, file by file and line by line. */
function quarantineSql(stage: string, files: string[]): string {
  const names = files.map((f, i) => `(${i}, ${sqlString(f)})`).join(", ");
  return `select f.file, s.line_no as line_number, s.reason, s.bad_column as "column", s.original as original_line
    from ${stage} s join (values ${names}) f(idx, file) on s.file_idx = f.idx
    where s.reason is not null order by s.file_idx, s.line_no`;
}

/**
 * Writes the quarantine CSV (a header line only when nothing was quarantined).
 * @throws LoyalError E_IO when the file cannot be written
 */
export async function writeQuarantine(
  conn: DuckDBConnection,
  stage: string,
  files: string[],
  path: string,
): Promise<void> {
  try {
    await conn.run(`copy (${quarantineSql(stage, files)}) to ${sqlString(path)} (format csv, header true)`);
  } catch (e) {
    throw new LoyalError("E_IO", `cannot write the quarantine file: ${(e as Error).message.split("\n")[0]}`, {
      file: path,
    });
  }
}

/** The first quarantined row (with the totals), or undefined when there is none. */
export async function firstQuarantined(
  conn: DuckDBConnection,
  stage: string,
  files: string[],
): Promise<QuarantinedRow | undefined> {
  const r = (await run(conn, `${quarantineSql(stage, files)} limit 1`)).getRowObjectsJson()[0];
  if (!r) return undefined;
  const byReason: Record<string, number> = {};
  let total = 0;
  const counts = await run(
    conn,
    `select reason, count(*)::bigint as n from ${stage} where reason is not null group by reason`,
  );
  for (const c of counts.getRowObjectsJson()) {
    byReason[String(c.reason)] = Number(c.n);
    total += Number(c.n);
  }
  return {
    total,
    byReason,
    file: String(r.file),
    line: Number(r.line_number),
    reason: String(r.reason),
    column: r.column === null ? undefined : String(r.column),
  };
}
