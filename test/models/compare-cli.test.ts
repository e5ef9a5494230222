import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { CliIo } from "../../src/cli/context.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { purchaseModelNames } from "../../src/models/registry.ts";
import { root } from "../helpers/datasets.ts";

function io(): CliIo & { out: string; err: string } {
  const o = {
    out: "",
    err: "",
    isTTY: false,
    stdout: (s: string) => (o.out += s),
    stderr: (s: string) => (o.err += s),
  };
  return o;
}

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
        "--columns",
        "master_id,customer_id,date,cds,amount",
        "--customer",
        "customer_id",
        "--date",
        "date",
        "--amount",
        "amount",
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
