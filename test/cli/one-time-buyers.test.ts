/**
 * `loyal fit` on a summary in which no customer has a repeat purchase: exit code 6 (E_CONVERGENCE) and the reason on
 * stderr, for a named purchase model and for `--model auto`, instead of a fit that predicts ≈ 0 purchases.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../src/cli/run-cli.ts";
import { io } from "../helpers/cli-io.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-one-time-"));

/** A summary CSV of 1,000 one-time buyers (T = 10..40 weeks), plus `extra` lines. */
function summaryFile(name: string, extra: string[] = []): string {
  const lines = ["# unit: week", "customer_id,frequency,recency,T,monetary_value"];
  for (let i = 0; i < 1000; i++) lines.push(`c${i + 1},0,0,${10 + (i % 31)},0`);
  lines.push(...extra);
  const file = join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

describe("loyal fit on one-time buyers only", () => {
  const file = summaryFile("one-time.csv");

  it("--model bg-nbd exits 6 and says no customer has a repeat purchase", async () => {
    const o = io();
    assert.equal(await runCli(["fit", file, "--model", "bg-nbd"], o), 6, o.err);
    assert.equal(o.out, "");
    assert.match(
      o.err,
      /^loyal: error \[E_CONVERGENCE\]: bg-nbd: no customer has a repeat purchase in the calibration period \(all 1000 customers have frequency 0\), so the purchase models cannot be fitted: .*need customers with frequency > 0\n$/,
    );
  });

  it("--model auto exits 6 and gives the reason once for all purchase models", async () => {
    const o = io();
    assert.equal(await runCli(["fit", file, "--model", "auto"], o), 6, o.err);
    assert.match(
      o.err,
      /^loyal: error \[E_CONVERGENCE\]: no model could be fitted \(bg-nbd, mbg-nbd, pareto-nbd\): no customer has a repeat purchase in the calibration period/,
    );
  });

  it("one repeat buyer among them: --model pareto-nbd exits 6, only one customer has a repeat purchase", async () => {
    const o = io();
    const one = summaryFile("one-repeat.csv", ["r1,1,5,20,25"]);
    assert.equal(await runCli(["fit", one, "--model", "pareto-nbd"], o), 6, o.err);
    assert.match(o.err, /pareto-nbd: only one customer has a repeat purchase in the calibration period/);
  });
});
