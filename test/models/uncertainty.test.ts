import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CustomerSummary } from "../../src/data/summary.ts";
import { scoreCustomers } from "../../src/insights/clv.ts";
import { createRng } from "../../src/math/random.ts";
import { type BgNbdParams, bgNbdExpectedPurchases, simulateBgNbd } from "../../src/models/bg-nbd.ts";
import { compressRfm, fitSummary } from "../../src/models/fit-summary.ts";
import type { FittedModel } from "../../src/models/types.ts";
import {
  customerPredictionIntervals,
  type DrawScorer,
  quantileSorted,
  sampleParameters,
} from "../../src/models/uncertainty.ts";
import { cdnowWithSpend } from "../helpers/datasets.ts";
import { assertAllClose, assertClose } from "../helpers/tolerance.ts";

const score: DrawScorer = (s, m, g) => {
  const r = scoreCustomers(m, s, { horizon: 39, spendModel: g });
  const out: Record<string, Float64Array> = { expected_purchases: r.expectedPurchases, p_alive: r.pAlive };
  if (r.clv) out.clv = r.clv;
  return out;
};

const summary = cdnowWithSpend();
const bg = fitSummary("bg-nbd", summary);
const gg = fitSummary("gamma-gamma", summary);

describe("sampleParameters", () => {
  it("draws around the MLE with the covariance of the log-parameters (mean and sd within 4 SE, N = 4000)", () => {
    const draws = sampleParameters(bg, 4000, createRng(3));
    const names = Object.keys(bg.params);
    const k = names.length;
    names.forEach((nm, i) => {
      const logs = draws.map((d) => Math.log(d[nm]));
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
      const sdTrue = Math.sqrt(bg.logCovariance![i * k + i]);
      assertClose(mean, Math.log(bg.params[nm]), { abs: (4 * sdTrue) / Math.sqrt(4000) }, `mean ln ${nm}`);
      assertClose(sd, sdTrue, { rel: 4 / Math.sqrt(2 * 4000) }, `sd ln ${nm}`);
    });
  });

  it("refuses a model without covariance (E_USAGE)", () => {
    const { logCovariance: _c, ...noCov } = bg;
    assert.throws(() => sampleParameters(noCov as FittedModel, 10, createRng(1)), { code: "E_USAGE" });
  });

  it("quantileSorted interpolates like R type 7", () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantileSorted([1, 2, 3, 4], 0), 1);
    assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
    assertClose(quantileSorted([10, 20, 30, 40, 50], 0.05), 12, { rel: 1e-12 }, "p=0.05");
  });
});

describe("customerPredictionIntervals", () => {
  const point = scoreCustomers(bg, summary, { horizon: 39, spendModel: gg });

  it("collapses to the point estimate when the covariance is tiny (1e-20 · I)", () => {
    const tiny = (m: FittedModel): FittedModel => {
      const k = Object.keys(m.params).length;
      return { ...m, logCovariance: Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1e-20 : 0)) };
    };
    const iv = customerPredictionIntervals(summary, { purchase: tiny(bg), spend: tiny(gg) }, score, { draws: 20 });
    for (const [k, p] of [
      ["expected_purchases", point.expectedPurchases],
      ["p_alive", point.pAlive],
      ["clv", point.clv!],
    ] as const) {
      assertAllClose(iv.lo[k], p, { rel: 1e-8, abs: 1e-12 }, `${k} lo`);
      assertAllClose(iv.hi[k], p, { rel: 1e-8, abs: 1e-12 }, `${k} hi`);
    }
  });

  it("brackets the point estimate on CDNOW and widens with the level", () => {
    const iv90 = customerPredictionIntervals(summary, { purchase: bg, spend: gg }, score, { seed: 5 });
    const iv50 = customerPredictionIntervals(summary, { purchase: bg, spend: gg }, score, { seed: 5, level: 0.5 });
    assert.equal(iv90.draws, 200);
    assert.equal(iv90.level, 0.9);
    let inside = 0;
    for (let i = 0; i < summary.ids.length; i++) {
      for (const k of ["expected_purchases", "p_alive", "clv"]) {
        assert.ok(iv90.lo[k][i] <= iv90.hi[k][i], `${k}[${i}]`);
        assert.ok(iv90.lo[k][i] <= iv50.lo[k][i] + 1e-15 && iv50.hi[k][i] <= iv90.hi[k][i] + 1e-15, `${k}[${i}]`);
        assert.ok(Number.isFinite(iv90.lo[k][i]) && Number.isFinite(iv90.hi[k][i]), `${k}[${i}] finite`);
      }
      const e = point.expectedPurchases[i];
      if (iv90.lo.expected_purchases[i] <= e && e <= iv90.hi.expected_purchases[i]) inside++;
      assert.ok(iv90.lo.p_alive[i] >= 0 && iv90.hi.p_alive[i] <= 1);
    }
    // The point estimate is a smooth function of the MLE, so it sits inside its own 90% interval for (nearly) all.
    assert.ok(inside / summary.ids.length > 0.95, `inside ${inside}`);
  });

  it("is deterministic with a seed and changes with another seed", () => {
    const a = customerPredictionIntervals(summary, { purchase: bg }, score, { seed: 11, draws: 50 });
    const b = customerPredictionIntervals(summary, { purchase: bg }, score, { seed: 11, draws: 50 });
    const c = customerPredictionIntervals(summary, { purchase: bg }, score, { seed: 12, draws: 50 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.hi.expected_purchases, c.hi.expected_purchases);
    assert.equal(a.lo.clv, undefined);
  });

  it("refuses bad options (E_USAGE)", () => {
    for (const o of [{ draws: 1 }, { draws: 2.5 }, { level: 1 }, { level: 0 }, { seed: 0.5 }])
      assert.throws(
        () => customerPredictionIntervals(summary, { purchase: bg }, score, o),
        { code: "E_USAGE" },
        JSON.stringify(o),
      );
  });

  it("95% intervals cover the true expected purchases of a fixed profile in 85-100% of 40 simulated data sets", () => {
    const truth: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const profile = { frequency: 3, recency: 30, T: 39 };
    const trueE = bgNbdExpectedPurchases(truth, 39, profile);
    const one: CustomerSummary = {
      unit: "week",
      ids: ["p"],
      frequency: Float64Array.of(profile.frequency),
      recency: Float64Array.of(profile.recency),
      T: Float64Array.of(profile.T),
    };
    const n = 2000;
    let covered = 0;
    for (let rep = 0; rep < 40; rep++) {
      const rng = createRng(1000 + rep);
      const T = Float64Array.from({ length: n }, () => 27 + 12 * rng.uniform());
      const sim = compressRfm(simulateBgNbd(truth, T, rng));
      const fit = fitSummary("bg-nbd", { ...sim.data, unit: "week", ids: [] });
      const iv = customerPredictionIntervals(one, { purchase: fit }, score, { level: 0.95, seed: rep + 1 });
      if (iv.lo.expected_purchases[0] <= trueE && trueE <= iv.hi.expected_purchases[0]) covered++;
    }
    assert.ok(covered >= 34, `covered ${covered} of 40`);
  });
});
