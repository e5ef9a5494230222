/**
 * Reading and writing per-customer summaries as files.
 *
 * CSV convention: the file may start with `# key: value` comment lines; loyal writes `# unit: <unit>` (and
 * `# calibration_end: YYYY-MM-DD` when known) so that a summary carries its time unit. The reader honours a
 * `# unit:` line; a file without one (such as the published summaries in datasets/) is in the unit the caller
 * passes, by default weeks. Then a header and one row per customer. Accepted headers:
 * - loyal's own: `customer_id,frequency,recency,T[,monetary_value][,holdout_frequency,holdout_monetary_value,
 *   holdout_duration]`;
 * - the published shapes `ID,frequency,recency,T` and `ID,x,t_x,T,zbar` (zbar = mean repeat spend).
 * Row numbers in errors are line numbers in the file (1 = first line), so an editor jumps straight to them.
 */
import { readFile, writeFile } from "node:fs/promises";
import { LoyalError } from "../errors.ts";
import { closeDuckDb, openDuckDb, sqlString } from "./duckdb.ts";
import type { CustomerSummary } from "./summary.ts";
import { parseTimeUnit, type TimeUnit } from "./time-unit.ts";

/** Column names loyal writes, with the aliases the reader accepts for each. */
const COLUMNS = {
  id: ["customer_id", "ID", "id", "customer"],
  frequency: ["frequency", "x"],
  recency: ["recency", "t_x"],
  T: ["T"],
  monetary: ["monetary_value", "zbar", "monetary"],
  holdoutFrequency: ["holdout_frequency"],
  holdoutMonetary: ["holdout_monetary_value"],
  holdoutDuration: ["holdout_duration"],
} as const;

type Field = keyof typeof COLUMNS;

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s.startsWith("#") ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The columns of a summary in file order, by loyal's names. */
function summaryColumns(summary: CustomerSummary): [string, Float64Array][] {
  const cols: [string, Float64Array][] = [
    ["frequency", summary.frequency],
    ["recency", summary.recency],
    ["T", summary.T],
  ];
  if (summary.monetary) cols.push(["monetary_value", summary.monetary]);
  if (summary.holdout)
    cols.push(
      ["holdout_frequency", summary.holdout.frequency],
      ["holdout_monetary_value", summary.holdout.monetary],
      ["holdout_duration", summary.holdout.duration],
    );
  return cols;
}

/**
 * Writes a summary as CSV, numbers in shortest round-trip form (reading it back gives the same doubles).
 * @param path the file to write
 * @param summary the summary
 * @returns when the file is written
 * @throws LoyalError E_IO when the file cannot be written
 * @example await writeSummaryCsv("summary.csv", summary) // "# unit: week\ncustomer_id,frequency,recency,T\n1,2,..."
 */
export async function writeSummaryCsv(path: string, summary: CustomerSummary): Promise<void> {
  const cols = summaryColumns(summary);
  const lines: string[] = [`# unit: ${summary.unit}`];
  if (summary.calibrationEnd) lines.push(`# calibration_end: ${summary.calibrationEnd}`);
  lines.push(["customer_id", ...cols.map(([name]) => name)].join(","));
  for (let i = 0; i < summary.ids.length; i++) {
    let line = csvField(summary.ids[i]);
    for (const [, values] of cols) line += `,${values[i]}`;
    lines.push(line);
  }
  try {
    await writeFile(path, `${lines.join("\n")}\n`);
  } catch (e) {
    throw new LoyalError("E_IO", `cannot write ${path}: ${(e as Error).message}`, { file: path });
  }
}

/**
 * Writes a summary as Parquet (through DuckDB's COPY), with the unit and calibration end as key-value metadata.
 * @param path the file to write
 * @param summary the summary
 * @returns when the file is written
 * @throws LoyalError E_IO when the file cannot be written
 * @example await writeSummaryParquet("summary.parquet", summary) // readable with read_parquet('summary.parquet')
 */
