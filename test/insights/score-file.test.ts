import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { scoreCustomers } from "../../src/insights/clv.ts";
import { formatFixed } from "../../src/insights/fast-number.ts";
import { scoreSummaryFile, WORKERS_FROM_BYTES } from "../../src/insights/score-file.ts";
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

  it("scores a file below WORKERS_FROM_BYTES on the main thread by default (workers cost more than they save)", async () => {
    const r = await scoreSummaryFile(input, join(dir, "default.csv"), opts);
    assert.equal(r.workers, 0);
    assert.equal(r.rows, 2357);
    const w2 = await scoreSummaryFile(input, join(dir, "forced.csv"), { ...opts, workers: 2 });
    assert.equal(w2.workers, 2);
    assert.equal(readFileSync(join(dir, "default.csv"), "utf8"), readFileSync(join(dir, "forced.csv"), "utf8"));
    assert.equal(WORKERS_FROM_BYTES, 192 * 1024 * 1024);
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

  it("reads the same numbers from CRLF lines, other column orders, comments, blanks and numbers in other forms", async () => {
    await scoreSummaryFile(input, join(dir, "plain.csv"), { ...opts, workers: 0 });
    const rows = readFileSync(input, "utf8").trim().split(/\r?\n/).slice(1);
    // zbar first, an extra column, numbers as Number() reads them: blanks around, exponents, "+", "5.", 18+ digits
    const frac = (v: string) => (v.includes(".") ? v.length - v.indexOf(".") - 1 : 0);
    const digits = (v: string) => v.replace(/[^0-9]/g, "").length;
    const forms = [
      (v: string) => v,
      (v: string) => ` ${v}\t`,
      (v: string) => `${v.replace(".", "")}e-${frac(v)}`,
      (v: string) => `+${v}`,
      (v: string) => (v.includes(".") ? v : `${v}.`),
      (v: string) => `${v.includes(".") ? v : `${v}.`}${"0".repeat(Math.max(0, 17 - digits(v)))}`, // 17 digits
      (v: string) => `${v.includes(".") ? v : `${v}.`}${"0".repeat(20)}`,
      (v: string) => `${"0".repeat(20)}${v}`,
    ];
    const odd = join(dir, "odd.csv");
    for (const noteLast of [false, true]) {
      const lines = ["# a comment", noteLast ? "zbar,ID,x,t_x,T,note" : "zbar,ID,x,note,t_x,T"];
      rows.forEach((row, i) => {
        const [id, x, tx, T, zbar] = row.split(",");
        const f = (v: string, k: number) => forms[(i + k) % forms.length](v);
        if (noteLast) lines.push(`${f(zbar, 1)},${id},${f(x, 2)},${f(tx, 3)},${f(T, 4)},n`);
        else lines.push(`${f(zbar, 1)},${id},${f(x, 2)},n,${f(tx, 3)},${f(T, 4)}`);
        if (i % 500 === 0) lines.push("", "# more");
      });
      writeFileSync(odd, `${lines.join("\r\n")}`); // and no newline at the end
      for (const [workers, blockSize] of [
        [0, 8 << 20],
        [2, 1000],
      ]) {
        await scoreSummaryFile(odd, join(dir, "odd-out.csv"), { ...opts, workers, blockSize });
        assert.equal(readFileSync(join(dir, "odd-out.csv"), "utf8"), readFileSync(join(dir, "plain.csv"), "utf8"));
      }
    }
    // A CR inside the last field is part of it.
    const lines = readFileSync(input, "utf8").split("\n");
    lines[7] = lines[7].replace(/,([0-9.]+)\r?$/, ",$1\r1\r");
    writeFileSync(odd, lines.join("\n"));
    await assert.rejects(scoreSummaryFile(odd, join(dir, "odd-out.csv"), { ...opts, workers: 0 }), (e: Error) => {
      assert.match(e.message, /row 8, column monetary_value: '[0-9.]+\r1' is not a number/);
      return true;
    });
  });

  it("refuses a summary in another unit than the model's", async () => {
    const day = join(dir, "day.csv");
    writeFileSync(day, `# unit: day\n${readFileSync(input, "utf8")}`);
    await assert.rejects(scoreSummaryFile(day, join(dir, "d.csv"), opts), { code: "E_UNIT_MISMATCH" });
  });
});
