import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../src/cli/run-cli.ts";
import { io, runTwiceIdentical } from "../helpers/cli-io.ts";
import { root } from "../helpers/datasets.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-intervals-"));
const data = join(root, "datasets/cdnow_customers_summary_with_transactions.csv");

describe("loyal predict --intervals", () => {
  const bg = join(dir, "bg.json");
  const gg = join(dir, "gg.json");

  it("adds _lo/_hi columns around expected purchases, P(alive) and CLV, reproducibly with --seed", async () => {
    assert.equal(await runCli(["fit", data, "-o", bg], io()), 0);
    assert.equal(await runCli(["fit", data, "--model", "gamma-gamma", "-o", gg], io()), 0);
    const args = ["predict", bg, data, "--spend-model", gg, "--horizon", "39", "--intervals", "--draws", "50"];
    const { head, rows } = await runTwiceIdentical([...args, "--seed", "3"], dir);
    assert.equal(
      head,
      "customer_id,expected_purchases,expected_purchases_lo,expected_purchases_hi,p_alive,p_alive_lo,p_alive_hi,expected_spend,clv,clv_lo,clv_hi",
    );
    assert.equal(rows.length, 2357);
    for (const r of rows) {
      const v = r.split(",").map(Number);
      assert.ok(v[2] <= v[3] && v[5] <= v[6] && v[9] <= v[10], r);
    }
  });

  it("--json reports the interval settings in meta; without --intervals the columns are unchanged", async () => {
    const o = io();
    const code = await runCli(
      ["predict", bg, data, "--intervals", "--draws", "20", "--level", "0.8", "--seed", "9", "--json"],
      o,
    );
    assert.equal(code, 0, o.err);
    const res = JSON.parse(o.out);
    assert.deepEqual(res.meta.intervals, { level: 0.8, draws: 20, seed: 9 });
    assert.ok(res.customers[0].expected_purchases_lo <= res.customers[0].expected_purchases_hi);
    assert.equal(res.customers[0].clv_lo, undefined);
    const p = io();
    assert.equal(await runCli(["predict", bg, data, "--json"], p), 0);
    assert.deepEqual(Object.keys(JSON.parse(p.out).customers[0]), ["customer_id", "expected_purchases", "p_alive"]);
  });

  it("a bad --level exits 2", async () => {
    const o = io();
    assert.equal(await runCli(["predict", bg, data, "--intervals", "--level", "1.5"], o), 2);
    assert.match(o.err, /level must be in \(0, 1\)/);
  });
});
