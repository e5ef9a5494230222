/**
 * Fast reads of DuckDB result vectors into JS arrays, for results of millions of rows (summaries, purchases).
 *
 * The client's per-item `getItem` makes one decoder call per value; here a DOUBLE vector without NULLs is copied in
 * one `Float64Array#set`, and a chunk of short VARCHARs (DuckDB keeps strings of up to 12 bytes inline in the vector)
 * is gathered into one buffer, decoded once and split: about 3x faster on 2.5M customer ids. Any vector of another
 * shape (NULLs, long strings, a newline inside a value, another client version) takes the plain `getItem` path, so
 * the result is always the same.
 */
import { DuckDBTypeId, type DuckDBVector } from "@duckdb/node-api";

/** The client's internals these fast paths read (checked at run time; absent on other vector kinds). */
interface RawNumberVector {
  items?: Float64Array | Int32Array;
  validity?: { data?: unknown };
}
interface RawVarCharVector {
  dataView?: DataView;
  validity?: { data?: unknown };
}

interface RawArrayVector {
  childData?: RawNumberVector & { type?: { typeId?: number } };
  validity?: { data?: unknown };
}

let scratch = Buffer.allocUnsafe(1 << 16);

/**
 * Copies a column of numbers into `target` at `offset` (DOUBLE and INTEGER vectors in bulk).
 * @param vector a result vector (any numeric type)
 * @param rows the chunk's row count
 * @param onNull what a NULL becomes: a number, or a function that throws
 */
export function copyNumbers(
  vector: DuckDBVector,
  target: Float64Array | Int32Array,
  offset: number,
  rows: number,
  onNull: number | ((row: number) => never),
): void {
  const raw = vector as unknown as RawNumberVector;
  const id = vector.type.typeId;
  const bulk =
    (id === DuckDBTypeId.DOUBLE && raw.items instanceof Float64Array) ||
    (id === DuckDBTypeId.INTEGER && raw.items instanceof Int32Array);
  if (bulk && raw.items!.length >= rows && raw.validity && raw.validity.data === null) {
    target.set(raw.items!.subarray(0, rows), offset);
    return;
  }
  for (let i = 0; i < rows; i++) {
    const v = vector.getItem(i);
    if (v === null || v === undefined) target[offset + i] = typeof onNull === "number" ? onNull : onNull(i);
    else target[offset + i] = Number(v);
  }
}

/**
 * Copies a column of strings into `target` at `offset` (NULL becomes `nullAs`).
 * @param vector a VARCHAR result vector
 * @param rows the chunk's row count
 */
export function copyStrings(
  vector: DuckDBVector,
  target: string[],
  offset: number,
  rows: number,
  nullAs: string | null = null,
): void {
  if (!copyInlineStrings(vector, target, offset, rows)) {
    for (let i = 0; i < rows; i++) {
      const v = vector.getItem(i);
      target[offset + i] = (v === null || v === undefined ? nullAs : String(v)) as string;
    }
  }
}

/** The fast path of copyStrings: every value non-NULL, at most 12 bytes (inline) and without a newline. */
function copyInlineStrings(vector: DuckDBVector, target: string[], offset: number, rows: number): boolean {
  const raw = vector as unknown as RawVarCharVector;
  const dv = raw.dataView;
  if (!(dv instanceof DataView) || !raw.validity || raw.validity.data !== null || dv.byteLength < rows * 16) {
    return false;
  }
  const bytes = new Uint8Array(dv.buffer, dv.byteOffset, rows * 16);
  if (scratch.length < rows * 13) scratch = Buffer.allocUnsafe(rows * 13);
  let pos = 0;
  let high = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * 16;
    const len = dv.getUint32(base, true);
    if (len > 12) return false;
    for (let k = base + 4, end = base + 4 + len; k < end; k++) {
      const b = bytes[k];
      if (b === 10) return false;
      high |= b;
      scratch[pos++] = b;
    }
    scratch[pos++] = 10;
  }
  // one decode, one split: UTF-8 when any byte is non-ASCII (a newline never occurs inside a UTF-8 sequence)
  const text = high >= 0x80 ? scratch.toString("utf8", 0, pos - 1) : scratch.toString("latin1", 0, pos - 1);
  const parts = text.split("\n");
  if (parts.length !== rows) return false;
  for (let i = 0; i < rows; i++) target[offset + i] = parts[i];
  return true;
}

/**
 * Copies a DOUBLE[k] array column into k target columns at `offset` (element c of row i into `targets[c][offset + i]`).
 * @param vector a DOUBLE[k] result vector, k = targets.length
 * @param rows the chunk's row count
 * @param onNull called for a NULL array or element (it throws)
 */
export function copyArrayColumns(
  vector: DuckDBVector,
  targets: Float64Array[],
  offset: number,
  rows: number,
  onNull: (row: number, column: number) => never,
): void {
  const k = targets.length;
  const raw = vector as unknown as RawArrayVector;
  const child = raw.childData;
  const items = child?.items;
  if (
    items instanceof Float64Array &&
    items.length >= rows * k &&
    raw.validity?.data === null &&
    child?.validity?.data === null
  ) {
    for (let c = 0; c < k; c++) {
      const t = targets[c];
      for (let i = 0, j = c; i < rows; i++, j += k) t[offset + i] = items[j];
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    const v = vector.getItem(i) as { items?: unknown[] } | null;
    if (!v || !Array.isArray(v.items)) onNull(i, 0);
    for (let c = 0; c < k; c++) {
      const x = v!.items![c];
      if (x === null || x === undefined) onNull(i, c);
      targets[c][offset + i] = Number(x);
    }
  }
}
