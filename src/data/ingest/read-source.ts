/**
 * Finding the input files (a file, a directory, a glob, or a list of them) and sniffing each one's format from its
 * first bytes: CSV/TSV delimiter (or runs of whitespace), header line, column names, NDJSON keys.
 * Only the head of a file is read in JS; rows are read by DuckDB.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { LoyalError } from "../../errors.ts";
import { type DuckDBConnection, sqlString } from "../duckdb.ts";
import { isKnownColumnName } from "./column-map.ts";

/** How a file is read. `text` = delimited lines; `ndjson` = one JSON object per line; `rows` = Parquet / JSON array. */
export type SourceKind = "text" | "ndjson" | "parquet" | "json-array";

/** What sniffing found out about one file. */
export interface SourceInfo {
  file: string;
  kind: SourceKind;
  /** A single character, or "whitespace" for runs of spaces/tabs (text only). */
  delimiter?: string;
  /** Whether line 1 is a header (text only). */
  header: boolean;
  /** Column names (from the header, the `columns` option, NDJSON keys, or the Parquet schema). */
  names: string[];
  /** Non-blank sample lines after the header (text and ndjson). */
  sample: string[];
}

const DATA_EXT = /\.(csv|tsv|txt|tab|dat|psv|parquet|json|ndjson|jsonl)(\.gz)?$/i;
const GLOB_CHARS = /[*?[]/;

/**
 * Expands sources into a sorted list of files.
 * @param conn a DuckDB connection (its `glob()` expands patterns)
 * @param source a file, directory or glob, or a list of them
 * @returns the files, each once, in the order given (a directory's or glob's files sorted by name)
 * @throws LoyalError E_IO when a path does not exist or nothing matches
 */
export async function resolveSources(conn: DuckDBConnection, source: string | string[]): Promise<string[]> {
  const list = Array.isArray(source) ? source : [source];
  if (list.length === 0) throw new LoyalError("E_USAGE", "no input files given");
  const out: string[] = [];
  for (const s of list) {
    if (GLOB_CHARS.test(s)) {
      let files: string[];
      try {
        const r = await conn.runAndReadAll(`select file from glob(${sqlString(s)}) order by file`);
        files = r.getRowObjectsJson().map((o) => String(o.file));
      } catch (e) {
        throw new LoyalError("E_IO", `cannot expand ${s}: ${(e as Error).message}`, { file: s });
      }
      if (files.length === 0) throw new LoyalError("E_IO", `no files match ${s}`, { file: s });
      out.push(...files);
      continue;
    }
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(s);
    } catch {
      throw new LoyalError("E_IO", `no such file or directory`, { file: s });
    }
    if (st.isDirectory()) {
      const names = (await readdir(s)).filter((n) => !n.startsWith(".") && DATA_EXT.test(n)).sort();
      if (names.length === 0)
        throw new LoyalError("E_IO", `no data files (csv, txt, parquet, json...) in directory`, { file: s });
      out.push(...names.map((n) => join(s, n)));
    } else {
      out.push(s);
    }
  }
  return [...new Set(out)];
}

/** Reads up to `bytes` decompressed bytes from the start of a file. */
async function readHead(file: string, bytes = 65536): Promise<{ text: string; complete: boolean }> {
  const chunks: Buffer[] = [];
  let total = 0;
  let complete = true;
  await new Promise<void>((resolve, reject) => {
    const raw = createReadStream(file, file.toLowerCase().endsWith(".gz") ? {} : { end: bytes - 1 });
    const stream = file.toLowerCase().endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
    const done = () => {
      raw.destroy();
      resolve();
    };
    stream.on("data", (c: Buffer) => {
      chunks.push(c);
      total += c.length;
      if (total >= bytes) {
        complete = false;
        stream.removeAllListeners("data");
        done();
      }
    });
    stream.on("end", done);
    stream.on("error", reject);
    raw.on("error", reject);
  }).catch((e: Error) => {
    throw new LoyalError("E_IO", `cannot read: ${e.message}`, { file });
  });
  let buf = Buffer.concat(chunks);
  if (!file.toLowerCase().endsWith(".gz") && buf.length >= bytes) complete = false;
  if (buf.length > bytes) buf = buf.subarray(0, bytes);
  let text = buf.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, complete };
}

