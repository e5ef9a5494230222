/**
 * Scores a summary file of any size with bounded memory on every core: the file is cut into one byte range per
 * worker thread; each worker parses, scores and formats its range chunk by chunk into a part file
 * (score-range.ts); the parts are then joined in order. Parquet input is first streamed to CSV by DuckDB, and
 * Parquet output converted from the CSV by DuckDB. Memory is bounded by the block and chunk sizes, not by the file.
 */
import { createReadStream, createWriteStream, writeFileSync } from "node:fs";
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Worker } from "node:worker_threads";
import { closeDuckDb, openDuckDb, sqlString } from "../data/duckdb.ts";
import { parseTimeUnit, type TimeUnit } from "../data/time-unit.ts";
import { type ErrorCode, LoyalError } from "../errors.ts";
import { assertSameUnit } from "../models/serialize.ts";
import type { FittedModel } from "../models/types.ts";
import type { ScoreOptions } from "./clv.ts";
import type { ScoreChunkJob } from "./score-format.ts";
import { RangeError2, type RangeResult, type RangeTask, scoreRange } from "./score-range.ts";

/**
 * Input size from which the scorer uses worker threads by default. Each worker starts by loading its modules:
 * through tsx (run from the TypeScript sources) that costs 0.6–0.8 s, compiled (dist/) a fraction of it. Measured on
 * the 2-core machine: from the sources, 2M customers (76 MB) took 2.0 s on the main thread and 3.5 s on two workers,
 * 10M (378 MB) 8.0 s and 5.65 s, the lines crossing near 5.7M customers (~200 MB); compiled, 1M customers (37 MB)
 * took 1.24 s on the main thread and 1.39 s on two workers, 2M 1.67–2.03 s and 1.54–1.81 s, crossing near 80 MB.
 */
export const WORKERS_FROM_BYTES = import.meta.url.endsWith(".js") ? 96 * 1024 * 1024 : 192 * 1024 * 1024;

export interface ScoreFileOptions extends Omit<ScoreOptions, "spendModel"> {
  model: FittedModel;
  spendModel?: FittedModel;
  /** Bytes of input a worker reads, parses and scores at a time (default 8 MiB): this bounds the memory. */
  blockSize?: number;
  /**
   * Worker threads; 0 scores on the main thread. Default: the number of cores (at most 8) for inputs of at least
   * {@link WORKERS_FROM_BYTES}, else 0 (starting workers costs more than it saves on smaller files).
   */
  workers?: number;
  /** Unit of a file without a `# unit:` line (default: the model's unit). */
  unit?: TimeUnit;
  /** Called as rows are scored. */
  onProgress?: (rowsDone: number) => void;
}

export interface ScoreFileResult {
  rows: number;
  totalExpectedPurchases: number;
  totalClv: number | null;
  workers: number;
  output: string;
}

const NAMES = {
  id: ["customer_id", "ID", "id"],
  frequency: ["frequency", "x"],
  recency: ["recency", "t_x"],
  T: ["T"],
  monetary: ["monetary_value", "zbar"],
} as const;

interface Layout {
  unit?: TimeUnit;
  dataStart: number;
  headerLine: number;
  positions: RangeTask["positions"];
}

async function readLayout(file: string, withSpend: boolean): Promise<Layout> {
  const fh = await open(file, "r").catch((e) => {
    throw new LoyalError("E_IO", `cannot read: ${(e as Error).message}`, { file });
  });
  try {
    const buf = Buffer.alloc(1 << 16);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString("utf8");
    let offset = text.charCodeAt(0) === 0xfeff ? 3 : 0;
    let s = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let unit: TimeUnit | undefined;
    let line = 0;
    for (;;) {
      const e = text.indexOf("\n", s);
      if (e < 0) throw new LoyalError("E_INPUT", "no header line found in the first 64 KiB", { file });
      line++;
      const l = text.slice(s, e).replace(/\r$/, "");
      offset += Buffer.byteLength(text.slice(s, e + 1));
      s = e + 1;
      if (l.startsWith("#")) {
        const m = /^#\s*unit\s*:\s*(\w+)/.exec(l);
        if (m) unit = parseTimeUnit(m[1]);
        continue;
      }
      if (l.trim() === "") continue;
      const header = l.split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
      const find = (names: readonly string[], column: string, required: boolean) => {
        const i = header.findIndex((h) => names.includes(h));
        if (i < 0 && required)
          throw new LoyalError("E_INPUT", `missing column ${names.join(" or ")} (header: ${header.join(",")})`, {
            file,
            row: line,
            column,
          });
        return i;
      };
      return {
        unit,
        dataStart: offset,
        headerLine: line,
        positions: {
          id: find(NAMES.id, "customer_id", true),
          frequency: find(NAMES.frequency, "frequency", true),
          recency: find(NAMES.recency, "recency", true),
          T: find(NAMES.T, "T", true),
          monetary: find(NAMES.monetary, "monetary_value", withSpend),
        },
      };
    }
  } finally {
    await fh.close();
  }
}

