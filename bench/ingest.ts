/**
 * Benchmark (issue: data at scale): 10 million raw transactions (bench/transactions.ts) from CSV and from Parquet to
 * per-customer summaries (ingestion with cleaning, quarantine and the report, then the summary SQL), with peak memory.
 * Each run is a fresh process (so one run's memory does not count in the next's peak); the figures are the best and
 * the median of BENCH_RUNS runs (default 3), with the CPU time of the process and the load average around each run:
 * on a shared machine the load says how much of it the run had.
 * Two layouts of the same draws: "orders" (order_id, customer_id, date, amount, status: line items merged per order,
 * duplicated export lines dropped, cancelled rows excluded, refunds netted) and "plain" (customer_id, date, amount:
 * the one-row-per-transaction input that lifetimes and the other peers summarise).
 * Run: npm run bench -- ingest   (BENCH_ROWS to change the size; BENCH_FORMAT=csv or parquet, BENCH_LAYOUT=orders or
 * plain for one of each)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { closeDuckDb, openDuckDb } from "../src/data/duckdb.ts";
import { summarizeFile } from "../src/data/summarize-file.ts";
import { type TransactionLayout, writeTransactions } from "./transactions.ts";
import { mb, median } from "./util.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DIR = ".bench-data";

interface RunResult {
  seconds: number;
  cpuSeconds: number;
  peakRss: number;
  loadBefore: number;
  loadAfter: number;
  line: string;
}

/** One timed run in this process (the child's side). */
async function once(file: string, layout: TransactionLayout): Promise<RunResult> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const loadBefore = loadavg()[0];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await summarizeFile(file, {
    customer: "customer_id",
    date: "date",
    amount: "amount",
    ...(layout === "orders" && { order: "order_id", status: "status", excludeStatus: ["cancelled"] }),
    end: "2024-03-31",
    holdoutEnd: "2024-07-01",
    unit: "week",
    quarantineFile: `${DIR}/quarantine.csv`,
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const ing = r.ingestion;
  const line = `${ing.rowsRead.toLocaleString("en-US")} rows -> ${r.summary.ids.length.toLocaleString("en-US")} customers; used ${ing.rowsUsed}, merged ${ing.rowsMerged}, duplicate ${ing.rowsDuplicate}, refunded ${ing.rowsRefunded}, excluded ${ing.rowsExcludedStatus}, quarantined ${ing.rowsQuarantined} ${JSON.stringify(ing.byReason)}`;
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRss: peak,
    loadBefore,
    loadAfter: loadavg()[0],
    line,
  };
}

export async function run(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const layouts = (["orders", "plain"] as const).filter(
    (l) => !process.env.BENCH_LAYOUT || l === process.env.BENCH_LAYOUT,
  );
  for (const layout of layouts) {
    const base = `${DIR}/transactions-${layout === "plain" ? "plain-" : ""}${ROWS}`;
    const csv = `${base}.csv`;
    const parquet = `${base}.parquet`;
    if (!existsSync(csv)) {
      const t0 = performance.now();
      writeTransactions(csv, ROWS, 7, layout);
      console.log(`wrote ${csv} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    if (!existsSync(parquet)) {
      const conn = await openDuckDb();
      await conn.run(
        // typed columns, as a warehouse export has them: the unparseable dates and amounts become NULLs (quarantined
        // as bad_date / bad_amount); the broken lines cannot be carried over
        `COPY (SELECT * REPLACE (try_cast(date AS DATE) AS date, try_cast(amount AS DOUBLE) AS amount)
          FROM read_csv('${csv}', header = true, delim = ',', all_varchar = true, ignore_errors = true))
          TO '${parquet}' (FORMAT parquet)`,
      );
      closeDuckDb(conn);
    }
    const formats = [
      ["CSV", csv],
      ["Parquet", parquet],
    ].filter(([label]) => !process.env.BENCH_FORMAT || label.toLowerCase() === process.env.BENCH_FORMAT.toLowerCase());
    for (const [label, file] of formats) {
      const results: RunResult[] = [];
      for (let i = 0; i < RUNS; i++) {
        const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename], {
          env: { ...process.env, BENCH_CHILD: file, BENCH_CHILD_LAYOUT: layout },
          encoding: "utf8",
          maxBuffer: 1 << 20,
        });
        const r = JSON.parse(out.trim().split("\n").pop()!) as RunResult;
        results.push(r);
        console.log(
          `${layout} ${label} run ${i + 1}: ${r.seconds.toFixed(2)} s (CPU ${r.cpuSeconds.toFixed(1)} s), peak RSS ${mb(r.peakRss)}, load ${r.loadBefore.toFixed(2)} -> ${r.loadAfter.toFixed(2)}`,
        );
      }
      const secs = results.map((r) => r.seconds);
      const best = results[secs.indexOf(Math.min(...secs))];
      console.log(
        `${layout} ${label}: best ${best.seconds.toFixed(2)} s (load ${best.loadBefore.toFixed(2)}), median ${median(secs).toFixed(2)} s of ${RUNS}; peak RSS max ${mb(Math.max(...results.map((r) => r.peakRss)))}; ${best.line}`,
      );
    }
  }
}

if (process.env.BENCH_CHILD) {
  console.log(
    JSON.stringify(
      await once(process.env.BENCH_CHILD, (process.env.BENCH_CHILD_LAYOUT ?? "orders") as TransactionLayout),
    ),
  );
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
