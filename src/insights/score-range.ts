/**
 * Scores one byte range of a summary CSV: reads it block by block, parses each block's lines straight from the bytes
 * (no string per line or per id: ids are copied byte for byte into the output), scores the block
 * (insights/clv.ts) and appends its CSV rows to the range's part file. Run by the streaming scorer's worker threads
 * (score-worker.ts), one range per worker, so parsing, scoring and formatting all use every core, with memory
 * bounded by the block size.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import type { CustomerSummary } from "../data/summary.ts";
import { scoreCustomers } from "./clv.ts";
import { ByteWriter, decimalPrefixEnd, parseDecimalBytes, parseDecimalPrefix } from "./fast-number.ts";
import type { ScoreChunkJob } from "./score-format.ts";

export interface RangeTask {
  job: ScoreChunkJob;
  file: string;
  start: number;
  end: number;
  /** Column positions in each line: id, frequency, recency, T, monetary (−1 when absent). */
  positions: { id: number; frequency: number; recency: number; T: number; monetary: number };
  outPath: string;
  /** Append to `outPath` instead of replacing it. */
  append?: boolean;
  /** Bytes read per block (default 8 MiB). */
  blockSize?: number;
}

export interface RangeResult {
  rows: number;
  expectedPurchases: number;
  clv: number;
}

