import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CustomerSummary } from "../../src/data/summary.ts";
import { createRng } from "../../src/math/random.ts";
import {
  type BgNbdParams,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  simulateBgNbd,
} from "../../src/models/bg-nbd.ts";
import { compareModels, holdoutScore, selectModel } from "../../src/models/compare.ts";
import { fitSummary } from "../../src/models/fit-summary.ts";
import { purchaseModelNames } from "../../src/models/registry.ts";
import { cdnowRounded } from "../helpers/datasets.ts";
import { assertClose } from "../helpers/tolerance.ts";

describe("compareModels on CDNOW (cdnow_customers_summary.csv)", () => {
  const summary = cdnowRounded();
  const c = compareModels(summary);
  const fitted = c.models.filter((m) => m.fitted);

  it("fits every registered purchase model, in registry order", () => {
    assert.deepEqual(
      c.models.map((m) => m.model),
      purchaseModelNames(),
    );
    assert.equal(c.n, 2357);
    assert.equal(c.holdout, false);
    assert.ok(c.models.find((m) => m.model === "bg-nbd")?.fitted, "bg-nbd fits CDNOW");
  });

  it("BG/NBD row equals fitSummary's fit (LL -9582.4256)", () => {
    const bg = c.models.find((m) => m.model === "bg-nbd")!;
    assertClose(bg.logLikelihood!, -9582.4256, { abs: 1e-3 }, "LL");
    assert.deepEqual(bg.fitted!.params, fitSummary("bg-nbd", summary).params);
    assert.equal(bg.k, 4);
  });

  it("AIC and BIC are consistent with LL, k and n: BIC_i − BIC_j = (k_i − k_j) ln n − 2 (LL_i − LL_j)", () => {
    for (const m of fitted) {
      assertClose(m.aic!, 2 * m.k - 2 * m.logLikelihood!, { rel: 1e-12 }, `${m.model} AIC`);
      assertClose(m.bic!, m.k * Math.log(2357) - 2 * m.logLikelihood!, { rel: 1e-12 }, `${m.model} BIC`);
    }
    for (const a of fitted)
      for (const b of fitted) {
        if (a.k === b.k) assert.equal(a.bic! < b.bic!, a.logLikelihood! > b.logLikelihood!, `${a.model} vs ${b.model}`);
      }
  });

  it("selectModel without a holdout picks the lowest BIC and says so", () => {
    const s = selectModel(c);
    const min = Math.min(...fitted.map((m) => m.bic!));
    assert.equal(c.models.find((m) => m.model === s.selected)!.bic, min);
    assert.equal(s.criterion, "bic");
    assert.match(s.reason, new RegExp(`^${s.selected} has the lowest BIC .*no holdout period`));
    assert.equal(s.model.model, s.selected);
  });

  it("refuses an unknown or non-purchase model and an empty list (E_USAGE)", () => {
    assert.throws(() => compareModels(summary, ["bg-nbd", "nope"]), { code: "E_USAGE" });
    assert.throws(() => compareModels(summary, ["gamma-gamma"]), { code: "E_USAGE" });
    assert.throws(() => compareModels(summary, []), { code: "E_USAGE" });
  });
});

describe("compareModels on data simulated from BG/NBD (N = 10,000, seed 1)", () => {
  const truth: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const n = 10000;
  const rng = createRng(1);
  const T = Float64Array.from({ length: n }, () => 27 + 12 * rng.uniform());
  const sim = simulateBgNbd(truth, T, rng, 1 / 7);
  const summary: CustomerSummary = { ...sim, unit: "week", ids: Array.from({ length: n }, (_, i) => String(i)) };
  const names = purchaseModelNames().filter((m) => m === "bg-nbd" || m === "pareto-nbd");
  const c = compareModels(summary, names);

  it("the BG/NBD fit is at least as likely as the true parameters (it is the maximum)", () => {
    const bg = c.models.find((m) => m.model === "bg-nbd")!;
    assert.ok(bg.logLikelihood! >= bgNbdLogLikelihood(truth, sim) - 1e-6, `${bg.logLikelihood}`);
  });

  it("BIC prefers bg-nbd to pareto-nbd (equal k; observed ΔBIC ≈ 150 at this N)", () => {
    const pn = c.models.find((m) => m.model === "pareto-nbd");
    assert.ok(pn, "pareto-nbd is compared");
    const bg = c.models.find((m) => m.model === "bg-nbd")!;
    assert.ok(pn.fitted, `pareto-nbd failed: ${pn.error?.message}`);
    assert.ok(bg.bic! < pn.bic!, `bg ${bg.bic} pareto ${pn.bic}`);
    assert.equal(selectModel(c).selected, "bg-nbd");
  });
});

