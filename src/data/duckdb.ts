/**
 * The embedded DuckDB store. Extensions are never downloaded: autoinstall and autoload are off and only the
 * built-in json and parquet readers are used.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export type { DuckDBConnection };

/**
 * DuckDB's memory limit (its buffer manager: tables, hash tables, sorts): `LOYAL_DUCKDB_MEMORY` (e.g. "4GB"), else
 * 1 GB. Past it DuckDB spills to a temporary directory of its own, so a 10-million-row ingestion stays well under
 * 2 GB of process memory (BENCHMARKS.md) and larger inputs still run.
 */
export function duckDbMemoryLimit(): string {
  const v = process.env.LOYAL_DUCKDB_MEMORY?.trim();
  return v && /^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(v) ? v : "1GB";
}

const spillDirs = new WeakMap<DuckDBConnection, string>();

/**
 * Opens a DuckDB database (in memory by default) and a connection to it.
 * @param path a database file, or ":memory:"
 * @param threads worker threads for DuckDB (default: all cores)
 * @returns a connection; call `closeDuckDb` when done (it also removes the connection's spill directory)
 * @example const c = await openDuckDb(); (await c.runAndReadAll("select 1 as x")).getRowObjects() // => [{ x: 1 }]
 */
export async function openDuckDb(path = ":memory:", threads?: number): Promise<DuckDBConnection> {
  const spill = mkdtempSync(join(tmpdir(), "loyal-duckdb-"));
  const config: Record<string, string> = {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    memory_limit: duckDbMemoryLimit(),
    temp_directory: spill,
  };
  if (threads) config.threads = String(threads);
  try {
    const instance = await DuckDBInstance.create(path, config);
    const conn = await instance.connect();
    spillDirs.set(conn, spill);
    return conn;
  } catch (e) {
    rmSync(spill, { recursive: true, force: true });
    throw e;
  }
}

/** Closes a connection opened by `openDuckDb`. */
export function closeDuckDb(conn: DuckDBConnection): void {
  conn.closeSync();
  const spill = spillDirs.get(conn);
  if (spill) rmSync(spill, { recursive: true, force: true });
}

/** Quotes a SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Quotes a SQL identifier. */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
