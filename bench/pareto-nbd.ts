/**
 * Benchmark: fit Pareto/NBD on 1,000,000 simulated CDNOW-like customers at daily resolution (seeded; first purchases
 * uniform over the first 12 weeks, 39-week calibration, so T = 39 − first-purchase week; purchase times on a 1/7-week
 * grid), on identical (frequency, recency, T) rows compressed into weights. Prints the median of 3 fit times.
 * Run: npm run bench -- pareto-nbd   (or: TZ=UTC node --import tsx bench/pareto-nbd.ts)
 */
import { createRng } from "../src/math/random.ts";
import { compressRfm } from "../src/models/fit-summary.ts";
import { fitParetoNbd, type ParetoNbdParams, simulateParetoNbd } from "../src/models/pareto-nbd.ts";
import { time } from "./util.ts";

export const CDNOW_PARETO_NBD: ParetoNbdParams = { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 };

const N = Number(process.env.BENCH_N ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

export async function run(): Promise<Record<string, number>> {
  const t0 = performance.now();
  const rng = createRng(20261123);
  const T = new Float64Array(N);
  for (let i = 0; i < N; i++) T[i] = (273 - rng.int(84)) / 7;
  const sim = simulateParetoNbd(CDNOW_PARETO_NBD, T, rng, 1 / 7);
  console.log(`simulated ${N.toLocaleString("en-US")} customers in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  const compress = await time(RUNS, () => compressRfm(sim));
  const data = compress.result.data;
  const rows = data.frequency.length;
  console.log(
    `compress: ${N.toLocaleString("en-US")} customers -> ${rows.toLocaleString("en-US")} distinct rows (${(N / rows).toFixed(1)}x) in ${compress.seconds.toFixed(3)} s median of ${RUNS}`,
  );
  // A fresh copy of the rows per run, so no run profits from the previous run's per-data-set caches.
  const fresh = () => ({
    frequency: Float64Array.from(data.frequency),
    recency: Float64Array.from(data.recency),
    T: Float64Array.from(data.T),
    weights: Float64Array.from(data.weights!),
  });
  const fit = await time(RUNS, () => fitParetoNbd(fresh()));
  const f = fit.result;
  const fmt = (o: Record<string, number> | undefined) =>
    o
      ? Object.entries(o)
          .map(([k, v]) => `${k}=${v.toPrecision(6)}`)
          .join(" ")
      : "n/a";
  console.log(
    `Pareto/NBD fit (compressed rows): ${fit.seconds.toFixed(3)} s median of ${RUNS} (runs: ${fit.all.map((s) => s.toFixed(3)).join(", ")})`,
  );
  console.log(`  params ${fmt(f.params)}; true ${fmt(CDNOW_PARETO_NBD)}`);
  console.log(
    `  se ${fmt(f.standardErrors)}; LL ${f.logLikelihood.toFixed(3)}; ${f.convergence.iterations} iterations`,
  );
  return { compress: compress.seconds, paretoNbdFit: fit.seconds, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