/** A parse problem: line within the range (1-based), column name, message. */
export class RangeError2 extends Error {
  /** Index of the range (set by the caller that knows it). */
  range = 0;
  constructor(
    readonly lineInRange: number,
    readonly column: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const COMMA = 44;
const NL = 10;
const CR = 13;
const QUOTE = 34;
const HASH = 35;

function splitQuoted(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Scores the lines of `task.file` between byte offsets `start` (a line start) and `end` (a line start or EOF).
 * @param task what to read, how to score, where to write
 * @param onBlock called after each block with the rows done so far
 * @returns totals of the range
 * @throws RangeError2 for a bad line (the caller turns it into a LoyalError with the absolute line number)
 */
export function scoreRange(task: RangeTask, onBlock?: (rows: number) => void): RangeResult {
  const { positions: p, job } = task;
  const withSpend = job.spendModel !== undefined;
  const blockSize = task.blockSize ?? 8 << 20;
  const fd = openSync(task.file, "r");
  const out = openSync(task.outPath, task.append ? "a" : "w");
  let block = Buffer.alloc(blockSize);
  // Per-line columns of the current block (a block of B bytes has at most B/8 lines).
  let cap = blockSize >> 3;
  let idStart = new Int32Array(cap);
  let idEnd = new Int32Array(cap);
  // Ids of the block's rows that were quoted (idStart −1): rare, so kept apart from the byte ranges.
  const quotedId = new Map<number, string>();
  let f = new Float64Array(cap);
  let r = new Float64Array(cap);
  let T = new Float64Array(cap);
  let m = new Float64Array(cap);
  const writer = new ByteWriter(blockSize * 2);
  const totals: RangeResult = { rows: 0, expectedPurchases: 0, clv: 0 };
  const maxField = Math.max(p.id, p.frequency, p.recency, p.T, p.monetary);
  // Field bounds of the current line: fields 0..maxField (starts also gets the one after).
  const starts = new Int32Array(maxField + 2);
  const ends = new Int32Array(maxField + 2);
  // Fields holding numbers (1), and their values as read with the line (NaN: to read whole).
  const numeric = new Uint8Array(maxField + 1);
  for (const k of [p.frequency, p.recency, p.T, withSpend ? p.monetary : -1]) if (k >= 0) numeric[k] = 1;
  const values = new Float64Array(maxField + 1);
  let lineNo = 0;
  let pos = task.start;
  let carry = 0; // bytes carried at the start of `block` from the previous read
  const fail = (column: string, message: string): never => {
    throw new RangeError2(lineNo, column, message);
  };
  const num = (buf: Buffer, s: number, e: number, column: string): number => {
    if (e <= s) fail(column, "empty value");
    const v = parseDecimalBytes(buf, s, e);
    if (!Number.isFinite(v)) fail(column, `'${buf.toString("utf8", s, e)}' is not a number`);
    return v;
  };
  try {
    for (;;) {
      const want = Math.min(block.length - carry, task.end - pos);
      const got = want > 0 ? readSync(fd, block, carry, want, pos) : 0;
      pos += got;
      const len = carry + got;
      if (len === 0) break;
      const atEnd = pos >= task.end || got === 0;
      let last = block.lastIndexOf(NL, len - 1);
      if (last < 0 || atEnd) last = len; // the final line may lack a newline
      if (last === len && !atEnd && len === block.length) {
        // A single line longer than the block: grow the block.
        const bigger = Buffer.alloc(block.length * 2);
        block.copy(bigger, 0, 0, len);
        block = bigger;
        carry = len;
        continue;
      }
      // Parse lines in [0, last), each in one pass over its bytes: a number is read where its field starts (when it
      // is a plain decimal that ends the field, nothing more is needed), and the other bytes are scanned for commas,
      // quotes and the line's end.
      let n = 0;
      let s = 0;
      while (s < last) {
        lineNo++;
        let k = 0; // commas seen among the first maxField + 1 fields: field k starts after the k-th
        let quoted = false;
        let i = s;
        starts[0] = s;
        for (;;) {
          if (numeric[k] === 1) {
            const v = parseDecimalPrefix(block, i, last);
            const j = decimalPrefixEnd;
            values[k] = Number.NaN; // read whole below
            if (j >= 0) {
              const c = j < last ? block[j] : NL;
              if (c === COMMA || c === NL || (c === CR && (j + 1 === last || block[j + 1] === NL))) {
                values[k] = v;
                i = j;
              }
            }
          }
          // To the field's end: every byte that matters is <= ',' (digits, letters, '.', '-' are not).
          let c = NL;
          while (i < last) {
            c = block[i];
            if (c <= COMMA) {
              if (c === COMMA || c === NL) break;
              if (c === QUOTE) quoted = true;
            }
            i++;
          }
          if (i === last || c === NL) break;
          ends[k] = i;
          k++;
          starts[k] = ++i;
          if (k > maxField) break;
        }
        // The rest of the line: its end, and any quote.
        while (i < last) {
          const c = block[i];
          if (c <= QUOTE) {
            if (c === NL) break;
            if (c === QUOTE) quoted = true;
          }
          i++;
        }
        const e = i;
        let le = e;
        if (le > s && block[le - 1] === CR) le--;
        if (le > s && block[s] !== HASH) {
          if (n === cap) {
            cap *= 2;
            const grow = <A extends Int32Array | Float64Array>(a: A, C: new (k: number) => A): A => {
              const b = new C(cap);
              b.set(a);
              return b;
            };
            idStart = grow(idStart, Int32Array);
            idEnd = grow(idEnd, Int32Array);
            f = grow(f, Float64Array);
            r = grow(r, Float64Array);
            T = grow(T, Float64Array);
            m = grow(m, Float64Array);
          }
          if (quoted) {
            const cells = splitQuoted(block.toString("utf8", s, le));
            const cell = (k: number, column: string) => {
              const v = cells[k];
              if (v === undefined || v.trim() === "") fail(column, "empty value");
              return v;
            };
            quotedId.set(n, cell(p.id, "customer_id"));
            idStart[n] = -1;
            const toNum = (k: number, column: string) => {
              const v = Number(cell(k, column));
              if (!Number.isFinite(v)) fail(column, `'${cells[k]}' is not a number`);
              return v;
            };
            f[n] = toNum(p.frequency, "frequency");
            r[n] = toNum(p.recency, "recency");
            T[n] = toNum(p.T, "T");
            m[n] = withSpend ? toNum(p.monetary, "monetary_value") : 0;
          } else {
            // The last field found ends at the line's end (before any CR).
            if (k <= maxField) ends[k] = le;
            if (k < maxField) fail("", `expected at least ${maxField + 1} fields, found ${k + 1}`);
            if (ends[p.id] <= starts[p.id]) fail("customer_id", "empty customer id");
            idStart[n] = starts[p.id];
            idEnd[n] = ends[p.id];
            // values read with the line, or (NaN) read whole now
            const fv = values[p.frequency];
            f[n] = Number.isNaN(fv) ? num(block, starts[p.frequency], ends[p.frequency], "frequency") : fv;
            const rv = values[p.recency];
            r[n] = Number.isNaN(rv) ? num(block, starts[p.recency], ends[p.recency], "recency") : rv;
            const tv = values[p.T];
            T[n] = Number.isNaN(tv) ? num(block, starts[p.T], ends[p.T], "T") : tv;
            const mv = withSpend ? values[p.monetary] : 0;
            m[n] = Number.isNaN(mv) ? num(block, starts[p.monetary], ends[p.monetary], "monetary_value") : mv;
          }
          const fn = f[n];
          const rn = r[n];
          if (!(fn >= 0 && Number.isInteger(fn))) fail("frequency", `frequency must be a whole number >= 0, got ${fn}`);
          if (!(rn >= 0)) fail("recency", `recency must be >= 0, got ${rn}`);
          if (!(T[n] >= rn)) fail("T", `T must be >= recency (${rn}), got ${T[n]}`);
          if (fn === 0 && rn !== 0) fail("recency", `recency must be 0 when frequency is 0, got ${rn}`);
          if (withSpend && !(m[n] >= 0)) fail("monetary_value", `monetary_value must be >= 0, got ${m[n]}`);
          n++;
        }
        s = e + 1;
      }
      if (n > 0) {
        const summary: CustomerSummary = {
          unit: job.unit,
          ids: [],
          frequency: f.subarray(0, n),
          recency: r.subarray(0, n),
          T: T.subarray(0, n),
          monetary: withSpend ? m.subarray(0, n) : undefined,
        };
        const sc = scoreCustomers(job.model, summary, { ...job.options, spendModel: job.spendModel });
        writer.reset();
        for (let i = 0; i < n; i++) {
          const q = idStart[i] < 0 ? quotedId.get(i) : undefined;
          if (q !== undefined) writer.str(/[",\r\n]/.test(q) ? `"${q.replaceAll('"', '""')}"` : q);
          else writer.copy(block, idStart[i], idEnd[i]);
          writer.byte(COMMA);
          writer.fixed(sc.expectedPurchases[i], 9);
          writer.byte(COMMA);
          writer.fixed(sc.pAlive[i], 9);
          totals.expectedPurchases += sc.expectedPurchases[i];
          if (sc.clv && sc.expectedSpend) {
            writer.byte(COMMA);
            writer.fixed(sc.expectedSpend[i], 9);
            writer.byte(COMMA);
            writer.fixed(sc.clv[i], 9);
            totals.clv += sc.clv[i];
          }
          writer.byte(NL);
        }
        writeSync(out, writer.bytes());
        totals.rows += n;
        quotedId.clear();
        onBlock?.(totals.rows);
      }
      // Carry the unfinished line to the front of the block.
      const rest = last < len ? len - (last + 1) : 0;
      if (rest > 0) block.copy(block, 0, last + 1, len);
      carry = rest;
      if (atEnd && rest === 0) break;
    }
  } finally {
    closeSync(fd);
    closeSync(out);
  }
  return totals;
}
