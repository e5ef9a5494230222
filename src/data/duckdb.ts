/**
 * The embedded DuckDB store. Extensions are never downloaded: autoinstall and autoload are off and only the
 * built-in json and parquet readers are used.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export type { DuckDBConnection };

/**
 * Opens a DuckDB database (in memory by default) and a connection to it.
 * @param path a database file, or ":memory:"
 * @param threads worker threads for DuckDB (default: all cores)
 * @returns a connection; call `closeDuckDb` when done
 * @example const c = await openDuckDb(); (await c.runAndReadAll("select 1 as x")).getRowObjects() // => [{ x: 1 }]
 */
export async function openDuckDb(path = ":memory:", threads?: number): Promise<DuckDBConnection> {
  const config: Record<string, string> = {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  };
  if (threads) config.threads = String(threads);
  const instance = await DuckDBInstance.create(path, config);
  return instance.connect();
}

/** Closes a connection opened by `openDuckDb`. */
export function closeDuckDb(conn: DuckDBConnection): void {
  conn.closeSync();
}

/** Quotes a SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Quotes a SQL identifier. */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
