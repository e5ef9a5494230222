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

/**
 * Refuses, before any optimisation, a summary on which the purchase models (BG/NBD, MBG/NBD, Pareto/NBD) have no
 * maximum-likelihood estimate, instead of letting the optimiser stop somewhere on a flat ridge and return a fit
 * whose predictions mean nothing:
 * - no customer with a repeat purchase: every customer's likelihood is then P(no repeat purchase in (0, T]), which
 *   rises to 1 as the purchase rate goes to 0 (or dropout becomes certain) and never reaches it; the fits stopped
 *   wherever the slope fell below tolerance (LL ≈ −6e-6, r = 5e-5..1.5e-3) and predicted ≈ 0 purchases;
 * - a single repeat-purchase history (x, t_x, T) besides one-time buyers (one customer, or several identical ones):
 *   the BG/NBD dropout part is then E[f(p)] over p ~ Beta(a, b) for one polynomial f, which stays below max f for
 *   every finite (a, b) and reaches it only as Beta(a, b) collapses to a point; MBG/NBD and Pareto/NBD run off to
 *   their homogeneous limits (1,000 one-time buyers and one (1, 5, 20): the profile likelihood still rises at
 *   r = 1e6, respectively s = 1e6).
 * Rows of weight 0 do not count. A summary in which every customer has the same history is left to the fit's own
 * boundary checks.
 * @param data a validated summary (see {@link validateRfm})
 * @param model model name for the message
 * @throws LoyalError E_INPUT when every weight is 0; E_CONVERGENCE for the two cases above
 * @example requireRepeatPurchases({ frequency: [0, 0], recency: [0, 0], T: [5, 9] }, "bg-nbd") // throws E_CONVERGENCE
 */
export function requireRepeatPurchases(data: RfmData, model: string): void {
  const { frequency, recency, T, weights } = data;
  let oneTime = 0;
  let repeat = 0;
  let ignored = 0;
  let first = -1;
  let distinct = false;
  for (let i = 0; i < frequency.length; i++) {
    const w = weights ? weights[i] : 1;
    if (frequency[i] === 0) oneTime += w;
    else if (w === 0) ignored++;
    else {
      repeat += w;
      if (first < 0) first = i;
      else if (frequency[i] !== frequency[first] || recency[i] !== recency[first] || T[i] !== T[first]) distinct = true;
    }
  }
  if (oneTime + repeat === 0) throw new LoyalError("E_INPUT", `${model}: every weight is 0: no customers to fit`);
  const cannot = "so the purchase models cannot be fitted";
  if (repeat === 0) {
    const all = oneTime === 1 ? "the only customer has" : `all ${oneTime} customers have`;
    const unweighted =
      ignored === 0
        ? ""
        : ignored === 1
          ? "; 1 row with frequency > 0 has weight 0 and does not count"
          : `; ${ignored} rows with frequency > 0 have weight 0 and do not count`;
    throw new LoyalError(
      "E_CONVERGENCE",
      `${model}: no customer has a repeat purchase in the calibration period (${all} frequency 0${unweighted}), ${cannot}: the likelihood keeps rising as the purchase rate goes to 0 and has no maximum; need customers with frequency > 0`,
    );
  }
  if (!distinct && oneTime > 0) {
    const others = oneTime === 1 ? "the other customer has" : `the other ${oneTime} customers have`;
    const history = `frequency ${frequency[first]}, recency ${recency[first]}, T ${T[first]}; ${others} frequency 0`;
    const who =
      repeat === 1
        ? `only one customer has a repeat purchase in the calibration period (${history})`
        : `all ${repeat} customers with a repeat purchase in the calibration period have the same history (${history})`;
    throw new LoyalError(
      "E_CONVERGENCE",
      `${model}: ${who}, ${cannot}: with a single repeat-purchase history the likelihood has no maximum at finite parameters (it keeps rising towards the boundary of the parameter space); need customers with frequency > 0 and at least two different histories`,
    );
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
