import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { closeDuckDb, type DuckDBConnection, openDuckDb } from "../../src/data/duckdb.ts";
import { type SummaryResult, summarizeTable } from "../../src/data/summarize-table.ts";
import {
  compressedSql,
  excludedCustomersSql,
  isoToDay,
  summarySql,
  summaryWithCountsSql,
} from "../../src/data/summary-sql.ts";
import { isLoyalError } from "../../src/errors.ts";
import { cdnowWithSpend, reference, root } from "../helpers/datasets.ts";
import { assertClose } from "../helpers/tolerance.ts";

const END = "1997-09-30";
const HOLDOUT_END = "1998-06-30";
let conn: DuckDBConnection;

/** Loads whitespace-separated CDNOW lines into a purchases table (customer_id, day, amount), in DuckDB only. */
async function loadCdnow(table: string, file: string, idField: number, skip: number): Promise<void> {
  await conn.run(`CREATE TABLE ${table} AS
    SELECT p[${idField}] AS customer_id,
      CAST(CAST(strptime(p[${idField + 1}], '%Y%m%d') AS DATE) - DATE '1970-01-01' AS INTEGER) AS day,
      CAST(p[${idField + 3}] AS DOUBLE) AS amount
    FROM (SELECT regexp_split_to_array(trim(line), '\\s+') AS p
      FROM read_csv('${root}datasets/${file}', header = false, skip = ${skip}, columns = {'line': 'VARCHAR'},
        delim = '\\t', quote = '', escape = ''))`);
}

before(async () => {
  conn = await openDuckDb(":memory:", 2);
  await loadCdnow("sample", "CDNOW_sample.txt", 2, 0);
  await loadCdnow("master", "CDNOW_master.txt", 1, 1);
});
after(() => closeDuckDb(conn));

const sample = (unit: "day" | "week", holdoutEnd?: string) =>
  summarizeTable(conn, { table: "sample", end: END, holdoutEnd, unit });

/** Row of each published ID (the sample ids are zero-padded: "0001"). */
function byNumericId(r: SummaryResult): Map<number, number> {
  return new Map(r.summary.ids.map((id, i) => [Number(id), i]));
}

describe("summarizeTable on CDNOW_sample (end 1997-09-30, weeks)", () => {
  test("matches cdnow_customers_summary_with_transactions.csv for all 2,357 customers", async () => {
    const r = await sample("week");
    const ref = cdnowWithSpend();
    assert.equal(r.summary.ids.length, 2357);
    assert.equal(r.customersSeen, 2357);
    assert.equal(r.excludedAfterEnd, 0);
    const row = byNumericId(r);
    // The CSV rounds to 2 decimals, half up: an exact x.xx5 is 0.005 away (plus floating-point noise).
    const tol = { abs: 0.005 + 1e-9 };
    ref.ids.forEach((id, k) => {
      const i = row.get(Number(id));
      assert.ok(i !== undefined, `customer ${id} missing`);
      assert.equal(r.summary.frequency[i], ref.frequency[k], `frequency of ${id}`);
      assertClose(r.summary.recency[i], ref.recency[k], tol, `recency of ${id}`);
      assertClose(r.summary.T[i], ref.T[k], tol, `T of ${id}`);
      assertClose(r.summary.monetary![i], ref.monetary![k], tol, `zbar of ${id}`);
    });
  });

  test("matches the reference facts (sum of x 2457, 946 repeaters, T in [27.0, 38.86])", async () => {
    const { summary: s } = await sample("week");
    const facts = reference.cdnow_sample.summary_facts;
    let sumX = 0;
    let repeaters = 0;
    let spend = 0;
    let spendRounded = 0;
    for (let i = 0; i < s.ids.length; i++) {
      sumX += s.frequency[i];
      if (s.frequency[i] > 0) {
        repeaters++;
        spend += s.monetary![i];
        spendRounded += Math.round(s.monetary![i] * 100 + 1e-6) / 100;
      }
    }
    assert.equal(sumX, facts.sum_frequency);
    assert.equal(repeaters, facts.repeat_customers);
    // 35.0786 is the mean of the published zbar, which is rounded to cents half up; the exact mean is 35.07785.
    assertClose(spendRounded / repeaters, facts.mean_repeat_spend_of_repeaters, { abs: 1e-4 }, "mean rounded zbar");
    assertClose(spend / repeaters, 35.07785, { abs: 1e-5 }, "mean exact zbar");
    assertClose(Math.min(...s.T), facts.T_range_weeks[0], { abs: 0.005 }, "min T");
    assertClose(Math.max(...s.T), facts.T_range_weeks[1], { abs: 0.005 }, "max T");
    assert.equal(Math.max(...s.T), 272 / 7, "max T: 1997-01-01 to 1997-09-30 is 272 days");
  });

  test("days give the weeks' numbers times 7", async () => {
    const w = (await sample("week")).summary;
    const d = (await sample("day")).summary;
    assert.deepEqual(d.ids, w.ids);
    assert.deepEqual(d.frequency, w.frequency);
    assert.deepEqual(d.monetary, w.monetary);
    for (let i = 0; i < w.ids.length; i++) {
      assert.ok(Number.isInteger(d.recency[i]) && Number.isInteger(d.T[i]), "whole days");
      assertClose(d.recency[i], 7 * w.recency[i], { rel: 1e-14 }, `recency of ${w.ids[i]}`);
      assertClose(d.T[i], 7 * w.T[i], { rel: 1e-14 }, `T of ${w.ids[i]}`);
    }
  });

  test("holdout to 1998-06-30 matches a count from the raw lines", async () => {
    const { summary: s } = await sample("week", HOLDOUT_END);
    assert.ok(s.holdout);
    assert.ok(
      s.holdout.duration.every((d) => d === 39),
      "1997-09-30 .. 1998-06-30 is 273 days = 39 weeks",
    );
    // Independent count: distinct purchase dates in (end, holdoutEnd] per sample id, and their mean day total.
    const days = new Map<number, Map<string, number>>();
    for (const line of readFileSync(`${root}datasets/CDNOW_sample.txt`, "utf8").split(/\r?\n/)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 5 || f[2] <= "19970930" || f[2] > "19980630") continue;
      const id = Number(f[1]);
      const m = days.get(id) ?? new Map<string, number>();
      m.set(f[2], (m.get(f[2]) ?? 0) + Number(f[4]));
      days.set(id, m);
    }
    const row = byNumericId({ summary: s, excludedAfterEnd: 0, customersSeen: 0 });
    const busiest = [...days.entries()].sort((a, b) => b[1].size - a[1].size || a[0] - b[0])[0][0];
    for (const id of [1, 2, 3, 17, 100, 1000, 2357, busiest]) {
      const m = days.get(id) ?? new Map<string, number>();
      const i = row.get(id)!;
      assert.equal(s.holdout.frequency[i], m.size, `holdout frequency of ${id}`);
      const mean = m.size ? [...m.values()].reduce((a, b) => a + b, 0) / m.size : 0;
      assertClose(s.holdout.monetary[i], mean, { rel: 1e-12, abs: 1e-12 }, `holdout spend of ${id}`);
    }
    let total = 0;
    for (const m of days.values()) total += m.size;
    assert.equal(
      s.holdout.frequency.reduce((a, b) => a + b, 0),
      total,
      "all holdout purchase days",
    );
  });
});

