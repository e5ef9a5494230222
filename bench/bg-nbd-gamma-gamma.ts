/**
 * Benchmark (issue: foundation): 1,000,000 simulated CDNOW-like customers; fit BG/NBD (on compressed rows),
 * fit Gamma-Gamma, and score every customer (expected purchases, P(alive), 12-month CLV).
 * Run: npm run bench -- bg-nbd   (or: TZ=UTC node --import tsx bench/bg-nbd-gamma-gamma.ts)
 */
import { scoreCustomers } from "../src/insights/clv.ts";
import { fitBgNbd } from "../src/models/bg-nbd.ts";
import { compressRfm } from "../src/models/fit-summary.ts";
import { fitGammaGamma } from "../src/models/gamma-gamma.ts";
import { cdnowLikeSummary } from "./cdnow-like.ts";
import { time } from "./util.ts";

const N = Number(process.env.BENCH_N ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

export async function run(): Promise<Record<string, number>> {
  const t0 = performance.now();
  const summary = cdnowLikeSummary(N);
  console.log(`simulated ${N.toLocaleString("en-US")} customers in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  const compress = await time(RUNS, () => compressRfm(summary));
  const rows = compress.result.data.frequency.length;
  console.log(
    `compress: ${N.toLocaleString("en-US")} customers -> ${rows.toLocaleString("en-US")} distinct (frequency, recency, T) rows (${(N / rows).toFixed(1)}x) in ${compress.seconds.toFixed(3)} s`,
  );
  const bg = await time(RUNS, () => fitBgNbd(compressRfm(summary).data));
  console.log(
    `BG/NBD fit (compression included): ${bg.seconds.toFixed(3)} s median of ${RUNS}; params ${JSON.stringify(bg.result.params)}; LL ${bg.result.logLikelihood.toFixed(2)}; ${bg.result.convergence.iterations} iterations`,
  );
  const bgRaw = await time(1, () => fitBgNbd(summary));
  console.log(`BG/NBD fit without compression: ${bgRaw.seconds.toFixed(3)} s (1 run)`);
  // Fresh arrays each run, so the per-data-set preparation (distinct pairs, sums) is timed too.
  const gg = await time(RUNS, () =>
    fitGammaGamma({ frequency: summary.frequency.slice(), monetary: summary.monetary!.slice() }),
  );
  console.log(
    `Gamma-Gamma fit: ${gg.seconds.toFixed(3)} s median of ${RUNS}; params ${JSON.stringify(gg.result.params)}; n ${gg.result.n}`,
  );
  const bgModel = { ...bg.result, unit: "week" as const };
  const score = await time(RUNS, () =>
    scoreCustomers(bgModel, summary, { horizon: 52, spendModel: gg.result, months: 12, discount: 0.01 }),
  );
  let clv = 0;
  for (const v of score.result.clv!) clv += v;
  console.log(
    `scoring ${N.toLocaleString("en-US")} customers (expected purchases 52 w, P(alive), 12-month CLV): ${score.seconds.toFixed(3)} s median of ${RUNS}; total CLV ${clv.toFixed(0)}`,
  );
  return {
    compress: compress.seconds,
    bgNbdFit: bg.seconds,
    bgNbdFitUncompressed: bgRaw.seconds,
    gammaGammaFit: gg.seconds,
    score: score.seconds,
    rows,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
