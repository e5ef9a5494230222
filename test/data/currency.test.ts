/**
 * Several currencies converted with a rate table (`currencyRates`, `--currency-rates`): constant and dated rates,
 * the refusal of currencies without a rate, rows without a currency quarantined, and bad rate tables named by file,
 * row and column. Expected amounts are worked out by hand from the fixtures (amount × rate).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../src/cli/run-cli.ts";
import { sqlString } from "../../src/data/duckdb.ts";
import { parseCurrencyRates } from "../../src/data/ingest/currency.ts";
import type { IngestOptions } from "../../src/data/ingest/index.ts";
import { isLoyalError } from "../../src/errors.ts";
import { io } from "../helpers/cli-io.ts";
import { root } from "../helpers/datasets.ts";
import { ingestedPurchases, useDuckDb } from "../helpers/duckdb.ts";

const db = useDuckDb("loyal-currency-");
const fixture = join(root, "test/fixtures/messy/currency.csv"); // c1 10.00 EUR, c2 11.00 USD, c3 12.00 eur

const file = (name: string, text: string) => db.file(name, text);
const purchases = (source: string, options: IngestOptions) => ingestedPurchases(db.conn, source, options);

const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

describe("currency conversion", () => {
  it("constant rates: USD 11.00 × 0.5 = 5.50, EUR (any case) × 1; the report counts rows per currency", async () => {
    const { report, rows } = await purchases(fixture, { currencyRates: { EUR: 1, usd: 0.5 } });
    assert.deepEqual(
      rows.map((r) => [r.customer_id, r.amount]),
      [
        ["c1", 10],
        ["c2", 5.5],
        ["c3", 12],
      ],
    );
    assert.deepEqual(report.currencies, { EUR: 2, USD: 1 });
    assert.equal(report.rowsUsed, 3);
  });

  it("dated rates: each purchase takes the latest rate on or before its day", async () => {
    const log = file(
      "dated.csv",
      "customer_id,date,amount,currency\nc1,2024-06-01,10,USD\nc1,2024-06-05,10,USD\nc2,2024-06-03,20,EUR\nc2,2024-06-04,5,usd\n",
    );
    const rates = file("rates.csv", "date,currency,rate\n2024-06-01,USD,0.9\n2024-06-04,USD,0.8\n2024-01-01,EUR,1\n");
    const { rows } = await purchases(log, { currencyRates: rates });
    assert.deepEqual(
      rows.map((r) => [r.customer_id, iso(r.day), r.amount]),
      [
        ["c1", "2024-06-01", 9],
        ["c1", "2024-06-05", 8],
        ["c2", "2024-06-03", 20],
        ["c2", "2024-06-04", 4],
      ],
    );
  });

  it("a currency without a rate (or none yet on a purchase's day) is E_CURRENCY naming it", async () => {
    await assert.rejects(purchases(fixture, { currencyRates: { EUR: 1 } }), (e) => {
      assert.ok(isLoyalError(e, "E_CURRENCY"));
      assert.match(e.message, /column currency: no rate for USD: add it to the currency rate table/);
      assert.deepEqual(e.details, { currencies: ["USD"] });
      return true;
    });
    const early = file("early.csv", "customer_id,date,amount,currency\nc1,2024-05-31,10,USD\nc1,2024-06-02,10,USD\n");
    const rates = file("usd.csv", "date,currency,rate\n2024-06-01,USD,0.9\n");
    await assert.rejects(purchases(early, { currencyRates: rates }), (e) => {
      assert.ok(isLoyalError(e, "E_CURRENCY"));
      assert.match(e.message, /no rate on or before the purchase day for USD \(first on 2024-05-31\)/);
      return true;
    });
  });

  it("a row without a currency is quarantined as missing_currency (line reader and Parquet), the report adds up", async () => {
    const log = file(
      "blank.csv",
      "customer_id,date,amount,currency\nc1,2024-06-01,10,EUR\nc2,2024-06-02,11,\nc3,2024-06-03,12,USD\n",
    );
    const quarantine = join(db.tmp, "q.csv");
    const { report, rows } = await purchases(log, { currencyRates: { EUR: 1, USD: 2 }, quarantineFile: quarantine });
    assert.deepEqual(report.byReason, { missing_currency: 1 });
    assert.equal(report.rowsRead, 3);
    assert.equal(report.rowsUsed + report.rowsQuarantined, 3);
    assert.deepEqual(
      rows.map((r) => [r.customer_id, r.amount]),
      [
        ["c1", 10],
        ["c3", 24],
      ],
    );
    const q = readFileSync(quarantine, "utf8").trim().split("\n");
    assert.equal(q.length, 2);
    assert.match(q[1], /,3,missing_currency,currency,"?c2,2024-06-02,11,"?$/);
    // without rates a blank currency is no problem (one currency among the others)
    const plain = await purchases(log, { currency: "currency", excludeCustomers: ["c3"] });
    assert.equal(plain.report.rowsQuarantined, 0);

    const parquet = join(db.tmp, "blank.parquet");
    await db.conn.run(`copy (select * from read_csv(${sqlString(log)}, all_varchar = true)) to ${sqlString(parquet)}`);
    const p = await purchases(parquet, { currencyRates: { EUR: 1, USD: 2 } });
    assert.deepEqual(p.report.byReason, { missing_currency: 1 });
    assert.deepEqual(
      p.rows.map((r) => [r.customer_id, r.amount]),
      [
        ["c1", 10],
        ["c3", 24],
      ],
    );
  });

  it("rates need a currency column", async () => {
    await assert.rejects(
      purchases(join(root, "test/fixtures/messy/status.csv"), { currencyRates: { EUR: 1 } }),
      (e) => isLoyalError(e, "E_USAGE") && /currency rates need a currency column/.test(e.message),
    );
  });
});

describe("rate tables", () => {
  it("bad values name the file, row and column; a missing column, a repeated currency and an empty table are refused", () => {
    const bad = (text: string, re: RegExp) => {
      const f = file("bad-rates.csv", text);
      assert.throws(
        () => parseCurrencyRates(f),
        (e) => isLoyalError(e, "E_USAGE") && re.test(e.message),
      );
    };
    bad("currency,rate\nEUR,1\nUSD,-1\n", /bad-rates\.csv, row 3, column rate: a rate must be a number > 0, got '-1'/);
    bad("currency,rate\nUSD,abc\n", /row 2, column rate: .*got 'abc'/);
    bad("currency,value\nUSD,1\n", /row 1, column rate: the header must name the columns currency and rate/);
    bad("date,currency,rate\n2024-02-30,USD,1\n", /row 2, column date: '2024-02-30' is not a date/);
    bad("currency,rate\nUSD,1\nusd,2\n", /currency USD has two rates/);
    bad("currency,rate\n", /the currency rate table is empty/);
    assert.throws(
      () => parseCurrencyRates({ EUR: 0 }),
      (e) => isLoyalError(e, "E_USAGE"),
    );
    assert.deepEqual(parseCurrencyRates(file("ok.csv", "\uFEFFrate,currency\r\n0.5,usd\r\n")), [
      { currency: "USD", rate: 0.5 },
    ]);
    assert.deepEqual(parseCurrencyRates(file("quoted.csv", '"currency","rate"\n"EUR","1.1"\n')), [
      { currency: "EUR", rate: 1.1 },
    ]);
  });

  it("loyal summarize --currency-rates (and the config's currencyRates) converts before summarising", async () => {
    const rates = file("r.csv", "currency,rate\nEUR,1\nUSD,0.5\n");
    const o = io();
    assert.equal(await runCli(["summarize", fixture, "--currency-rates", rates, "--json"], o), 0, o.err);
    const r = JSON.parse(o.out);
    assert.deepEqual(r.ingestion.currencies, { EUR: 2, USD: 1 });
    const cfg = file("cfg.json", JSON.stringify({ currencyRates: "r.csv" }));
    const c = io();
    assert.equal(await runCli(["summarize", fixture, "--config", cfg, "--json"], c), 0, c.err);
    assert.deepEqual(JSON.parse(c.out).ingestion, r.ingestion);
    const e = io();
    assert.equal(
      await runCli(["summarize", fixture, "--currency-rates", file("eur.csv", "currency,rate\nEUR,1\n")], e),
      3,
    );
    assert.match(e.err, /E_CURRENCY.*no rate for USD/);
  });
});
