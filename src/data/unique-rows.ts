/**
 * Finds the distinct (frequency, recency, T) rows of a summary with an open-addressing hash on the numbers' bits:
 * linear in the number of customers, no strings, no sorting. Used to evaluate predictions once per distinct
 * history, which real (daily-resolution) data has far fewer of than customers.
 */

export interface UniqueRows {
  /** Index (into the original rows) of the first row of each distinct triple. */
  first: Uint32Array;
  /** For each original row, the number of its distinct triple. */
  index: Uint32Array;
  /** How many original rows each distinct triple stands for. */
  counts: Float64Array;
}

/**
 * Distinct rows of three equally long columns.
 * @example uniqueRows([[1, 1, 2], [3, 3, 4], [5, 5, 6]]).first // => Uint32Array [0, 2]
 */
export function uniqueRows(columns: readonly ArrayLike<number>[]): UniqueRows {
  const n = columns[0].length;
  const k = columns.length;
  let size = 16;
  while (size < n * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const first: number[] = [];
  const index = new Uint32Array(n);
  const scratch = new Float64Array(1);
  const bits = new Uint32Array(scratch.buffer);
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    for (let c = 0; c < k; c++) {
      scratch[0] = columns[c][i] + 0; // +0 folds -0 into 0
      h = Math.imul(h ^ bits[0], 0x01000193);
      h = Math.imul(h ^ bits[1], 0x01000193);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    let slot = h & mask;
    for (;;) {
      const u = table[slot];
      if (u === -1) {
        table[slot] = first.length;
        index[i] = first.length;
        first.push(i);
        break;
      }
      const j = first[u];
      let same = true;
      for (let c = 0; c < k; c++) {
        if (columns[c][j] !== columns[c][i]) {
          same = false;
          break;
        }
      }
      if (same) {
        index[i] = u;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const counts = new Float64Array(first.length);
  for (let i = 0; i < n; i++) counts[index[i]]++;
  return { first: Uint32Array.from(first), index, counts };
}
