import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { type IngestionReport, type IngestOptions, ingestTransactions } from "../../src/data/ingest/index.ts";
import { isLoyalError, LoyalError } from "../../src/errors.ts";
import { useDuckDb } from "../helpers/duckdb.ts";

const MESSY = "test/fixtures/messy";
const db = useDuckDb("loyal-ingest-");
const tmp = db.tmp;

/** All rows* counts except rowsRead add up to rowsRead. */
function assertAddsUp(r: IngestionReport): void {
  const parts = Object.entries(r).filter(([k, v]) => k.startsWith("rows") && k !== "rowsRead" && typeof v === "number");
  const sum = parts.reduce((s, [, v]) => s + (v as number), 0);
  assert.equal(sum, r.rowsRead, `counts ${JSON.stringify(Object.fromEntries(parts))} should add up to ${r.rowsRead}`);
  const q = Object.values(r.byReason).reduce((s, v) => s + v, 0);
  assert.equal(q, r.rowsQuarantined, "byReason adds up to rowsQuarantined");
}

async function ingest(source: string | string[], options?: IngestOptions) {
  const { table, report } = await ingestTransactions(db.conn, source, options);
  assert.equal(table, "purchases");
  assertAddsUp(report);
  return report;
}

async function purchases(): Promise<{ customer_id: string; day: number; amount: number | null }[]> {
  const r = await db.conn.runAndReadAll(
    "select customer_id, day, amount from purchases order by customer_id, day, amount",
  );
  return r.getRowObjectsJson().map((o) => ({
    customer_id: String(o.customer_id),
    day: Number(o.day),
    amount: o.amount === null ? null : Number(o.amount),
  }));
}

/** The purchases table's column names and types. */
async function schema(): Promise<string[]> {
  const r = await db.conn.runAndReadAll("describe purchases");
  return r.getRowObjectsJson().map((o) => `${o.column_name} ${o.column_type}`);
}

const PURCHASES_SCHEMA = ["customer_id VARCHAR", "day INTEGER", "amount DOUBLE"];

async function scalar(sql: string): Promise<number> {
  const r = await db.conn.runAndReadAll(sql);
  return Number(Object.values(r.getRowObjectsJson()[0])[0]);
}

/** Day number of an ISO date, computed independently of DuckDB. */
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86400000;

/** Parses a quarantine CSV written by ingest (fields may be quoted). */
function readCsv(path: string): string[][] {
  const rows: string[][] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "") continue;
    const out: string[] = [];
    let cur = "";
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') q = false;
        else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === ",") {
        out.push(cur);
        cur = "";
      } else cur += ch;
    }
    out.push(cur);
    rows.push(out);
  }
  return rows;
}

