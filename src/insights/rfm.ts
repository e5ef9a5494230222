/**
 * RFM segmentation: quintile scores, the 5x5 recency x frequency grid and the 125-cell R-F-M table
 * (`rfm-tables.ts`), with an optional user mapping overriding cells, and a per-segment summary table.
 */
import { LoyalError } from "../errors.ts";
import { dayToIsoDate, groupPurchases, orderCount, type Purchases } from "./purchases.ts";
import { RF_GRID, RF_SEGMENTS, RFM_SEGMENTS, RFM_TABLE, type SegmentInfo } from "./rfm-tables.ts";

/**
 * A user mapping (JSON). Each of `rf` and `rfm` overrides cells of the standard maps, given either cell → segment
 * (`{"11": "lost"}`) or segment → cells (`{"lost": ["11", "12"]}`); `actions` sets the suggested action of a
 * segment (needed for new segment names, optional for the standard ones).
 */
export interface RfmMapping {
  rf?: Record<string, string | string[]>;
  rfm?: Record<string, string | string[]>;
  actions?: Record<string, string>;
}

export interface RfmOptions {
  /** As-of day (days since 1970-01-01); default: the last purchase day. */
  endDay?: number;
  /** Overrides of the standard maps. */
  mapping?: RfmMapping;
  /** Predicted CLV by customer id (e.g. from the profile) for the per-segment table. */
  predictedClv?: ReadonlyMap<string, number>;
}

export interface RfmCustomer {
  customerId: string;
  /** Days from the last order to asOf. */
  recencyDays: number;
  /** Orders. */
  frequency: number;
  /** Net revenue (null without amounts). */
  monetary: number | null;
  r: number;
  f: number;
  m: number | null;
  rfSegment: string;
  rfmSegment: string | null;
}

/** One segment's summary. */
export interface SegmentSummary {
  segment: string;
  name: string;
  customers: number;
  share: number;
  revenue: number | null;
  revenueShare: number | null;
  orders: number;
  aov: number | null;
  meanRecencyDays: number | null;
  medianRecencyDays: number | null;
  meanFrequency: number | null;
  medianFrequency: number | null;
  meanMonetary: number | null;
  medianMonetary: number | null;
  /** Sum of the predicted CLV of the segment's customers (null without predictions). */
  predictedClv: number | null;
  meanPredictedClv: number | null;
  action: string;
}

export interface RfmResult {
  meta: {
    asOf: string;
    customers: number;
    mappingOverridden: boolean;
    definitions: Record<string, string>;
  };
  customers: RfmCustomer[];
  /** The 25 cells of the RF grid with their segment and customer count. */
  gridCells: { rf: string; segment: string; customers: number }[];
  /** Per-segment table of the RF grid (10 standard segments plus any user-defined ones). */
  gridSegments: SegmentSummary[];
  /** Per-segment table of the R-F-M table (null without amounts). */
  tableSegments: SegmentSummary[] | null;
}

/**
 * Quintile scores 1..5 by rank: customers sorted by `value` ascending (ties by customer id, byte order), the k-th of
 * n (from 0) scores floor(5k/n) + 1, so each score holds n/5 customers (±1) whatever the ties.
 * @param values the measure, larger is better
 * @param ids customer ids (the tie-break)
 * @example quintileScores([3, 1, 2, 5, 4], ["a", "b", "c", "d", "e"]) // => [3, 1, 2, 5, 4]
 */
export function quintileScores(values: ArrayLike<number>, ids: readonly string[]): number[] {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((i, j) => values[i] - values[j] || (ids[i] < ids[j] ? -1 : ids[i] > ids[j] ? 1 : 0));
  const out = new Array<number>(n);
  order.forEach((i, k) => {
    out[i] = Math.floor((5 * k) / n) + 1;
  });
  return out;
}

const RF_CELL = /^[1-5]{2}$/;
const RFM_CELL = /^[1-5]{3}$/;

/**
 * Applies a user override to a standard map.
 * @throws LoyalError E_USAGE for a cell code that is not a score combination
 */
