/**
 * `--config FILE`: the transaction settings as JSON (column mapping, cleaning, periods), flags winning over the file;
 * `--exclude-customers-file`, `--currency-column`, `--header` / `--no-header`. Expected counts are read off the
 * fixtures by hand (test/fixtures/messy/status.csv: 6 rows; c2's row has status "test", TEST-1 is a test account).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../src/cli/run-cli.ts";
import { loadTransactionConfig } from "../../src/data/ingest/config.ts";
import { isLoyalError } from "../../src/errors.ts";
import { io, runFails } from "../helpers/cli-io.ts";
import { root } from "../helpers/datasets.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-config-"));
const status = join(root, "test/fixtures/messy/status.csv");

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function summarize(...args: string[]) {
  const o = io();
  const code = await runCli(["summarize", ...args, "--json"], o);
  assert.equal(code, 0, o.err);
  return JSON.parse(o.out);
}

const fails = runFails;

describe("loyal summarize --config", () => {
  it("a config file gives exactly the --json of the same settings as flags (status 'test' excluded: 1 row)", async () => {
    const cfg = file(
      "status.json",
      JSON.stringify({
        columns: { customer: "customer_id", date: "date", amount: "amount", status: "status" },
        excludeStatus: ["test"],
        end: "2024-06-30",
        unit: "day",
      }),
    );
    const fromConfig = await summarize(status, "--config", cfg);
    const fromFlags = await summarize(
      status,
      ...["--customer", "customer_id", "--date", "date", "--amount", "amount", "--status", "status"],
      ...["--exclude-status", "test", "--end", "2024-06-30", "--unit", "day"],
    );
    assert.deepEqual(fromConfig, fromFlags);
    assert.equal(fromConfig.ingestion.rowsRead, 6);
    assert.equal(fromConfig.ingestion.rowsExcludedStatus, 1);
    assert.equal(fromConfig.ingestion.rowsUsed, 5);
    assert.equal(fromConfig.customers, 3); // c1, c3, TEST-1
    assert.equal(fromConfig.unit, "day");
  });

  it("flags win over the file: --end and --unit given on the command line replace the config's", async () => {
    const cfg = file("periods.json", JSON.stringify({ end: "2024-05-02", unit: "day" }));
    const r = await summarize(status, "--config", cfg, "--end", "2024-06-30", "--unit", "week");
    assert.equal(r.end, "2024-06-30");
    assert.equal(r.unit, "week");
    const c = await summarize(status, "--config", cfg);
    assert.equal(c.end, "2024-05-02");
    assert.equal(c.customers, 1); // only c1 has a purchase on or before 2024-05-02
  });

  it("strict from the config fails on a quarantined row (exit 3); --no-strict on the command line overrides it", async () => {
    const bad = file("bad-row.csv", "customer_id,date,amount\nc1,2024-05-01,10\n,2024-05-02,11\n");
    const cfg = file("strict.json", JSON.stringify({ strict: true }));
    await fails(["summarize", bad, "--config", cfg], 3, /E_STRICT/);
    const r = await summarize(bad, "--config", cfg, "--no-strict");
    assert.equal(r.ingestion.rowsQuarantined, 1);
    assert.equal((await summarize(bad)).ingestion.rowsQuarantined, 1); // neither: not strict
  });

  it("customer lists: the config's file (relative to the config), --exclude-customers-file and the flag add up", async () => {
    const sub = mkdtempSync(join(dir, "sub-"));
    writeFileSync(join(sub, "staff.txt"), "# test accounts\nTEST-1\n\n");
    writeFileSync(join(sub, "cfg.json"), JSON.stringify({ excludeCustomersFile: "staff.txt" }));
    const a = await summarize(status, "--config", join(sub, "cfg.json"), "--end", "2024-06-30");
    assert.equal(a.ingestion.rowsExcludedCustomer, 1);
    assert.equal(a.customers, 3); // c1, c2, c3
    const more = file("more.txt", "c3\r\n");
    const b = await summarize(status, "--config", join(sub, "cfg.json"), "--exclude-customers-file", more);
    assert.equal(b.ingestion.rowsExcludedCustomer, 3); // TEST-1's row and c3's two rows
    const c = await summarize(status, "--config", join(sub, "cfg.json"), "--exclude-customers", "c1,c3");
    assert.equal(c.ingestion.rowsExcludedCustomer, 5);
    assert.equal(c.customers, 1); // c2
  });

  it("an unknown key, a wrong type, bad JSON, a bad date and a missing file are errors naming the file and key", async () => {
    const unknown = file("unknown.json", JSON.stringify({ exclude_status: ["test"] }));
    await fails(
      ["summarize", status, "--config", unknown],
      2,
      /unknown\.json: exclude_status: unknown key \(allowed: columns,/,
    );
    const role = file("role.json", JSON.stringify({ columns: { customer: "customer_id", dat: "date" } }));
    await fails(
      ["summarize", status, "--config", role],
      2,
      /role\.json: columns\.dat: unknown key \(allowed: customer, date,/,
    );
    const type = file("type.json", JSON.stringify({ columns: { customer: 5 } }));
    await fails(["summarize", status, "--config", type], 2, /type\.json: columns\.customer: .*expected string/);
    const syntax = file("syntax.json", '{\n  "end": "2024-06-30",\n  "unit": "week",\n}\n');
    await fails(["summarize", status, "--config", syntax], 2, /syntax\.json, row 4: not valid JSON at column 1/);
    const date = file("date.json", JSON.stringify({ end: "30.06.2024" }));
    await fails(["summarize", status, "--config", date], 2, /date\.json: end: must be a date as YYYY-MM-DD/);
    await fails(
      ["summarize", status, "--config", join(dir, "missing.json")],
      4,
      /missing\.json: cannot read the config file: ENOENT/,
    );
    await fails(["summarize", status, "--exclude-customers-file", join(dir, "none.txt")], 4, /none\.txt: cannot read/);
  });

  it("loadTransactionConfig throws LoyalError E_USAGE for a config that is not an object", () => {
    const arr = file("array.json", "[1, 2]");
    assert.throws(
      () => loadTransactionConfig(arr),
      (e) => isLoyalError(e, "E_USAGE"),
    );
  });
});

describe("--currency-column, --header and --no-header", () => {
  it("--currency-column (or columns.currency) names a currency column not called 'currency': two currencies fail", async () => {
    const f = file("ccy.csv", "customer_id,date,amount,ccy\nc1,2024-06-01,10.00,EUR\nc2,2024-06-02,11.00,USD\n");
    await fails(["summarize", f, "--currency-column", "ccy"], 3, /2 currencies \(EUR, USD\)/);
    const cfg = file("ccy.json", JSON.stringify({ columns: { currency: "ccy" } }));
    await fails(["summarize", f, "--config", cfg], 3, /E_CURRENCY/);
    const r = await summarize(f); // without the mapping the column is not a currency column
    assert.equal(r.ingestion.rowsUsed, 2);
  });

  it("--header reads line 1 as a header, --no-header as data; by default it is detected", async () => {
    const f = file("noheader.csv", "c1,2024-05-01,10\nc2,2024-05-02,11\nc1,2024-05-09,12\n");
    const names = ["--columns", "customer_id,date,amount", "--end", "2024-06-30"];
    assert.equal((await summarize(f, ...names)).ingestion.rowsRead, 3);
    assert.equal((await summarize(f, ...names, "--no-header")).ingestion.rowsRead, 3);
    const h = await summarize(f, ...names, "--header");
    assert.equal(h.ingestion.rowsRead, 2);
    assert.equal(h.customers, 2);
    const cfg = file("header.json", JSON.stringify({ header: true, names: ["customer_id", "date", "amount"] }));
    assert.equal((await summarize(f, "--config", cfg, "--end", "2024-06-30")).ingestion.rowsRead, 2);
    assert.equal((await summarize(f, "--config", cfg, "--no-header", "--end", "2024-06-30")).ingestion.rowsRead, 3);
  });
});
