import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { summarizeDistribution } from "../../src/insights/cohorts.ts";
import { groupPurchases, median, monthIndex, monthLabel, quantileSorted } from "../../src/insights/purchases.ts";
import { lowerDropout } from "../../src/insights/whatif.ts";
import { assertAllClose } from "../helpers/tolerance.ts";

describe("groupPurchases: orders, refunds and unknown amounts", () => {
  test("same-day rows are one order (doc example)", () => {
    const h = groupPurchases({ customerId: ["a", "a"], day: Int32Array.of(1, 1), amount: Float64Array.of(2, 3) });
    assert.deepEqual(Array.from(h.orderAmount), [5]);
  });

  test("a refund day lowers revenue but is not an order; a refund-only customer is left out", () => {
    const h = groupPurchases({
      customerId: ["b", "a", "a", "a", "c", "b"],
      day: Int32Array.of(5, 1, 3, 3, 2, 9),
      amount: Float64Array.of(10, 20, 5, -8, -4, Number.NaN),
    });
    assert.deepEqual(h.ids, ["a", "b"]);
    assert.deepEqual(Array.from(h.orderDay), [1, 5, 9]); // a's day 3 nets to -3: a refund day
    assert.deepEqual(Array.from(h.revenue), [17, 10]);
    assert.ok(Number.isNaN(h.orderAmount[2])); // b's day 9 has no known amount but is an order
    assert.deepEqual(Array.from(h.start), [0, 1, 3]);
  });

  test("endDay cuts later rows", () => {
    const h = groupPurchases(
      { customerId: ["a", "a", "b"], day: Int32Array.of(1, 4, 6), amount: Float64Array.of(1, 2, 3) },
      4,
    );
    assert.deepEqual(h.ids, ["a"]);
    assert.deepEqual(Array.from(h.orderDay), [1, 4]);
  });

  test("columns of different lengths are refused", () => {
    assert.throws(
      () => groupPurchases({ customerId: ["a"], day: Int32Array.of(1, 2), amount: Float64Array.of(1) }),
      /differ in length/,
    );
  });
});

describe("small helpers (doc examples)", () => {
  test("quantileSorted is type 7 (linear interpolation)", () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantileSorted([1, 2, 3, 4], 0), 1);
    assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
    assert.equal(median([3, 1, 2]), 2);
  });
  test("month index and label", () => {
    assert.equal(monthIndex(0), 0);
    assert.equal(monthLabel(monthIndex(Date.UTC(1997, 2, 31) / 86_400_000)), "1997-03");
    assert.equal(monthLabel(-1), "1969-12");
  });
  test("summarizeDistribution", () => {
    const s = summarizeDistribution([1, 2, 3]);
    assert.deepEqual([s.count, s.mean, s.median, s.min, s.max], [3, 2, 2, 1, 3]);
    assert.equal(summarizeDistribution([]).median, null);
  });
  test("lowerDropout doc example", () => {
    const q = lowerDropout("bg-nbd", { r: 1, alpha: 1, a: 0.8, b: 2.4 }, 0.5);
    assertAllClose([q.r, q.alpha, q.a, q.b], [1, 1, 0.4, 2.8], { rel: 1e-15 });
  });
});
