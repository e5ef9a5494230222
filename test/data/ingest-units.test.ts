import assert from "node:assert/strict";
import { test } from "node:test";
import { mapColumns, normalizeName } from "../../src/data/ingest/column-map.ts";
import { sampleDateFormat } from "../../src/data/ingest/parse-date.ts";
import { detectDelimiter, detectHeader, splitQuoted } from "../../src/data/ingest/read-source.ts";
import { isLoyalError } from "../../src/errors.ts";

test("TSDoc examples: normalizeName, mapColumns, detectDelimiter, sampleDateFormat", () => {
  assert.equal(normalizeName(" Customer-ID "), "customerid");
  assert.equal(mapColumns(["CustomerID", "InvoiceDate", "Revenue"], {}, "a.csv").amount, "Revenue");
  assert.equal(detectDelimiter(["1 2  3", "4  5 6"]), "whitespace");
  assert.equal(sampleDateFormat(["19970101", "19970102"]), "%Y%m%d");
  assert.equal(sampleDateFormat(["19970101", "1997-01-02"]), undefined);
});

test("mapColumns: aliases in priority order, given names win, detected lists only recognised roles", () => {
  const m = mapColumns(
    ["Invoice", "StockCode", "InvoiceDate", "Price", "Customer ID", "Country"],
    { amount: "price" },
    "x",
  );
  assert.deepEqual(m, {
    customer: "Customer ID",
    date: "InvoiceDate",
    amount: "Price",
    order: "Invoice",
    detected: ["customer", "date", "order"],
  });
  assert.throws(
    () => mapColumns(["a", "b"], {}, "f.csv"),
    (e) => isLoyalError(e, "E_USAGE") && /f\.csv: no customer column found.*"a", "b"/.test(e.message),
  );
});

test("sniffing helpers: quoted splitting, delimiter preference, header guess", () => {
  assert.deepEqual(splitQuoted('"a,b", "c""d",e', ","), ["a,b", 'c"d', "e"]);
  assert.equal(detectDelimiter(["a;b;c", "1;2;3"]), ";");
  assert.equal(detectDelimiter(["a\tb c", "1\t2 3"]), "\t");
  assert.equal(detectHeader(["id", "when", "what"], ["1", "2024-01-01", "3.5"]), true);
  assert.equal(detectHeader(["x1", "2024-01-01", "3.5"], ["x2", "2024-01-02", "1"]), false);
  assert.equal(detectHeader(["k", "d"], ["k2", "d2"], ["k", "d"]), true);
});
