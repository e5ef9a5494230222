/**
 * Runs the benchmarks (never part of npm test): `npm run bench` runs all, `npm run bench -- NAME` one of them.
 * Each benchmark prints its figures (median of N runs); BENCHMARKS.md records them with the machine and command.
 */
import { cpus, totalmem } from "node:os";

const benches: Record<string, string> = {
  "bg-nbd": "./bg-nbd-gamma-gamma.ts",
  "pareto-nbd": "./pareto-nbd.ts",
  ingest: "./ingest.ts",
  score: "./score.ts",
  "ingest-floor": "./ingest-floor.ts",
  startup: "./startup.ts",
};

const only = process.argv.slice(2);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
for (const [name, file] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  let mod: { run?: () => Promise<unknown> };
  try {
    mod = await import(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") continue;
    throw e;
  }
  console.log(`\n== ${name}`);
  if (mod.run) await mod.run();
}