describe("holdout scoring and selection by holdout error", () => {
  const params: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const summary: CustomerSummary = {
    unit: "week",
    ids: ["a", "b", "c", "d"],
    frequency: Float64Array.of(0, 2, 2, 7),
    recency: Float64Array.of(0, 30.43, 30.43, 35),
    T: Float64Array.of(38.86, 38.86, 38.86, 38),
    holdout: {
      frequency: Float64Array.of(0, 1, 3, 4),
      monetary: Float64Array.of(0, 10, 10, 10),
      duration: Float64Array.of(39, 39, 20, 39),
    },
  };
  const model = { ...fitSummary("bg-nbd", cdnowRounded()), params };

  it("MAE, RMSE and total error match a hand computation with bgNbdExpectedPurchases", () => {
    const e = [0, 1, 2, 3].map((i) =>
      bgNbdExpectedPurchases(params, summary.holdout!.duration[i], {
        frequency: summary.frequency[i],
        recency: summary.recency[i],
        T: summary.T[i],
      }),
    );
    const d = e.map((v, i) => v - summary.holdout!.frequency[i]);
    const s = holdoutScore(model, summary, summary.holdout!);
    assertClose(s.mae, d.reduce((a, v) => a + Math.abs(v), 0) / 4, { rel: 1e-14 }, "MAE");
    assertClose(s.rmse, Math.sqrt(d.reduce((a, v) => a + v * v, 0) / 4), { rel: 1e-14 }, "RMSE");
    assertClose(s.expectedTotal, e[0] + e[1] + e[2] + e[3], { rel: 1e-14 }, "expected total");
    assert.equal(s.actualTotal, 8);
    assertClose(s.totalError, s.expectedTotal - 8, { rel: 1e-14 }, "total error");
    assertClose(s.relativeTotalError!, s.totalError / 8, { rel: 1e-14 }, "relative");
    assert.equal(s.customers, 4);
  });

  it("weights count customers: a weighted row equals repeated rows", () => {
    const w: CustomerSummary = { ...summary, weights: Float64Array.of(1, 2, 1, 1) };
    const rep: CustomerSummary = {
      ...summary,
      ids: ["a", "b", "b2", "c", "d"],
      frequency: Float64Array.of(0, 2, 2, 2, 7),
      recency: Float64Array.of(0, 30.43, 30.43, 30.43, 35),
      T: Float64Array.of(38.86, 38.86, 38.86, 38.86, 38),
      holdout: {
        frequency: Float64Array.of(0, 1, 1, 3, 4),
        monetary: Float64Array.of(0, 10, 10, 10, 10),
        duration: Float64Array.of(39, 39, 39, 20, 39),
      },
    };
    const a = holdoutScore(model, w, w.holdout!);
    const b = holdoutScore(model, rep, rep.holdout!);
    assertClose(a.mae, b.mae, { rel: 1e-14 }, "MAE");
    assertClose(a.rmse, b.rmse, { rel: 1e-14 }, "RMSE");
    assert.equal(a.customers, 5);
  });

  it("refuses misaligned or negative holdout columns (E_INPUT)", () => {
    assert.throws(() => holdoutScore(model, summary, { ...summary.holdout!, frequency: Float64Array.of(1) }), {
      code: "E_INPUT",
    });
    assert.throws(
      () => holdoutScore(model, summary, { ...summary.holdout!, frequency: Float64Array.of(0, -1, 0, 0) }),
      { code: "E_INPUT" },
    );
  });

  it("with holdout columns, selection is by holdout MAE, and the reason says so; holdout: false falls back to BIC", () => {
    const cd = cdnowRounded();
    const rng = createRng(4);
    const hf = Float64Array.from(cd.frequency, (x) => rng.poisson(0.5 + x / 2));
    const withHoldout: CustomerSummary = {
      ...cd,
      holdout: { frequency: hf, monetary: new Float64Array(hf.length), duration: new Float64Array(hf.length).fill(39) },
    };
    const c = compareModels(withHoldout, ["bg-nbd", "mbg-nbd"]);
    assert.equal(c.holdout, true);
    const s = selectModel(c);
    const maes = c.models.map((m) => m.holdout!.mae);
    assert.equal(c.models.find((m) => m.model === s.selected)!.holdout!.mae, Math.min(...maes));
    assert.equal(s.criterion, "holdout-mae");
    assert.match(s.reason, /lowest holdout mean absolute error/);
    const noHoldout = compareModels(withHoldout, ["bg-nbd", "mbg-nbd"], { holdout: false });
    assert.equal(noHoldout.holdout, false);
    assert.equal(selectModel(noHoldout).criterion, "bic");
  });

  it("a model that cannot be fitted gets an error row; with none fitted, selectModel throws E_CONVERGENCE", () => {
    const comparison = {
      n: 1,
      holdout: false,
      models: [
        {
          model: "bg-nbd",
          k: 4,
          logLikelihood: null,
          aic: null,
          bic: null,
          holdout: null,
          fitted: null,
          error: { code: "E_CONVERGENCE", message: "no optimum" },
        },
      ],
    };
    assert.throws(() => selectModel(comparison), { code: "E_CONVERGENCE" });
    const cd = compareModels(cdnowRounded(), ["bg-nbd"]);
    const mixed = { ...cd, models: [...comparison.models, ...cd.models] };
    const s = selectModel(mixed);
    assert.equal(s.selected, "bg-nbd");
    assert.match(s.reason, /could not be fitted/);
  });
});