/** Independent CDNOW reading: plain fs + split. */
function cdnowByHand(path: string, amountField: number, customerField: number, skipHeader: boolean) {
  const lines = readFileSync(path, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const data = skipHeader ? lines.slice(1) : lines;
  let total = 0;
  const customers = new Set<string>();
  for (const l of data) {
    const f = l.trim().split(/\s+/);
    total += Number(f[amountField]);
    customers.add(f[customerField]);
  }
  return { rows: data.length, total, customers: customers.size };
}

describe("ingestTransactions on CDNOW", () => {
  test("CDNOW_master: 69,659 rows, 23,570 customers, total equals a plain-JS sum, identical rows kept", async () => {
    const file = "datasets/CDNOW_master.txt";
    const hand = cdnowByHand(file, 3, 0, true);
    const r = await ingest(file, { columns: ["customer_id", "date", "cds", "amount"] });
    assert.equal(r.rowsRead, 69659);
    assert.equal(hand.rows, 69659);
    assert.equal(r.rowsUsed, 69659);
    assert.equal(r.rowsQuarantined, 0);
    assert.equal(await scalar("select count(distinct customer_id) from purchases"), 23570);
    assert.equal(hand.customers, 23570);
    const total = await scalar("select sum(amount) from purchases");
    assert.ok(Math.abs(total - hand.total) < 1e-6, `${total} vs ${hand.total}`);
    assert.equal(await scalar("select min(day) from purchases"), dayOf("1997-01-01"));
    assert.equal(await scalar("select max(day) from purchases"), dayOf("1998-06-30"));
    // the 255 extra identical rows are separate same-day purchases: every row is kept
    const dupExtra = await scalar(
      "select sum(n - 1) from (select count(*) n from purchases group by customer_id, day, amount having count(*) > 1)",
    );
    assert.equal(dupExtra, 255);
  });

  test("CDNOW_master with auto-detection reads the header line", async () => {
    const r = await ingest("datasets/CDNOW_master.txt");
    assert.equal(r.rowsRead, 69659);
    assert.deepEqual(r.columns, {
      customer: "customer_id",
      date: "date",
      amount: "dollar_value",
      detected: ["customer", "date", "amount"],
    });
  });

  test("CDNOW_sample (CRLF, no header): 6,919 rows, 2,357 customers, total equals a plain-JS sum", async () => {
    const file = "datasets/CDNOW_sample.txt";
    const hand = cdnowByHand(file, 4, 0, false);
    const r = await ingest(file, {
      columns: ["master_id", "sample_id", "date", "cds", "amount"],
      customer: "sample_id",
    });
    assert.equal(r.rowsRead, 6919);
    assert.equal(r.rowsUsed, 6919);
    assert.equal(await scalar("select count(distinct customer_id) from purchases"), 2357);
    assert.equal(hand.customers, 2357);
    const total = await scalar("select sum(amount) from purchases");
    assert.ok(Math.abs(total - hand.total) < 1e-6, `${total} vs ${hand.total}`);
    assert.deepEqual(r.columns.detected, ["date", "amount"]);
  });
});

describe("cleaning rules (test/fixtures/messy)", () => {
  test("bad lines are quarantined with reason, column, line number and original text", async () => {
    const q = join(tmp, "q1.csv");
    const r = await ingest(`${MESSY}/quarantine.csv`, { quarantineFile: q });
    assert.equal(r.rowsRead, 8);
    assert.equal(r.rowsUsed, 3);
    assert.equal(r.rowsQuarantined, 5);
    assert.deepEqual(r.byReason, { parse_error: 2, missing_customer: 1, bad_date: 1, bad_amount: 1 });
    assert.equal(r.quarantineFile, q);
    const f = `${MESSY}/quarantine.csv`;
    assert.deepEqual(readCsv(q), [
      ["file", "line_number", "reason", "column", "original_line"],
      [f, "3", "parse_error", "", "c1,2024-01-07,5.50,extra"],
      [f, "4", "parse_error", "", 'c2,"2024-01-08,7.00'],
      [f, "5", "missing_customer", "customer_id", ",2024-01-09,3.00"],
      [f, "6", "bad_date", "date", "c3,2024-13-45,4.00"],
      [f, "8", "bad_amount", "amount", "c3,2024-02-01,abc"],
    ]);
    assert.deepEqual(await schema(), PURCHASES_SCHEMA);
    // YYYYMMDD, YYYY-MM-DD and an ISO timestamp in one column
    assert.deepEqual(await purchases(), [
      { customer_id: "c1", day: dayOf("2024-01-05"), amount: 10 },
      { customer_id: "c4", day: dayOf("2024-02-03"), amount: 1.75 },
      { customer_id: "c4", day: dayOf("2024-02-03"), amount: 8.25 },
    ]);
  });

  test("strict mode writes the quarantine, then fails naming file, row and column of the first bad row", async () => {
    const q = join(tmp, "q-strict.csv");
    await assert.rejects(
      ingestTransactions(db.conn, `${MESSY}/quarantine.csv`, { quarantineFile: q, strict: true }),
      (e) => {
        assert.ok(isLoyalError(e, "E_STRICT"));
        assert.deepEqual(e.location, { file: `${MESSY}/quarantine.csv`, row: 3, column: undefined });
        assert.match(e.message, /quarantine\.csv, row 3: parse_error \(5 row\(s\) quarantined/);
        return true;
      },
    );
    assert.equal(readCsv(q).length, 6);
    await assert.rejects(ingestTransactions(db.conn, `${MESSY}/quarantine.csv`, { strict: true }), (e) => {
      assert.ok(isLoyalError(e, "E_STRICT"));
      return true;
    });
    // a clean file passes in strict mode and leaves a header-only quarantine file
    const q2 = join(tmp, "q-clean.csv");
    const r = await ingest(`${MESSY}/orders.csv`, { strict: true, quarantineFile: q2 });
    assert.equal(r.rowsQuarantined, 0);
    assert.deepEqual(readCsv(q2), [["file", "line_number", "reason", "column", "original_line"]]);
  });

  test("same order id -> one purchase with amounts summed; an identical export line is a duplicate", async () => {
    const r = await ingest(`${MESSY}/orders.csv`);
    assert.equal(r.rowsRead, 6);
    assert.equal(r.rowsDuplicate, 1); // line 4 repeats line 3
    assert.equal(r.rowsMerged, 2); // A1: 2 rows into 1; A3: 2 rows into 1
    assert.equal(r.rowsUsed, 3);
    assert.equal(r.columns.order, "order_id");
    assert.deepEqual(await purchases(), [
      { customer_id: "c1", day: dayOf("2024-03-01"), amount: 7 }, // A2
      { customer_id: "c1", day: dayOf("2024-03-01"), amount: 15 }, // A1 = 10 + 5
      { customer_id: "c2", day: dayOf("2024-03-02"), amount: 10 }, // A3 on its first day
    ]);
  });

  test("the typed reader (clean file) and the line reader (file with a bad line) agree, also on duplicates across files", async () => {
    const clean = await ingest(`${MESSY}/orders.csv`);
    const expected = await purchases();
    const f = join(tmp, "orders-dirty.csv");
    writeFileSync(f, `${readFileSync(`${MESSY}/orders.csv`, "utf8")}A9,,2024-03-09,1.00\n`);
    const dirty = await ingest(f);
    assert.equal(dirty.rowsQuarantined, 1);
    assert.deepEqual({ ...dirty, rowsRead: 6, rowsQuarantined: 0, byReason: {}, files: clean.files }, clean);
    assert.deepEqual(await purchases(), expected);
    // line 2 of orders.csv again in a second export (read line by line because of its bad line): a duplicate
    const g = join(tmp, "orders-overlap.csv");
    writeFileSync(g, "order_id,customer_id,date,amount\nA1,c1,2024-03-01,10.00\nA7,c7,bad,1\n");
    const both = await ingest([`${MESSY}/orders.csv`, g]);
    assert.equal(both.rowsDuplicate, 2);
    assert.equal(both.rowsQuarantined, 1);
    assert.deepEqual(await purchases(), expected);
  });

  /** 3,000 clean rows with a block of problems after row 1,500 (and optionally an unterminated quote). */
  function scatteredFile(name: string, brokenQuote: boolean): string {
    const clean = (i: number) =>
      `k${i % 37},2024-${String(1 + (i % 12)).padStart(2, "0")}-1${i % 10},${(i % 50) + 0.25}`;
    const parts: Buffer[] = [Buffer.from("customer_id,date,amount,channel\n")];
    for (let i = 0; i < 3000; i++) {
      parts.push(Buffer.from(`${clean(i)},web\n`));
      if (i === 1500) {
        parts.push(
          Buffer.from("\n   \n,2024-05-01,3,web\nk1,2024-02-30,3,web\nk2,2024-05-01,x,web\nk3,2024-05-01,3\n"),
          Buffer.from(" k5 ,2024-05-02,4,web\nk6,,5,web\nk7,2024-05-03,nan,web\n"),
          Buffer.from([0x6b, 0x38, 0x2c, 0xff, 0xfe, 0x0a]),
          Buffer.from(brokenQuote ? 'k4,"2024-05-01,3,web\n' : ""),
        );
      }
    }
    const f = join(tmp, name);
    writeFileSync(f, Buffer.concat(parts));
    return f;
  }

  /** Ingests a file through the typed reader and (with an explicit date format) line by line only. */
  async function bothReaders(f: string) {
    const run = async (options: IngestOptions) => {
      const q = `${f}.q-${options.dateFormat ? "lines" : "typed"}.csv`;
      const report = await ingest(f, { ...options, quarantineFile: q });
      return { report: { ...report, quarantineFile: undefined }, rows: await purchases(), q: readCsv(q) };
    };
    const typed = await run({});
    const lines = await run({ dateFormat: "%Y-%m-%d" }); // an explicit format bypasses the typed reader
    return { typed, lines };
  }

  test("scattered problems in a big file: typed reader + re-reading only the bad lines == reading every line", async () => {
    const { typed, lines } = await bothReaders(scatteredFile("scattered.csv", false));
    assert.deepEqual(typed, lines);
    assert.equal(typed.report.rowsRead, 3000 + 8);
    assert.deepEqual(typed.report.byReason, { bad_amount: 2, bad_date: 2, missing_customer: 1, parse_error: 2 });
    assert.deepEqual(
      typed.q.slice(1).map((r) => [r[1], r[2], r[3]]),
      [
        ["1505", "missing_customer", "customer_id"],
        ["1506", "bad_date", "date"],
        ["1507", "bad_amount", "amount"],
        ["1508", "parse_error", ""],
        ["1510", "bad_date", "date"],
        ["1511", "bad_amount", "amount"],
        ["1512", "parse_error", ""],
      ],
    );
    assert.equal(await scalar("select count(*) from purchases where customer_id = 'k5'"), 1 + 81);
  });

  test("an unterminated quote (the typed reader would lose the rest of the file): every line is read", async () => {
    const { typed, lines } = await bothReaders(scatteredFile("scattered-quote.csv", true));
    assert.deepEqual(typed, lines);
    assert.equal(typed.report.rowsRead, 3000 + 9);
    assert.equal(typed.report.byReason.parse_error, 3);
  });

  test("a date in another format after the sniffed sample is still read (typed reader falls back per line)", async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `c${i},2024-01-0${1 + (i % 9)},1`);
    const f = join(tmp, "laterformat.csv");
    writeFileSync(
      f,
      `customer_id,date,amount\n${rows.join("\n")}\nlate,2024-03-01T23:00:00-02:00,2\nlate,20240302,3\n`,
    );
    const r = await ingest(f);
    assert.equal(r.rowsQuarantined, 0);
    assert.deepEqual(
      (await purchases()).filter((p) => p.customer_id === "late"),
      [
        { customer_id: "late", day: dayOf("2024-03-02"), amount: 2 },
        { customer_id: "late", day: dayOf("2024-03-02"), amount: 3 },
      ],
    );
  });

  test("without an order column, identical rows are separate same-day purchases (CDNOW style)", async () => {
    const r = await ingest(`${MESSY}/identical.txt`, { columns: ["customer", "date", "cds", "amount"] });
    assert.equal(r.rowsRead, 6);
    assert.equal(r.rowsUsed, 6);
    assert.equal(r.rowsDuplicate, 0);
    assert.equal(await scalar("select sum(amount) from purchases where customer_id = '00002'"), 36);
    assert.equal(await scalar("select count(*) from purchases where customer_id = '00001'"), 2);
  });

  test("refunds are netted into their order (or their day); a net <= 0 is no purchase; zero-value sales stay", async () => {
    const r = await ingest(`${MESSY}/refunds.csv`);
    assert.equal(r.rowsRead, 11);
    assert.deepEqual(await schema(), PURCHASES_SCHEMA);
    assert.equal(r.rowsRefunded, 5); // R2 (2 rows), c5's day (2 rows), c6's lone refund (1)
    assert.equal(r.rowsMerged, 3); // R1: 1, c4's day: 2
    assert.equal(r.rowsUsed, 3);
    assert.deepEqual(await purchases(), [
      { customer_id: "c1", day: dayOf("2024-04-01"), amount: 15 },
      { customer_id: "c3", day: dayOf("2024-04-02"), amount: 0 },
      { customer_id: "c4", day: dayOf("2024-04-05"), amount: 12 },
    ]);
  });

  test("excluded statuses (case-insensitive) and customers are dropped and counted", async () => {
    const r = await ingest(`${MESSY}/status.csv`, {
      excludeStatus: ["cancelled", "TEST"],
      excludeCustomers: ["TEST-1"],
    });
    assert.equal(r.rowsExcludedStatus, 2);
    assert.equal(r.rowsExcludedCustomer, 1);
    assert.equal(r.rowsUsed, 3);
    assert.deepEqual(
      (await purchases()).map((p) => p.amount),
      [10, 13, 15],
    );
    const all = await ingest(`${MESSY}/status.csv`);
    assert.equal(all.rowsUsed, 6);
  });

  test("excludeStatus without a status column is a usage error", async () => {
    await assert.rejects(ingestTransactions(db.conn, `${MESSY}/orders.csv`, { excludeStatus: ["x"] }), (e) => {
      assert.ok(isLoyalError(e, "E_USAGE"));
      return true;
    });
  });

  test("several currencies -> E_CURRENCY naming them; one currency (any case) is fine", async () => {
    await assert.rejects(ingestTransactions(db.conn, `${MESSY}/currency.csv`), (e) => {
      assert.ok(isLoyalError(e, "E_CURRENCY"));
      assert.match(e.message, /EUR, USD/);
      assert.deepEqual(e.details, { currencies: ["EUR", "USD"] });
      return true;
    });
    const r = await ingest(`${MESSY}/currency.csv`, { excludeCustomers: ["c2"] });
    assert.equal(r.rowsUsed, 2);
    assert.equal(r.columns.currency, "currency");
  });

  test("quoted fields, semicolons and explicit column names", async () => {
    const q = join(tmp, "q-quoted.csv");
    const r = await ingest(`${MESSY}/quoted.csv`, { customer: "id", date: "when", quarantineFile: q });
    assert.equal(r.rowsRead, 3);
    assert.deepEqual(r.byReason, { bad_date: 1 }); // 01/02/2024 is ambiguous: not guessed
    assert.deepEqual(r.columns, { customer: "id", date: "when", amount: "revenue", detected: ["amount"] });
    assert.deepEqual(await purchases(), [
      { customer_id: 'O"Brien', day: dayOf("2024-02-01"), amount: 3.25 },
      { customer_id: "plain", day: dayOf("2024-02-02"), amount: 4 },
    ]);
    assert.equal(readCsv(q)[1][4], '"Smith; John";01/02/2024;"1,5"');
    const withFormat = await ingest(`${MESSY}/quoted.csv`, { customer: "id", date: "when", dateFormat: "%d/%m/%Y" });
    // the format now fits line 2 only (whose amount "1,5" is not a number) and no longer the ISO dates
    assert.deepEqual(withFormat.byReason, { bad_amount: 1, bad_date: 2 });
  });

  test("NDJSON: keys detected, broken lines quarantined, timestamps read in tz, offsets honoured", async () => {
    const q = join(tmp, "q-ndjson.csv");
    const r = await ingest(`${MESSY}/events.ndjson`, { quarantineFile: q, tz: "America/New_York" });
    assert.equal(r.rowsRead, 5);
    assert.deepEqual(r.byReason, { bad_amount: 1, parse_error: 1, missing_customer: 1 });
    assert.deepEqual(
      readCsv(q).map((row) => [row[1], row[2], row[3]]),
      [
        ["line_number", "reason", "column"],
        ["3", "bad_amount", "revenue"],
        ["4", "parse_error", ""],
        ["6", "missing_customer", "user_id"],
      ],
    );
    assert.deepEqual(await purchases(), [
      // 23:30 in New York is 03:30 UTC the next day
      { customer_id: "u1", day: dayOf("2024-07-02"), amount: 10 },
      // 23:30+02:00 is 21:30 UTC the same day
      { customer_id: "u2", day: dayOf("2024-07-01"), amount: 5.5 },
    ]);
    await ingest(`${MESSY}/events.ndjson`);
    assert.equal(await scalar("select day from purchases where customer_id = 'u1'"), dayOf("2024-07-01"));
  });

  test("an unknown time zone is a usage error", async () => {
    await assert.rejects(ingestTransactions(db.conn, `${MESSY}/events.ndjson`, { tz: "Mars/Olympus" }), (e) => {
      assert.ok(isLoyalError(e, "E_USAGE"));
      assert.match(e.message, /Mars\/Olympus/);
      return true;
    });
  });

  test("a missing required column names the file and the available columns", async () => {
    await assert.rejects(ingestTransactions(db.conn, `${MESSY}/quoted.csv`), (e) => {
      assert.ok(isLoyalError(e, "E_USAGE"));
      assert.equal(e.location?.file, `${MESSY}/quoted.csv`);
      assert.match(e.message, /no customer column found.*"id", "when", "revenue"/);
      return true;
    });
    await assert.rejects(ingestTransactions(db.conn, `${MESSY}/orders.csv`, { amount: "price" }), (e) => {
      assert.ok(isLoyalError(e, "E_USAGE"));
      assert.match(e.message, /"price" is not in the file/);
      return true;
    });
    await assert.rejects(ingestTransactions(db.conn, join(tmp, "nope.csv")), (e) => isLoyalError(e, "E_IO"));
  });
});

