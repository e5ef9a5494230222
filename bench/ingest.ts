/**
 * Benchmark (issue: data at scale): 10 million raw transactions (bench/transactions.ts) from CSV and from Parquet to
 * per-customer summaries (ingestion with cleaning, quarantine and the report, then the summary SQL), with peak memory.
 * Run: npm run bench -- ingest   (BENCH_ROWS to change the size)
 */
import { existsSync, mkdirSync } from "node:fs";
import { closeDuckDb, openDuckDb } from "../src/data/duckdb.ts";
import { summarizeFile } from "../src/data/summarize-file.ts";
import { writeTransactions } from "./transactions.ts";
import { mb } from "./util.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const DIR = ".bench-data";

export async function run(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const csv = `${DIR}/transactions-${ROWS}.csv`;
  const parquet = `${DIR}/transactions-${ROWS}.parquet`;
  if (!existsSync(csv)) {
    const t0 = performance.now();
    writeTransactions(csv, ROWS);
    console.log(`wrote ${csv} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (!existsSync(parquet)) {
    const conn = await openDuckDb();
    await conn.run(
      `COPY (SELECT * FROM read_csv('${csv}', header = true, delim = ',', all_varchar = true, ignore_errors = true)) TO '${parquet}' (FORMAT parquet)`,
    );
    closeDuckDb(conn);
  }
  for (const [label, file] of [
    ["CSV", csv],
    ["Parquet", parquet],
  ] as const) {
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const t0 = performance.now();
    const r = await summarizeFile(file, {
      customer: "customer_id",
      date: "date",
      amount: "amount",
      order: "order_id",
      status: "status",
      excludeStatus: ["cancelled"],
      end: "2024-03-31",
      holdoutEnd: "2024-07-01",
      unit: "week",
      quarantineFile: `${DIR}/quarantine.csv`,
    });
    const secs = (performance.now() - t0) / 1000;
    clearInterval(timer);
    const ing = r.ingestion;
    console.log(
      `${label}: ${ing.rowsRead.toLocaleString("en-US")} rows -> ${r.summary.ids.length.toLocaleString("en-US")} customers in ${secs.toFixed(2)} s; peak RSS ${mb(peak)}; used ${ing.rowsUsed}, merged ${ing.rowsMerged}, quarantined ${ing.rowsQuarantined}, report ${JSON.stringify(ing.byReason)}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