export async function writeSummaryParquet(path: string, summary: CustomerSummary): Promise<void> {
  const cols = summaryColumns(summary);
  const conn = await openDuckDb();
  try {
    const defs = ["customer_id VARCHAR", ...cols.map(([name]) => `"${name}" DOUBLE`)].join(", ");
    await conn.run(`CREATE TABLE summary (${defs})`);
    const appender = await conn.createAppender("summary");
    for (let i = 0; i < summary.ids.length; i++) {
      appender.appendVarchar(summary.ids[i]);
      for (const [, values] of cols) appender.appendDouble(values[i]);
      appender.endRow();
    }
    appender.closeSync();
    const meta = [`unit: ${sqlString(summary.unit)}`];
    if (summary.calibrationEnd) meta.push(`calibration_end: ${sqlString(summary.calibrationEnd)}`);
    await conn.run(`COPY summary TO ${sqlString(path)} (FORMAT parquet, KV_METADATA {${meta.join(", ")}})`);
  } catch (e) {
    if (e instanceof LoyalError) throw e;
    throw new LoyalError("E_IO", `cannot write ${path}: ${(e as Error).message}`, { file: path });
  } finally {
    closeDuckDb(conn);
  }
}

/** Splits one CSV line (RFC 4180 quoting; no newlines inside fields). */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Options for {@link readSummaryCsv}. */
export interface ReadSummaryOptions {
  /** The unit of a file without a `# unit:` line (default "week"); must agree with the line when there is one. */
  unit?: TimeUnit;
}

/**
 * Reads a summary CSV: loyal's own, or the published `ID,frequency,recency,T` / `ID,x,t_x,T,zbar` shapes.
 * @param path the file
 * @param options the unit of a file that does not state one (default week)
 * @returns the summary, rows in file order
 * @throws LoyalError E_IO when the file cannot be read; E_INPUT naming file, row (line number) and column for a
 *   missing column, a bad value (empty, non-numeric, negative, non-integer frequency, recency > T, recency 0 with
 *   frequency > 0 or recency > 0 with frequency 0) or a duplicate id; E_UNIT_MISMATCH when the file's `# unit:`
 *   line disagrees with `options.unit`
 * @example (await readSummaryCsv("datasets/cdnow_customers_summary.csv")).frequency.length // => 2357
 */