describe("input formats", () => {
  const rows = ["customer_id,order_date,revenue", "a,2024-01-01,1.5", "b,2024-01-02,2.5", "a,2024-01-03,3"];

  test("UTF-8 BOM and CRLF", async () => {
    const f = join(tmp, "bom.csv");
    writeFileSync(f, `\uFEFF${rows.join("\r\n")}\r\n`);
    const r = await ingest(f);
    assert.equal(r.columns.customer, "customer_id");
    assert.equal(r.rowsUsed, 3);
    assert.deepEqual(await schema(), PURCHASES_SCHEMA);
    assert.equal(await scalar("select sum(amount) from purchases"), 7);
  });

  test("gzip, with the line numbers of the decompressed file", async () => {
    const f = join(tmp, "t.csv.gz");
    writeFileSync(f, gzipSync(`${rows.join("\n")}\nc,not-a-date,1\n`));
    const q = join(tmp, "q-gz.csv");
    const r = await ingest(f, { quarantineFile: q });
    assert.equal(r.rowsUsed, 3);
    assert.deepEqual(readCsv(q)[1], [f, "5", "bad_date", "order_date", "c,not-a-date,1"]);
    const clean = join(tmp, "clean.txt.gz");
    writeFileSync(clean, gzipSync(`${rows.join("\r\n")}\r\n`));
    assert.equal((await ingest(clean)).rowsUsed, 3);
    assert.equal(await scalar("select sum(amount) from purchases"), 7);
  });

  test("tab-separated with a date format and no header", async () => {
    const f = join(tmp, "t.tsv");
    writeFileSync(f, "x1\t05.01.2024\t10\nx2\t06.01.2024\t20\n");
    const r = await ingest(f, { columns: ["customer", "date", "amount"], dateFormat: "%d.%m.%Y" });
    assert.equal(r.rowsUsed, 2);
    assert.deepEqual(await purchases(), [
      { customer_id: "x1", day: dayOf("2024-01-05"), amount: 10 },
      { customer_id: "x2", day: dayOf("2024-01-06"), amount: 20 },
    ]);
  });

  test("Parquet (typed DATE and DECIMAL columns, named like the staging columns)", async () => {
    const f = join(tmp, "t.parquet");
    await db.conn.run(`copy (select * from (values ('a', date '2024-01-01', 1.50::decimal(10,2), 'o1'),
      ('a', date '2024-01-01', 2.00::decimal(10,2), 'o1'), (null, date '2024-01-02', 3.00::decimal(10,2), 'o2'),
      ('b', date '2024-01-03', 4.00::decimal(10,2), 'o3')) t(customer, date, amount, invoice))
      to '${f}' (format parquet)`);
    const q = join(tmp, "q-parquet.csv");
    const r = await ingest(f, { quarantineFile: q });
    assert.deepEqual(r.columns.detected, ["customer", "date", "amount", "order"]);
    assert.equal(r.rowsMerged, 1);
    assert.equal(r.rowsQuarantined, 1);
    assert.deepEqual(await purchases(), [
      { customer_id: "a", day: dayOf("2024-01-01"), amount: 3.5 },
      { customer_id: "b", day: dayOf("2024-01-03"), amount: 4 },
    ]);
    const qr = readCsv(q)[1];
    assert.deepEqual(qr.slice(1, 4), ["3", "missing_customer", "customer"]);
    assert.equal(qr[4], '{"customer":null,"date":"2024-01-02","amount":3.0,"invoice":"o2"}');
  });

  test("a JSON array file", async () => {
    const f = join(tmp, "t.json");
    writeFileSync(
      f,
      JSON.stringify([
        { client_id: 7, invoice_date: "2024-05-01T08:00:00Z", sales: 2.5 },
        { client_id: 7, invoice_date: "2024-05-02", sales: "n/a" },
      ]),
    );
    const q = join(tmp, "q-json.csv");
    const r = await ingest(f, { quarantineFile: q });
    assert.deepEqual(r.byReason, { bad_amount: 1 });
    assert.deepEqual(await purchases(), [{ customer_id: "7", day: dayOf("2024-05-01"), amount: 2.5 }]);
    assert.deepEqual(readCsv(q)[1].slice(1, 4), ["2", "bad_amount", "sales"]);
  });

  test("a directory and a glob of several files: concatenated, line numbers per file", async () => {
    const dir = mkdtempSync(join(tmp, "dir-"));
    writeFileSync(join(dir, "a.csv"), `${rows.join("\n")}\n`);
    writeFileSync(join(dir, "b.csv"), `${rows[0]}\nc,2024-02-01,4\n,2024-02-02,5\n`);
    writeFileSync(join(dir, "notes.md"), "not data");
    const q = join(tmp, "q-dir.csv");
    const r = await ingest(dir, { quarantineFile: q });
    assert.deepEqual(r.files, [join(dir, "a.csv"), join(dir, "b.csv")]);
    assert.equal(r.rowsRead, 5);
    assert.equal(r.rowsUsed, 4);
    assert.deepEqual(readCsv(q)[1].slice(0, 3), [join(dir, "b.csv"), "3", "missing_customer"]);
    const g = await ingest(join(dir, "*.csv"));
    assert.deepEqual(g.files, r.files);
    assert.equal(g.rowsUsed, 4);
    const list = await ingest([join(dir, "b.csv"), join(dir, "a.csv")]);
    assert.deepEqual(list.files, [join(dir, "b.csv"), join(dir, "a.csv")]);
  });

  test("a file without an amount column gives NULL amounts", async () => {
    const f = join(tmp, "noamount.csv");
    writeFileSync(f, "email,created_at\nx@y.z,2024-03-01T10:00:00\nx@y.z,2024-03-05T11:00:00\n");
    const r = await ingest(f);
    assert.equal(r.columns.amount, undefined);
    assert.deepEqual(await schema(), PURCHASES_SCHEMA);
    assert.deepEqual(await purchases(), [
      { customer_id: "x@y.z", day: dayOf("2024-03-01"), amount: null },
      { customer_id: "x@y.z", day: dayOf("2024-03-05"), amount: null },
    ]);
  });
});

