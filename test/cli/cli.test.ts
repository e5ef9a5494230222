import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fitResult } from "../../src/cli/commands/fit.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { readSummaryCsv } from "../../src/data/summary-io.ts";
import { fitSummary } from "../../src/models/fit-summary.ts";
import { io } from "../helpers/cli-io.ts";
import { CDNOW_SAMPLE_ARGS, reference, root } from "../helpers/datasets.ts";
import { assertClose } from "../helpers/tolerance.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-cli-"));
const sample = join(root, "datasets/CDNOW_sample.txt");
const sampleArgs = [...CDNOW_SAMPLE_ARGS, "--unit", "week"];

describe("loyal summarize", () => {
  it("CDNOW_sample.txt summary matches cdnow_customers_summary_with_transactions.csv for all 2,357 customers", async () => {
    const o = io();
    const code = await runCli(
      ["summarize", sample, ...sampleArgs, "--end", "1997-09-30", "-o", join(dir, "s.csv"), "--json"],
      o,
    );
    assert.equal(code, 0, o.err);
    const res = JSON.parse(o.out);
    assert.equal(res.customers, 2357);
    assert.equal(res.ingestion.rowsRead, 6919);
    const s = await readSummaryCsv(join(dir, "s.csv"));
    const lines = readFileSync(join(root, "datasets/cdnow_customers_summary_with_transactions.csv"), "utf8")
      .trim()
      .split(/\r?\n/)
      .slice(1);
    const byId = new Map(s.ids.map((id, i) => [Number(id), i]));
    assert.equal(lines.length, 2357);
    for (const l of lines) {
      const [id, x, tx, T, zbar] = l.split(",").map(Number);
      const i = byId.get(id);
      assert.ok(i !== undefined, `customer ${id}`);
      assert.equal(s.frequency[i], x, `frequency of ${id}`);
      assertClose(s.recency[i], tx, { abs: 0.005 + 1e-9 }, `recency of ${id}`);
      assertClose(s.T[i], T, { abs: 0.005 + 1e-9 }, `T of ${id}`);
      assertClose(s.monetary![i], zbar, { abs: 0.005 + 1e-9 }, `mean repeat spend of ${id}`);
    }
  });

  it("BG/NBD on the exact summary reaches LL -9582.429 or higher (CLVTools) and Gamma-Gamma -4055.9177", async () => {
    const s = await readSummaryCsv(join(dir, "s.csv"));
    const bg = fitSummary("bg-nbd", s);
    const ex = reference.cdnow_sample.bg_nbd.mle_exact_summary;
    assert.ok(bg.logLikelihood >= ex.logLikelihood - 1e-3, `LL ${bg.logLikelihood}`);
    for (const k of ["r", "alpha", "a", "b"]) assertClose(bg.params[k], ex.params[k], { rel: 1e-3 }, k);
    const gg = fitSummary("gamma-gamma", s);
    const gx = reference.cdnow_sample.gamma_gamma.mle_exact_summary;
    assert.ok(gg.logLikelihood >= gx.logLikelihood - 1e-3, `LL ${gg.logLikelihood}`);
    for (const k of ["p", "q", "v"]) assertClose(gg.params[k], gx.params[k], { rel: 1e-3 }, k);
  });
});

describe("loyal fit and predict", () => {
  const published = join(root, "datasets/cdnow_customers_summary_with_transactions.csv");

  it("fit --json prints the same object the library returns (LL -9582.4256)", async () => {
    const o = io();
    assert.equal(
      await runCli(["fit", published, "--model", "bg-nbd", "-o", join(dir, "bg.json"), "--json"], o),
      0,
      o.err,
    );
    const printed = JSON.parse(o.out);
    const lib = JSON.parse(JSON.stringify(fitResult(fitSummary("bg-nbd", await readSummaryCsv(published)))));
    assert.deepEqual(printed, lib);
    assertClose(printed.logLikelihood, -9582.4256, { abs: 1e-3 }, "LL");
    assert.equal(printed.converged, true);
    assert.deepEqual(Object.keys(printed.params), ["r", "alpha", "a", "b"]);
    for (const k of [
      "model",
      "params",
      "standardErrors",
      "logLikelihood",
      "aic",
      "bic",
      "n",
      "converged",
      "iterations",
    ])
      assert.ok(k in printed, k);
  });

  it("predict writes expected purchases, P(alive), spend and CLV matching the reference for customer 1", async () => {
    assert.equal(await runCli(["fit", published, "--model", "gamma-gamma", "-o", join(dir, "gg.json")], io()), 0);
    const o = io();
    const code = await runCli(
      [
        "predict",
        join(dir, "bg.json"),
        published,
        "--horizon",
        "39",
        "--spend-model",
        join(dir, "gg.json"),
        "--days-per-month",
        String(4.345 * 7),
        "-o",
        join(dir, "scores.csv"),
      ],
      o,
    );
    assert.equal(code, 0, o.err);
    const [head, first] = readFileSync(join(dir, "scores.csv"), "utf8").split("\n");
    assert.equal(head, "customer_id,expected_purchases,p_alive,expected_spend,clv");
    const v = first.split(",").map(Number);
    const c = reference.clv_first_12_customers;
    assertClose(v[1], c.expected_purchases_39w[0], { rel: 1e-6 }, "E");
    assertClose(v[2], c.p_alive[0], { rel: 1e-6 }, "P(alive)");
    assertClose(v[4], c.clv_12_months[0], { rel: 1e-6 }, "CLV");
  });

  it("predict writes Parquet when the output ends in .parquet", async () => {
    const o = io();
    assert.equal(
      await runCli(["predict", join(dir, "bg.json"), published, "-o", join(dir, "scores.parquet")], o),
      0,
      o.err,
    );
    assert.equal(readFileSync(join(dir, "scores.parquet")).subarray(0, 4).toString(), "PAR1");
  });

  it("predict refuses a summary in another unit than the model's (exit 5)", async () => {
    const o = io();
    assert.equal(await runCli(["predict", join(dir, "bg.json"), join(dir, "s.csv"), "--horizon", "1"], o), 0, o.err);
    const s = await readSummaryCsv(join(dir, "s.csv"));
    assert.equal(s.unit, "week");
    const day = join(dir, "day.csv");
    assert.equal(
      await runCli(
        ["summarize", sample, ...sampleArgs.slice(0, -2), "--unit", "day", "--end", "1997-09-30", "-o", day],
        io(),
      ),
      0,
    );
    const bad = io();
    assert.equal(await runCli(["predict", join(dir, "bg.json"), day], bad), 5);
    assert.match(bad.err, /E_UNIT_MISMATCH/);
  });
});

