import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { isLoyalError } from "../../src/errors.ts";
import { createRng } from "../../src/math/random.ts";
import {
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  type SpendData,
  simulateGammaGamma,
} from "../../src/models/gamma-gamma.ts";
import { clearWarnings, warnings } from "../../src/warnings.ts";
import { assertClose } from "../helpers/tolerance.ts";

function loadCdnowSpend(): SpendData {
  const rows = readFileSync(
    new URL("../../datasets/cdnow_customers_summary_with_transactions.csv", import.meta.url),
    "utf8",
  )
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));
  return { frequency: Float64Array.from(rows, (r) => r[1]), monetary: Float64Array.from(rows, (r) => r[4]) };
}

/**
 * Heavy-tailed spends: ν ~ Gamma(q = 0.7, v) has so much mass near 0 that the mean spend p/ν is infinite; the
 * unconstrained MLE of q is then below 1 (measured 0.694 with this seed).
 */
function heavyTailed(): SpendData {
  const N = 2000;
  const frequency = Float64Array.from({ length: N }, (_, i) => 1 + (i % 8));
  return { frequency, monetary: simulateGammaGamma({ p: 2, q: 0.7, v: 5 }, frequency, createRng(1)) };
}

const ggCodes = () => warnings().filter((w) => w.code === "W_GG_Q");

describe("Gamma-Gamma q > 1 constraint", () => {
  test("heavy-tailed simulated spends: the unconstrained fit has q <= 1 and warns W_GG_Q once", () => {
    clearWarnings();
    const fit = fitGammaGamma(heavyTailed());
    assert.equal(fit.convergence.converged, true);
    assert.ok(fit.params.q <= 1, `q = ${fit.params.q}`);
    assertClose(fit.params.q, 0.7, { abs: 0.1 }, "q near the simulated 0.7");
    assert.equal(ggCodes().length, 1);
    assert.equal(gammaGammaExpectedSpend(fit.params, 0, 0), Number.POSITIVE_INFINITY);
  });

  test("heavy-tailed simulated spends: the constrained fit returns q > 1 with a finite population mean, no warning", () => {
    clearWarnings();
    const data = heavyTailed();
    const free = fitGammaGamma(data);
    clearWarnings();
    const fit = fitGammaGamma(data, { constrainQ: true });
    assert.equal(fit.convergence.converged, true);
    assert.ok(fit.params.q > 1, `q = ${fit.params.q}`);
    const mean = gammaGammaExpectedSpend(fit.params, 0, 0);
    assert.ok(Number.isFinite(mean) && mean > 0, `population mean ${mean}`);
    assert.equal(ggCodes().length, 0);
    // The constraint costs likelihood; and because the unconstrained optimum is at q < 1, the constrained one sits
    // on the boundary q → 1+ (measured q − 1 ≈ 6e-12), so the "finite" population mean is astronomically large
    // (≈ 2.5e12 here). That is what the constraint means, not a numerical failure: a user needs the warning of the
    // unconstrained fit to interpret it.
    assert.ok(fit.logLikelihood < free.logLikelihood);
    assert.ok(fit.params.q - 1 < 1e-6, `q − 1 = ${fit.params.q - 1}`);
    if (fit.intervals) assert.ok(fit.intervals.q[0] >= 1, "the q interval is shifted back to the q scale");
  });

  test("CDNOW: unconstrained and constrained fits agree with p 6.248802, q 3.744588, v 15.447748 (1e-4 relative)", () => {
    const data = loadCdnowSpend();
    const expected = { p: 6.248802, q: 3.744588, v: 15.447748 };
    clearWarnings();
    const free = fitGammaGamma(data);
    const constrained = fitGammaGamma(data, { constrainQ: true });
    assert.equal(ggCodes().length, 0);
    for (const fit of [free, constrained]) {
      assert.equal(fit.convergence.converged, true);
      for (const k of ["p", "q", "v"] as const) assertClose(fit.params[k], expected[k], { rel: 1e-4 }, k);
      assertClose(fit.logLikelihood, -4055.9232, { abs: 1e-4 }, "LL (reference-values.json)");
    }
    for (const k of ["p", "q", "v"] as const)
      assertClose(constrained.params[k], free.params[k], { rel: 1e-6 }, `constrained vs free ${k}`);
    // Standard errors are of q, not of q − 1: both parametrisations give the same one at an interior optimum.
    if (free.standardErrors && constrained.standardErrors)
      assertClose(constrained.standardErrors.q, free.standardErrors.q, { rel: 1e-3 }, "SE(q)");
  });
});

describe("Gamma-Gamma boundary optima", () => {
  const threeRepeaters: SpendData = {
    frequency: Float64Array.from([1, 2, 3, 4, 0, 2]),
    monetary: Float64Array.from([0, 20, 15, 0, 0, 16]),
  };

  test("three repeat customers (torture 'zero spends mixed in'): E_CONVERGENCE with and without the constraint, not p = 4e138, q = 1, LL = +2e124", () => {
    for (const constrainQ of [false, true])
      assert.throws(
        () => fitGammaGamma(threeRepeaters, { constrainQ }),
        (e: unknown) =>
          isLoyalError(e, "E_CONVERGENCE") &&
          /do not identify the model/.test(e.message) &&
          /penalizer/.test(e.message),
        `constrainQ ${constrainQ}`,
      );
  });

  test("the log-likelihood stays accurate on the ridge p → ∞, p·v = c: tends to the inverse-gamma limit (closed form, 1e-6 absolute)", () => {
    // Limit: Σ q ln c − ln Γ(q) − (q+1) ln z − c/z over the repeat customers (z = 20, 15, 16), q = 3, c = 50:
    // Python: sum(3*math.log(50)-math.lgamma(3)-4*math.log(z)-50/z for z in [20,15,16]) = -9.735052613743786
    const limit = -9.735052613743786;
    for (const p of [1e8, 1e12, 1e40, 1e138]) {
      const ll = gammaGammaLogLikelihood({ p, q: 3, v: 50 / p }, threeRepeaters);
      assertClose(ll, limit, { abs: 1e-6 }, `LL at p = ${p}`);
    }
  });

  test("a penalised fit of the same data is interior and finite", () => {
    const fit = fitGammaGamma(threeRepeaters, { constrainQ: true, penalizer: 0.01 });
    assert.ok(fit.params.p < 1e8 && fit.params.q > 1 && Number.isFinite(fit.logLikelihood));
    assert.ok(Number.isFinite(gammaGammaExpectedSpend(fit.params, 0, 0)));
  });

  test("an interior optimum the constrained starts miss is found from the unconstrained one (x = 10,000 mixed in)", () => {
    const d: SpendData = {
      frequency: Float64Array.from([1, 2, 10000, 3, 1, 10000]),
      monetary: Float64Array.from([10, 20, 15, 12, 30, 16]),
    };
    const free = fitGammaGamma(d);
    const constrained = fitGammaGamma(d, { constrainQ: true });
    assert.ok(free.params.q > 1);
    for (const k of ["p", "q", "v"] as const)
      assertClose(constrained.params[k], free.params[k], { rel: 1e-6 }, `constrained vs free ${k}`);
  });

  test("the heavy-tailed constrained fit on q → 1+ warns W_GG_Q_BOUND (binding constraint, finite LL: a fit, not an error)", () => {
    clearWarnings();
    const fit = fitGammaGamma(heavyTailed(), { constrainQ: true });
    assert.ok(Number.isFinite(fit.logLikelihood) && fit.params.q > 1);
    assert.equal(warnings().filter((w) => w.code === "W_GG_Q_BOUND").length, 1);
  });
});
