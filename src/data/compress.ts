/**
 * Compression of a summary into weighted rows: customers with identical (frequency, recency, T) contribute identical
 * likelihood terms, so a model fits on one row per distinct triple, weighted by how many customers share it.
 */
import type { RfmData } from "./summary.ts";

/** A compressed summary and the way back to the customers. */
export interface Compressed {
  /** One row per distinct (frequency, recency, T), ordered by frequency, then recency, then T; `weights` set. */
  data: RfmData;
  /** `index[i]` is the row of `data` that customer i of the input belongs to. */
  index: Uint32Array;
}

/**
 * Merges identical (frequency, recency, T) rows into weighted rows. Input weights (if any) are summed; without
 * them each customer weighs 1. Rows are compared exactly (no rounding), and -0 equals 0.
 * @param data the per-customer columns
 * @returns the weighted rows in ascending (frequency, recency, T) order and each input row's compressed row
 * @example
 * const { data: d, index } = compress({ frequency: Float64Array.of(1, 0, 1), recency: Float64Array.of(2, 0, 2),
 *   T: Float64Array.of(5, 5, 5) });
 * // d.frequency => [0, 1], d.weights => [1, 2], index => [1, 0, 1]
 */
export function compress(data: RfmData): Compressed {
  const { frequency: f, recency: r, T: t, weights: w } = data;
  const n = f.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Ties broken by input position keep the sort stable whatever the engine's algorithm.
  order.sort((a, b) => f[a] - f[b] || r[a] - r[b] || t[a] - t[b] || a - b);

  const index = new Uint32Array(n);
  const rows: number[] = [];
  const weights: number[] = [];
  let row = -1;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (row < 0 || f[i] !== f[rows[row]] || r[i] !== r[rows[row]] || t[i] !== t[rows[row]]) {
      row++;
      rows.push(i);
      weights.push(0);
    }
    weights[row] += w ? w[i] : 1;
    index[i] = row;
  }
  const m = rows.length;
  const out: RfmData = {
    frequency: new Float64Array(m),
    recency: new Float64Array(m),
    T: new Float64Array(m),
    weights: Float64Array.from(weights),
  };
  for (let j = 0; j < m; j++) {
    out.frequency[j] = f[rows[j]] + 0; // + 0 turns -0 into 0
    out.recency[j] = r[rows[j]] + 0;
    out.T[j] = t[rows[j]] + 0;
  }
  return { data: out, index };
}
