import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { CustomerSummary } from "../../src/data/summary.ts";
import { dataSufficiency, fitMetrics, validateHoldout, validateModel } from "../../src/insights/validate.ts";
import { bgNbdExpectedPurchasesNewCustomer, fitBgNbd } from "../../src/models/bg-nbd.ts";
import { clearWarnings, warnings } from "../../src/warnings.ts";
import { summarizePurchases } from "../fixtures/insights/duckdb-summary.ts";
import { cdnowPurchases, cdnowRoundedSummary, cdnowRows } from "../fixtures/insights/load.ts";
import { smallSummary } from "../fixtures/insights/models.ts";
import { assertClose } from "../helpers/tolerance.ts";

describe("validation on the CDNOW sample: calibration to 1997-09-30, holdout to 1998-06-30, weeks", () => {
  const purchases = cdnowPurchases();
  let summary: CustomerSummary;
  let report: ReturnType<typeof validateHoldout>;
  // Independent counts from the raw file with plain loops: distinct purchase dates per customer.
  const cal = new Map<string, Set<string>>();
  const hold = new Map<string, Set<string>>();
  for (const [id, date] of cdnowRows()) {
    const m = date <= "19970930" ? cal : date <= "19980630" ? hold : undefined;
    if (!m) continue;
    if (!m.has(id)) m.set(id, new Set());
    m.get(id)!.add(date);
  }
  const actualHoldout = [...hold.values()].reduce((s, d) => s + d.size, 0);

  before(async () => {
    summary = await summarizePurchases(purchases, { end: "1997-09-30", holdoutEnd: "1998-06-30", unit: "week" });
    report = validateHoldout({ summary, purchases });
  });

  test("actual holdout repeat purchases of the 2,357 customers equal the raw file's count", () => {
    assert.equal(report.meta.customers, 2357);
    assert.equal(report.actualTotal, actualHoldout);
    assert.equal(actualHoldout, 1882);
  });

  test("BG/NBD expected holdout purchases ≈ 1,653", () => {
    assertClose(report.expectedTotal, 1653.4, { abs: 0.5 }, "MLE on the exact-time summary");
    // At the rounded-summary MLE (datasets/cdnow_customers_summary_with_transactions.csv), scored on the same customers.
    const rounded = { ...fitBgNbd(cdnowRoundedSummary()), unit: "week" as const };
    const v = validateModel({ summary }, rounded);
    assertClose(v.expectedTotal, 1653, { abs: 1 }, "MLE on the rounded summary");
    assert.equal(v.tracking, null);
  });

  test("per-frequency table: actual counts by calibration frequency 0..6, 7+ from the raw file", () => {
    const bins = report.models[0].byFrequency;
    assert.deepEqual(
      bins.map((b) => b.frequency),
      ["0", "1", "2", "3", "4", "5", "6", "7+"],
    );
    for (const b of bins) {
      const k = b.frequency === "7+" ? 7 : Number(b.frequency);
      const ids = [...cal.keys()].filter((id) => Math.min(7, cal.get(id)!.size - 1) === k);
      assert.equal(b.customers, ids.length, `customers x=${b.frequency}`);
      assert.equal(
        b.actualTotal,
        ids.reduce((s, id) => s + (hold.get(id)?.size ?? 0), 0),
        `holdout x=${b.frequency}`,
      );
    }
    assertClose(
      bins.reduce((s, b) => s + b.expectedTotal, 0),
      report.expectedTotal,
      { rel: 1e-12 },
    );
    assert.deepEqual(
      bins.map((b) => b.customers),
      [1411, 439, 214, 100, 62, 38, 29, 64],
    );
  });

  test("tracking series: weekly actual repeat purchases and the new-customer expectation summed over first-purchase days", () => {
    const t = report.models[0].tracking!;
    assert.equal(t.length, 78);
    assert.equal(t[0].start, "1997-01-01");
    assert.equal(t.at(-1)!.end, "1998-06-30");
    const calRepeat = [...cal.values()].reduce((s, d) => s + d.size - 1, 0);
    const lastCal = t.filter((p) => !p.holdout).at(-1)!;
    assert.equal(lastCal.end, "1997-09-30");
    assert.equal(lastCal.actualCumulative, calRepeat);
    assert.equal(t.at(-1)!.actualCumulative, calRepeat + actualHoldout);
    // at the calibration end the expected cumulative is Σ_i E_new(T_i)
    const p = report.fitted[0].params as { r: number; alpha: number; a: number; b: number };
    let e = 0;
    for (const T of summary.T) e += bgNbdExpectedPurchasesNewCustomer(p, T);
    assertClose(lastCal.expectedCumulative, e, { rel: 1e-12 });
    assertClose(
      t.reduce((s, x) => s + x.expected, 0),
      t.at(-1)!.expectedCumulative,
      { rel: 1e-12 },
    );
  });

  test("spend comparison and per-customer metrics are present and sane", () => {
    const m = report.models[0];
    assert.ok(m.perCustomer.correlation! > 0.5);
    assert.ok(m.perCustomer.rmse >= m.perCustomer.mae);
    let spend = 0;
    for (const [, date, , dollars] of cdnowRows()) if (date > "19970930" && date <= "19980630") spend += dollars;
    assertClose(m.spend!.actualTotal, spend, { rel: 1e-9 });
    assert.ok(m.spend!.expectedTotal > 0);
    assert.equal(report.checks.ok, true);
  });
});

describe("validation helpers", () => {
  test("fitMetrics (doc example)", () => {
    const f = fitMetrics([1, 2, 3], [1, 2, 4]);
    assertClose(f.mae, 1 / 3, { rel: 1e-15 });
    assertClose(f.rmse, Math.sqrt(1 / 3), { rel: 1e-15 });
    assertClose(f.correlation!, 3 / Math.sqrt(2 * (14 / 3)), { rel: 1e-12 });
  });

  test("data sufficiency warns with too little history and too few repeat buyers", () => {
    clearWarnings();
    const c = dataSufficiency(smallSummary());
    assert.equal(c.ok, false);
    assert.equal(c.repeatBuyers, 3);
    assert.equal(c.calibrationDays, 147);
    assert.equal(c.warnings.length, 2);
    assert.deepEqual(
      warnings().map((w) => w.code),
      ["W_DATA_SUFFICIENCY", "W_DATA_SUFFICIENCY"],
    );
    assert.match(warnings()[0].message, /too little history/);
    assert.match(warnings()[1].message, /too few repeat buyers/);
    clearWarnings();
  });

  test("a summary without holdout columns is refused", () => {
    assert.throws(() => validateHoldout({ summary: smallSummary() }), /holdout/);
  });
});
