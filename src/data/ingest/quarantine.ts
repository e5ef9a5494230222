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
export async function writeQuarantine(conn: DuckDBConnection, stage: string, files: string[], path: string): Promise<void> {
  try {
    await conn.run(`copy (${quarantineSql(stage, files)}) to ${sqlString(path)} (format csv, header true)`);
  } catch (e) {
    throw new LoyalError("E_IO", `cannot write the quarantine file: ${(e as Error).message.split("\n")[0]}`, {
      file: path,
    });
  }
}

/** The first quarantined row, or undefined. */
export async function firstQuarantined(
  conn: DuckDBConnection,
  stage: string,
  files: string[],
): Promise<QuarantinedRow | undefined> {
  const r = (await run(conn, `${quarantineSql(stage, files)} limit 1`)).getRowObjectsJson()[0];
  if (!r) return undefined;
  return {
    file: String(r.file),
    line: Number(r.line_number),
    reason: String(r.reason),
    column: r.column === null ? undefined : String(r.column),
  };
}
