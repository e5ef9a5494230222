import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { runCli } from "../../src/cli/run-cli.ts";
import { closeDuckDb, openDuckDb } from "../../src/data/duckdb.ts";
import { readSummaryCsv } from "../../src/data/summary-io.ts";
import { io } from "../helpers/cli-io.ts";
import { CDNOW_SAMPLE_ARGS, root } from "../helpers/datasets.ts";
import { startPostgres, type TestPostgres } from "../helpers/postgres.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-sql-"));
const sample = join(root, "datasets/CDNOW_sample.txt");

/** CDNOW_sample as `customer_id,purchase_date,amount` CSV, parsed with plain JS (independent of src/data). */
function sampleCsv(): string {
  const out = ["customer_id,purchase_date,amount"];
  for (const line of readFileSync(sample, "utf8").split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    out.push(`${f[1]},${f[2].slice(0, 4)}-${f[2].slice(4, 6)}-${f[2].slice(6, 8)},${f[4]}`);
  }
  return `${out.join("\n")}\n`;
}

/** The calibration and holdout periods of every summary here. */
const period = ["--end", "1997-09-30", "--holdout-end", "1998-06-30"];

/** The columns of the `sales` table loaded from {@link sampleCsv}, and the periods. */
const salesArgs = ["--customer", "customer_id", "--date", "purchase_date", "--amount", "amount", ...period];

/** Runs `loyal <args>`, asserts that it exits 0 (showing its stderr otherwise) and returns its stdout. */
async function runOk(args: string[]): Promise<string> {
  const o = io();
  assert.equal(await runCli(args, o), 0, o.err);
  return o.out;
}

async function cliSummary(): Promise<Awaited<ReturnType<typeof readSummaryCsv>>> {
  const file = join(dir, "from-file.csv");
  await runOk(["summarize", sample, ...CDNOW_SAMPLE_ARGS, ...period, "-o", file]);
  return readSummaryCsv(file);
}

describe("loyal sql", () => {
  it("the printed DuckDB SQL, run on a purchases table, gives the same summary as `loyal summarize`", async () => {
    const sql = await runOk(["sql", "--table", "sales", ...salesArgs, "--dialect", "duckdb"]);
    const csv = join(dir, "sample.csv");
    writeFileSync(csv, sampleCsv());
    const conn = await openDuckDb();
    await conn.run(
      `CREATE TABLE sales AS SELECT * FROM read_csv('${csv}', header = true, columns = {'customer_id': 'VARCHAR', 'purchase_date': 'DATE', 'amount': 'DOUBLE'})`,
    );
    const rows = (await conn.runAndReadAll(sql.replace(/;\s*$/, ""))).getRowObjectsJS() as Record<
      string,
      number | string
    >[];
    closeDuckDb(conn);
    const s = await cliSummary();
    assert.equal(rows.length, 2357);
    const byId = new Map(s.ids.map((id, i) => [id, i]));
    for (const r of rows) {
      const i = byId.get(String(r.customer_id))!;
      assert.equal(r.frequency, s.frequency[i]);
      assert.ok(Math.abs((r.recency as number) - s.recency[i]) < 1e-12);
      assert.ok(Math.abs((r.T as number) - s.T[i]) < 1e-12);
      assert.ok(Math.abs((r.monetary_value as number) - s.monetary![i]) < 1e-9);
      assert.equal(r.holdout_frequency, s.holdout!.frequency[i]);
    }
  });

  it("--compressed sums to the number of customers; a bad dialect exits 2", async () => {
    const table = ["sql", "--table", "t", "--customer", "c", "--date", "d", "--end", "2020-01-01"];
    assert.match(JSON.parse(await runOk([...table, "--compressed", "--json"])).sql, /weight/i);
    assert.equal(await runCli([...table, "--dialect", "oracle"], io()), 2);
  });
});

describe("loyal summarize --from postgres://", () => {
  let server: TestPostgres;
  before(async () => {
    server = await startPostgres("cli-from");
    const csv = join(server.dir, "sample.csv");
    writeFileSync(csv, sampleCsv(), { mode: 0o644 });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query("CREATE TABLE sales (customer_id text, purchase_date date, amount double precision)");
    await client.query(`COPY sales FROM '${csv}' WITH (FORMAT csv, HEADER true)`);
    await client.end();
  });
  after(async () => {
    await server?.stop();
  });

  it("pulls back only the summary, identical to the file path's", async () => {
    const out = join(dir, "from-pg.csv");
    const json = await runOk(["summarize", "sales", "--from", server.url, ...salesArgs, "-o", out, "--json"]);
    assert.equal(JSON.parse(json).customers, 2357);
    const a = await readSummaryCsv(out);
    const b = await cliSummary();
    assert.deepEqual(a.ids, b.ids);
    assert.deepEqual(Array.from(a.frequency), Array.from(b.frequency));
    for (let i = 0; i < a.ids.length; i++) {
      assert.ok(Math.abs(a.recency[i] - b.recency[i]) < 1e-12 && Math.abs(a.T[i] - b.T[i]) < 1e-12, a.ids[i]);
      assert.ok(Math.abs(a.monetary![i] - b.monetary![i]) < 1e-9, a.ids[i]);
      assert.equal(a.holdout!.frequency[i], b.holdout!.frequency[i]);
    }
  });

  it("a missing table is an input error naming PostgreSQL (exit 3)", async () => {
    const o = io();
    assert.equal(
      await runCli(
        ["summarize", "nope", "--from", server.url, "--customer", "c", "--date", "d", "--end", "1997-09-30"],
        o,
      ),
      3,
    );
    assert.match(o.err, /PostgreSQL/);
  });
});