describe("CLI errors", () => {
  it("an unknown option exits 2", async () => {
    const o = io();
    assert.equal(await runCli(["fit", "x.csv", "--nope"], o), 2);
    assert.match(o.err, /unknown option/);
  });
  it("a bad value names the file, row and column and exits 3", async () => {
    const f = join(dir, "bad.csv");
    writeFileSync(f, "customer_id,frequency,recency,T\n1,2,3,4\n2,x,1,5\n");
    const o = io();
    assert.equal(await runCli(["fit", f], o), 3);
    assert.match(o.err, /bad\.csv/);
    assert.match(o.err, /row 3|line 3/);
    assert.match(o.err, /frequency/);
  });
  it("a missing file exits non-zero with its name", async () => {
    const o = io();
    const code = await runCli(["summarize", join(dir, "nope.csv"), "--end", "2020-01-01"], o);
    assert.notEqual(code, 0);
    assert.match(o.err, /nope\.csv/);
  });
  it("an unknown model exits 2", async () => {
    const o = io();
    assert.equal(await runCli(["fit", published(), "--model", "magic"], o), 2);
    assert.match(o.err, /unknown purchase model 'magic'/);
  });
});

function published() {
  return join(root, "datasets/cdnow_customers_summary.csv");
}

describe("loyal demo", () => {
  it("prints the digest for CDNOW master: 23,570 customers, parameters, CLV and top customers", async () => {
    const o = io();
    const out = join(dir, "demo");
    assert.equal(await runCli(["demo", "-o", out], o), 0, o.err);
    assert.match(o.out, /customers 23,570/);
    assert.match(o.out, /rows read 69,659/);
    assert.match(o.out, /bg-nbd: r 0\.25/);
    assert.match(o.out, /top customers by CLV/);
    const j = io();
    assert.equal(await runCli(["demo", "-o", out, "--json"], j), 0, j.err);
    const res = JSON.parse(j.out);
    assert.equal(res.facts.customers, 23570);
    assert.equal(res.ingestion.rowsRead, 69659);
    assert.ok(res.facts.totalClv > 0);
  });
});

describe("loyal predict --stream", () => {
  it("gives the same totals as the in-memory path and refuses to run without -o", async () => {
    const published = join(root, "datasets/cdnow_customers_summary_with_transactions.csv");
    const a = io();
    assert.equal(await runCli(["fit", published, "--model", "bg-nbd", "-o", join(dir, "sbg.json")], a), 0, a.err);
    assert.equal(await runCli(["fit", published, "--model", "gamma-gamma", "-o", join(dir, "sgg.json")], io()), 0);
    const totals = async (...extra: string[]) => {
      const o = io();
      const argv = ["predict", join(dir, "sbg.json"), published, "--spend-model", join(dir, "sgg.json"), ...extra];
      assert.equal(await runCli([...argv, "--json"], o), 0, o.err);
      return JSON.parse(o.out).totals;
    };
    const m = await totals("-o", join(dir, "m.csv"));
    const s = await totals("--stream", "-o", join(dir, "st.csv"));
    assert.equal(s.customers, 2357);
    assertClose(s.expectedPurchases, m.expectedPurchases, { rel: 1e-9 }, "expected purchases");
    assertClose(s.clv, m.clv, { rel: 1e-9 }, "CLV");
    assert.equal(await runCli(["predict", join(dir, "sbg.json"), published, "--stream"], io()), 2);
  });
});
