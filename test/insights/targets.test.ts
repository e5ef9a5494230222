import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { modelSegments } from "../../src/insights/model-segments.ts";
import { type CustomerProfile, customerProfiles, type ProfileResult } from "../../src/insights/profile.ts";
import { retentionTargets, valueAtRisk } from "../../src/insights/targets.ts";
import { createRng } from "../../src/math/random.ts";
import { smallPurchases } from "../fixtures/insights/load.ts";
import { BG, fakeModel, GG, handPAlive, smallSummary } from "../fixtures/insights/models.ts";
import { assertClose } from "../helpers/tolerance.ts";

const { purchases } = smallPurchases();
const summary = smallSummary();
const profile = customerProfiles({
  purchases,
  summary,
  model: fakeModel("bg-nbd", BG, "week"),
  spendModel: fakeModel("gamma-gamma", GG),
});

describe("modelSegments on the hand-made fixture", () => {
  test("default thresholds: window = 0.8 quantile of gaps [15, 15, 60] = 42 days; a overdue, b second purchase due", () => {
    const s = modelSegments(profile, purchases);
    assert.equal(s.meta.thresholds.secondPurchaseWindowDays, 42);
    assert.equal(s.meta.thresholds.valuableMinHistoricClv, 120);
    assert.deepEqual(
      s.customers.map((c) => c.segment),
      ["overdue", "second_purchase_due", "active", "active", "active"],
    );
    assert.deepEqual(s.segments.find((x) => x.segment === "overdue")!.ids, ["a"]);
    assert.equal(
      s.segments.reduce((t, x) => t + x.customers, 0),
      5,
    );
    assert.match(s.meta.definitions.lost, /0\.2/);
  });

  test("stated thresholds move customers: a becomes can't-lose, then lost", () => {
    // a: P(alive) 0.519 (hand: FHL eq. 11), down from 0.812 at the last order; historic value 110 = 2nd of 5
    const pa = handPAlive(2, summary.recency[0], summary.T[0]);
    assert.ok(pa > 0.5 && pa < 0.55);
    const s1 = modelSegments(profile, purchases, { cantLoseBelow: 0.6, valuableTopShare: 0.4 });
    assert.equal(s1.meta.thresholds.valuableMinHistoricClv, 110);
    assert.equal(s1.customers[0].segment, "cant_lose");
    assert.equal(s1.customers[3].segment, "active"); // d: valuable but P(alive) 0.79 >= 0.6
    const s2 = modelSegments(profile, purchases, { cantLoseBelow: 0.6, valuableTopShare: 0.4, lostBelow: 0.55 });
    assert.equal(s2.customers[0].segment, "lost");
    const s3 = modelSegments(profile, purchases, { newCustomerDays: 100 });
    assert.equal(s3.customers[1].segment, "active"); // b's first order is 137 days old: not new any more
  });
});

describe("retentionTargets on the hand-made fixture", () => {
  const seg = modelSegments(profile, purchases);
  const t = retentionTargets(profile, seg);
  const by = Object.fromEntries(profile.customers.map((c) => [c.customerId, c]));

  test("ranked by predicted CLV × churn risk; P(alive) = 1 customers (b, e) carry no value at risk", () => {
    assert.deepEqual(
      t.targets.map((x) => x.customerId),
      ["a", "d", "c"],
    );
    for (const x of t.targets)
      assertClose(x.valueAtRisk, by[x.customerId].predictedClv! * (1 - by[x.customerId].pAlive), { rel: 1e-15 });
    assert.equal(t.meta.candidates, 3);
    assertClose(valueAtRisk(283, 0.31), 195.27, { rel: 1e-12 });
  });

  test("reason code, plain-language reason, action and contact window", () => {
    const a = t.targets[0];
    assert.equal(a.reasonCode, "OVERDUE");
    assert.equal(
      a.reason,
      "P(alive) 0.52, down from 0.81 at the last purchase; expected CLV $59 over 365 days; last order 82 days ago, usually every 33 days; 3 orders worth $110 so far",
    );
    assert.match(a.action, /Reminder/);
    // next order 2024-05-28 is before asOf: the window opens at asOf
    assert.deepEqual([a.contactFrom, a.contactTo], ["2024-05-31", "2024-06-14"]);
    const d = t.targets[1];
    assert.equal(d.expectedNextOrderDate, "2024-07-17");
    assert.deepEqual([d.contactFrom, d.contactTo], ["2024-07-10", "2024-07-24"]);
  });

  test("budget options --top and --min-value", () => {
    assert.deepEqual(
      retentionTargets(profile, seg, { top: 1 }).targets.map((x) => x.customerId),
      ["a"],
    );
    const m = retentionTargets(profile, seg, { minValue: 20 });
    assert.deepEqual(
      m.targets.map((x) => x.customerId),
      ["a", "d"],
    );
    assertClose(m.meta.totalValueAtRisk, m.targets[0].valueAtRisk + m.targets[1].valueAtRisk, { rel: 1e-15 });
  });

  test("needs predicted CLV", () => {
    const noSpend = customerProfiles({ purchases, summary, model: fakeModel("bg-nbd", BG, "week") });
    assert.throws(() => retentionTargets(noSpend, modelSegments(noSpend, purchases)), /spend model/);
  });
});

describe("retentionTargets ordering property (seeded random bases)", () => {
  function randomProfile(seed: number, n: number): ProfileResult {
    const rng = createRng(seed);
    // Few distinct values, so equal P(alive) and equal CLV pairs are common.
    const alive = [0.05, 0.2, 0.31, 0.5, 0.77, 0.9, 0.99];
    const clv = [1, 12.5, 40, 283, 1000, 5000];
    const customers = Array.from({ length: n }, (_, i) => {
      const pAlive = alive[rng.int(alive.length)];
      return {
        ...profile.customers[0],
        customerId: `c${String(rng.int(1e6)).padStart(6, "0")}-${i}`,
        pAlive,
        churnRisk: 1 - pAlive,
        predictedClv: clv[rng.int(clv.length)],
      } as CustomerProfile;
    });
    return { meta: profile.meta, customers };
  }

  for (const seed of [1, 2, 3, 42, 2024]) {
    test(`seed ${seed}: higher CLV at equal P(alive) ranks higher; lower P(alive) at equal CLV ranks higher`, () => {
      const p = randomProfile(seed, 300);
      const segs = modelSegments(p, purchases);
      const t = retentionTargets(p, segs);
      assert.equal(t.targets.length, 300);
      const rank = new Map(t.targets.map((x) => [x.customerId, x.rank]));
      let pairs = 0;
      for (const u of p.customers)
        for (const v of p.customers) {
          if (u.pAlive === v.pAlive && u.predictedClv! > v.predictedClv!) {
            assert.ok(rank.get(u.customerId)! < rank.get(v.customerId)!, `${u.customerId} vs ${v.customerId}`);
            pairs++;
          }
          if (u.predictedClv === v.predictedClv && u.pAlive < v.pAlive) {
            assert.ok(rank.get(u.customerId)! < rank.get(v.customerId)!, `${u.customerId} vs ${v.customerId}`);
            pairs++;
          }
        }
      assert.ok(pairs > 1000);
      // ranks are 1..n, value at risk non-increasing
      for (let i = 1; i < t.targets.length; i++) assert.ok(t.targets[i].valueAtRisk <= t.targets[i - 1].valueAtRisk);
    });
  }
});