/** Byte offsets that cut [start, size) into `parts` ranges at line starts. */
async function splitRanges(file: string, start: number, size: number, parts: number): Promise<[number, number][]> {
  const cuts = [start];
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(1 << 16);
    for (let k = 1; k < parts; k++) {
      let p = Math.max(cuts[cuts.length - 1], start + Math.floor(((size - start) * k) / parts));
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, p);
        if (bytesRead <= 0) {
          p = size;
          break;
        }
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) {
          p += nl + 1;
          break;
        }
        p += bytesRead;
      }
      cuts.push(Math.min(p, size));
    }
  } finally {
    await fh.close();
  }
  cuts.push(size);
  const ranges: [number, number][] = [];
  for (let k = 0; k < parts; k++) if (cuts[k + 1] > cuts[k]) ranges.push([cuts[k], cuts[k + 1]]);
  return ranges;
}

/** Number of lines before byte `offset` (for error messages only). */
async function linesBefore(file: string, offset: number): Promise<number> {
  let n = 0;
  let seen = 0;
  for await (const chunk of createReadStream(file, { end: Math.max(0, offset - 1) })) {
    const b = chunk as Buffer;
    for (let i = 0; i < b.length && seen + i < offset; i++) if (b[i] === 10) n++;
    seen += b.length;
  }
  return n;
}

/**
 * The worker's module: compiled (dist/), this file is JavaScript and so is the worker; run from the TypeScript
 * sources, the worker starts through a bootstrap that registers the tsx loader (Node 20 workers do not inherit it).
 */
const WORKER_URL = import.meta.url.endsWith(".js")
  ? new URL("./score-worker.js", import.meta.url)
  : new URL("./score-worker-entry.js", import.meta.url);

function runWorker(task: RangeTask, k: number, onProgress: (rows: number) => void): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_URL, { workerData: task });
    w.on(
      "message",
      (m: {
        type: string;
        rows?: number;
        result?: RangeResult;
        message?: string;
        code?: string;
        lineInRange?: number;
        column?: string;
      }) => {
        if (m.type === "progress") onProgress(m.rows ?? 0);
        else if (m.type === "done") resolve(m.result!);
        else if (m.type === "error") {
          if (m.lineInRange === undefined) {
            reject(new LoyalError((m.code as ErrorCode) ?? "E_INTERNAL", m.message ?? "scoring worker failed"));
            return;
          }
          const err = new RangeError2(m.lineInRange, m.column, m.message ?? "bad line");
          err.range = k;
          reject(err);
        }
      },
    );
    w.on("error", (e) => reject(new LoyalError("E_INTERNAL", `scoring worker failed: ${e.message}`)));
    w.on("exit", (code) => {
      if (code !== 0) reject(new LoyalError("E_INTERNAL", `scoring worker exited with code ${code}`));
    });
  });
}

/**
 * Scores every customer of a summary file (CSV with `customer_id, frequency, recency, T[, monetary_value]`, or
 * Parquet) and writes `customer_id, expected_purchases, p_alive[, expected_spend, clv]` (numbers to 9 decimals)
 * to `output` (.csv or .parquet).
 * @param input summary file
 * @param output scores file
 * @param options models, horizon, CLV settings, chunk size, worker count
 * @returns row count and totals
 * @throws LoyalError E_UNIT_MISMATCH, E_INPUT naming the file, line and column of a bad value, E_IO
 */
