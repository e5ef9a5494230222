/**
 * The compiled build (`npm run build`, tsconfig.build.json): it compiles, the compiled CLI gives the same answers as
 * the TypeScript sources (and the published BG/NBD fit), and the scoring workers run from the compiled files
 * without the tsx loader.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { runCli } from "../../src/cli/run-cli.ts";
import { scoreSummaryFile } from "../../src/insights/score-file.ts";
import { fitSummary } from "../../src/models/fit-summary.ts";
import { io } from "../helpers/cli-io.ts";
import { cdnowRounded, cdnowWithSpend, reference, root } from "../helpers/datasets.ts";

// inside the project, so the compiled files find node_modules as dist/ does
const out = mkdtempSync(join(root, ".build-test-"));
const tmp = mkdtempSync(join(tmpdir(), "loyal-build-"));
const summaryFile = join(root, "datasets/cdnow_customers_summary.csv");

function compiled(...args: string[]): string {
  return execFileSync(process.execPath, [join(out, "bin/loyal.js"), ...args], { cwd: tmp, encoding: "utf8" });
}

describe("compiled build", () => {
  before(() => {
    execFileSync(
      process.execPath,
      [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json"), "--outDir", out],
      { cwd: root, stdio: "pipe" },
    );
  });
  after(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  it("prints the package version", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    assert.equal(compiled("--version").trim(), pkg.version);
  });

  it("runs the demo on the bundled CDNOW master (69,659 rows, 23,570 customers) with the sources' digest", async () => {
    const compiledOut = JSON.parse(compiled("demo", "-o", join(tmp, "demo-compiled"), "--json"));
    const o = io();
    assert.equal(await runCli(["demo", "-o", join(tmp, "demo-source"), "--json"], o), 0, o.err);
    const sourceOut = JSON.parse(o.out);
    assert.equal(compiledOut.ingestion.rowsRead, 69659);
    assert.equal(compiledOut.facts.customers, 23570);
    assert.deepEqual(compiledOut.purchaseModel.params, sourceOut.purchaseModel.params);
    assert.deepEqual(compiledOut.facts, sourceOut.facts);
  });

  it("fits BG/NBD on the CDNOW summary as the sources do, at the published MLE (lifetimes, 2-dp summary)", () => {
    const fit = JSON.parse(compiled("fit", summaryFile, "--model", "bg-nbd", "--json"));
    const ref = reference.cdnow_sample.bg_nbd.mle_rounded_summary;
    for (const k of ["r", "alpha", "a", "b"]) {
      assert.ok(Math.abs(fit.params[k] / ref.params[k] - 1) < 1e-3, `${k}: ${fit.params[k]} vs ${ref.params[k]}`);
    }
    assert.ok(Math.abs(fit.logLikelihood - ref.logLikelihood) < 1e-3, `LL ${fit.logLikelihood}`);
    const source = fitSummary("bg-nbd", cdnowRounded());
    for (const k of ["r", "alpha", "a", "b"]) assert.equal(fit.params[k], source.params[k], k);
  });

  it("the compiled library entry (dist/src/index.js) runs the README's example: CDNOW sample → BG/NBD at CLVTools' MLE", () => {
    const script = `
      const loyal = await import(${JSON.stringify(pathToFileURL(join(out, "src/index.js")).href)});
      const { summary } = await loyal.summarizeFile(${JSON.stringify(join(root, "datasets/CDNOW_sample.txt"))}, {
        columns: ["master_id", "customer_id", "date", "cds", "amount"], end: "1997-09-30", unit: "week" });
      const bg = loyal.fitSummary("bg-nbd", summary);
      const scores = loyal.scoreCustomers(bg, summary, { horizon: 52, spendModel: loyal.fitSummary("gamma-gamma", summary) });
      console.log(JSON.stringify({ n: summary.ids.length, params: bg.params, ll: bg.logLikelihood, clv: scores.clv.length,
        error: new loyal.LoyalError("E_USAGE", "x").code }));`;
    writeFileSync(join(tmp, "library.mjs"), script);
    const r = JSON.parse(execFileSync(process.execPath, [join(tmp, "library.mjs")], { encoding: "utf8" }));
    const ref = reference.cdnow_sample.bg_nbd.mle_exact_summary;
    assert.equal(r.n, 2357);
    assert.equal(r.clv, 2357);
    assert.equal(r.error, "E_USAGE");
    for (const k of ["r", "alpha", "a", "b"]) {
      assert.ok(Math.abs(r.params[k] / ref.params[k] - 1) < 1e-4, `${k}: ${r.params[k]} vs ${ref.params[k]}`);
    }
    assert.ok(r.ll >= ref.logLikelihood - 1e-3, `LL ${r.ll} vs CLVTools ${ref.logLikelihood}`);
  });

  it("scores on two worker threads from the compiled files without the tsx loader, byte-identical to the sources", async () => {
    const s = cdnowWithSpend();
    const bg = fitSummary("bg-nbd", s);
    const gg = fitSummary("gamma-gamma", s);
    const input = join(root, "datasets/cdnow_customers_summary_with_transactions.csv");
    // a plain node process (no --import tsx): the compiled scorer and its workers must run as JavaScript
    const script = `
      import { readFileSync } from "node:fs";
      const { scoreSummaryFile } = await import(${JSON.stringify(pathToFileURL(join(out, "src/insights/score-file.js")).href)});
      const m = JSON.parse(readFileSync(${JSON.stringify(join(tmp, "models.json"))}, "utf8"));
      const r = await scoreSummaryFile(${JSON.stringify(input)}, ${JSON.stringify(join(tmp, "compiled.csv"))},
        { model: m.bg, spendModel: m.gg, horizon: 39, workers: 2, blockSize: 8192 });
      console.log(JSON.stringify({ workers: r.workers, rows: r.rows }));`;
    writeFileSync(join(tmp, "models.json"), JSON.stringify({ bg, gg }));
    writeFileSync(join(tmp, "score.mjs"), script);
    const r = JSON.parse(execFileSync(process.execPath, [join(tmp, "score.mjs")], { encoding: "utf8" }));
    assert.deepEqual(r, { workers: 2, rows: 2357 });
    // compiled workers start faster, so they pay from a smaller input (score-file.ts says what was measured)
    const compiledScorer = await import(pathToFileURL(join(out, "src/insights/score-file.js")).href);
    assert.equal(compiledScorer.WORKERS_FROM_BYTES, 96 * 1024 * 1024);
    await scoreSummaryFile(input, join(tmp, "source.csv"), { model: bg, spendModel: gg, horizon: 39, workers: 0 });
    assert.equal(readFileSync(join(tmp, "compiled.csv"), "utf8"), readFileSync(join(tmp, "source.csv"), "utf8"));
  });
});
