import assert from "node:assert/strict";
import { test } from "node:test";
import { closeDuckDb, openDuckDb } from "../../src/data/duckdb.ts";
import { copyArrayColumns, copyNumbers, copyStrings } from "../../src/data/read-columns.ts";

/** Reads column 0 of `sql` with the fast copies and with the client's own getItem, chunk by chunk. */
async function both(sql: string, kind: "strings" | "numbers") {
  const conn = await openDuckDb();
  try {
    const chunks = await (await conn.run(sql)).fetchAllChunks();
    const n = chunks.reduce((a, c) => a + c.rowCount, 0);
    const fast: (string | number | null)[] = [];
    const slow: (string | number | null)[] = [];
    const strings: string[] = new Array(n);
    const numbers = new Float64Array(n);
    let o = 0;
    for (const c of chunks) {
      const v = c.getColumnVector(0);
      if (kind === "strings") copyStrings(v, strings, o, c.rowCount);
      else copyNumbers(v, numbers, o, c.rowCount, Number.NaN);
      for (let i = 0; i < c.rowCount; i++) {
        const x = v.getItem(i);
        slow.push(x === null ? null : kind === "strings" ? String(x) : Number(x));
      }
      o += c.rowCount;
    }
    for (let i = 0; i < n; i++) fast.push(kind === "strings" ? strings[i] : numbers[i]);
    return { fast, slow };
  } finally {
    closeDuckDb(conn);
  }
}

test("copyStrings equals getItem: short ASCII ids over many chunks (the bulk path)", async () => {
  const { fast, slow } = await both("select (i * 7919 % 1000003)::varchar from range(10000) t(i)", "strings");
  assert.equal(fast.length, 10000);
  assert.deepEqual(fast, slow);
  assert.equal(fast[1], "7919");
});

test("copyStrings equals getItem: non-ASCII, 12 and 13 bytes, empty, newline, NULL", async () => {
  const values = ["é", "Zürich-01", "東京", "abcdefghijkl", "abcdefghijklm", "", "a\nb", "€€€€", "x"];
  const list = values.map((v) => `'${v}'`).join(", ");
  for (const sql of [
    `select unnest([${list}])`,
    `select unnest([${list}, NULL])`,
    "select unnest(['ab', 'é', 'ü', '12'])",
  ]) {
    const { fast, slow } = await both(sql, "strings");
    assert.deepEqual(
      fast.map((x) => x ?? null),
      slow,
      sql,
    );
  }
});

test("copyNumbers equals getItem for DOUBLE, INTEGER, DECIMAL and BIGINT; NULL becomes the given value", async () => {
  for (const sql of [
    "select (i / 7)::double from range(5000) t(i)",
    "select (i - 2500)::integer from range(5000) t(i)",
    "select (i / 7)::decimal(18, 6) from range(5000) t(i)",
    "select (i * 3)::bigint from range(5000) t(i)",
  ]) {
    const { fast, slow } = await both(sql, "numbers");
    assert.deepEqual(fast, slow, sql);
  }
  const { fast } = await both("select unnest([1.5::double, NULL, 3])", "numbers");
  assert.deepEqual(fast, [1.5, Number.NaN, 3]);
});

test("copyArrayColumns splits DOUBLE[k] rows into k columns, in bulk and through getItem alike", async () => {
  const conn = await openDuckDb();
  try {
    const read = async (sql: string) => {
      const chunks = await (await conn.run(sql)).fetchAllChunks();
      const n = chunks.reduce((a, c) => a + c.rowCount, 0);
      const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
      let o = 0;
      for (const c of chunks) {
        copyArrayColumns(c.getColumnVector(0), cols, o, c.rowCount, (row, col) => {
          throw new Error(`NULL at ${o + row}, ${col}`);
        });
        o += c.rowCount;
      }
      return cols;
    };
    const cols = await read("select [i, i / 4, -i]::double[3] from range(5000) t(i)");
    assert.equal(cols[0].length, 5000);
    assert.deepEqual([cols[0][4999], cols[1][4999], cols[2][4999]], [4999, 1249.75, -4999]);
    for (let i = 0; i < 5000; i++) assert.ok(cols[1][i] === i / 4 && cols[2][i] === -i);
    await assert.rejects(read("select [1, NULL, 3]::double[3]"), /NULL at 0, 1/);
  } finally {
    closeDuckDb(conn);
  }
});
