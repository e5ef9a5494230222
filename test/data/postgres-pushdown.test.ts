import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { closeDuckDb, type DuckDBConnection, openDuckDb } from "../../src/data/duckdb.ts";
import { summarizeFromPostgres } from "../../src/data/postgres.ts";
import { type SummaryResult, summarizeTable } from "../../src/data/summarize-table.ts";
import { compressedSql, type SummarySqlOptions } from "../../src/data/summary-sql.ts";
import { isLoyalError } from "../../src/errors.ts";
import { root } from "../helpers/datasets.ts";
import { postgresBinDir, startPostgres, type TestPostgres } from "../helpers/postgres.ts";
import { assertClose } from "../helpers/tolerance.ts";

const END = "1997-09-30";
const HOLDOUT_END = "1998-06-30";
let server: TestPostgres;
let client: pg.Client;
let duck: DuckDBConnection;

/** CDNOW_master as CSV lines `customer_id,purchase_date,amount` (ISO dates), parsed with plain JS. */
function cdnowMasterCsv(): string {
  const out = ["customer_id,purchase_date,amount"];
  const lines = readFileSync(`${root}datasets/CDNOW_master.txt`, "utf8").split(/\r?\n/).slice(1);
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    out.push(`${f[0]},${f[1].slice(0, 4)}-${f[1].slice(4, 6)}-${f[1].slice(6, 8)},${f[3]}`);
  }
  return `${out.join("\n")}\n`;
}

before(async () => {
  server = await startPostgres("postgres-pushdown");
  const csv = join(server.dir, "cdnow_master.csv");
  writeFileSync(csv, cdnowMasterCsv(), { mode: 0o644 });
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query("CREATE TABLE purchases (customer_id text, purchase_date date, amount double precision)");
  await client.query(`COPY purchases FROM '${csv}' WITH (FORMAT csv, HEADER true)`);
  duck = await openDuckDb(":memory:", 2);
  await duck.run(`CREATE TABLE purchases AS SELECT customer_id,
      CAST(purchase_date - DATE '1970-01-01' AS INTEGER) AS day, amount
    FROM read_csv('${csv}', header = true, columns = {'customer_id': 'VARCHAR', 'purchase_date': 'DATE', 'amount': 'DOUBLE'})`);
});

after(async () => {
  await client?.end();
  if (duck) closeDuckDb(duck);
  server?.stop();
});

const pgOptions = { table: "purchases", customer: "customer_id", date: "purchase_date", amount: "amount" };

function assertSameSummary(actual: SummaryResult, expected: SummaryResult): void {
  const a = actual.summary;
  const e = expected.summary;
  assert.equal(actual.customersSeen, expected.customersSeen);
  assert.equal(actual.excludedAfterEnd, expected.excludedAfterEnd);
  assert.deepEqual(a.ids, e.ids, "same customers in the same order");
  assert.deepEqual(a.frequency, e.frequency, "frequency exactly");
  const tol = { abs: 1e-9 };
  const close = (x: Float64Array | undefined, y: Float64Array | undefined, what: string) => {
    assert.ok(x && y, `${what} present`);
    for (let i = 0; i < y.length; i++) assertClose(x[i], y[i], tol, `${what} of ${e.ids[i]}`);
  };
  close(a.recency, e.recency, "recency");
  close(a.T, e.T, "T");
  close(a.monetary, e.monetary, "monetary");
  if (e.holdout) {
    assert.deepEqual(a.holdout?.frequency, e.holdout.frequency, "holdout frequency exactly");
    close(a.holdout?.monetary, e.holdout.monetary, "holdout monetary");
    close(a.holdout?.duration, e.holdout.duration, "holdout duration");
  }
}

describe("PostgreSQL pushdown on CDNOW_master", () => {
  test("equals DuckDB's summary for all 23,570 customers (weeks, with holdout)", async () => {
    const fromPg = await summarizeFromPostgres(server.url, {
      ...pgOptions,
      end: END,
      holdoutEnd: HOLDOUT_END,
      unit: "week",
    });
    const fromDuck = await summarizeTable(duck, { end: END, holdoutEnd: HOLDOUT_END, unit: "week" });
    assert.equal(fromPg.summary.ids.length, 23570);
    assertSameSummary(fromPg, fromDuck);
  });

  test("equals DuckDB's summary with customers after the end left out (days)", async () => {
    const fromPg = await summarizeFromPostgres(server.url, { ...pgOptions, end: "1997-02-15", unit: "day" });
    const fromDuck = await summarizeTable(duck, { end: "1997-02-15", unit: "day" });
    assert.ok(fromPg.excludedAfterEnd > 0);
    assertSameSummary(fromPg, fromDuck);
  });

  test("compressedSql gives the same weighted rows in both dialects", async () => {
    const o: Omit<SummarySqlOptions, "dialect"> = { ...pgOptions, end: END, unit: "month" };
    const p = await client.query({ text: compressedSql({ ...o, dialect: "postgres" }), rowMode: "array" });
    const d = await duck.runAndReadAll(
      compressedSql({ ...o, dialect: "duckdb", table: "purchases", date: "day", dateIsDay: true }),
    );
    assert.deepEqual(p.rows, d.getRowsJS());
  });

  test("orders customer ids in byte order whatever the database's collation", async () => {
    await client.query(`CREATE TABLE mixed AS SELECT * FROM (VALUES ('b', DATE '1997-01-02', 1.0),
      ('B', DATE '1997-01-03', 2.0), ('a-2', DATE '1997-01-04', 3.0), ('a1', DATE '1997-01-05', 4.0),
      ('_z', DATE '1997-01-06', 5.0), ('A', DATE '1997-01-07', 6.0)) t(customer_id, purchase_date, amount)`);
    const local = await client.query("SELECT customer_id FROM mixed ORDER BY customer_id");
    assert.notDeepEqual(
      local.rows.map((r) => r.customer_id),
      ["A", "B", "_z", "a-2", "a1", "b"],
      "the test cluster's own collation (ICU en-US) is not byte order",
    );
    const r = await summarizeFromPostgres(server.url, { ...pgOptions, table: "mixed", end: END, unit: "week" });
    assert.deepEqual(r.summary.ids, ["A", "B", "_z", "a-2", "a1", "b"]);
  });

  test("a missing column is an input error naming it; an unreachable server an I/O error", async () => {
    await assert.rejects(
      summarizeFromPostgres(server.url, { ...pgOptions, amount: "dollars", end: END, unit: "week" }),
      (e) => isLoyalError(e, "E_INPUT") && /dollars/.test(e.message),
    );
    await assert.rejects(
      summarizeFromPostgres(`postgresql://postgres:secret@127.0.0.1:${server.port + 1000}/postgres`, {
        ...pgOptions,
        end: END,
        unit: "week",
      }),
      (e) => isLoyalError(e, "E_IO") && !e.message.includes("secret"),
    );
  });

  test("without PostgreSQL binaries the helper fails saying what to install", () => {
    assert.throws(() => postgresBinDir("/nonexistent/postgresql"), /install Debian's postgresql package/);
  });
});
