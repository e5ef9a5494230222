/**
 * Data on which the maximum-likelihood estimate does not exist: only one-time buyers (every frequency 0), a single
 * repeat buyer among them, BG/BB histories without a transaction or with one at every opportunity. Each fit used to
 * "converge" on a flat ridge (BG/NBD on the 1,000 one-time buyers below: r = 4.5e-5, α = 1.7e5, LL = −6.4e-6, 1.3e-8
 * expected purchases in a year); each now
 * throws E_CONVERGENCE naming the reason. Data with some repeat buyers still fit, at a true optimum.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CustomerSummary, RfmData } from "../../src/data/summary.ts";
import { isLoyalError } from "../../src/errors.ts";
import { fitBgBb } from "../../src/models/bg-bb.ts";
import { bgNbdLogLikelihood, bgNbdLogLikelihoodWithGradient } from "../../src/models/bg-nbd.ts";
import { compareModels, selectModel } from "../../src/models/compare.ts";
import { maximizeLikelihood } from "../../src/models/fit.ts";
import { compressRfm, fitSummary } from "../../src/models/fit-summary.ts";
import { fitGammaGamma } from "../../src/models/gamma-gamma.ts";
import { mbgNbdLogLikelihoodWithGradient } from "../../src/models/mbg-nbd.ts";
import { paretoNbdLogLikelihoodWithGradient } from "../../src/models/pareto-nbd.ts";
import { purchaseModel, purchaseModelNames } from "../../src/models/registry.ts";
import { requireRepeatPurchases } from "../../src/models/rfm-cache.ts";
import { fitSbg } from "../../src/models/sbg.ts";
import { cdnowRounded, reference } from "../helpers/datasets.ts";
import { assertClose } from "../helpers/tolerance.ts";

const N = 1000;

/** 1,000 one-time buyers (frequency 0, recency 0), T = 10..40 weeks (31 values); `extra` rows appended. */
function oneTimeBuyers(extra: [number, number, number][] = []): CustomerSummary {
  const rows: [number, number, number][] = [
    ...Array.from({ length: N }, (_, i): [number, number, number] => [0, 0, 10 + (i % 31)]),
    ...extra,
  ];
  return {
    unit: "week",
    ids: rows.map((_, i) => `c${i + 1}`),
    frequency: Float64Array.from(rows, (r) => r[0]),
    recency: Float64Array.from(rows, (r) => r[1]),
    T: Float64Array.from(rows, (r) => r[2]),
  };
}

const rfm = (rows: [number, number, number][], weights?: number[]): RfmData => ({
  frequency: Float64Array.from(rows, (r) => r[0]),
  recency: Float64Array.from(rows, (r) => r[1]),
  T: Float64Array.from(rows, (r) => r[2]),
  weights: weights ? Float64Array.from(weights) : undefined,
});

const NO_REPEAT =
  /no customer has a repeat purchase in the calibration period \(all 1000 customers have frequency 0.*\), so the purchase models cannot be fitted: .*need customers with frequency > 0/;
const ONE_REPEAT =
  /only one customer has a repeat purchase in the calibration period \(frequency 1, recency 5, T 20; the other 1000 customers have frequency 0\), so the purchase models cannot be fitted: .*no maximum at finite parameters.*need customers with frequency > 0 and at least two different histories/;

const refused = (model: string, pattern: RegExp) => (e: unknown) =>
  isLoyalError(e, "E_CONVERGENCE") && e.message.startsWith(`${model}: `) && pattern.test(e.message);

