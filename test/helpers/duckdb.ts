/**
 * A DuckDB connection (2 threads) and a temporary folder for a test file, opened before its tests and closed, and
 * removed, after them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { closeDuckDb, type DuckDBConnection, openDuckDb } from "../../src/data/duckdb.ts";

export function useDuckDb(prefix: string): { readonly conn: DuckDBConnection; tmp: string } {
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
  };
}
