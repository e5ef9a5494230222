/**
 * Compression of a summary into weighted rows: customers with identical (frequency, recency, T) contribute identical
 * likelihood terms, so a model fits on one row per distinct triple, weighted by how many customers share it.
 */
import type { RfmData } from "./summary.ts";
import { uniqueRows } from "./unique-rows.ts";

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
  // Hash the rows (linear), then sort only the distinct ones: daily data has far fewer distinct rows than customers.
  const u = uniqueRows([f, r, t]);
  const m = u.first.length;
  const order = new Uint32Array(m);
  for (let j = 0; j < m; j++) order[j] = j;
  const fi = (j: number) => f[u.first[j]];
  const ri = (j: number) => r[u.first[j]];
  const ti = (j: number) => t[u.first[j]];
  order.sort((a, b) => fi(a) - fi(b) || ri(a) - ri(b) || ti(a) - ti(b) || u.first[a] - u.first[b]);
  const rank = new Uint32Array(m);
  for (let k = 0; k < m; k++) rank[order[k]] = k;
  const out: RfmData = {
    frequency: new Float64Array(m),
    recency: new Float64Array(m),
    T: new Float64Array(m),
    weights: new Float64Array(m),
  };
  for (let k = 0; k < m; k++) {
    const i = u.first[order[k]];
    out.frequency[k] = f[i] + 0; // + 0 turns -0 into 0
    out.recency[k] = r[i] + 0;
    out.T[k] = t[i] + 0;
  }
  const index = new Uint32Array(n);
  const weights = out.weights!;
  for (let i = 0; i < n; i++) {
    const k = rank[u.index[i]];
    index[i] = k;
    weights[k] += w ? w[i] : 1;
  }
  return { data: out, index };
}
