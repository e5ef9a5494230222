/**
 * A DuckDB connection (2 threads) and a temporary folder for a test file, opened before its tests and closed, and
 * removed, after them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { closeDuckDb, type DuckDBConnection, openDuckDb } from "../../src/data/duckdb.ts";
import { type IngestOptions, ingestTransactions } from "../../src/data/ingest/index.ts";

export function useDuckDb(prefix: string): {
  readonly conn: DuckDBConnection;
  tmp: string;
  file(name: string, text: string): string;
} {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  let conn: DuckDBConnection | undefined;
  before(async () => {
    conn = await openDuckDb(":memory:", 2);
  });
  after(() => {
    if (conn) closeDuckDb(conn);
    rmSync(tmp, { recursive: true, force: true });
  });
  return {
    get conn() {
      if (!conn) throw new Error("the DuckDB connection is opened in before()");
      return conn;
    },
    tmp,
    /** Writes `text` to `name` in the temporary folder and returns its path. */
    file(name: string, text: string): string {
      const p = join(tmp, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** Ingests `source` and returns the report with the `purchases` rows, ordered by customer, day and amount. */
export async function ingestedPurchases(conn: DuckDBConnection, source: string, options: IngestOptions) {
  const { report } = await ingestTransactions(conn, source, options);
  const rows = (
    await conn.runAndReadAll("select customer_id, day, amount from purchases order by customer_id, day, amount")
  ).getRowObjectsJS() as { customer_id: string; day: number; amount: number }[];
  return { report, rows };
}
