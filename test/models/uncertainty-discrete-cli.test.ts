import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../src/cli/run-cli.ts";
import { closeDuckDb, openDuckDb, sqlString } from "../../src/data/duckdb.ts";
import {
  bgBbPredictionIntervals,
  predictBgBb,
  predictSbg,
  sbgPredictionIntervals,
  withIntervals,
} from "../../src/insights/discrete-predictions.ts";
import { loadModel } from "../../src/models/serialize.ts";
import { io, runTwiceIdentical } from "../helpers/cli-io.ts";
import { root } from "../helpers/datasets.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-discrete-intervals-"));
const donations = join(root, "datasets/donations.csv");
// Fader & Hardie (2007), Table 1: the regular segment, years 0-7.
const curve = join(dir, "curve.csv");
writeFileSync(curve, "period,alive\n0,1000\n1,631\n2,468\n3,382\n4,326\n5,289\n6,262\n7,241\n");
const bgbb = join(dir, "bgbb.json");
const sbg = join(dir, "sbg.json");

/** The rows of a column table as JSON prints them (NaN as null). */
function jsonRows(columns: Record<string, Float64Array>): unknown[] {
  return JSON.parse(
    JSON.stringify(
      Array.from({ length: Object.values(columns)[0].length }, (_, i) =>
        Object.fromEntries(Object.entries(columns).map(([k, c]) => [k, c[i]])),
      ),
    ),
  );
}

describe("loyal predict --intervals for bg-bb", () => {
  it("adds _lo/_hi after p_alive, p_alive_next, expected_purchases and dert, reproducibly with --seed", async () => {
    const f = io();
    assert.equal(await runCli(["fit", donations, "--model", "bg-bb", "-o", bgbb], f), 0, f.err);
    const args = ["predict", bgbb, donations, "--horizon", "5", "--intervals", "--draws", "50"];
    const { stdout, head, rows } = await runTwiceIdentical([...args, "--seed", "3"], dir);
    assert.match(stdout, /11104 customers: 12884\.2 \(90% interval \d+\.\d–\d+\.\d\) expected transactions/);
    assert.equal(
      head,
      "frequency,recency,periods,p_alive,p_alive_lo,p_alive_hi,p_alive_next,p_alive_next_lo,p_alive_next_hi,expected_purchases,expected_purchases_lo,expected_purchases_hi,dert,dert_lo,dert_hi,weights",
    );
    assert.equal(rows.length, 22);
    for (const r of rows) {
      const v = r.split(",").map(Number);
      for (const j of [3, 6, 9, 12]) assert.ok(v[j + 1] <= v[j] && v[j] <= v[j + 2], `column ${j}: ${r}`);
    }
    const c = io();
    assert.equal(await runCli([...args, "--seed", "4", "-o", join(dir, "c.csv")], c), 0, c.err);
    assert.notEqual(readFileSync(join(dir, "c.csv"), "utf8"), readFileSync(join(dir, "a.csv"), "utf8"), "another seed");
  });

  it("--json is the library's withIntervals(predictBgBb, bgBbPredictionIntervals), settings in meta", async () => {
    const o = io();
    const argv = [
      "predict",
      bgbb,
      donations,
      "--intervals",
      "--draws",
      "20",
      "--level",
      "0.8",
      "--seed",
      "9",
      "--json",
    ];
    assert.equal(await runCli(argv, o), 0, o.err);
    const res = JSON.parse(o.out);
    const model = await loadModel(bgbb);
    const data = {
      frequency: res.rows.map((r: { frequency: number }) => r.frequency),
      recency: res.rows.map((r: { recency: number }) => r.recency),
      periods: res.rows.map((r: { periods: number }) => r.periods),
      weights: res.rows.map((r: { weights: number }) => r.weights),
    };
    const lib = withIntervals(
      predictBgBb(model, data, 10, 0.1),
      bgBbPredictionIntervals(model, data, 10, 0.1, { draws: 20, level: 0.8, seed: 9 }),
    );
    assert.deepEqual(res.meta, lib.meta);
    assert.deepEqual(res.meta.intervals, { level: 0.8, draws: 20, seed: 9 });
    assert.deepEqual(res.totals, lib.totals);
    assert.ok(res.totals.expectedPurchases_lo < res.totals.expectedPurchases);
    assert.ok(res.totals.expectedPurchases < res.totals.expectedPurchases_hi);
    assert.deepEqual(res.rows, jsonRows(lib.columns));
  });

  it("without --intervals the output is unchanged", async () => {
    const o = io();
    assert.equal(await runCli(["predict", bgbb, donations, "--json"], o), 0, o.err);
    const res = JSON.parse(o.out);
    assert.deepEqual(Object.keys(res.rows[0]), [
      "frequency",
      "recency",
      "periods",
      "p_alive",
      "p_alive_next",
      "expected_purchases",
      "dert",
      "weights",
    ]);
    assert.equal(res.meta.intervals, undefined);
    assert.deepEqual(Object.keys(res.totals), ["customers", "expectedPurchases", "meanPAlive"]);
  });
});