describe("robustness", () => {
  /** mulberry32: a tiny seeded PRNG for the fuzz inputs. */
  function rng(seed: number) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  test("100 seeded random, truncated and garbage files: a LoyalError or a report that adds up", async () => {
    const rand = rng(20240601);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const good = readFileSync(`${MESSY}/refunds.csv`, "utf8");
    const pieces = [
      "c1",
      "2024-01-01",
      "12.5",
      "-3",
      '"',
      '""',
      ",",
      ";",
      "\t",
      " ",
      "\n",
      "\r\n",
      "",
      "x",
      "\u00e9",
      "2024-13-01",
      "20240101",
      "NaN",
      "1e400",
      "{",
      "}",
      '"a,b"',
      "\u0000",
      "\uFEFF",
    ];
    let reports = 0;
    let errors = 0;
    const token = () => pick(pieces) + (rand() < 0.3 ? pick(pieces) : "");
    for (let i = 0; i < 100; i++) {
      const kind = i % 5;
      let bytes: Buffer;
      let ext = pick([".csv", ".txt"]);
      let options: IngestOptions = {};
      if (kind === 0) {
        bytes = Buffer.from(good.slice(0, Math.floor(rand() * good.length)));
      } else if (kind === 1) {
        bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
        options = { header: false, customer: "column1", date: "column2" };
      } else if (kind === 2) {
        const lines = ["customer_id,date,amount,order_id"];
        const n = Math.floor(rand() * 12);
        for (let j = 0; j < n; j++) {
          lines.push(Array.from({ length: 1 + Math.floor(rand() * 5) }, token).join(pick([",", ",", ";"])));
        }
        bytes = Buffer.from(lines.join(pick(["\n", "\r\n"])));
      } else if (kind === 3) {
        ext = ".ndjson";
        const lines = Array.from({ length: 1 + Math.floor(rand() * 10) }, () => {
          const l = JSON.stringify({
            customer_id: token(),
            date: pick(["2024-01-02", token()]),
            amount: pick([1, -2, token()]),
          });
          return rand() < 0.2 ? l.slice(0, Math.floor(rand() * l.length)) : l;
        });
        bytes = Buffer.from(lines.join("\n"));
      } else {
        const lines = Array.from({ length: Math.floor(rand() * 10) }, () =>
          [
            pick(["00001", " 00002", token()]),
            pick(["19970101", token()]),
            pick(["1", token()]),
            pick(["9.99", token()]),
          ].join(pick([" ", "  ", "\t"])),
        );
        bytes = Buffer.from(lines.join(pick(["\n", "\r\n", "\r"])));
        options = { columns: ["customer_id", "date", "cds", "amount"], delimiter: "whitespace" };
      }
      const f = join(tmp, `fuzz-${i}${ext}`);
      writeFileSync(f, bytes);
      try {
        const { report } = await ingestTransactions(db.conn, f, {
          ...options,
          quarantineFile: join(tmp, `fuzz-q-${i}.csv`),
        });
        assertAddsUp(report);
        assert.equal(await scalar("select count(*) from purchases"), report.rowsUsed);
        reports++;
      } catch (e) {
        if (!(e instanceof LoyalError)) assert.fail(`file ${f} threw ${String(e)}`);
        if (process.env.LOYAL_FUZZ_DEBUG) console.log(f, e.code, e.message);
        errors++;
      }
    }
    assert.equal(reports + errors, 100);
    assert.ok(reports > 20, `only ${reports} reports`);

    // currency conversion: random currencies (some without a rate, some blank) with a rate table
    let converted = 0;
    for (let i = 0; i < 30; i++) {
      const lines = ["customer_id,date,amount,currency"];
      for (let j = 0; j < 1 + Math.floor(rand() * 12); j++) {
        const cur = pick(["EUR", "usd", "", " EUR", "GBP", token()]);
        lines.push(
          [pick(["c1", "c2", token()]), pick(["2024-01-02", token()]), pick(["5", "-2", token()]), cur].join(","),
        );
      }
      const f = join(tmp, `fuzz-cur-${i}.csv`);
      writeFileSync(f, lines.join("\n"));
      try {
        const { report } = await ingestTransactions(db.conn, f, { currencyRates: { EUR: 1, USD: 0.5 } });
        assertAddsUp(report);
        assert.equal(await scalar("select count(*) from purchases"), report.rowsUsed);
        converted++;
      } catch (e) {
        if (!(e instanceof LoyalError)) assert.fail(`file ${f} threw ${String(e)}`);
        assert.ok(["E_CURRENCY", "E_INPUT"].includes(e.code), `${f}: ${e.code} ${e.message}`);
      }
    }
    assert.ok(converted > 3, `only ${converted} conversions`);
  });
});
