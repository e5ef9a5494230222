import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { churnTier, customerProfiles, percentileRanks } from "../../src/insights/profile.ts";
import { smallPurchases } from "../fixtures/insights/load.ts";
import { BG, fakeModel, GG, handExpected, handPAlive, handSpend, smallSummary } from "../fixtures/insights/models.ts";
import { assertClose } from "../helpers/tolerance.ts";

const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

describe("customerProfiles on the hand-made fixture (every field against a hand-computed value)", () => {
  const { purchases, endDay } = smallPurchases();
  const summary = smallSummary();
  const r = customerProfiles({
    purchases,
    summary,
    model: fakeModel("bg-nbd", BG, "week"),
    spendModel: fakeModel("gamma-gamma", GG),
  });
  const by = Object.fromEntries(r.customers.map((c) => [c.customerId, c]));
  const H = 365 / 7;

  test("meta states the as-of date, horizon, cut-offs and every field's definition", () => {
    assert.equal(r.meta.asOf, "2024-05-31");
    assert.equal(r.meta.horizonDays, 365);
    assert.deepEqual(r.meta.churnCutoffs, [0.3, 0.6]);
    for (const k of Object.keys(by.a).filter((k) => k !== "customerId")) assert.ok(k in r.meta.fields, k);
  });

  test("historic fields: orders, net revenue (refund subtracted), AOV, rhythm, recency, dates", () => {
    assert.deepEqual(
      r.customers.map((c) => c.historicOrders),
      [3, 1, 2, 3, 1],
    );
    assert.deepEqual(
      r.customers.map((c) => c.historicClv),
      [110, 100, 60, 120, 15],
    );
    assert.deepEqual(
      r.customers.map((c) => c.aov),
      [110 / 3, 100, 30, 40, 15],
    );
    assert.deepEqual(
      r.customers.map((c) => c.avgDaysBetweenOrders),
      [32.5, null, 60, 40.5, null],
    );
    assert.deepEqual(
      r.customers.map((c) => c.daysSinceLastOrder),
      [82, 137, 60, 6, 21],
    );
    assert.equal(by.a.firstOrderDate, "2024-01-05");
    assert.equal(by.a.lastOrderDate, "2024-03-10"); // the refund day 2024-03-12 is not an order
    assert.equal(by.c.lastOrderDate, "2024-04-01");
    assert.equal(endDay - by.d.daysSinceLastOrder, Date.UTC(2024, 4, 25) / 86_400_000);
  });

  test("model fields: P(alive), churn risk and tier, predicted orders, spend, CLV, next order", () => {
    summary.ids.forEach((id, i) => {
      const x = summary.frequency[i];
      const tx = summary.recency[i];
      const T = summary.T[i];
      const c = by[id];
      const pa = handPAlive(x, tx, T);
      assertClose(c.pAlive, pa, { rel: 1e-12 }, `pAlive ${id}`);
      assertClose(c.churnRisk, 1 - pa, { abs: 1e-12 }, `churnRisk ${id}`);
      assert.equal(c.churnRiskTier, 1 - pa < 0.3 ? "LOW" : 1 - pa < 0.6 ? "MEDIUM" : "HIGH");
      assertClose(
        c.pAliveAtLastOrder,
        x > 0 ? (BG.b + x - 1) / (BG.a + BG.b + x - 1) : 1,
        { rel: 1e-12 },
        `pAliveAtLast ${id}`,
      );
      const e = handExpected(H, x, tx, T);
      assertClose(c.predictedOrders, e, { rel: 1e-9 }, `predictedOrders ${id}`);
      const s = handSpend(x, summary.monetary![i]);
      assertClose(c.expectedOrderValue!, s, { rel: 1e-12 }, `eov ${id}`);
      assertClose(c.predictedClv!, e * s, { rel: 1e-9 }, `predictedClv ${id}`);
      assertClose(c.totalClv!, c.historicClv! + e * s, { rel: 1e-9 }, `totalClv ${id}`);
      // E[λ | alive] = (r + x)/(α + T) per week: next order = last + 7 (α + T)/(r + x) days, rounded.
      const last = Date.parse(`${c.lastOrderDate}T00:00:00Z`) / 86_400_000;
      assert.equal(c.expectedNextOrderDate, iso(last + Math.round((7 * (BG.alpha + T)) / (BG.r + x))), `next ${id}`);
    });
    assert.equal(by.b.pAlive, 1); // BG/NBD: no repeat purchase, no evidence of dropout
    assert.equal(by.b.churnRiskTier, "LOW");
  });

  test("percentile ranks and spend tier", () => {
    // historic value 15 (e) < 60 (c) < 100 (b) < 110 (a) < 120 (d)
    assert.deepEqual(
      ["e", "c", "b", "a", "d"].map((k) => by[k].historicClvPercentile),
      [1, 21, 41, 61, 81],
    );
    assert.deepEqual(
      ["e", "c", "b", "a", "d"].map((k) => by[k].spendTier),
      ["LOW", "LOW", "MEDIUM", "MEDIUM", "HIGH"],
    );
    // churn risk: b and e tie at 0 and share rank 1; the others by their risk
    assert.equal(by.b.churnRiskPercentile, 1);
    assert.equal(by.e.churnRiskPercentile, 1);
    const others = ["a", "c", "d"].sort((u, v) => by[u].churnRisk - by[v].churnRisk);
    assert.deepEqual(
      others.map((k) => by[k].churnRiskPercentile),
      [41, 61, 81],
    );
    const clvOrder = Object.keys(by).sort((u, v) => by[u].predictedClv! - by[v].predictedClv!);
    assert.deepEqual(
      clvOrder.map((k) => by[k].predictedClvPercentile),
      [1, 21, 41, 61, 81],
    );
  });

  test("without a spend model the value predictions are null", () => {
    const r2 = customerProfiles({ purchases, summary, model: fakeModel("bg-nbd", BG, "week") });
    assert.equal(r2.customers[0].predictedClv, null);
    assert.equal(r2.customers[0].predictedClvPercentile, null);
    assert.equal(r2.meta.spendModel, null);
  });
});

describe("profile helpers", () => {
  test("percentileRanks: ties share the rank of their first position (doc example)", () => {
    assert.deepEqual(percentileRanks([10, 20, 20, 30]), [1, 26, 26, 76]);
    assert.deepEqual(percentileRanks([30, 20, 10, 20]), [76, 26, 1, 26]);
  });
  test("churnTier cut-offs (doc example)", () => {
    assert.equal(churnTier(0.45, [0.3, 0.6]), "MEDIUM");
    assert.equal(churnTier(0.3, [0.3, 0.6]), "MEDIUM");
    assert.equal(churnTier(0.6, [0.3, 0.6]), "HIGH");
    assert.equal(churnTier(0.29, [0.3, 0.6]), "LOW");
  });
});