describe("loyal predict --intervals for sbg", () => {
  it("adds _lo/_hi to survival, retention, DERL, expected alive, DEL and the totals (--json = library)", async () => {
    const f = io();
    assert.equal(await runCli(["fit", curve, "--model", "sbg", "-o", sbg], f), 0, f.err);
    const o = io();
    const argv = ["predict", sbg, curve, "--horizon", "12", "--intervals", "--draws", "40", "--seed", "9", "--json"];
    assert.equal(await runCli(argv, o), 0, o.err);
    const res = JSON.parse(o.out);
    const model = await loadModel(sbg);
    const data = { alive: [1000, 631, 468, 382, 326, 289, 262, 241] };
    const lib = withIntervals(
      predictSbg(model, data, 12, 0.1),
      sbgPredictionIntervals(model, data, 12, 0.1, { draws: 40, seed: 9 }),
    );
    assert.deepEqual(res.meta, lib.meta);
    assert.deepEqual(res.totals, lib.totals);
    assert.deepEqual(res.rows, jsonRows(lib.columns));
    assert.deepEqual(Object.keys(res.rows[0]), [
      "period",
      "survival",
      "survival_lo",
      "survival_hi",
      "retention_rate",
      "retention_rate_lo",
      "retention_rate_hi",
      "derl",
      "derl_lo",
      "derl_hi",
      "expected_alive",
      "expected_alive_lo",
      "expected_alive_hi",
      "observed_alive",
    ]);
    assert.equal(res.rows[0].retention_rate_lo, null, "no retention rate at period 0");
    assert.ok(res.meta.del_lo < res.meta.del && res.meta.del < res.meta.del_hi);
    // Year 12 of Table 1 (173 survivors, not used in the fit) lies inside the projection's 90% interval.
    assert.ok(res.rows[12].expected_alive_lo < 173 && 173 < res.rows[12].expected_alive_hi);
  });

  it("without data, prints the survival interval at the horizon; Parquet output has the _lo/_hi columns", async () => {
    const o = io();
    assert.equal(await runCli(["predict", sbg, "--horizon", "3", "--intervals", "--level", "0.95"], o), 0, o.err);
    const iv = sbgPredictionIntervals(await loadModel(sbg), undefined, 3, 0.1, { level: 0.95 });
    const [lo, hi] = [iv.lo.survival[3].toFixed(4), iv.hi.survival[3].toFixed(4)];
    // S(3) = 0.3880 at the MLE (382 of 1,000 observed, Fader & Hardie 2007 Table 1).
    assert.equal(o.out, `sbg: survival 0.3880 (95% interval ${lo}–${hi}) at period 3, DEL 3.6949 at discount 0.1\n`);
    assert.ok(+lo < 0.388 && 0.388 < +hi);
    const out = join(dir, "sbg.parquet");
    assert.equal(await runCli(["predict", sbg, curve, "--intervals", "--draws", "20", "-o", out], io()), 0);
    const conn = await openDuckDb();
    try {
      const r = await conn.runAndReadAll(`select * from read_parquet(${sqlString(out)})`);
      assert.deepEqual(r.columnNames().slice(0, 4), ["period", "survival", "survival_lo", "survival_hi"]);
      assert.equal(r.columnNames().length, 14);
      assert.equal(r.getRowObjectsJS().length, 11);
    } finally {
      closeDuckDb(conn);
    }
  });
});

describe("loyal predict --intervals errors for the discrete models", () => {
  it("a model without covariance, a bad --draws or --level exit 2 (E_USAGE); --spend-model and --stream are refused", async () => {
    const noCov = join(dir, "sbg-nocov.json");
    const m = JSON.parse(readFileSync(sbg, "utf8"));
    delete m.logCovariance;
    writeFileSync(noCov, JSON.stringify(m));
    const cases: [string[], RegExp][] = [
      [["predict", noCov, "--intervals"], /the sbg model has no parameter covariance/],
      [["predict", bgbb, donations, "--intervals", "--draws", "1"], /draws must be a whole number >= 2/],
      [["predict", sbg, "--intervals", "--level", "1.5"], /level must be in \(0, 1\)/],
      [
        ["predict", bgbb, donations, "--spend-model", bgbb],
        /--spend-model applies to the purchase models .* not bg-bb/,
      ],
      [
        ["predict", sbg, "--intervals", "--spend-model", bgbb],
        /--spend-model applies to the purchase models .* not sbg/,
      ],
      [
        ["predict", bgbb, donations, "--stream", "-o", join(dir, "s.csv")],
        /--stream applies to the purchase models .* not bg-bb/,
      ],
    ];
    for (const [argv, re] of cases) {
      const o = io();
      assert.equal(await runCli(argv, o), 2, argv.join(" "));
      assert.match(o.err, /E_USAGE/);
      assert.match(o.err, re);
    }
    const plain = io();
    assert.equal(await runCli(["predict", noCov, "--horizon", "3"], plain), 0, "predictions without --intervals");
  });
});