describe("purchase models on only one-time buyers (every frequency 0)", () => {
  for (const model of purchaseModelNames()) {
    it(`${model} throws E_CONVERGENCE: no customer has a repeat purchase (raw rows, compressed rows, fitSummary)`, () => {
      const s = oneTimeBuyers();
      assert.throws(() => purchaseModel(model).fit(s), refused(model, NO_REPEAT));
      const { data } = compressRfm(s);
      assert.equal(data.frequency.length, 31, "compressed into 31 weighted rows");
      assert.throws(() => purchaseModel(model).fit(data), refused(model, NO_REPEAT));
      assert.throws(() => fitSummary(model, s), refused(model, NO_REPEAT));
    });
  }

  it("the likelihood has no maximum there: it is < 0 everywhere and rises to 0 as the purchase rate r/α goes to 0", () => {
    const d = oneTimeBuyers();
    const lls: Record<string, (p: number[], d: RfmData) => number> = {
      "bg-nbd": (p, data) => bgNbdLogLikelihoodWithGradient(p, data),
      "mbg-nbd": (p, data) => mbgNbdLogLikelihoodWithGradient(p, data),
      "pareto-nbd": (p, data) => paretoNbdLogLikelihoodWithGradient(p, data),
    };
    for (const [model, ll] of Object.entries(lls)) {
      let previous = Number.NEGATIVE_INFINITY;
      for (const r of [1, 1e-2, 1e-4, 1e-6]) {
        const v = ll([r, 25, 1, 1], d);
        assert.ok(v < 0 && v > previous, `${model}: LL(r = ${r}) = ${v} after ${previous}`);
        previous = v;
      }
      assert.ok(previous > -1e-3, `${model}: LL(r = 1e-6) = ${previous}`);
    }
  });

  it("rows with frequency > 0 and weight 0 do not count (compressed data)", () => {
    const d = oneTimeBuyers([
      [2, 10, 30],
      [1, 3, 12],
    ]);
    const weights = new Float64Array(N + 2).fill(1);
    weights[N] = 0;
    weights[N + 1] = 0;
    for (const model of purchaseModelNames())
      assert.throws(
        () => purchaseModel(model).fit(d, { weights }),
        (e: unknown) =>
          refused(model, NO_REPEAT)(e) &&
          /; 2 rows with frequency > 0 have weight 0 and do not count\)/.test((e as Error).message),
      );
    assert.throws(
      () => requireRepeatPurchases(rfm([[0, 0, 30]], [0]), "bg-nbd"),
      (e: unknown) => isLoyalError(e, "E_INPUT") && /every weight is 0/.test((e as Error).message),
    );
  });

  it("fit --model auto's path: compareModels records the error for every model; selectModel says it once", () => {
    const c = compareModels(oneTimeBuyers());
    assert.deepEqual(
      c.models.map((m) => [m.model, m.fitted, m.error?.code]),
      purchaseModelNames().map((m) => [m, null, "E_CONVERGENCE"]),
    );
    assert.throws(
      () => selectModel(c),
      (e: unknown) =>
        isLoyalError(e, "E_CONVERGENCE") &&
        (e as Error).message.startsWith(
          `no model could be fitted (${purchaseModelNames().join(", ")}): no customer has a repeat purchase in the calibration period`,
        ),
    );
  });

  it("the documented example: requireRepeatPurchases on two one-time buyers throws E_CONVERGENCE", () => {
    assert.throws(
      () =>
        requireRepeatPurchases(
          rfm([
            [0, 0, 5],
            [0, 0, 9],
          ]),
          "bg-nbd",
        ),
      (e: unknown) =>
        isLoyalError(e, "E_CONVERGENCE") && /\(all 2 customers have frequency 0\)/.test((e as Error).message),
    );
  });

  it("Gamma-Gamma already refuses them: E_INPUT, fewer than 2 repeat customers with positive spend", () => {
    const s = oneTimeBuyers([[2, 10, 30]]);
    const monetary = new Float64Array(N + 1).fill(20);
    const weights = new Float64Array(N + 1).fill(1);
    weights[N] = 0;
    for (const fit of [
      () => fitSummary("gamma-gamma", { ...oneTimeBuyers(), monetary: new Float64Array(N).fill(20) }),
      () => fitGammaGamma({ frequency: s.frequency, monetary, weights }),
    ])
      assert.throws(
        fit,
        (e: unknown) => isLoyalError(e, "E_INPUT") && /at least 2 repeat customers.*got 0/.test((e as Error).message),
      );
  });
});

