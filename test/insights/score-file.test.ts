import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { scoreCustomers } from "../../src/insights/clv.ts";
import { formatFixed } from "../../src/insights/fast-number.ts";
import { scoreSummaryFile } from "../../src/insights/score-file.ts";
import { fitSummary } from "../../src/models/fit-summary.ts";
import { cdnowWithSpend, root } from "../helpers/datasets.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-score-file-"));
const input = join(root, "datasets/cdnow_customers_summary_with_transactions.csv");
const s = cdnowWithSpend();
const bg = fitSummary("bg-nbd", s);
const gg = fitSummary("gamma-gamma", s);
const opts = { model: bg, spendModel: gg, horizon: 39, months: 12, discount: 0.01 };

describe("streaming scorer (scoreSummaryFile)", () => {
  it("writes the in-memory scores (to 9 decimals) for every CDNOW customer, in file order, with small blocks on 2 workers", async () => {
    const out = join(dir, "a.csv");
    const r = await scoreSummaryFile(input, out, { ...opts, workers: 2, blockSize: 4096 });
    assert.equal(r.rows, 2357);
    const mem = scoreCustomers(bg, s, { ...opts, spendModel: gg });
    const lines = readFileSync(out, "utf8").trim().split("\n");
    assert.equal(lines[0], "customer_id,expected_purchases,p_alive,expected_spend,clv");
    assert.equal(lines.length, 2358);
    for (let i = 0; i < 2357; i++) {
      const expected = [
        s.ids[i],
        ...[mem.expectedPurchases[i], mem.pAlive[i], mem.expectedSpend![i], mem.clv![i]].map((v) => formatFixed(v, 9)),
      ].join(",");
      assert.equal(lines[i + 1], expected, `row ${i + 1}`);
    }
    let clv = 0;
    for (const v of mem.clv!) clv += v;
    assert.ok(Math.abs(r.totalClv! - clv) < 1e-6 * clv);
  });

  it("gives byte-identical output on the main thread and on worker threads, and Parquet output", async () => {
    await scoreSummaryFile(input, join(dir, "w0.csv"), { ...opts, workers: 0 });
    await scoreSummaryFile(input, join(dir, "w2.csv"), { ...opts, workers: 2, blockSize: 10000 });
    assert.equal(readFileSync(join(dir, "w0.csv"), "utf8"), readFileSync(join(dir, "w2.csv"), "utf8"));
    await scoreSummaryFile(input, join(dir, "s.parquet"), { ...opts, workers: 2 });
    assert.equal(readFileSync(join(dir, "s.parquet")).subarray(0, 4).toString(), "PAR1");
  });

  it("names the file, line and column of a bad value", async () => {
    const bad = join(dir, "bad.csv");
    const text = readFileSync(input, "utf8").split("\n");
    text[1500] = text[1500].replace(/^(\d+),(\d+),/, "$1,x,");
    writeFileSync(bad, text.join("\n"));
    await assert.rejects(
      scoreSummaryFile(bad, join(dir, "b.csv"), { ...opts, workers: 2, blockSize: 4096 }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "E_INPUT");
        assert.match(e.message, /bad\.csv, row 1501, column frequency/);
        return true;
      },
    );
  });

  it("refuses a summary in another unit than the model's", async () => {
    const day = join(dir, "day.csv");
    writeFileSync(day, `# unit: day\n${readFileSync(input, "utf8")}`);
    await assert.rejects(scoreSummaryFile(day, join(dir, "d.csv"), opts), { code: "E_UNIT_MISMATCH" });
  });
});