/** Splits a sample line on a single-character delimiter, honouring double quotes (for sniffing only). */
export function splitQuoted(line: string, delim: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inQuotes) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === "") {
      inQuotes = true;
      cur = "";
    } else if (ch === delim) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** Splits a sample line the way the SQL reader will. */
export function splitSampleLine(line: string, delimiter: string): string[] {
  if (delimiter === "whitespace") return line.trim().split(/[ \t]+/);
  return splitQuoted(line, delimiter);
}

const CANDIDATES = [",", "\t", ";", "|"];

/**
 * Picks the delimiter whose field count is the same (and at least 2) on most sample lines; commas, tabs,
 * semicolons and pipes are preferred to runs of whitespace.
 * @example detectDelimiter(["1 2  3", "4  5 6"]) // => "whitespace"
 */
export function detectDelimiter(lines: string[]): string {
  const score = (d: string): number => {
    const counts = new Map<number, number>();
    for (const l of lines) {
      const n = splitSampleLine(l, d).length;
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    let best = 0;
    for (const [n, c] of counts) if (n >= 2 && c > best) best = c;
    return lines.length ? best / lines.length : 0;
  };
  let pick = ",";
  let pickScore = 0;
  for (const d of [...CANDIDATES, "whitespace"]) {
    const s = score(d);
    if (s >= 0.8) return d;
    if (s > pickScore) {
      pick = d;
      pickScore = s;
    }
  }
  return pick;
}

const NUMBER_LIKE = /^[-+]?[$€£]?[0-9][0-9.,:/ T+-]*Z?$/;

/**
 * Guesses whether the first line is a header: it names a known column (or one of `columns`), or it has no
 * number-like field while the next line has one.
 */
export function detectHeader(first: string[], second: string[] | undefined, columns?: string[]): boolean {
  const lower = new Set((columns ?? []).map((c) => c.toLowerCase()));
  if (first.some((f) => isKnownColumnName(f) || lower.has(f.toLowerCase()))) return true;
  if (!second) return false;
  return !first.some((f) => NUMBER_LIKE.test(f)) && second.some((f) => NUMBER_LIKE.test(f));
}

/** Options that steer sniffing. */
export interface SniffOptions {
  delimiter?: string;
  header?: boolean;
  columns?: string[];
}

/**
 * Sniffs one file.
 * @throws LoyalError E_IO when it cannot be read, E_INPUT when a Parquet/JSON file cannot be opened,
 *   E_USAGE when `columns` has the wrong length
 */
export async function sniffSource(conn: DuckDBConnection, file: string, opts: SniffOptions): Promise<SourceInfo> {
  const lower = file.toLowerCase().replace(/\.gz$/, "");
  if (lower.endsWith(".parquet")) {
    const names = await describe(conn, `read_parquet(${sqlString(file)})`, file);
    return { file, kind: "parquet", header: false, names: opts.columns ?? names, sample: [] };
  }
  const { text, complete } = await readHead(file);
  const rawLines = text.split(/\r\n|\n|\r/);
  if (!complete) rawLines.pop();
  const lines = rawLines.filter((l) => l.trim() !== "").slice(0, 100);
  if (/\.(json|ndjson|jsonl)$/.test(lower)) {
    if (text.trimStart().startsWith("[")) {
      const names = await describe(conn, `read_json(${sqlString(file)}, format='array')`, file);
      return { file, kind: "json-array", header: false, names, sample: [] };
    }
    const keys: string[] = [];
    for (const l of lines) {
      try {
        const o = JSON.parse(l);
        if (o && typeof o === "object" && !Array.isArray(o))
          for (const k of Object.keys(o)) if (!keys.includes(k)) keys.push(k);
      } catch {
        // a broken line is quarantined later
      }
    }
    return { file, kind: "ndjson", header: false, names: keys, sample: lines };
  }
  const firstLine = rawLines[0] ?? "";
  const delimiter =
    normalizeDelimiter(opts.delimiter) ??
    [...CANDIDATES, "whitespace"].find((d) => splitSampleLine(firstLine, d).filter(isKnownColumnName).length >= 2) ??
    detectDelimiter(lines.slice(0, 50));
  const first = splitSampleLine(firstLine, delimiter);
  const nonBlankAfter = rawLines.slice(1).find((l) => l.trim() !== "");
  const header =
    opts.header ??
    (firstLine.trim() !== "" &&
      detectHeader(
        first,
        nonBlankAfter === undefined ? undefined : splitSampleLine(nonBlankAfter, delimiter),
        opts.columns,
      ));
  let names: string[];
  if (opts.columns) {
    names = opts.columns;
  } else if (header) {
    names = first.map((n, i) => n || `column${i + 1}`);
  } else {
    const n = lines.length ? splitSampleLine(lines[0], delimiter).length : 0;
    names = Array.from({ length: n }, (_, i) => `column${i + 1}`);
  }
  return { file, kind: "text", delimiter, header, names, sample: header ? lines.slice(1) : lines };
}

/** Validates the `delimiter` option. */
function normalizeDelimiter(d: string | undefined): string | undefined {
  if (d === undefined) return undefined;
  if (d === "whitespace" || d === "\\s+") return "whitespace";
  if (d === "\\t" || d === "tab") return "\t";
  if (d.length !== 1 || d === '"' || d === "\n" || d === "\r") {
    throw new LoyalError("E_USAGE", `delimiter must be one character or "whitespace", not ${JSON.stringify(d)}`);
  }
  return d;
}

async function describe(conn: DuckDBConnection, from: string, file: string): Promise<string[]> {
  try {
    const r = await conn.runAndReadAll(`describe select * from ${from}`);
    return r.getRowObjectsJson().map((o) => String(o.column_name));
  } catch (e) {
    throw new LoyalError("E_INPUT", `cannot read: ${firstLine((e as Error).message)}`, { file });
  }
}

/** The first line of a (DuckDB) error message. */
export function firstLine(s: string): string {
  return s.split("\n")[0];
}

/** The most common number of fields on a text file's sample lines. */
export function typicalFieldCount(src: SourceInfo): number {
  const counts = new Map<number, number>();
  for (const l of src.sample) {
    const n = splitSampleLine(l, src.delimiter ?? ",").length;
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [n, c] of counts) if (c > bestCount) [best, bestCount] = [n, c];
  return best;
}

/**
 * Copies a (possibly gzipped) file into the temp directory with every line end (\r\n, \r, \n) made \n, chunk by
 * chunk. Used only when DuckDB's reader rejects a file that mixes line ends.
 * @returns the copy's path (the caller deletes it)
 */
export async function normalizedCopy(file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "loyal-nl-"));
  const out = join(dir, basename(file).replace(/\.gz$/i, ""));
  let pendingCr = false;
  const fix = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      let s = chunk.toString("latin1");
      if (pendingCr) s = `\r${s}`;
      pendingCr = s.endsWith("\r");
      if (pendingCr) s = s.slice(0, -1);
      cb(null, Buffer.from(s.replace(/\r\n?/g, "\n"), "latin1"));
    },
    flush(cb) {
      cb(null, pendingCr ? Buffer.from("\n") : undefined);
    },
  });
  const src = createReadStream(file);
  try {
    if (file.toLowerCase().endsWith(".gz")) await pipeline(src, createGunzip(), fix, createWriteStream(out));
    else await pipeline(src, fix, createWriteStream(out));
  } catch (e) {
    throw new LoyalError("E_IO", `cannot read: ${(e as Error).message}`, { file });
  }
  return out;
}
