import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { quintileScores, rfmSegmentation } from "../../src/insights/rfm.ts";
import { RF_GRID, RF_SEGMENTS, RFM_SEGMENTS, RFM_TABLE } from "../../src/insights/rfm-tables.ts";
import { cdnowPurchases, day, smallPurchases } from "../fixtures/insights/load.ts";

describe("RFM lookup tables", () => {
  test("all 25 RF cells are assigned, to the 10 grid segments, none of them empty", () => {
    const used = new Set<string>();
    for (let r = 1; r <= 5; r++)
      for (let f = 1; f <= 5; f++) {
        const s = RF_GRID[`${r}${f}`];
        assert.ok(s in RF_SEGMENTS, `cell ${r}${f} -> ${s}`);
        used.add(s);
      }
    assert.equal(Object.keys(RF_GRID).length, 25);
    assert.deepEqual([...used].sort(), Object.keys(RF_SEGMENTS).sort());
    assert.equal(used.size, 10);
  });

  test("all 125 RFM cells are assigned, to the 11 table segments, none of them empty", () => {
    const used = new Map<string, number>();
    for (let r = 1; r <= 5; r++)
      for (let f = 1; f <= 5; f++)
        for (let m = 1; m <= 5; m++) {
          const s = RFM_TABLE[`${r}${f}${m}`];
          assert.ok(s in RFM_SEGMENTS, `cell ${r}${f}${m} -> ${s}`);
          used.set(s, (used.get(s) ?? 0) + 1);
        }
    assert.equal(Object.keys(RFM_TABLE).length, 125);
    assert.deepEqual([...used.keys()].sort(), Object.keys(RFM_SEGMENTS).sort());
    assert.deepEqual(
      Object.keys(RFM_SEGMENTS).map((s) => RFM_SEGMENTS[s as keyof typeof RFM_SEGMENTS].name),
      [
        "Champions",
        "Loyal Customers",
        "Potential Loyalist",
        "Recent Customers",
        "Promising",
        "Customers Needing Attention",
        "About To Sleep",
        "At Risk",
        "Can't Lose Them",
        "Hibernating",
        "Lost",
      ],
    );
    // cell counts of the published table
    assert.deepEqual(Object.fromEntries(used), {
      champions: 7,
      loyal: 8,
      potential_loyalist: 24,
      recent: 7,
      promising: 16,
      needing_attention: 8,
      about_to_sleep: 8,
      at_risk: 22,
      cant_lose: 8,
      hibernating: 11,
      lost: 6,
    });
    assert.equal(RFM_TABLE["555"], "champions");
    assert.equal(RFM_TABLE["111"], "lost");
    assert.equal(RFM_TABLE["155"], "cant_lose");
  });

  test("standard grid corners", () => {
    assert.equal(RF_GRID["55"], "champions");
    assert.equal(RF_GRID["51"], "new_customers");
    assert.equal(RF_GRID["15"], "cant_lose");
    assert.equal(RF_GRID["11"], "hibernating");
    assert.equal(RF_GRID["33"], "need_attention");
  });
});

describe("rfmSegmentation on the hand-made fixture", () => {
  const { purchases, endDay } = smallPurchases();
  const r = rfmSegmentation(purchases, {
    endDay,
    predictedClv: new Map([
      ["d", 50],
      ["a", 10],
    ]),
  });
  const by = Object.fromEntries(r.customers.map((c) => [c.customerId, c]));

  test("quintile scores with ties broken by customer id", () => {
    // recency days a 82, b 137, c 60, d 6, e 21; orders 3,1,2,3,1 (b before e on the tie); revenue 110,100,60,120,15
    assert.deepEqual(
      ["a", "b", "c", "d", "e"].map((k) => `${by[k].r}${by[k].f}${by[k].m}`),
      ["244", "113", "332", "555", "421"],
    );
    assert.deepEqual(quintileScores([3, 1, 2, 5, 4], ["a", "b", "c", "d", "e"]), [3, 1, 2, 5, 4]);
    assert.deepEqual(quintileScores([1, 1, 1, 1, 1], ["e", "d", "c", "b", "a"]), [5, 4, 3, 2, 1]);
  });

  test("segments from the explicit tables", () => {
    assert.deepEqual(
      ["a", "b", "c", "d", "e"].map((k) => by[k].rfSegment),
      ["at_risk", "hibernating", "need_attention", "champions", "potential_loyalists"],
    );
    assert.deepEqual(
      ["a", "b", "c", "d", "e"].map((k) => by[k].rfmSegment),
      ["at_risk", "cant_lose", "hibernating", "champions", "recent"],
    );
    assert.equal(r.gridCells.length, 25);
    assert.equal(r.gridCells.find((c) => c.rf === "55")!.customers, 1);
  });

  test("per-segment table", () => {
    const champ = r.gridSegments.find((s) => s.segment === "champions")!;
    assert.deepEqual(
      [champ.customers, champ.share, champ.revenue, champ.revenueShare, champ.orders, champ.aov, champ.predictedClv],
      [1, 0.2, 120, 120 / 405, 3, 40, 50],
    );
    assert.deepEqual([champ.meanRecencyDays, champ.medianFrequency, champ.medianMonetary], [6, 3, 120]);
    assert.equal(r.gridSegments.length, 10);
    assert.equal(r.tableSegments!.length, 11);
    assert.equal(
      r.gridSegments.reduce((s, g) => s + g.customers, 0),
      5,
    );
    const lost = r.tableSegments!.find((s) => s.segment === "lost")!;
    assert.deepEqual(
      [lost.customers, lost.meanRecencyDays, lost.predictedClv, lost.meanPredictedClv],
      [0, null, 0, null],
    );
    assert.match(champ.action, /\w/);
  });

  test("a user mapping overrides cells (cell -> segment and segment -> cells forms)", () => {
    const o = rfmSegmentation(purchases, {
      endDay,
      mapping: { rf: { lost: ["11", "12"], "24": "watch" }, rfm: { "555": "vip" }, actions: { watch: "Call them." } },
    });
    const b2 = Object.fromEntries(o.customers.map((c) => [c.customerId, c]));
    assert.equal(b2.b.rfSegment, "lost");
    assert.equal(b2.a.rfSegment, "watch");
    assert.equal(b2.d.rfmSegment, "vip");
    assert.equal(o.gridSegments.find((s) => s.segment === "watch")!.action, "Call them.");
    assert.ok(o.meta.mappingOverridden);
    assert.throws(() => rfmSegmentation(purchases, { mapping: { rf: { "61": "x" } } }), /not a cell/);
  });
});

describe("rfmSegmentation on the CDNOW sample", () => {
  test("quintiles hold n/5 customers each and the segment tables add up", () => {
    const r = rfmSegmentation(cdnowPurchases(), { endDay: day("1998-06-30") });
    assert.equal(r.customers.length, 2357);
    for (const key of ["r", "f", "m"] as const) {
      const counts = [0, 0, 0, 0, 0];
      for (const c of r.customers) counts[(c[key] as number) - 1]++;
      for (const k of counts) assert.ok(k === 471 || k === 472, `${key}: ${counts}`);
    }
    assert.equal(
      r.gridSegments.reduce((s, g) => s + g.customers, 0),
      2357,
    );
    assert.equal(
      r.tableSegments!.reduce((s, g) => s + g.customers, 0),
      2357,
    );
    const share = r.tableSegments!.reduce((s, g) => s + (g.revenueShare ?? 0), 0);
    assert.ok(Math.abs(share - 1) < 1e-12);
  });
});
