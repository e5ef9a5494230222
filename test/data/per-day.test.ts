/**
 * summarizeFile builds per-day purchases when a file has no order column (refunds netted in the same aggregation) or
 * every row has an order id (orders merged into their days in one statement): its report and summary must be
 * exactly those of the per-purchase table that loadPurchases builds.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { writeTransactions } from "../../bench/transactions.ts";
import { closeDuckDb, openDuckDb } from "../../src/data/duckdb.ts";
import { ingestTransactions } from "../../src/data/ingest/index.ts";
import { loadPurchases, summarizeFile, summarizeLoaded } from "../../src/data/summarize-file.ts";

const tmp = mkdtempSync(join(tmpdir(), "loyal-per-day-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function perPurchase(file: string, options: Parameters<typeof summarizeFile>[1]) {
  const { conn, ingestion, perDay } = await loadPurchases(file, options);
  try {
    assert.equal(perDay, false);
    return { ingestion, ...(await summarizeLoaded(conn, options)) };
  } finally {
    closeDuckDb(conn);
  }
}

test("a hand-checked log: same-day rows, a netted day, a refunded day, a refund-only customer", async () => {
  const file = join(tmp, "hand.csv");
  writeFileSync(
    file,
    [
      "customer_id,date,amount",
      "c1,2024-01-01,10.00",
      "c1,2024-01-01,5.00",
      "c1,2024-01-02,8.00",
      "c1,2024-01-02,-3.00",
      "c1,2024-01-03,4.00",
      "c1,2024-01-03,-4.00",
      "c2,2024-01-01,-2.00",
    ].join("\n"),
  );
  const conn = await openDuckDb();
  try {
    const r = await ingestTransactions(conn, file, { forSummary: true });
    assert.equal(r.perDay, true);
  } finally {
    closeDuckDb(conn);
  }
  const options = { end: "2024-01-03", unit: "day" as const };
  const r = await summarizeFile(file, options);
  const { byReason, columns, files, ...counts } = r.ingestion;
  assert.deepEqual(counts, {
    rowsRead: 7,
    rowsUsed: 3, // c1's two rows of day 1, and day 2 netted into one purchase
    rowsMerged: 1, // day 2's refund
    rowsQuarantined: 0,
    rowsExcludedStatus: 0,
    rowsExcludedCustomer: 0,
    rowsDuplicate: 0,
    rowsRefunded: 3, // day 3 nets to 0, c2's lone refund
  });
  assert.deepEqual(r.summary.ids, ["c1"]);
  assert.deepEqual([...r.summary.frequency, ...r.summary.recency, ...r.summary.T], [1, 1, 2]);
  assert.deepEqual([...r.summary.monetary!], [5]); // the repeat day: 8 - 3
  const ref = await perPurchase(file, options);
  assert.deepEqual(r.ingestion, ref.ingestion);
  assert.deepEqual(r.summary, ref.summary);
});

test("the benchmark's plain log (30,000 rows: refunds, bad rows): identical reports and summaries", async () => {
  const file = join(tmp, "plain.csv");
  writeTransactions(file, 30_000, 11, "plain");
  const options = { end: "2024-03-31", holdoutEnd: "2024-07-01", unit: "week" as const };
  const r = await summarizeFile(file, options);
  const ref = await perPurchase(file, options);
  assert.ok(r.ingestion.rowsRefunded > 0 && r.ingestion.rowsMerged > 0 && r.ingestion.rowsQuarantined > 0);
  assert.deepEqual(r.ingestion, ref.ingestion);
  assert.deepEqual(r.summary, ref.summary);
  assert.equal(r.excludedAfterEnd, ref.excludedAfterEnd);
  assert.equal(r.customersSeen, ref.customersSeen);
});

test("the benchmark's orders log (30,000 rows: line items, duplicated lines, cancellations, refunds): identical", async () => {
  const file = join(tmp, "orders.csv");
  writeTransactions(file, 30_000, 5, "orders");
  const options = {
    order: "order_id",
    status: "status",
    excludeStatus: ["cancelled"],
    end: "2024-03-31",
    holdoutEnd: "2024-07-01",
    unit: "week" as const,
  };
  const conn = await openDuckDb();
  try {
    assert.equal((await ingestTransactions(conn, file, { ...options, forSummary: true })).perDay, true);
  } finally {
    closeDuckDb(conn);
  }
  const r = await summarizeFile(file, options);
  const ref = await perPurchase(file, options);
  const ing = r.ingestion;
  assert.ok(ing.rowsMerged > 0 && ing.rowsRefunded > 0 && ing.rowsExcludedStatus > 0 && ing.rowsQuarantined > 0);
  assert.deepEqual(r.ingestion, ref.ingestion);
  assert.deepEqual(r.summary, ref.summary);
  assert.equal(r.customersSeen, ref.customersSeen);
});

test("orders: a hand-checked log with a duplicated line, two orders on one day and a refunded order", async () => {
  const file = join(tmp, "hand-orders.csv");
  writeFileSync(
    file,
    [
      "order_id,customer_id,date,amount",
      "A,c1,2024-01-01,10.00",
      "A,c1,2024-01-01,10.00", // the same line exported twice
      "A,c1,2024-01-01,2.50",
      "B,c1,2024-01-01,4.00", // a second order on day 1: one purchase day of 16.50
      "C,c1,2024-01-05,6.00",
      "C,c1,2024-01-07,-6.00", // order C refunded in full: no purchase
      "D,c1,2024-01-08,3.00",
    ].join("\n"),
  );
  const options = { order: "order_id", end: "2024-01-08", unit: "day" as const };
  const r = await summarizeFile(file, options);
  const { byReason, columns, files, ...counts } = r.ingestion;
  assert.deepEqual(counts, {
    rowsRead: 7,
    rowsUsed: 3, // orders A, B, D
    rowsMerged: 1, // A's second distinct line
    rowsQuarantined: 0,
    rowsExcludedStatus: 0,
    rowsExcludedCustomer: 0,
    rowsDuplicate: 1,
    rowsRefunded: 2, // order C's two rows
  });
  assert.deepEqual([...r.summary.frequency, ...r.summary.recency, ...r.summary.T], [1, 7, 7]);
  assert.deepEqual([...r.summary.monetary!], [3]);
  const ref = await perPurchase(file, options);
  assert.deepEqual(r.ingestion, ref.ingestion);
  assert.deepEqual(r.summary, ref.summary);
});
