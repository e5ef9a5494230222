import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type IngestionReport, ingestTransactions } from "../../src/data/ingest/index.ts";
import { useDuckDb } from "../helpers/duckdb.ts";

const db = useDuckDb("loyal-ingest-clean-");
const tmp = db.tmp;

const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86400000;

/** Rows of one order repeated 3 times, lines without an order id repeated, a refunded day and an excluded status. */
const LOG = [
  "order_id,customer_id,date,amount,status",
  "O1,c1,2024-01-01,5.00,paid",
  "O1,c1,2024-01-01,5.00,paid",
  "O1,c1,2024-01-01,5.00,paid",
  "O1,c1,2024-01-01,7.00,paid",
  "O1,c1,2024-01-01,5.00,PAID",
  ",c2,2024-01-02,3.00,paid",
  ",c2,2024-01-02,3.00,paid",
  ",c2,2024-01-02,4.00,paid",
  ",c3,2024-01-03,6.00,paid",
  ",c3,2024-01-03,-6.00,refunded",
  "O2,c4,2024-01-04,2.00,cancelled",
].join("\n");

const EXPECTED = {
  rowsRead: 11,
  rowsUsed: 3, // O1 (17 = 5 + 7 + 5 PAID); c2's two rows stay separate purchases
  rowsMerged: 2, // O1's three distinct rows into one
  rowsQuarantined: 0,
  rowsExcludedStatus: 1,
  rowsExcludedCustomer: 0,
  rowsDuplicate: 3, // two extra copies in O1, one among c2's rows without an order id
  rowsRefunded: 2, // c3's day nets to 0
};

async function check(file: string): Promise<IngestionReport> {
  const { report } = await ingestTransactions(db.conn, file, { excludeStatus: ["Cancelled"] });
  const { byReason, columns, files, quarantineFile, ...counts } = report;
  assert.deepEqual(counts, EXPECTED);
  const rows = (
    await db.conn.runAndReadAll("select customer_id, day, amount from purchases order by customer_id, amount")
  ).getRowObjectsJson();
  assert.deepEqual(
    rows.map((r) => [r.customer_id, Number(r.day), Number(r.amount)]),
    [
      ["c1", dayOf("2024-01-01"), 17],
      ["c2", dayOf("2024-01-02"), 3],
      ["c2", dayOf("2024-01-02"), 4],
    ],
  );
  return report;
}

test("duplicates within an order of several rows and among rows without an order id, from CSV and Parquet", async () => {
  const csv = join(tmp, "log.csv");
  writeFileSync(csv, `${LOG}\n`);
  await check(csv);
  const parquet = join(tmp, "log.parquet");
  await db.conn.run(
    `copy (select * from read_csv('${csv}', header = true, all_varchar = true)) to '${parquet}' (format parquet)`,
  );
  await check(parquet);
});

test("the CSV and the Parquet copy of one export: every row of the second is a duplicate", async () => {
  const csv = join(tmp, "a.csv");
  writeFileSync(csv, "order_id,customer_id,date,amount\nA1,c1,2024-03-01,10.00\nA1,c1,2024-03-01,5.00\n");
  const parquet = join(tmp, "a.parquet");
  await db.conn.run(
    `copy (select * from read_csv('${csv}', header = true, all_varchar = true)) to '${parquet}' (format parquet)`,
  );
  const { report } = await ingestTransactions(db.conn, [csv, parquet]);
  assert.equal(report.rowsRead, 4);
  assert.equal(report.rowsDuplicate, 2);
  assert.equal(report.rowsMerged, 1);
  assert.equal(report.rowsUsed, 1);
});

test("a quoted field spanning two lines among the first (sniffed) lines of a small file is one row too", async () => {
  const f = join(tmp, "multiline-small.csv");
  writeFileSync(
    f,
    'customer_id,date,amount,note\nc1,2024-06-01,10,"two\nlines"\nc2,2024-06-02,11,x\nc3,2024-06-03,12,y\n',
  );
  const { report } = await ingestTransactions(db.conn, f);
  assert.equal(report.rowsRead, 3);
  assert.equal(report.rowsUsed, 3);
  assert.equal(report.rowsQuarantined, 0);
});

test("a quoted field spanning two lines in an otherwise clean file is one row (typed CSV reader)", async () => {
  const rows = Array.from({ length: 300 }, (_, i) => `o${i},c${i % 7},2024-01-0${1 + (i % 9)},${i}.5,x`);
  const f = join(tmp, "multiline.csv");
  writeFileSync(f, `order_id,customer_id,date,amount,note\n${rows.join("\n")}\no900,c1,2024-02-01,3,"two\nlines"\n`);
  const { report } = await ingestTransactions(db.conn, f);
  assert.equal(report.rowsRead, 301);
  assert.equal(report.rowsUsed, 301);
  assert.equal(report.rowsQuarantined, 0);
});