describe("summarizeTable on CDNOW_master", () => {
  test("summarises all 23,570 customers", async () => {
    const r = await summarizeTable(conn, { table: "master", end: END, holdoutEnd: HOLDOUT_END, unit: "week" });
    assert.equal(r.summary.ids.length, 23570);
    assert.equal(r.customersSeen, 23570);
    assert.equal(r.excludedAfterEnd, 0);
    assert.equal(r.summary.calibrationEnd, END);
    const sorted = [...r.summary.ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepEqual(r.summary.ids, sorted, "ordered by customer_id");
  });

  test("leaves out and counts customers whose first purchase is after the end", async () => {
    // Every CDNOW customer first bought in Q1 1997: an end of 1997-01-31 leaves out those who started later.
    const r = await summarizeTable(conn, { table: "master", end: "1997-01-31", unit: "day" });
    const expected = await conn.runAndReadAll(
      `select count(*) filter (where f > ${isoToDay("1997-01-31")}) from (select min(day) f from master group by customer_id)`,
    );
    assert.equal(r.excludedAfterEnd, Number(expected.getRows()[0][0]));
    assert.equal(r.summary.ids.length + r.excludedAfterEnd, 23570);
    assert.ok(r.summary.T.every((t) => t >= 0 && t <= 30));
  });
});

describe("summarySql", () => {
  const base = {
    dialect: "duckdb" as const,
    table: "master",
    customer: "customer_id",
    date: "day",
    dateIsDay: true,
    amount: "amount",
    end: END,
    unit: "week" as const,
  };

  test("a DATE column gives the same summary as its day numbers", async () => {
    await conn.run(
      "CREATE OR REPLACE VIEW master_dates AS SELECT customer_id, DATE '1970-01-01' + day AS d, amount FROM master",
    );
    const byDay = (await conn.runAndReadAll(summarySql(base))).getRowsJS();
    const byDate = (
      await conn.runAndReadAll(summarySql({ ...base, table: "master_dates", date: "d", dateIsDay: false }))
    ).getRowsJS();
    assert.deepEqual(byDate, byDay);
  });

  test("without an amount column there is no monetary_value", async () => {
    const r = await conn.runAndReadAll(summarySql({ ...base, amount: undefined, holdoutEnd: HOLDOUT_END }));
    assert.deepEqual(r.columnNames(), [
      "customer_id",
      "frequency",
      "recency",
      "T",
      "holdout_frequency",
      "holdout_duration",
    ]);
  });

  test("compressedSql gives the weighted distinct (frequency, recency, T) rows, weights adding up to the customers", async () => {
    const rows = (await conn.runAndReadAll(compressedSql(base))).getRowObjectsJS() as Record<string, number>[];
    const summary = (await conn.runAndReadAll(summarySql(base))).getRowObjectsJS() as Record<string, number>[];
    const keys = new Set(summary.map((s) => `${s.frequency}|${s.recency}|${s.T}`));
    assert.equal(rows.length, keys.size);
    assert.equal(
      rows.reduce((a, r) => a + r.weight, 0),
      23570,
    );
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1];
      const b = rows[i];
      assert.ok(
        a.frequency < b.frequency ||
          (a.frequency === b.frequency && (a.recency < b.recency || (a.recency === b.recency && a.T < b.T))),
      );
    }
  });

  test("summaryWithCountsSql is summarySql plus customers_seen", async () => {
    const o = { ...base, end: "1997-02-15", holdoutEnd: HOLDOUT_END };
    const plain = await conn.runAndReadAll(summarySql(o));
    const counted = await conn.runAndReadAll(summaryWithCountsSql(o));
    assert.deepEqual(counted.columnNames(), [...plain.columnNames(), "customers_seen"]);
    const rows = counted.getRowsJS();
    assert.deepEqual(
      rows.map((r) => r.slice(0, -1)),
      plain.getRowsJS(),
    );
    assert.ok(rows.every((r) => r.at(-1) === 23570));
  });

  test("an end before every purchase gives an empty summary, all customers counted as excluded", async () => {
    const r = await summarizeTable(conn, { table: "master", end: "1996-12-31", unit: "week" });
    assert.equal(r.summary.ids.length, 0);
    assert.equal(r.summary.frequency.length, 0);
    assert.equal(r.excludedAfterEnd, 23570);
    assert.equal(r.customersSeen, 23570);
  });

  test("excludedCustomersSql counts customers seen", async () => {
    const r = (await conn.runAndReadAll(excludedCustomersSql(base))).getRowObjectsJS();
    assert.deepEqual(r, [{ customers_seen: 23570, excluded_after_end: 0 }]);
  });

  test("the PostgreSQL dialect sorts in byte order and uses PostgreSQL types", () => {
    const sql = summarySql({ ...base, dialect: "postgres", holdoutEnd: HOLDOUT_END });
    assert.match(sql, /ORDER BY customer_id COLLATE "C"$/);
    assert.match(sql, /DOUBLE PRECISION/);
    assert.match(sql, /array_agg\(amount ORDER BY day\)/);
    assert.doesNotMatch(sql, /arg_min/);
  });

  test("rejects a bad end date and a holdout end not after the end", () => {
    assert.throws(
      () => summarySql({ ...base, end: "1997-02-30" }),
      (e) => isLoyalError(e, "E_USAGE"),
    );
    assert.throws(
      () => summarySql({ ...base, end: "30/09/1997" }),
      (e) => isLoyalError(e, "E_USAGE"),
    );
    assert.throws(
      () => summarySql({ ...base, holdoutEnd: END }),
      (e) => isLoyalError(e, "E_USAGE"),
    );
  });

  test("isoToDay counts days since 1970-01-01", () => {
    assert.equal(isoToDay("1970-01-01"), 0);
    assert.equal(isoToDay("1970-01-02"), 1);
    assert.equal(isoToDay("1997-09-30") - isoToDay("1997-01-01"), 272);
    assert.equal(isoToDay("1969-12-31"), -1);
  });
});

