import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { compress } from "../../src/data/compress.ts";
import { closeDuckDb, type DuckDBConnection, openDuckDb } from "../../src/data/duckdb.ts";
import { summarizeTable } from "../../src/data/summarize-table.ts";
import type { RfmData } from "../../src/data/summary.ts";
import { compressedSql } from "../../src/data/summary-sql.ts";
import { root } from "../helpers/datasets.ts";

let conn: DuckDBConnection;

before(async () => {
  conn = await openDuckDb(":memory:", 2);
  await conn.run(`CREATE TABLE master AS
    SELECT p[1] AS customer_id,
      CAST(CAST(strptime(p[2], '%Y%m%d') AS DATE) - DATE '1970-01-01' AS INTEGER) AS day,
      CAST(p[4] AS DOUBLE) AS amount
    FROM (SELECT regexp_split_to_array(trim(line), '\\s+') AS p
      FROM read_csv('${root}datasets/CDNOW_master.txt', header = false, skip = 1, columns = {'line': 'VARCHAR'},
        delim = '\\t', quote = '', escape = ''))`);
});
after(() => closeDuckDb(conn));

/** Checks that `c` is `data` merged: every customer maps to a row equal to its own, weights count customers. */
function assertCompresses(data: RfmData, c: ReturnType<typeof compress>): void {
  const n = data.frequency.length;
  assert.equal(c.index.length, n);
  const total = c.data.weights!.reduce((a, b) => a + b, 0);
  assert.equal(total, data.weights ? data.weights.reduce((a, b) => a + b, 0) : n);
  const counted = new Float64Array(c.data.frequency.length);
  for (let i = 0; i < n; i++) {
    const j = c.index[i];
    assert.equal(c.data.frequency[j], data.frequency[i]);
    assert.equal(c.data.recency[j], data.recency[i]);
    assert.equal(c.data.T[j], data.T[i]);
    counted[j] += data.weights ? data.weights[i] : 1;
  }
  assert.deepEqual(counted, c.data.weights);
  for (let j = 1; j < c.data.frequency.length; j++) {
    const a = [c.data.frequency[j - 1], c.data.recency[j - 1], c.data.T[j - 1]];
    const b = [c.data.frequency[j], c.data.recency[j], c.data.T[j]];
    const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    assert.ok(cmp < 0, `rows ${j - 1} and ${j} strictly ascending`);
  }
}

describe("compress", () => {
  test("the TSDoc example", () => {
    const { data, index } = compress({
      frequency: Float64Array.of(1, 0, 1),
      recency: Float64Array.of(2, 0, 2),
      T: Float64Array.of(5, 5, 5),
    });
    assert.deepEqual([...data.frequency], [0, 1]);
    assert.deepEqual([...data.recency], [0, 2]);
    assert.deepEqual([...data.T], [5, 5]);
    assert.deepEqual([...data.weights!], [1, 2]);
    assert.deepEqual([...index], [1, 0, 1]);
  });

  test("sums input weights, treats -0 as 0, and handles no rows", () => {
    const c = compress({
      frequency: Float64Array.of(0, -0, 3),
      recency: Float64Array.of(0, 0, 1),
      T: Float64Array.of(4, 4, 4),
      weights: Float64Array.of(2.5, 1, 4),
    });
    assert.deepEqual([...c.data.weights!], [3.5, 4]);
    assert.ok(Object.is(c.data.frequency[0], 0));
    const empty = compress({ frequency: new Float64Array(0), recency: new Float64Array(0), T: new Float64Array(0) });
    assert.equal(empty.data.frequency.length, 0);
    assert.equal(empty.index.length, 0);
  });

  for (const unit of ["day", "week"] as const) {
    test(`CDNOW_master in ${unit}s: merges identical rows, agrees with compressedSql`, async () => {
      const { summary } = await summarizeTable(conn, { table: "master", end: "1997-09-30", unit });
      const c = compress(summary);
      assertCompresses(summary, c);
      const sql = compressedSql({
        dialect: "duckdb",
        table: "master",
        customer: "customer_id",
        date: "day",
        dateIsDay: true,
        end: "1997-09-30",
        unit,
      });
      const rows = (await conn.runAndReadAll(sql)).getRowsJS() as number[][];
      assert.deepEqual(
        rows,
        [...c.data.frequency].map((f, j) => [f, c.data.recency[j], c.data.T[j], c.data.weights![j]]),
      );
      // 23,570 customers become 8,685 rows whatever the unit: weeks are days / 7 exactly, so equal stays equal.
      assert.equal(c.data.frequency.length, 8685);
    });
  }

  test("is deterministic and idempotent", async () => {
    const { summary } = await summarizeTable(conn, { table: "master", end: "1997-09-30", unit: "week" });
    const a = compress(summary);
    const b = compress(summary);
    assert.deepEqual(a, b);
    const again = compress(a.data);
    assert.deepEqual(again.data, a.data);
  });
});
