import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scoreCustomers } from "../../src/insights/clv.ts";
import { fitSummary } from "../../src/models/fit-summary.ts";
import type { FittedModel } from "../../src/models/types.ts";
import { cdnowWithSpend, reference } from "../helpers/datasets.ts";
import { assertClose } from "../helpers/tolerance.ts";

const c12 = reference.clv_first_12_customers;
// The reference was computed at the unrounded optimum (the JSON prints parameters to 6 digits, which moves some
// values by ~2e-6), so the models are fitted here on the same data; the fits are checked against the printed
// parameters in test/models.
const bg = fitSummary("bg-nbd", cdnowWithSpend());
const gg = fitSummary("gamma-gamma", cdnowWithSpend());

describe("CLV", () => {
  const s = cdnowWithSpend();
  // The reference uses months of 4.345 weeks (30.415 days).
  const scores = scoreCustomers(bg, s, {
    horizon: 39,
    spendModel: gg,
    months: 12,
    discount: 0.01,
    daysPerMonth: 4.345 * 7,
  });

  it("12-month CLV of CDNOW customers 1..12 matches reference-values.json (1e-6 relative)", () => {
    c12.clv_12_months.forEach((v: number, i: number) =>
      assertClose(scores.clv![i], v, { rel: 1e-6 }, `customer ${c12.customer_id[i]}`),
    );
  });
  it("expected purchases (39 weeks), P(alive) and expected spend of customers 1..12 match (1e-6 relative, or 5e-7 absolute: the JSON prints 6 decimals)", () => {
    c12.expected_purchases_39w.forEach((v: number, i: number) =>
      assertClose(scores.expectedPurchases[i], v, { rel: 1e-6, abs: 5e-7 }, `E ${i + 1}`),
    );
    c12.p_alive.forEach((v: number, i: number) =>
      assertClose(scores.pAlive[i], v, { rel: 1e-6, abs: 5e-7 }, `P ${i + 1}`),
    );
    c12.expected_mean_spend.forEach((v: number, i: number) =>
      assertClose(scores.expectedSpend![i], v, { rel: 1e-6, abs: 5e-7 }, `M ${i + 1}`),
    );
  });
  it("does not depend on the time unit: a day model with a day summary gives the same CLV", () => {
    const days = { ...bg, unit: "day", params: { ...bg.params, alpha: bg.params.alpha * 7 } } as FittedModel;
    const sd = { ...s, unit: "day" as const, recency: s.recency.map((v) => v * 7), T: s.T.map((v) => v * 7) };
    const sc = scoreCustomers(days, sd, {
      horizon: 39 * 7,
      spendModel: gg,
      months: 12,
      discount: 0.01,
      daysPerMonth: 4.345 * 7,
    });
    for (let i = 0; i < 50; i++) assertClose(sc.clv![i], scores.clv![i], { rel: 1e-10 }, `customer ${i + 1}`);
  });
  it("vectorised scores equal the scalar predictions for every customer", async () => {
    const { bgNbdExpectedPurchases } = await import("../../src/models/bg-nbd.ts");
    for (let i = 0; i < s.ids.length; i += 7) {
      const e = bgNbdExpectedPurchases(bg.params as never, 39, {
        frequency: s.frequency[i],
        recency: s.recency[i],
        T: s.T[i],
      });
      assert.equal(scores.expectedPurchases[i], e);
    }
  });
  it("refuses a summary in another unit than the model's", () => {
    assert.throws(() => scoreCustomers(bg, { ...s, unit: "day" }, { horizon: 1 }), { code: "E_UNIT_MISMATCH" });
  });
});
