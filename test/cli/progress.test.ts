/**
 * Progress on a terminal: a bar per data step, filled from DuckDB's query progress, and a line per finished step;
 * nothing at all when stderr is not a terminal. Stdout is the same either way.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { writeTransactions } from "../../bench/transactions.ts";
import { createProgress } from "../../src/cli/progress.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { closeDuckDb, openDuckDb } from "../../src/data/duckdb.ts";
import { trackQueries } from "../../src/data/progress.ts";
import { io } from "../helpers/cli-io.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-progress-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const log = join(dir, "orders.csv");
writeTransactions(log, 20_000, 3);
const args = ["summarize", log, "--order", "order_id", "--end", "2024-03-31", "--unit", "week"];

test("summarize on a terminal: a finished line per step on stderr, the same stdout as in a pipe", async () => {
  const tty = io();
  tty.isTTY = true;
  assert.equal(await runCli(args, tty), 0);
  const steps = [...tty.err.matchAll(/✓ ([^(]+) \(\d+\.\d s\)/g)].map((m) => m[1]);
  assert.deepEqual(steps, [
    "reading orders.csv",
    "parsing and checking the rows of orders.csv",
    "checking and quarantining rows",
    "cleaning: duplicates, orders, refunds",
    "summarising customers",
  ]);
  const pipe = io();
  assert.equal(await runCli(args, pipe), 0);
  assert.equal(pipe.err, "");
  assert.equal(tty.out, pipe.out);
});

test("a bar is drawn with its percentage, and a running count when the total is unknown", () => {
  const tty = io();
  tty.isTTY = true;
  const p = createProgress(tty);
  const listen = p.listener()!;
  listen("reading x.csv", undefined);
  listen("reading x.csv", 42);
  const bar = p.bar("scoring", 0);
  bar.update(1234);
  p.done();
  assert.match(tty.err, /reading x\.csv \[[^\]]*\] 42%/);
  assert.match(tty.err, /scoring: 1234/);
  assert.match(tty.err, /✓ reading x\.csv \(\d+\.\d s\)\n/);
  assert.match(tty.err, /✓ scoring \(\d+\.\d s\)\n/);
  assert.equal(createProgress(io()).listener(), undefined);
});

test("trackQueries reports DuckDB's progress of a long query, rising to at most 100", async () => {
  const conn = await openDuckDb();
  try {
    const seen: number[] = [];
    const t = await trackQueries(
      conn,
      (step, pct) => {
        assert.equal(step, "counting");
        if (pct !== undefined) seen.push(pct);
      },
      20,
    );
    await conn.run("create table t as select a from range(20000000) r(a)");
    t.step("counting");
    await conn.run("select count(distinct hash(a) % 1000003) from t");
    await t.stop();
    assert.ok(seen.length > 0, "no progress was reported");
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
    assert.ok(seen.every((p) => p >= 0 && p <= 100));
  } finally {
    closeDuckDb(conn);
  }
});
