import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../src/cli/run-cli.ts";
import { purchaseModelNames } from "../../src/models/registry.ts";
import { io } from "../helpers/cli-io.ts";
import { CDNOW_SAMPLE_ARGS, root } from "../helpers/datasets.ts";
import { assertClose } from "../helpers/tolerance.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-compare-"));
const cdnow = join(root, "datasets/cdnow_customers_summary.csv");

describe("loyal fit --model auto and loyal compare", () => {
  it("fit --model auto --json has selected, reason and the comparison, and saves the chosen model", async () => {
    const o = io();
    const code = await runCli(["fit", cdnow, "--model", "auto", "--json", "-o", join(dir, "auto.json")], o);
    assert.equal(code, 0, o.err);
    const res = JSON.parse(o.out);
    assert.ok(purchaseModelNames().includes(res.selected));
    assert.equal(res.model, res.selected);
    assert.match(res.reason, /lowest BIC/);
    assert.equal(res.comparison.models.length, purchaseModelNames().length);
    const saved = JSON.parse(readFileSync(join(dir, "auto.json"), "utf8"));
    assert.equal(saved.model, res.selected);
    assert.deepEqual(saved.params, res.params);
  });

  it("fit --model auto prints the reason", async () => {
    const o = io();
    assert.equal(await runCli(["fit", cdnow, "--model", "auto"], o), 0, o.err);
    assert.match(o.out, /^selected \S+: \S+ has the lowest BIC/);
  });

  it("compare prints a table with every model and the selection; --json equals the table's numbers", async () => {
    const o = io();
    assert.equal(await runCli(["compare", cdnow, "--models", "bg-nbd,mbg-nbd"], o), 0, o.err);
    assert.match(o.out, /bg-nbd .*-9582\.4256/);
    assert.match(o.out, /mbg-nbd/);
    assert.match(o.out, /selected /);
    const j = io();
    assert.equal(await runCli(["compare", cdnow, "--models", "bg-nbd,mbg-nbd", "--json"], j), 0, j.err);
    const res = JSON.parse(j.out);
    assert.deepEqual(
      res.models.map((m: { model: string }) => m.model),
      ["bg-nbd", "mbg-nbd"],
    );
    assert.ok(o.out.includes(res.models[0].bic.toFixed(2)));
    assert.equal(typeof res.reason, "string");
  });

  it("compare uses the holdout columns of a summary written by summarize --holdout-end", async () => {
    const s = join(dir, "holdout.csv");
    const sum = io();
    const code = await runCli(
      [
        "summarize",
        join(root, "datasets/CDNOW_sample.txt"),
        ...CDNOW_SAMPLE_ARGS,
        "--unit",
        "week",
        "--end",
        "1997-09-30",
        "--holdout-end",
        "1998-06-30",
        "-o",
        s,
      ],
      sum,
    );
    assert.equal(code, 0, sum.err);
    const o = io();
    assert.equal(await runCli(["compare", s, "--models", "bg-nbd,mbg-nbd", "--json"], o), 0, o.err);
    const res = JSON.parse(o.out);
    assert.equal(res.holdout, true);
    assert.equal(res.criterion, "holdout-mae");
    for (const m of res.models) assert.ok(m.holdout.mae > 0 && m.holdout.rmse >= m.holdout.mae);
    const t = io();
    assert.equal(await runCli(["compare", s, "--models", "bg-nbd", "--no-holdout"], t), 0, t.err);
    assert.doesNotMatch(t.out, /holdout MAE/);
  });

  it("an unknown model in --models exits 2", async () => {
    const o = io();
    assert.equal(await runCli(["compare", cdnow, "--models", "bg-nbd,nope"], o), 2);
    assert.match(o.err, /unknown purchase model 'nope'/);
  });
});

