/**
 * Writes column-oriented tables as CSV, or as Parquet (through DuckDB) when the path ends in .parquet.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoyalError } from "../errors.ts";
import { closeDuckDb, openDuckDb, sqlString } from "./duckdb.ts";

export type Column = readonly string[] | ArrayLike<number>;

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function cell(col: Column, i: number): string {
  const v = col[i];
  if (typeof v === "string") return csvField(v);
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  return String(v);
}

/**
 * Writes a CSV file with a header row; numbers at full precision, non-finite numbers as empty cells.
 * @param path output file
 * @param columns name → column (all the same length)
 * @throws LoyalError E_IO when the file cannot be written
 */
export async function writeCsv(path: string, columns: Record<string, Column>): Promise<void> {
  const names = Object.keys(columns);
  const cols = names.map((k) => columns[k]);
  const n = cols.length ? cols[0].length : 0;
  const out = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", (e) => reject(new LoyalError("E_IO", `cannot write: ${e.message}`, { file: path })));
  });
  out.write(`${names.map(csvField).join(",")}\n`);
  const chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    let line = cell(cols[0], i);
    for (let c = 1; c < cols.length; c++) line += `,${cell(cols[c], i)}`;
    chunk.push(line);
    if (chunk.length === 10000) {
      if (!out.write(`${chunk.join("\n")}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk.length = 0;
    }
  }
  if (chunk.length) out.write(`${chunk.join("\n")}\n`);
  out.end();
  await done;
}

/**
 * Writes a table as CSV, or as Parquet when `path` ends in `.parquet`.
 * @param path output file
 * @param columns name → column
 * @param types DuckDB type per column for Parquet (default VARCHAR for strings, DOUBLE for numbers)
 */
export async function writeTable(path: string, columns: Record<string, Column>): Promise<void> {
  if (!path.toLowerCase().endsWith(".parquet")) return writeCsv(path, columns);
  const dir = await mkdtemp(join(tmpdir(), "loyal-"));
  try {
    const tmp = join(dir, "t.csv");
    await writeCsv(tmp, columns);
    const types = Object.entries(columns)
      .map(
        ([k, c]) =>
          `${sqlString(k)}: ${typeof c[0] === "string" || (c.length === 0 && Array.isArray(c)) ? "'VARCHAR'" : "'DOUBLE'"}`,
      )
      .join(", ");
    const conn = await openDuckDb();
    try {
      await conn.run(
        `COPY (SELECT * FROM read_csv(${sqlString(tmp)}, header=true, columns={${types}})) TO ${sqlString(path)} (FORMAT parquet)`,
      );
    } catch (e) {
      throw new LoyalError("E_IO", `cannot write Parquet: ${(e as Error).message}`, { file: path });
    } finally {
      closeDuckDb(conn);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
