/**
 * summarizeFile builds per-day purchases when a file has no order column (refunds netted in the same aggregation):
 * its report and summary must be exactly those of the per-purchase table that loadPurchases builds.
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