describe("same-day purchases, NULL amounts", () => {
  test("merge same-day purchases, and leave NULL-amount days out of the mean only", async () => {
    await conn.run(`CREATE OR REPLACE TABLE tiny AS SELECT * FROM (VALUES
      ('a', 100, 10.0), ('a', 100, 5.0), ('a', 103, 20.0), ('a', 103, NULL), ('a', 110, NULL), ('a', 120, 40.0),
      ('b', 100, NULL), ('b', 107, 8.0),
      ('c', 105, 3.0), ('c', 130, 6.0), ('c', 131, NULL),
      ('d', 140, 1.0)
    ) t(customer_id, day, amount)`);
    const end = new Date(112 * 86_400_000).toISOString().slice(0, 10);
    const holdoutEnd = new Date(135 * 86_400_000).toISOString().slice(0, 10);
    const r = await summarizeTable(conn, { table: "tiny", end, holdoutEnd, unit: "day" });
    const s = r.summary;
    assert.deepEqual(s.ids, ["a", "b", "c"]);
    assert.equal(r.excludedAfterEnd, 1, "d starts after the end");
    assert.equal(r.customersSeen, 4);
    assert.deepEqual([...s.frequency], [2, 1, 0]);
    assert.deepEqual([...s.recency], [10, 7, 0]);
    assert.deepEqual([...s.T], [12, 12, 7]);
    // a: repeat days 103 (20 + NULL = 20) and 110 (NULL only: no amount) -> mean 20; b: first day NULL, repeat 8.
    assert.deepEqual([...s.monetary!], [20, 8, 0]);
    assert.deepEqual([...s.holdout!.frequency], [1, 0, 2]);
    assert.deepEqual([...s.holdout!.monetary], [40, 0, 6]);
    assert.deepEqual([...s.holdout!.duration], [23, 23, 23]);
  });
});
