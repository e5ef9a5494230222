/**
 * Benchmark (issue: data at scale): 10,000,000 customers scored from a summary CSV (expected purchases, P(alive),
 * 12-month CLV) by the streaming scorer with worker threads; peak memory bounded by the chunk size.
 * Run: npm run bench -- score   (BENCH_CUSTOMERS to change the size)
 */
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { scoreSummaryFile } from "../src/insights/score-file.ts";
import { fitBgNbd } from "../src/models/bg-nbd.ts";
import { compressRfm } from "../src/models/fit-summary.ts";
import { fitGammaGamma } from "../src/models/gamma-gamma.ts";
import { cdnowLikeSummary } from "./cdnow-like.ts";
import { mb } from "./util.ts";

const N = Number(process.env.BENCH_CUSTOMERS ?? 10_000_000);
const DIR = ".bench-data";

async function writeSummary(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write("# unit: week\ncustomer_id,frequency,recency,T,monetary_value\n");
  const step = 1_000_000;
  for (let start = 0; start < N; start += step) {
    const n = Math.min(step, N - start);
    const s = cdnowLikeSummary(n, 1000 + start / step);
    const lines: string[] = new Array(n);
    for (let i = 0; i < n; i++)
      lines[i] = `${start + i + 1},${s.frequency[i]},${s.recency[i]},${s.T[i]},${s.monetary![i]}`;
    if (!out.write(`${lines.join("\n")}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  out.end();
  await new Promise<void>((r) => out.on("finish", () => r()));
}

export async function run(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const path = `${DIR}/summary-${N}.csv`;
  if (!existsSync(path)) {
    const t0 = performance.now();
    await writeSummary(path);
    console.log(`wrote ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const train = cdnowLikeSummary(200_000, 1);
  const model = { ...fitBgNbd(compressRfm(train).data), unit: "week" as const };
  const spendModel = fitGammaGamma({ frequency: train.frequency, monetary: train.monetary! });
  for (const [workers, blockSize] of [
    [2, 8 << 20],
    [0, 8 << 20],
  ] as const) {
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const t0 = performance.now();
    const r = await scoreSummaryFile(path, `${DIR}/scores.csv`, {
      model,
      spendModel,
      horizon: 52,
      months: 12,
      discount: 0.01,
      workers,
      blockSize,
    });
    const secs = (performance.now() - t0) / 1000;
    clearInterval(timer);
    console.log(
      `scored ${r.rows.toLocaleString("en-US")} customers with ${workers} worker threads, blocks of ${blockSize >> 20} MiB: ${secs.toFixed(2)} s; main-thread peak RSS ${mb(peak)} (workers add their own heaps); total CLV ${r.totalClv?.toFixed(0)}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