export async function scoreSummaryFile(
  input: string,
  output: string,
  options: ScoreFileOptions,
): Promise<ScoreFileResult> {
  const withSpend = options.spendModel !== undefined;
  const tmp = await mkdtemp(join(tmpdir(), "loyal-score-"));
  try {
    let csvIn = input;
    if (input.toLowerCase().endsWith(".parquet")) {
      csvIn = join(tmp, "input.csv");
      const conn = await openDuckDb();
      try {
        await conn.run(
          `COPY (SELECT * FROM read_parquet(${sqlString(input)})) TO ${sqlString(csvIn)} (FORMAT csv, HEADER)`,
        );
      } catch (e) {
        throw new LoyalError("E_INPUT", `cannot read Parquet: ${(e as Error).message.split("\n")[0]}`, { file: input });
      } finally {
        closeDuckDb(conn);
      }
    }
    const layout = await readLayout(csvIn, withSpend);
    const unit = layout.unit ?? options.unit ?? options.model.unit ?? "week";
    assertSameUnit(options.model, unit);
    const job: ScoreChunkJob = {
      model: options.model,
      spendModel: options.spendModel,
      options: {
        horizon: options.horizon,
        months: options.months,
        discount: options.discount,
        daysPerMonth: options.daysPerMonth,
      },
      unit,
    };
    const size = (await stat(csvIn)).size;
    const nWorkers = options.workers ?? (size >= WORKERS_FROM_BYTES ? Math.min(availableParallelism(), 8) : 0);
    const ranges = await splitRanges(csvIn, layout.dataStart, size, Math.max(1, nWorkers));
    const progress = new Array(ranges.length).fill(0);
    const report = () => options.onProgress?.(progress.reduce((a, b) => a + b, 0));
    // The first range writes straight into the output after its header; the others into part files appended after.
    const csvOut = output.toLowerCase().endsWith(".parquet") ? join(tmp, "scores.csv") : output;
    try {
      writeFileSync(
        csvOut,
        withSpend
          ? "customer_id,expected_purchases,p_alive,expected_spend,clv\n"
          : "customer_id,expected_purchases,p_alive\n",
      );
    } catch (e) {
      throw new LoyalError("E_IO", `cannot write: ${(e as Error).message}`, { file: output });
    }
    const tasks: RangeTask[] = ranges.map(([start, end], k) => ({
      job,
      file: csvIn,
      start,
      end,
      positions: layout.positions,
      outPath: k === 0 ? csvOut : join(tmp, `part-${k}.csv`),
      append: k === 0,
      blockSize: options.blockSize,
    }));
    let results: RangeResult[];
    try {
      results =
        nWorkers === 0
          ? tasks.map((t, k) => {
              try {
                return scoreRange(t, (r) => {
                  progress[k] = r;
                  report();
                });
              } catch (e) {
                if (e instanceof RangeError2) e.range = k;
                throw e;
              }
            })
          : await Promise.all(
              tasks.map((t, k) =>
                runWorker(t, k, (r) => {
                  progress[k] = r;
                  report();
                }),
              ),
            );
    } catch (e) {
      if (e instanceof RangeError2) {
        const line = (await linesBefore(csvIn, tasks[e.range].start)) + e.lineInRange;
        throw new LoyalError("E_INPUT", e.message, { file: input, row: line, column: e.column });
      }
      throw e;
    }
    const out = createWriteStream(csvOut, { flags: "a" });
    for (const t of tasks.slice(1)) await pipeline(createReadStream(t.outPath), out, { end: false });
    out.end();
    await new Promise<void>((resolve, reject) => {
      out.on("finish", resolve);
      out.on("error", (e) => reject(new LoyalError("E_IO", `cannot write: ${e.message}`, { file: output })));
    });
    if (csvOut !== output) {
      const conn = await openDuckDb();
      try {
        await conn.run(
          `COPY (SELECT * FROM read_csv(${sqlString(csvOut)}, header = true, columns = {'customer_id': 'VARCHAR', 'expected_purchases': 'DOUBLE', 'p_alive': 'DOUBLE'${withSpend ? ", 'expected_spend': 'DOUBLE', 'clv': 'DOUBLE'" : ""}})) TO ${sqlString(output)} (FORMAT parquet)`,
        );
      } finally {
        closeDuckDb(conn);
      }
    }
    const total = (f: (r: RangeResult) => number) => results.reduce((a, r) => a + f(r), 0);
    return {
      rows: total((r) => r.rows),
      totalExpectedPurchases: total((r) => r.expectedPurchases),
      totalClv: withSpend ? total((r) => r.clv) : null,
      workers: nWorkers,
      output,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