export async function readSummaryCsv(path: string, options: ReadSummaryOptions = {}): Promise<CustomerSummary> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new LoyalError("E_IO", `cannot read ${path}: ${(e as Error).message}`, { file: path });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  const meta: Record<string, string> = {};
  const metaRow: Record<string, number> = {};
  let k = 0;
  for (; k < lines.length && (lines[k].startsWith("#") || lines[k].trim() === ""); k++) {
    const m = /^#\s*([\w-]+)\s*:\s*(.*?)\s*$/.exec(lines[k]);
    if (m) {
      meta[m[1].toLowerCase()] = m[2];
      metaRow[m[1].toLowerCase()] = k + 1;
    }
  }
  if (k === lines.length) throw new LoyalError("E_INPUT", "no header line", { file: path });
  let unit: TimeUnit = options.unit ?? "week";
  if (meta.unit !== undefined) {
    let fileUnit: TimeUnit;
    try {
      fileUnit = parseTimeUnit(meta.unit);
    } catch {
      throw new LoyalError("E_INPUT", `unknown unit '${meta.unit}' in '# unit:' line`, {
        file: path,
        row: metaRow.unit,
      });
    }
    if (options.unit !== undefined && options.unit !== fileUnit)
      throw new LoyalError("E_UNIT_MISMATCH", `file is in ${fileUnit}s but ${options.unit}s were asked for`, {
        file: path,
        row: metaRow.unit,
      });
    unit = fileUnit;
  }

  const headerRow = k + 1;
  const header = splitCsvLine(lines[k]).map((h) => h.trim());
  const position = {} as Record<Field, number>;
  for (const field of Object.keys(COLUMNS) as Field[]) {
    position[field] = header.findIndex((h) => (COLUMNS[field] as readonly string[]).includes(h));
  }
  for (const field of ["id", "frequency", "recency", "T"] as const)
    if (position[field] < 0)
      throw new LoyalError("E_INPUT", `missing column ${COLUMNS[field].join(" or ")} (header: ${header.join(",")})`, {
        file: path,
        row: headerRow,
      });
  const hasHoldout = position.holdoutFrequency >= 0;
  if (hasHoldout !== position.holdoutDuration >= 0)
    throw new LoyalError("E_INPUT", "holdout_frequency and holdout_duration go together", {
      file: path,
      row: headerRow,
    });

  const capacity = lines.length - k - 1;
  const ids: string[] = [];
  const rowOf = new Int32Array(capacity);
  const col = (present: boolean) => (present ? new Float64Array(capacity) : undefined);
  const frequency = new Float64Array(capacity);
  const recency = new Float64Array(capacity);
  const Tcol = new Float64Array(capacity);
  const monetary = col(position.monetary >= 0);
  const hFrequency = col(hasHoldout);
  const hMonetary = col(hasHoldout);
  const hDuration = col(hasHoldout);
  const seen = new Set<string>();
  const fail = (row: number, field: Field, why: string): never => {
    throw new LoyalError("E_INPUT", why, { file: path, row, column: header[position[field]] });
  };
  const num = (cells: string[], row: number, field: Field): number => {
    const cell = cells[position[field]];
    const v = Number(cell); // ignores surrounding white space; "" and " " give 0
    if (v > 0 && v < Number.POSITIVE_INFINITY) return v;
    if (cell.trim() === "") fail(row, field, "missing value");
    if (!Number.isFinite(v)) fail(row, field, `'${cell.trim()}' is not a number`);
    if (v < 0) fail(row, field, `${cell.trim()} is negative`);
    return v;
  };
  let n = 0;
  for (let li = k + 1; li < lines.length; li++) {
    const line = lines[li];
    if (line.trim() === "") continue;
    const row = li + 1;
    const cells = splitCsvLine(line);
    if (cells.length !== header.length)
      throw new LoyalError("E_INPUT", `${cells.length} fields, the header has ${header.length}`, { file: path, row });
    const id = cells[position.id].trim();
    if (id === "") fail(row, "id", "missing customer id");
    if (seen.has(id)) fail(row, "id", `customer ${id} already on row ${rowOf[ids.indexOf(id)]}`);
    seen.add(id);
    const x = num(cells, row, "frequency");
    if (!Number.isInteger(x)) fail(row, "frequency", `frequency ${x} is not a whole number`);
    const tx = num(cells, row, "recency");
    const T = num(cells, row, "T");
    if (tx > T) fail(row, "recency", `recency ${tx} is after T ${T}`);
    if (x > 0 && tx === 0) fail(row, "recency", `recency 0 with frequency ${x}: repeat purchases are on later days`);
    if (x === 0 && tx > 0) fail(row, "recency", `recency ${tx} with frequency 0 (should be 0)`);
    ids.push(id);
    rowOf[n] = row;
    frequency[n] = x;
    recency[n] = tx;
    Tcol[n] = T;
    if (monetary) monetary[n] = num(cells, row, "monetary");
    if (hFrequency && hMonetary && hDuration) {
      const hx = num(cells, row, "holdoutFrequency");
      if (!Number.isInteger(hx)) fail(row, "holdoutFrequency", `holdout frequency ${hx} is not a whole number`);
      hFrequency[n] = hx;
      hMonetary[n] = position.holdoutMonetary >= 0 ? num(cells, row, "holdoutMonetary") : 0;
      const d = num(cells, row, "holdoutDuration");
      if (d === 0) fail(row, "holdoutDuration", "holdout duration 0");
      hDuration[n] = d;
    }
    n++;
  }

  const cut = (a: Float64Array) => (n === capacity ? a : a.slice(0, n));
  const summary: CustomerSummary = {
    unit,
    ids,
    frequency: cut(frequency),
    recency: cut(recency),
    T: cut(Tcol),
  };
  if (meta.calibration_end) summary.calibrationEnd = meta.calibration_end;
  if (monetary) summary.monetary = cut(monetary);
  if (hFrequency && hMonetary && hDuration)
    summary.holdout = { frequency: cut(hFrequency), monetary: cut(hMonetary), duration: cut(hDuration) };
  return summary;
}
