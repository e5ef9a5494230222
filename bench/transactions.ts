/**
 * Seeded generator of realistic raw transaction logs for the ingestion benchmarks: first purchases spread over six
 * months, BG/NBD-like repeat purchasing over 18 months, orders with 1–3 line items (same order id), about 2% refund
 * rows (negative amounts on an earlier order), and about 1% bad rows (unparseable date, missing customer id,
 * non-numeric amount, broken line).
 * Columns: order_id,customer_id,date,amount,status; or, with the "plain" layout (the input lifetimes and the other
 * peers take: one row per transaction, no order id or status), customer_id,date,amount from the same draws, where a
 * refund row is netted into its customer's purchases of its day.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { ByteWriter } from "../src/insights/fast-number.ts";
import { createRng } from "../src/math/random.ts";

const START = Date.UTC(2023, 0, 1) / 86400000;
const DAYS = 548;

function iso(day: number): string {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

/** Which columns the generated log has. */
export type TransactionLayout = "orders" | "plain";

/**
 * Writes about `rows` transaction rows to `path`.
 * @returns the number of rows written (header excluded)
 */
export function writeTransactions(path: string, rows: number, seed = 7, layout: TransactionLayout = "orders"): number {
  const plain = layout === "plain";
  // the order id (dropped in the plain layout) and the status (likewise)
  const order_ = (o: number) => (plain ? "" : `${o},`);
  const status_ = (s: string) => (plain ? "\n" : `,${s}\n`);
  const rng = createRng(seed);
  const fd = openSync(path, "w");
  const w = new ByteWriter(16 << 20);
  const dates = Array.from({ length: DAYS + 1 }, (_, d) => iso(START + d));
  w.str(plain ? "customer_id,date,amount\n" : "order_id,customer_id,date,amount,status\n");
  let written = 0;
  let order = 0;
  let customer = 0;
  const flush = () => {
    writeSync(fd, w.bytes());
    w.reset();
  };
  while (written < rows) {
    customer++;
    const first = rng.int(182);
    const lambda = rng.gamma(0.25, 4.4 * 7); // purchases per day
    const p = rng.beta(0.8, 2.4);
    let t = first;
    let prevOrder = -1;
    let prevAmount = 0;
    for (let k = 0; written < rows; k++) {
      if (k > 0) {
        t += rng.exponential(lambda);
        if (t > DAYS) break;
      }
      order++;
      const day = Math.floor(t);
      const items = 1 + (rng.uniform() < 0.3 ? 1 + rng.int(2) : 0);
      let orderAmount = 0;
      for (let li = 0; li < items && written < rows; li++) {
        const amount = Math.round(rng.gamma(2, 0.08) * 100) / 100 + 0.99;
        orderAmount += amount;
        const bad = rng.uniform();
        if (bad < 0.0025) w.str(`${order_(order)}${customer},not-a-date,${amount}${status_("paid")}`);
        else if (bad < 0.005) w.str(`${order_(order)},${dates[day]},${amount}${status_("paid")}`);
        else if (bad < 0.0075) w.str(`${order_(order)}${customer},${dates[day]},12,3O${status_("paid")}`);
        else if (bad < 0.01) w.str(`${order_(order)}${customer},${dates[day]},n/a${status_("paid")}`);
        else {
          w.str(`${order_(order)}${customer},${dates[day]},`);
          w.fixed(amount, 2);
          w.str(status_(rng.uniform() < 0.01 ? "cancelled" : "paid"));
        }
        written++;
      }
      if (prevOrder > 0 && rng.uniform() < 0.02 && written < rows) {
        // refund (part of) the previous order
        w.str(`${order_(prevOrder)}${customer},${dates[day]},-`);
        w.fixed(Math.round(prevAmount * (rng.uniform() < 0.5 ? 1 : 0.5) * 100) / 100, 2);
        w.str(status_("refunded"));
        written++;
      }
      prevOrder = order;
      prevAmount = orderAmount;
      if (k > 0 && rng.uniform() < p) break;
      if (w.pos > 15 << 20) flush();
    }
  }
  flush();
  closeSync(fd);
  return written;
}
