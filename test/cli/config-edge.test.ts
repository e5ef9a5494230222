/**
 * Edge cases of `--config`: settings that `summarize --from postgres://` cannot honour are refused by name instead of
 * silently ignored (the check runs before connecting, so no server is needed), and a JSON syntax error in a file that
 * starts with a byte-order mark names the line and column an editor shows.
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

const dir = mkdtempSync(join(tmpdir(), "loyal-config-edge-"));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// nothing listens on port 1: reaching the connection would be E_IO (exit 4), not the refusal (E_USAGE, exit 2)
const URL = "postgres://127.0.0.1:1/none";
const BASE = ["summarize", "sales", "--from", URL, "--customer", "c", "--date", "d", "--end", "2024-06-30"];

const refused = (args: string[], names: RegExp) => runFails(args, 2, /E_USAGE/, names);

describe("summarize --from postgres:// with --config", () => {
  it("settings the server-side summary cannot apply (from the config or flags) are refused by name", async () => {
    const cfg = file(
      "pg.json",
      JSON.stringify({
        columns: { order: "invoice" },
        excludeStatus: ["cancelled"],
        currencyRates: "rates.csv",
        tz: "Europe/Berlin",
      }),
    );
    await refused([...BASE, "--config", cfg], /order.*excludeStatus.*currencyRates.*tz/s);
    await refused([...BASE, "--exclude-customers", "c17"], /excludeCustomers/);
    const list = file("staff.txt", "c17\n");
    await refused([...BASE, "--exclude-customers-file", list], /excludeCustomers/);
    await refused([...BASE, "--currency-column", "ccy"], /currency column/);
  });

  it("the mapping and periods of a config still reach the server (then the connection is tried: E_IO)", async () => {
    const cfg = file(
      "pg-ok.json",
      JSON.stringify({ columns: { customer: "c", date: "d", amount: "a" }, end: "2024-06-30", tz: "UTC" }),
    );
    const o = io();
    assert.equal(await runCli(["summarize", "sales", "--from", URL, "--config", cfg], o), 4, o.err);
    assert.match(o.err, /E_IO.*PostgreSQL/);
  });
});

describe("loadTransactionConfig edge cases", () => {
  it("a syntax error after a byte-order mark is on the line and column an editor shows", () => {
    const f = file("bom.json", '\uFEFF{\n"tz" "UTC"\n}\n');
    assert.throws(
      () => loadTransactionConfig(f),
      (e) => isLoyalError(e) && e.code === "E_USAGE" && /, row 2: .*column 6/.test(e.message),
    );
    const plain = file("plain.json", '{\n"tz" "UTC"\n}\n');
    assert.throws(
      () => loadTransactionConfig(plain),
      (e) => isLoyalError(e) && /, row 2: .*column 6/.test(e.message),
    );
  });

  it("an empty object, an empty columns object: no settings; an array or null: refused naming the file", () => {
    assert.deepEqual(loadTransactionConfig(file("empty.json", "{}")), {});
    assert.deepEqual(loadTransactionConfig(file("cols.json", '{"columns": {}}')), { columns: {} });
    for (const [name, text] of [
      ["array.json", "[]"],
      ["null.json", "null"],
    ]) {
      const f = file(name, text);
      assert.throws(
        () => loadTransactionConfig(f),
        (e) => isLoyalError(e) && e.code === "E_USAGE" && e.message.includes(f) && /expected object/.test(e.message),
      );
    }
  });
});
