/**
 * Benchmark: what DuckDB alone needs on this machine for the aggregations a 10M-row summary cannot do without, with
 * no cleaning, no quarantine, no report and nothing read back into JS: a floor under `bench/ingest.ts`.
 * Typed CSV reader (bad rows skipped), streamed straight into the aggregation levels, counted at the end:
 * - plain layout: purchase days (customer, day) → customers;
 * - orders layout: orders (customer, order) → purchase days → customers, and the same with the duplicated-line level
 *   (customer, order, row hash) in front, as the order-id cleaning rule needs.
 * Each in a fresh DuckDB with all cores and no memory limit; best of BENCH_RUNS (default 3), with the CPU time.
 * Run: npm run bench -- ingest-floor   (after `npm run bench -- ingest` has written the files; BENCH_ROWS as there)
 */
import { existsSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DIR = ".bench-data";

function reader(file: string, columns: Record<string, string>): string {
  const cols = Object.entries(columns)
    .map(([k, v]) => `'${k}': '${v}'`)
    .join(", ");
  return `read_csv('${file}', columns = {${cols}}, delim = ',', quote = '"', escape = '"', header = true,
    auto_detect = false, strict_mode = true, dateformat = '%Y-%m-%d', ignore_errors = true)`;
}

async function best(sql: string): Promise<{ seconds: number; cpu: number }> {
  let out = { seconds: Number.POSITIVE_INFINITY, cpu: 0 };
  for (let i = 0; i < RUNS; i++) {
    const db = await DuckDBInstance.create(":memory:", {
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
    });
    const conn = await db.connect();
    await conn.run("set preserve_insertion_order = false");
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await conn.runAndReadAll(sql);
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    conn.closeSync();
    if (seconds < out.seconds) out = { seconds, cpu: (c.user + c.system) / 1e6 };
  }
  return out;
}

export async function run(): Promise<void> {
  const plain = `${DIR}/transactions-plain-${ROWS}.csv`;
  const orders = `${DIR}/transactions-${ROWS}.csv`;
  if (!existsSync(plain) || !existsSync(orders)) {
    console.log(`run \`npm run bench -- ingest\` first (it writes ${plain} and ${orders})`);
    return;
  }
  const day = "(date - DATE '1970-01-01')::INTEGER";
  const customers = (from: string) =>
    `SELECT count(*) FROM (SELECT c, min(day) AS f, max(day) AS l, count(*) AS n, sum(a) AS s FROM (${from}) GROUP BY c)`;
  const p = `(SELECT customer_id AS c, ${day} AS day, amount FROM ${reader(plain, {
    customer_id: "VARCHAR",
    date: "DATE",
    amount: "DOUBLE",
  })} WHERE customer_id IS NOT NULL)`;
  const o = `(SELECT customer_id AS c, order_id AS o, ${day} AS day, amount, status FROM ${reader(orders, {
    order_id: "VARCHAR",
    customer_id: "VARCHAR",
    date: "DATE",
    amount: "DOUBLE",
    status: "VARCHAR",
  })} WHERE customer_id IS NOT NULL AND status <> 'cancelled')`;
  const days = (from: string) => `SELECT c, day, sum(amount) AS a FROM ${from} GROUP BY c, day`;
  const ordersLevel = (from: string) =>
    `(SELECT c, o, min(day) AS day, sum(amount) AS amount FROM ${from} GROUP BY c, o)`;
  const dedupe = `(SELECT c, o, any_value(day) AS day, any_value(amount) AS amount FROM ${o} GROUP BY c, o, hash(day, amount, status))`;
  const cases: [string, string][] = [
    ["plain: read only (count rows)", `SELECT count(*) FROM ${p}`],
    ["plain: purchase days → customers", customers(days(p))],
    ["orders: read only (count rows)", `SELECT count(*) FROM ${o}`],
    ["orders: orders → purchase days → customers", customers(days(ordersLevel(o)))],
    ["orders: duplicated lines → orders → days → customers", customers(days(ordersLevel(dedupe)))],
  ];
  for (const [label, sql] of cases) {
    const r = await best(sql);
    console.log(`${label}: ${r.seconds.toFixed(2)} s (CPU ${r.cpu.toFixed(1)} s), best of ${RUNS}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
