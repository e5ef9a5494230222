import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { closeDuckDb, openDuckDb } from "../../src/data/duckdb.ts";
import type { CustomerSummary } from "../../src/data/summary.ts";
import { readSummaryCsv, writeSummaryCsv, writeSummaryParquet } from "../../src/data/summary-io.ts";
import { isLoyalError, type LoyalError } from "../../src/errors.ts";
import { cdnowRounded, cdnowWithSpend, root } from "../helpers/datasets.ts";

const tmp = mkdtempSync(join(tmpdir(), "loyal-summary-io-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const summary: CustomerSummary = {
  unit: "week",
  ids: ["0001", "a,b", 'q"uote', "#hash"],
  frequency: Float64Array.of(2, 0, 1, 3),
  recency: Float64Array.of(30.428571428571427, 0, 1 / 7, 10),
  T: Float64Array.of(38.857142857142854, 27, 30, 10),
  monetary: Float64Array.of(22.345, 0, 0.1 + 0.2, 7),
  calibrationEnd: "1997-09-30",
  holdout: {
    frequency: Float64Array.of(1, 0, 0, 2),
    monetary: Float64Array.of(26.48, 0, 0, 3.5),
    duration: Float64Array.of(39, 39, 39, 39),
  },
};

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** Asserts a LoyalError with the code and location. */
async function rejectsWith(p: Promise<unknown>, code: string, row?: number, column?: string, message?: RegExp) {
  await assert.rejects(p, (e) => {
    assert.ok(isLoyalError(e), `a LoyalError, got ${e}`);
    const err = e as LoyalError;
    assert.equal(err.code, code, err.message);
    if (row !== undefined) assert.equal(err.location?.row, row, err.message);
    if (column !== undefined) assert.equal(err.location?.column, column, err.message);
    if (message) assert.match(err.message, message);
    assert.ok(err.location?.file?.endsWith(".csv"), `names the file: ${err.message}`);
    return true;
  });
}

describe("summary CSV", () => {
  test("round-trips exactly, with the unit and calibration end in comment lines", async () => {
    const path = join(tmp, "roundtrip.csv");
    await writeSummaryCsv(path, summary);
    const text = readFileSync(path, "utf8");
    assert.ok(text.startsWith("# unit: week\n# calibration_end: 1997-09-30\ncustomer_id,frequency,recency,T,"));
    assert.deepEqual(await readSummaryCsv(path), summary);
    assert.deepEqual(await readSummaryCsv(path, { unit: "week" }), summary);
  });

  test("the file's unit wins over the default and must agree with an explicit one", async () => {
    const path = join(tmp, "days.csv");
    await writeSummaryCsv(path, { ...summary, unit: "day", holdout: undefined, monetary: undefined });
    assert.equal((await readSummaryCsv(path)).unit, "day");
    await rejectsWith(readSummaryCsv(path, { unit: "week" }), "E_UNIT_MISMATCH", 1);
  });

  test("reads the published ID,frequency,recency,T summary (weeks by default)", async () => {
    const s = await readSummaryCsv(`${root}datasets/cdnow_customers_summary.csv`);
    const ref = cdnowRounded();
    assert.equal(s.unit, "week");
    assert.deepEqual(s.ids, ref.ids);
    assert.deepEqual(s.frequency, ref.frequency);
    assert.deepEqual(s.recency, ref.recency);
    assert.deepEqual(s.T, ref.T);
    assert.equal(s.monetary, undefined);
    assert.equal((await readSummaryCsv(`${root}datasets/cdnow_customers_summary.csv`, { unit: "day" })).unit, "day");
  });

  test("reads the published ID,x,t_x,T,zbar summary", async () => {
    const s = await readSummaryCsv(`${root}datasets/cdnow_customers_summary_with_transactions.csv`);
    const ref = cdnowWithSpend();
    assert.equal(s.ids.length, 2357);
    assert.deepEqual(s.frequency, ref.frequency);
    assert.deepEqual(s.monetary, ref.monetary);
  });

  test("accepts CRLF, a byte-order mark and a trailing blank line", async () => {
    const s = await readSummaryCsv(file("crlf.csv", "\ufeffID,x,t_x,T\r\n1,2,3,4\r\n2,0,0,4\r\n\r\n"));
    assert.deepEqual(s.ids, ["1", "2"]);
    assert.deepEqual([...s.T], [4, 4]);
  });

  const header = "customer_id,frequency,recency,T,monetary_value\n";
  const bad: [string, string, number, string, RegExp][] = [
    ["non-numeric", `${header}a,1,2,3,4\nb,x1,2,3,4\n`, 3, "frequency", /'x1' is not a number/],
    ["negative", `${header}a,1,2,3,-4\n`, 2, "monetary_value", /negative/],
    ["recency after T", `${header}a,1,5,3,4\n`, 2, "recency", /after T/],
    ["fractional frequency", `${header}a,1.5,2,3,4\n`, 2, "frequency", /whole number/],
    ["recency 0 with repeats", `${header}a,2,0,3,4\n`, 2, "recency", /recency 0 with frequency 2/],
    ["recency without repeats", `${header}a,0,1,3,0\n`, 2, "recency", /frequency 0/],
    ["empty cell", `${header}a,1,,3,4\n`, 2, "recency", /missing value/],
    ["infinite", `${header}a,1,2,Infinity,4\n`, 2, "T", /not a number/],
    ["duplicate id", `${header}a,1,2,3,4\nb,0,0,3,0\na,0,0,3,0\n`, 4, "customer_id", /already on row 2/],
  ];
  for (const [name, text, row, column, message] of bad) {
    test(`names file, row and column for a bad value: ${name}`, async () => {
      await rejectsWith(
        readSummaryCsv(file(`bad-${name.replaceAll(" ", "-")}.csv`, text)),
        "E_INPUT",
        row,
        column,
        message,
      );
    });
  }

  test("rows count from the first line of the file, comment lines included", async () => {
    await rejectsWith(
      readSummaryCsv(file("comment-rows.csv", `# unit: day\n${header}a,1,2,3,4\nb,1,5,3,4\n`)),
      "E_INPUT",
      4,
      "recency",
    );
  });

  test("a missing column, a wrong field count and an unknown unit are input errors", async () => {
    await rejectsWith(
      readSummaryCsv(file("no-T.csv", "ID,x,t_x\n1,2,3\n")),
      "E_INPUT",
      1,
      undefined,
      /missing column T/,
    );
    await rejectsWith(readSummaryCsv(file("fields.csv", "ID,x,t_x,T\n1,2,3\n")), "E_INPUT", 2, undefined, /3 fields/);
    await rejectsWith(readSummaryCsv(file("unit.csv", "# unit: fortnight\nID,x,t_x,T\n")), "E_INPUT", 1);
    await rejectsWith(readSummaryCsv(file("empty.csv", "")), "E_INPUT");
  });

  test("a missing file is an I/O error", async () => {
    await assert.rejects(readSummaryCsv(join(tmp, "nope.csv")), (e) => isLoyalError(e, "E_IO"));
  });
});

describe("summary Parquet", () => {
  test("writes every column exactly, with the unit as key-value metadata", async () => {
    const path = join(tmp, "summary.parquet");
    await writeSummaryParquet(path, summary);
    const conn = await openDuckDb();
    try {
      const rows = (await conn.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)).getRowObjectsJS();
      assert.equal(rows.length, 4);
      assert.deepEqual(Object.keys(rows[0]), [
        "customer_id",
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "holdout_frequency",
        "holdout_monetary_value",
        "holdout_duration",
      ]);
      rows.forEach((r, i) => {
        assert.equal(r.customer_id, summary.ids[i]);
        assert.equal(r.recency, summary.recency[i]);
        assert.equal(r.monetary_value, summary.monetary![i]);
        assert.equal(r.holdout_frequency, summary.holdout!.frequency[i]);
      });
      const meta = (
        await conn.runAndReadAll(
          `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${path}') ORDER BY k`,
        )
      ).getRowObjectsJS();
      assert.deepEqual(meta, [
        { k: "calibration_end", v: "1997-09-30" },
        { k: "unit", v: "week" },
      ]);
    } finally {
      closeDuckDb(conn);
    }
  });
});