export function applyMapping(
  base: Readonly<Record<string, string>>,
  override: Record<string, string | string[]> | undefined,
  cell: RegExp,
  what: string,
): Record<string, string> {
  const out: Record<string, string> = { ...base };
  if (!override) return out;
  for (const [k, v] of Object.entries(override)) {
    const pairs: [string, string][] = Array.isArray(v) ? v.map((c) => [String(c), k]) : [[k, String(v)]];
    for (const [c, seg] of pairs) {
      if (!cell.test(c) || !(c in base))
        throw new LoyalError(
          "E_USAGE",
          `${what} mapping: '${c}' is not a cell (use scores 1-5, e.g. ${what === "rf" ? "'15'" : "'155'"})`,
        );
      if (!seg) throw new LoyalError("E_USAGE", `${what} mapping: empty segment name for cell ${c}`);
      out[c] = seg;
    }
  }
  return out;
}

function info(seg: string, std: Readonly<Record<string, SegmentInfo>>, actions?: Record<string, string>): SegmentInfo {
  const s = std[seg];
  return { name: s?.name ?? seg, description: s?.description ?? "", action: actions?.[seg] ?? s?.action ?? "" };
}

function mean(a: number[]): number | null {
  return a.length ? a.reduce((x, y) => x + y, 0) / a.length : null;
}

function med(a: number[]): number | null {
  if (!a.length) return null;
  const s = [...a].sort((x, y) => x - y);
  const h = (s.length - 1) / 2;
  return (s[Math.floor(h)] + s[Math.ceil(h)]) / 2;
}

function segmentTable(
  rows: RfmCustomer[],
  segOf: (r: RfmCustomer) => string | null,
  segments: string[],
  std: Readonly<Record<string, SegmentInfo>>,
  options: RfmOptions,
): SegmentSummary[] {
  const n = rows.length;
  let totalRevenue = 0;
  let hasMoney = false;
  for (const r of rows)
    if (r.monetary !== null) {
      totalRevenue += r.monetary;
      hasMoney = true;
    }
  const clv = options.predictedClv;
  return segments.map((seg) => {
    const members = rows.filter((r) => segOf(r) === seg);
    const orders = members.reduce((s, r) => s + r.frequency, 0);
    const money = members.filter((r) => r.monetary !== null).map((r) => r.monetary as number);
    const revenue = hasMoney ? money.reduce((s, v) => s + v, 0) : null;
    const clvs = clv ? members.map((r) => clv.get(r.customerId)).filter((v): v is number => v !== undefined) : [];
    const i = info(seg, std, options.mapping?.actions);
    return {
      segment: seg,
      name: i.name,
      customers: members.length,
      share: n ? members.length / n : 0,
      revenue,
      revenueShare: revenue !== null && totalRevenue !== 0 ? revenue / totalRevenue : null,
      orders,
      aov: revenue !== null && orders ? revenue / orders : null,
      meanRecencyDays: mean(members.map((r) => r.recencyDays)),
      medianRecencyDays: med(members.map((r) => r.recencyDays)),
      meanFrequency: mean(members.map((r) => r.frequency)),
      medianFrequency: med(members.map((r) => r.frequency)),
      meanMonetary: hasMoney ? mean(money) : null,
      medianMonetary: hasMoney ? med(money) : null,
      predictedClv: clv ? clvs.reduce((s, v) => s + v, 0) : null,
      meanPredictedClv: clv ? mean(clvs) : null,
      action: i.action,
    };
  });
}

function distinctInOrder(std: readonly string[], map: Record<string, string>): string[] {
  const used = new Set(Object.values(map));
  const out = std.filter((s) => used.has(s));
  for (const s of Object.values(map)) if (!out.includes(s)) out.push(s);
  return out;
}

/**
 * RFM scores and segments from transactions.
 * @param purchases transaction rows
 * @param options as-of day, mapping overrides, predicted CLV by customer
 * @returns per-customer scores and segments, the RF grid cells, and per-segment tables for the grid and the table
 * @throws LoyalError E_INPUT without orders; E_USAGE for a bad mapping
 * @example rfmSegmentation(purchases).gridSegments.find((s) => s.segment === "champions")?.customers
 */
