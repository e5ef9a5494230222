import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cohortReport } from "../../src/insights/cohorts.ts";
import { cdnowPurchases, cdnowRows, day, smallPurchases } from "../fixtures/insights/load.ts";
import { assertAllClose, assertClose } from "../helpers/tolerance.ts";

describe("cohortReport on the hand-made fixture (hand counts)", () => {
  const { purchases, endDay } = smallPurchases();
  const r = cohortReport(purchases, { endDay, repeatWindowDays: 30 });

  test("cohorts, retention triangle and revenue", () => {
    assert.deepEqual(
      r.cohorts.map((c) => c.cohort),
      ["2024-01", "2024-02", "2024-03", "2024-05"],
    );
    assert.deepEqual(
      r.cohorts.map((c) => c.customers),
      [2, 1, 1, 1],
    );
    assert.deepEqual(r.cohorts[0].active, [2, 0, 1, 0, 0]);
    assert.deepEqual(r.cohorts[0].retention, [1, 0, 0.5, 0, 0]);
    assert.deepEqual(r.cohorts[1].active, [1, 0, 1, 0]);
    assert.deepEqual(r.cohorts[2].active, [1, 0, 1]);
    assert.deepEqual(r.cohorts[3].active, [1]);
    assert.deepEqual(r.cohorts[0].revenue, [180, 0, 30, 0, 0]); // a's refund of 10 lands in March
    assert.deepEqual(r.cohorts[0].cumulativeRevenuePerCustomer, [90, 90, 105, 105, 105]);
    assert.deepEqual(r.cohorts[1].revenue, [25, 0, 35, 0]);
    assert.deepEqual(r.cohorts[2].cumulativeRevenuePerCustomer, [100, 100, 120]);
  });

  test("repeat purchase rates overall, per cohort and within 30 days", () => {
    assert.equal(r.overall.customers, 5);
    assert.equal(r.overall.orders, 10);
    assert.equal(r.overall.revenue, 405);
    assert.equal(r.overall.repeatRate, 0.6);
    assert.equal(r.overall.eligibleForWindow, 4);
    assert.equal(r.overall.repeatRateWithinWindow, 0.5);
    assert.deepEqual(
      r.cohorts.map((c) => c.repeatRate),
      [0.5, 1, 1, 0],
    );
    assert.deepEqual(
      r.cohorts.map((c) => c.repeatRateWithinWindow),
      [0.5, 0, 1, null],
    );
  });

  test("time to second purchase, orders distribution, repeat vs one-time", () => {
    const t = r.timeToSecondPurchase;
    assert.deepEqual([t.count, t.mean, t.min, t.median, t.max], [3, 30, 15, 15, 60]);
    assertClose(t.p75!, 37.5, { abs: 1e-12 });
    assertClose(t.p90!, 51, { abs: 1e-12 });
    assert.deepEqual(r.ordersDistribution, [
      { orders: 1, customers: 2, share: 0.4 },
      { orders: 2, customers: 1, share: 0.2 },
      { orders: 3, customers: 2, share: 0.4 },
    ]);
    const { oneTime, repeat } = r.repeatVsOneTime;
    assert.deepEqual(
      [oneTime.customers, oneTime.orders, oneTime.ordersPerCustomer, oneTime.revenue, oneTime.aov],
      [2, 2, 1, 115, 57.5],
    );
    assert.deepEqual([repeat.customers, repeat.orders, repeat.revenue, repeat.aov], [3, 8, 290, 36.25]);
    assertAllClose(
      [oneTime.revenueShare!, repeat.revenueShare!, repeat.ordersPerCustomer!],
      [115 / 405, 290 / 405, 8 / 3],
      { rel: 1e-15 },
    );
  });
});

describe("cohortReport on the CDNOW sample matches independent counts from the raw file", () => {
  const end = day("1998-06-30");
  const r = cohortReport(cdnowPurchases(), { endDay: end, repeatWindowDays: 90 });
  // Independent count: plain loops over the raw rows.
  const rows = cdnowRows();
  const days = new Map<string, Set<string>>();
  let revenue = 0;
  for (const [id, date, , dollars] of rows) {
    if (!days.has(id)) days.set(id, new Set());
    days.get(id)!.add(date);
    revenue += dollars;
  }
  const perCustomer = [...days.values()].map((s) => [...s].sort());

  test("2,357 customers in three cohorts (Jan, Feb, Mar 1997)", () => {
    assert.equal(r.overall.customers, 2357);
    assert.deepEqual(
      r.cohorts.map((c) => c.cohort),
      ["1997-01", "1997-02", "1997-03"],
    );
    for (const c of r.cohorts) {
      const want = perCustomer.filter((d) => d[0].slice(0, 6) === c.cohort.replace("-", "")).length;
      assert.equal(c.customers, want, c.cohort);
      assert.equal(c.active.length, 18 - r.cohorts.indexOf(c));
    }
  });

  test("orders, revenue, repeat rate and the orders distribution", () => {
    const orders = perCustomer.reduce((s, d) => s + d.length, 0);
    assert.equal(r.overall.orders, orders);
    assertClose(r.overall.revenue, revenue, { rel: 1e-12 });
    const repeaters = perCustomer.filter((d) => d.length >= 2).length;
    assert.equal(r.overall.repeatRate, repeaters / 2357);
    for (const row of r.ordersDistribution)
      assert.equal(row.customers, perCustomer.filter((d) => d.length === row.orders).length, `orders=${row.orders}`);
  });

  test("retention triangle of the January cohort, month by month", () => {
    const jan = perCustomer.filter((d) => d[0].startsWith("199701"));
    const want: number[] = [];
    for (let k = 0; k < 18; k++) {
      const y = 1997 + Math.floor(k / 12);
      const ym = `${y}${String((k % 12) + 1).padStart(2, "0")}`;
      want.push(jan.filter((d) => d.some((x) => x.startsWith(ym))).length);
    }
    assert.deepEqual(r.cohorts[0].active, want);
  });

  test("median time to second purchase", () => {
    const toDay = (s: string) => day(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`);
    const gaps = perCustomer.filter((d) => d.length >= 2).map((d) => toDay(d[1]) - toDay(d[0]));
    gaps.sort((a, b) => a - b);
    assert.equal(r.timeToSecondPurchase.count, gaps.length);
    const m = gaps.length % 2 ? gaps[(gaps.length - 1) / 2] : (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]) / 2;
    assert.equal(r.timeToSecondPurchase.median, m);
  });
});