describe("loyal fit and predict for the discrete-time models (bg-bb, sbg)", () => {
  const donations = join(root, "datasets/donations.csv");
  const curve = join(dir, "curve.csv");
  writeFileSync(curve, "period,alive\n0,1000\n1,631\n2,468\n3,382\n4,326\n5,289\n6,262\n7,241\n");

  it("fit --model bg-bb on donations.csv reproduces Fader-Hardie-Shang 2010 (α 1.204, β 0.750, γ 0.657, δ 2.783)", async () => {
    const o = io();
    assert.equal(
      await runCli(["fit", donations, "--model", "bg-bb", "--json", "-o", join(dir, "bgbb.json")], o),
      0,
      o.err,
    );
    const res = JSON.parse(o.out);
    assert.equal(res.model, "bg-bb");
    assert.equal(res.n, 11104);
    for (const [k, v] of Object.entries({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }))
      assertClose(res.params[k], v, { abs: 5e-3 }, k);
  });

  it("predict with a bg-bb model gives P(alive), expected transactions and DERT per pattern", async () => {
    const o = io();
    const code = await runCli(["predict", join(dir, "bgbb.json"), donations, "--horizon", "5", "--json"], o);
    assert.equal(code, 0, o.err);
    const res = JSON.parse(o.out);
    assert.equal(res.rows.length, 22);
    assert.equal(res.totals.customers, 11104);
    for (const r of res.rows) {
      // bgBbProbabilityAlive(m = 0) rounds to 1 + 9e-16 for x = t_x = n (reported to the BG/BB author).
      assert.ok(r.p_alive >= 0 && r.p_alive <= 1 + 1e-12 && r.p_alive_next <= r.p_alive, JSON.stringify(r));
      assert.ok(r.expected_purchases >= 0 && r.expected_purchases <= 5 && r.dert >= 0);
    }
    const best = res.rows.find((r: { frequency: number }) => r.frequency === 6);
    assert.ok(best.p_alive > 0.9, "a donor in all 6 years is almost surely alive");
  });

  it("fit --model sbg on a survival curve reproduces Fader-Hardie 2007 (α 0.704, β 1.182); predict projects it", async () => {
    const o = io();
    assert.equal(await runCli(["fit", curve, "--model", "sbg", "--json", "-o", join(dir, "sbg.json")], o), 0, o.err);
    const res = JSON.parse(o.out);
    assertClose(res.params.alpha, 0.704, { abs: 1e-3 }, "alpha");
    assertClose(res.params.beta, 1.182, { abs: 1e-3 }, "beta");
    const p = io();
    const code = await runCli(
      ["predict", join(dir, "sbg.json"), curve, "--horizon", "12", "--discount", "0.1", "--json"],
      p,
    );
    assert.equal(code, 0, p.err);
    const pr = JSON.parse(p.out);
    assert.equal(pr.rows.length, 13);
    assertClose(pr.meta.del, 3.695, { abs: 1e-3 }, "DEL at 10% (Fader-Hardie 2010)");
    assert.equal(pr.rows[7].observed_alive, 241);
    assert.equal(pr.rows[8].observed_alive, null);
    assertClose(pr.rows[1].expected_alive, 1000 * pr.rows[1].survival, { rel: 1e-12 }, "expected alive");
    for (let t = 2; t <= 12; t++) assert.ok(pr.rows[t].retention_rate > pr.rows[t - 1].retention_rate);
    const noData = io();
    assert.equal(await runCli(["predict", join(dir, "sbg.json"), "--horizon", "3"], noData), 0, noData.err);
    assert.match(noData.out, /DEL 3\.69/);
  });

  it("sbg reads per-customer periods,churned rows", async () => {
    const f = join(dir, "customers.csv");
    writeFileSync(f, "periods,churned,weights\n1,1,369\n2,1,163\n3,1,86\n4,1,56\n5,1,37\n6,1,27\n7,1,21\n7,0,241\n");
    const o = io();
    assert.equal(await runCli(["fit", f, "--model", "sbg", "--json"], o), 0, o.err);
    assertClose(JSON.parse(o.out).params.alpha, 0.704, { abs: 1e-3 }, "alpha");
  });

  it("a bad value names file, row and column (exit 3)", async () => {
    const cases: [string, string, string, RegExp][] = [
      ["bg-bb", "frequency,recency,periods\n1,1,6\n2,1,6\n", "frequency", /row 3, column frequency/],
      ["bg-bb", "frequency,recency,periods\n1,7,6\n", "recency", /row 2, column recency/],
      ["bg-bb", "frequency,recency\n1,1\n", "periods", /missing column 'periods'/],
      ["sbg", "period,alive\n0,1000\n1,631\n2,x\n", "alive", /row 4, column alive: 'x' is not a finite number/],
      ["sbg", "period,alive\n0,1000\n1,631\n2,700\n", "alive", /row 4, column alive: alive cannot rise/],
      ["sbg", "periods,churned\n1,yes\n", "churned", /row 2, column churned/],
    ];
    for (const [model, text, _col, re] of cases) {
      const f = join(dir, "bad.csv");
      writeFileSync(f, text);
      const o = io();
      assert.equal(await runCli(["fit", f, "--model", model], o), 3, `${model}: ${text}`);
      assert.match(o.err, /E_INPUT/);
      assert.match(o.err, /bad\.csv/);
      assert.match(o.err, re);
    }
  });

  it("predict refuses --spend-model for the discrete models (exit 2); --intervals: see uncertainty-discrete-cli", async () => {
    const o = io();
    assert.equal(await runCli(["predict", join(dir, "sbg.json"), "--spend-model", join(dir, "sbg.json")], o), 2);
    assert.match(o.err, /--spend-model applies to the purchase models/);
  });
});