describe("purchase models on one repeat buyer among 1,000 one-time buyers", () => {
  // The repeat buyer bought once more at week 5 and was seen until week 20.
  const d = oneTimeBuyers([[1, 5, 20]]);

  it("BG/NBD has no finite maximum: for every (r, α, b) the likelihood rises with a (the dropout probability → 1)", () => {
    // With one repeat history the dropout part of the likelihood is E[f(p)] over p ~ Beta(a, b) for one function f;
    // here ln[b/(a+b)·A₃ + a/(a+b)·A₄] with A₄ > A₃ (t_x < T): increasing in a everywhere, so the supremum is at
    // a/b → ∞ and no optimiser can stop at a maximum (it used to stop at a = 1.7e10, b = 5.9e-11, where the rise is
    // below double precision, and call that converged).
    const grad = new Float64Array(4);
    for (const p of [
      [0.243, 4.414, 0.793, 2.426],
      [5.1e-4, 3.83, 1, 1],
      [1, 25, 1, 1],
      [0.01, 1, 100, 0.01],
    ]) {
      let previous = Number.NEGATIVE_INFINITY;
      for (const k of [1, 10, 100]) {
        const q = [p[0], p[1], p[2] * k, p[3]];
        const v = bgNbdLogLikelihoodWithGradient(q, d, grad);
        assert.ok(grad[2] > 0 && v > previous, `at ${q}: LL ${v} after ${previous}, dLL/da ${grad[2]}`);
        previous = v;
      }
    }
  });

  it("MBG/NBD and Pareto/NBD have none either: the optimiser runs to the wall of a 1e±6 (1e±5) box", () => {
    const meanT = 25;
    for (const [model, ll, center, radius] of [
      ["mbg-nbd", mbgNbdLogLikelihoodWithGradient, [1, meanT, 1, 1], 6],
      ["pareto-nbd", paretoNbdLogLikelihoodWithGradient, [1, meanT, 1, meanT], 5],
    ] as const)
      assert.throws(
        () =>
          maximizeLikelihood({
            model,
            names: purchaseModel(model).paramNames,
            n: N + 1,
            starts: [center, [0.5, meanT / 4, 0.5, center[3] / 4]],
            logLikelihood: (theta, g) => ll(theta, d, g),
            logBox: { center, radius: radius * Math.LN10 },
          }),
        (e: unknown) => isLoyalError(e, "E_CONVERGENCE") && /keeps rising towards the boundary/.test(String(e)),
        model,
      );
  });

  for (const model of purchaseModelNames())
    it(`${model} throws E_CONVERGENCE: only one customer has a repeat purchase`, () => {
      assert.throws(() => purchaseModel(model).fit(d), refused(model, ONE_REPEAT));
      assert.throws(() => fitSummary(model, d), refused(model, ONE_REPEAT));
    });

  it("several customers with the same single history are refused too; two different histories are not", () => {
    assert.throws(
      () => purchaseModel("bg-nbd").fit(oneTimeBuyers([[1, 5, 20]]), { weights: [...new Float64Array(N).fill(1), 3] }),
      (e: unknown) =>
        refused("bg-nbd", /all 3 customers with a repeat purchase in the calibration period have the same history/)(e),
    );
    requireRepeatPurchases(
      oneTimeBuyers([
        [1, 5, 20],
        [1, 5, 21],
      ]),
      "bg-nbd",
    );
    // Every customer with the same repeat history and no one-time buyer: left to the fit's boundary checks.
    requireRepeatPurchases(rfm([[3, 20, 30]]), "pareto-nbd");
  });
});