export function rfmSegmentation(purchases: Purchases, options: RfmOptions = {}): RfmResult {
  let endDay = options.endDay;
  if (endDay === undefined) {
    endDay = Number.NEGATIVE_INFINITY;
    for (const d of purchases.day) if (d > endDay) endDay = d;
  }
  const h = groupPurchases(purchases, endDay);
  const n = h.ids.length;
  if (n === 0) throw new LoyalError("E_INPUT", "no orders to segment");
  const rfMap = applyMapping(RF_GRID, options.mapping?.rf, RF_CELL, "rf");
  const rfmMap = applyMapping(RFM_TABLE, options.mapping?.rfm, RFM_CELL, "rfm");
  const recency = new Float64Array(n);
  const freq = new Float64Array(n);
  const money = new Float64Array(n);
  let anyMoney = false;
  for (let c = 0; c < n; c++) {
    const k = orderCount(h, c);
    recency[c] = endDay - h.orderDay[h.start[c] + k - 1];
    freq[c] = k;
    money[c] = h.hasAmount[c] ? h.revenue[c] : 0;
    if (h.hasAmount[c]) anyMoney = true;
  }
  const rS = quintileScores(
    recency.map((v) => -v),
    h.ids,
  );
  const fS = quintileScores(freq, h.ids);
  const mS = anyMoney ? quintileScores(money, h.ids) : null;
  const customers: RfmCustomer[] = h.ids.map((id, c) => {
    const rf = `${rS[c]}${fS[c]}`;
    return {
      customerId: id,
      recencyDays: recency[c],
      frequency: freq[c],
      monetary: h.hasAmount[c] ? h.revenue[c] : anyMoney ? 0 : null,
      r: rS[c],
      f: fS[c],
      m: mS ? mS[c] : null,
      rfSegment: rfMap[rf],
      rfmSegment: mS ? rfmMap[`${rf}${mS[c]}`] : null,
    };
  });
  const cellCount = new Map<string, number>();
  for (const r of customers) cellCount.set(`${r.r}${r.f}`, (cellCount.get(`${r.r}${r.f}`) ?? 0) + 1);
  const gridCells = [];
  for (let r = 5; r >= 1; r--)
    for (let f = 1; f <= 5; f++)
      gridCells.push({ rf: `${r}${f}`, segment: rfMap[`${r}${f}`], customers: cellCount.get(`${r}${f}`) ?? 0 });
  return {
    meta: {
      asOf: dayToIsoDate(endDay),
      customers: n,
      mappingOverridden: !!(options.mapping?.rf || options.mapping?.rfm),
      definitions: {
        recencyDays: "days from the last order to asOf",
        frequency: "orders up to asOf (customer-days with a non-negative net amount)",
        monetary: "net revenue up to asOf (refunds subtracted)",
        scores:
          "quintile scores 1..5 by rank: customers sorted by the measure (recency: most days since the last order first), ties by customer id; the k-th of n (from 0) scores floor(5k/n)+1; 5 is best",
        rfSegment: "the 5x5 recency x frequency map RF_GRID (10 segments), overridden by the user mapping",
        rfmSegment:
          "the 125-cell R-F-M map RFM_TABLE (11 segments), overridden by the user mapping; null without amounts",
        predictedClv: "sum over the segment of the predicted CLV passed in (e.g. the profile's predictedClv)",
      },
    },
    customers,
    gridCells,
    gridSegments: segmentTable(
      customers,
      (r) => r.rfSegment,
      distinctInOrder(Object.keys(RF_SEGMENTS), rfMap),
      RF_SEGMENTS,
      options,
    ),
    tableSegments: mS
      ? segmentTable(
          customers,
          (r) => r.rfmSegment,
          distinctInOrder(Object.keys(RFM_SEGMENTS), rfmMap),
          RFM_SEGMENTS,
          options,
        )
      : null,
  };
}
