import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { closeDuckDb, duckDbMemoryLimit, openDuckDb } from "../../src/data/duckdb.ts";

async function settings() {
  const conn = await openDuckDb();
  const r = (
    await conn.runAndReadAll(
      "select current_setting('memory_limit') as m, current_setting('temp_directory') as t, current_setting('autoload_known_extensions') as a",
    )
  ).getRowObjectsJson()[0];
  const t = String(r.t);
  assert.ok(existsSync(t), "the spill directory exists while the connection is open");
  closeDuckDb(conn);
  assert.ok(!existsSync(t), "closeDuckDb removes the spill directory");
  return { memory: String(r.m), autoload: r.a };
}

test("openDuckDb: 1 GB memory limit by default, LOYAL_DUCKDB_MEMORY overrides it, a private spill directory", async () => {
  const before = process.env.LOYAL_DUCKDB_MEMORY;
  try {
    delete process.env.LOYAL_DUCKDB_MEMORY;
    assert.equal(duckDbMemoryLimit(), "1GB");
    const d = await settings();
    assert.equal(d.memory, "953.6 MiB"); // DuckDB prints 10^9 bytes in binary units
    assert.equal(d.autoload, false);
    process.env.LOYAL_DUCKDB_MEMORY = "3GB";
    assert.equal((await settings()).memory, "2.7 GiB");
    process.env.LOYAL_DUCKDB_MEMORY = "lots";
    assert.equal(duckDbMemoryLimit(), "1GB");
  } finally {
    if (before === undefined) delete process.env.LOYAL_DUCKDB_MEMORY;
    else process.env.LOYAL_DUCKDB_MEMORY = before;
  }
});