describe("purchase models with some repeat buyers still fit", () => {
  // CDNOW's 1,411 one-time buyers and its first 50 repeat buyers.
  const all = cdnowRounded();
  let kept = 0;
  const rows: number[] = [];
  for (let i = 0; i < all.frequency.length; i++) if (all.frequency[i] === 0 || kept++ < 50) rows.push(i);
  const d = rfm(rows.map((i) => [all.frequency[i], all.recency[i], all.T[i]]));
  const lls = {
    "bg-nbd": bgNbdLogLikelihoodWithGradient,
    "mbg-nbd": mbgNbdLogLikelihoodWithGradient,
    "pareto-nbd": paretoNbdLogLikelihoodWithGradient,
  };

  for (const [model, ll] of Object.entries(lls))
    it(`${model} on 1,411 one-time and 50 repeat buyers: a converged interior optimum (LL at the parameters, gradient < 1e-6)`, () => {
      const api = purchaseModel(model);
      const fit = api.fit(d);
      const theta: number[] = api.paramNames.map((k) => fit.params[k]);
      const grad = new Float64Array(4);
      assertClose(ll(theta, d, grad), fit.logLikelihood, { rel: 1e-12 }, "LL at the returned parameters");
      // Gradient of the mean log-likelihood in the log-parameters, as the optimiser sees it.
      for (let i = 0; i < 4; i++)
        assertClose((grad[i] * theta[i]) / fit.n, 0, { abs: 1e-6 }, `dLL/dln ${api.paramNames[i]}`);
      assert.ok(fit.convergence.converged && fit.standardErrors !== undefined, "converged, with standard errors");
      assert.equal(fit.n, 1461);
    });

  it("BG/NBD on all of CDNOW (946 repeat buyers of 2,357) matches the lifetimes MLE, LL −9582.4256", () => {
    const fit = fitSummary("bg-nbd", all);
    const ref = reference.cdnow_sample.bg_nbd.mle_rounded_summary;
    assertClose(fit.logLikelihood, ref.logLikelihood, { abs: 1e-3 }, "LL");
    assertClose(bgNbdLogLikelihood(ref.params, all), ref.logLikelihood, { rel: 1e-6 }, "LL at the reference");
  });
});

describe("BG/BB and sBG: the analogous data", () => {
  it("BG/BB without any transaction: E_CONVERGENCE, no customer has a transaction (weight-0 rows do not count)", () => {
    const d = { frequency: [0, 0, 0, 3], recency: [0, 0, 0, 5], periods: [6, 5, 4, 6], weights: [1000, 500, 300, 0] };
    assert.throws(
      () => fitBgBb(d),
      (e: unknown) =>
        isLoyalError(e, "E_CONVERGENCE") &&
        /^bg-bb: no customer has a transaction in any period \(all 1800 customers have frequency 0\), so the model cannot be fitted: .*need customers with frequency > 0$/.test(
          (e as Error).message,
        ),
    );
  });

  it("BG/BB with a transaction at every opportunity: E_CONVERGENCE (the supremum is p = 1, θ = 0)", () => {
    const d = { frequency: [6, 5, 4, 0], recency: [6, 5, 4, 0], periods: [6, 5, 4, 0], weights: [1000, 500, 300, 7] };
    assert.throws(
      () => fitBgBb(d),
      (e: unknown) =>
        isLoyalError(e, "E_CONVERGENCE") &&
        /^bg-bb: every customer transacted at every opportunity \(frequency = periods for all 1800 customers\)/.test(
          (e as Error).message,
        ),
    );
  });

  it("BG/BB without any transaction opportunity: E_INPUT", () => {
    assert.throws(
      () => fitBgBb({ frequency: [0], recency: [0], periods: [0], weights: [10] }),
      (e: unknown) => isLoyalError(e, "E_INPUT") && /no customer has a transaction opportunity/.test(String(e)),
    );
  });

  it("sBG without any churn already throws E_INPUT, also when the only churners have weight 0", () => {
    for (const d of [{ alive: [1000, 1000, 1000] }, { periods: [3, 2], churned: [false, true], weights: [100, 0] }])
      assert.throws(
        () => fitSbg(d),
        (e: unknown) => isLoyalError(e, "E_INPUT") && /no customer churned/.test(String(e)),
      );
  });
});
