/**
 * Per-data-set caches shared by the purchase models: the distinct frequencies (so that every Γ, B and ψ term that
 * depends only on x is computed once per distinct x, not once per customer) and input validation.
 */
import type { RfmData } from "../data/summary.ts";
import { LoyalError } from "../errors.ts";

export interface FrequencyIndex {
  /** Distinct frequencies, ascending. */
  values: Float64Array;
  /** For each row, the index of its frequency in `values`. */
  index: Uint32Array;
}

const cache = new WeakMap<Float64Array, FrequencyIndex>();

/**
 * The distinct frequencies of a data set (cached per frequency array).
 * @example frequencyIndex({ frequency: new Float64Array([2, 0, 2]), ... }).values // => [0, 2]
 */
export function frequencyIndex(data: Pick<RfmData, "frequency">): FrequencyIndex {
  const hit = cache.get(data.frequency);
  if (hit) return hit;
  const f = data.frequency;
  const distinct = Array.from(new Set(f)).sort((a, b) => a - b);
  const pos = new Map<number, number>();
  for (let i = 0; i < distinct.length; i++) pos.set(distinct[i], i);
  const index = new Uint32Array(f.length);
  for (let i = 0; i < f.length; i++) index[i] = pos.get(f[i])!;
  const out = { values: Float64Array.from(distinct), index };
  cache.set(data.frequency, out);
  return out;
}

/**
 * Checks that (frequency, recency, T) rows are a valid summary: equal lengths, integer frequency >= 0,
 * 0 <= recency <= T, recency > 0 when frequency > 0... (recency 0 with repeat purchases is allowed: same-time
 * purchases in continuous data), weights finite and >= 0.
 * @throws LoyalError E_INPUT naming the first bad row (1-based) and column
 */
export function validateRfm(data: RfmData, what = "summary"): void {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.T.length !== n || (data.weights && data.weights.length !== n)) {
    throw new LoyalError("E_INPUT", `${what}: columns have different lengths`);
  }
  if (n === 0) throw new LoyalError("E_INPUT", `${what}: no customers`);
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i];
    const tx = data.recency[i];
    const T = data.T[i];
    if (!(x >= 0) || !Number.isInteger(x))
      throw new LoyalError("E_INPUT", `frequency must be a whole number >= 0, got ${x}`, {
        file: what,
        row: i + 1,
        column: "frequency",
      });
    if (!(tx >= 0) || !Number.isFinite(tx))
      throw new LoyalError("E_INPUT", `recency must be finite and >= 0, got ${tx}`, {
        file: what,
        row: i + 1,
        column: "recency",
      });
    if (!(T >= tx) || !Number.isFinite(T))
      throw new LoyalError("E_INPUT", `T must be finite and >= recency (${tx}), got ${T}`, {
        file: what,
        row: i + 1,
        column: "T",
      });
    if (x === 0 && tx !== 0)
      throw new LoyalError("E_INPUT", `recency must be 0 when frequency is 0, got ${tx}`, {
        file: what,
        row: i + 1,
        column: "recency",
      });
    if (data.weights) {
      const w = data.weights[i];
      if (!(w >= 0) || !Number.isFinite(w))
        throw new LoyalError("E_INPUT", `weight must be finite and >= 0, got ${w}`, {
          file: what,
          row: i + 1,
          column: "weights",
        });
    }
  }
}

export interface ValueIndex {
  /** Distinct values (in first-seen order). */
  values: Float64Array;
  /** For each row, the index of its value in `values`. */
  index: Uint32Array;
}

const valueCache = new WeakMap<Float64Array, ValueIndex | null>();

/**
 * Distinct values of a column when there are few of them (at most a quarter of the rows, as with daily-resolution
 * recency and T), so that per-evaluation work such as ln(α + T) is done once per distinct value; `null` otherwise.
 * Cached per array.
 */
export function fewValuesIndex(column: Float64Array): ValueIndex | null {
  const hit = valueCache.get(column);
  if (hit !== undefined) return hit;
  const limit = Math.max(16, column.length >> 2);
  const pos = new Map<number, number>();
  const index = new Uint32Array(column.length);
  let out: ValueIndex | null = null;
  let ok = true;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    let j = pos.get(v);
    if (j === undefined) {
      j = pos.size;
      if (j >= limit) {
        ok = false;
        break;
      }
      pos.set(v, j);
    }
    index[i] = j;
  }
  if (ok) out = { values: Float64Array.from(pos.keys()), index };
  valueCache.set(column, out);
  return out;
}
