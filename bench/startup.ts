/**
 * Benchmark: how long the `loyal` command takes to start (`loyal --version` and `loyal fit` on the CDNOW sample
 * summary), compiled (dist/, as `bin/loyal.js` runs it while the build is current) and from the TypeScript sources
 * through tsx (`LOYAL_FROM_SOURCE=1`). Builds dist/ first. Median and best of BENCH_RUNS (default 15) fresh
 * processes each, alternating the two so that the host's drift falls on both.
 * Run: npm run bench -- startup
 */
import { execFileSync } from "node:child_process";
import { median } from "./util.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function time(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  execFileSync(process.execPath, ["bin/loyal.js", ...args], { env: { ...process.env, ...env }, stdio: "ignore" });
  return (performance.now() - t0) / 1000;
}

export async function run(): Promise<void> {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  const cases: [string, string[]][] = [
    ["loyal --version", ["--version"]],
    ["loyal fit (CDNOW sample summary, BG/NBD)", ["fit", "datasets/cdnow_customers_summary.csv", "--json"]],
  ];
  for (const [label, args] of cases) {
    const compiled: number[] = [];
    const source: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      compiled.push(time(args, {}));
      source.push(time(args, { LOYAL_FROM_SOURCE: "1" }));
    }
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(3)} s, best ${Math.min(...xs).toFixed(3)} s`;
    console.log(`${label}: compiled ${fmt(compiled)}; sources through tsx ${fmt(source)} (${RUNS} runs each)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
