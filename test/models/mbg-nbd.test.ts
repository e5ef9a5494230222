import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { RfmData } from "../../src/data/summary.ts";
import { createRng } from "../../src/math/random.ts";
import {
  fitMbgNbd,
  type MbgNbdParams,
  mbgNbdExpectedPurchases,
  mbgNbdExpectedPurchasesNewCustomer,
  mbgNbdLogLikelihood,
  mbgNbdLogLikelihoodWithGradient,
  mbgNbdProbabilityAlive,
  mbgNbdProbabilityOfPurchases,
  simulateMbgNbd,
} from "../../src/models/mbg-nbd.ts";
import { purchaseModel } from "../../src/models/registry.ts";
import { assertAllClose, assertClose } from "../helpers/tolerance.ts";

const root = new URL("../../", import.meta.url);
const ref = JSON.parse(readFileSync(new URL("test/fixtures/mbg-nbd/reference.json", root), "utf8"));

function loadCdnow(): RfmData {
  const rows = readFileSync(new URL("datasets/cdnow_customers_summary.csv", root), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));
  return {
    frequency: Float64Array.from(rows, (r) => r[1]),
    recency: Float64Array.from(rows, (r) => r[2]),
    T: Float64Array.from(rows, (r) => r[3]),
  };
}

const cdnow = loadCdnow();
const asParams = (v: number[] | Record<string, number>): MbgNbdParams =>
  Array.isArray(v) ? { r: v[0], alpha: v[1], a: v[2], b: v[3] } : (v as MbgNbdParams);
const published = asParams([0.525, 6.183, 0.891, 1.614]);

describe("MBG/NBD fit on CDNOW", () => {
  const fit = fitMbgNbd(cdnow);

  test("matches the scipy.optimize optimum (test/fixtures/mbg-nbd/generate.py) to 1e-6 relative", () => {
    assert.equal(fit.convergence.converged, true);
    const s = ref.scipy_optimum;
    for (const k of ["r", "alpha", "a", "b"]) assertClose(fit.params[k], s.params[k], { rel: 1e-6 }, `param ${k}`);
    // loyal's optimum is at least as good as scipy's (up to rounding of the sum).
    assert.ok(fit.logLikelihood >= s.logLikelihood - 1e-8, `${fit.logLikelihood} < ${s.logLikelihood}`);
    assertClose(fit.logLikelihood, s.logLikelihood, { rel: 1e-12 }, "LL at optimum");
  });

  test("matches lifetimes ModifiedBetaGeoFitter docs (0.525, 6.183, 0.891, 1.614) to the printed 3 decimals", () => {
    for (const k of ["r", "alpha", "a", "b"]) assertClose(fit.params[k], published[k], { abs: 5e-4 }, `param ${k}`);
  });

  test("LL at the optimum matches mpmath closed form and direct numerical integration over λ and p", () => {
    const s = ref.log_likelihood_cases[0];
    assert.equal(s.label, "scipy optimum");
    // The integral and the closed form agree with each other first (independent routes).
    assertClose(s.integrated, s.closed_form, { rel: 2e-12 }, "mpmath integral vs closed form");
    assertClose(mbgNbdLogLikelihood(fit.params, cdnow), s.closed_form, { rel: 1e-9 }, "loyal LL at its optimum");
  });

  test("standard errors are finite and positive", () => {
    for (const k of ["r", "alpha", "a", "b"]) assert.ok(fit.standardErrors && fit.standardErrors[k] > 0);
  });
});

describe("MBG/NBD log-likelihood", () => {
  for (const c of ref.log_likelihood_cases) {
    test(`matches mpmath closed form and numerical integration at ${c.label}`, () => {
      const ll = mbgNbdLogLikelihood(asParams(c.params), cdnow);
      assertClose(ll, c.closed_form, { rel: 1e-12 }, `LL closed form, ${c.label}`);
      assertClose(ll, c.integrated, { rel: 2e-12 }, `LL integrated, ${c.label}`);
    });
  }

  test("analytic gradient matches mpmath.diff of the closed form", () => {
    const p = asParams(ref.gradient.params);
    const g = new Float64Array(4);
    mbgNbdLogLikelihoodWithGradient([p.r, p.alpha, p.a, p.b], cdnow, g);
    for (let k = 0; k < 4; k++) assertClose(g[k], ref.gradient.value[k], { rel: 1e-8, abs: 1e-9 }, `dLL/dθ${k}`);
  });

  test("total equals the sum over customers, and weighted compressed rows equal expanded rows", () => {
    const p = published;
    let s = 0;
    for (let i = 0; i < 50; i++) {
      const one: RfmData = {
        frequency: cdnow.frequency.slice(i, i + 1),
        recency: cdnow.recency.slice(i, i + 1),
        T: cdnow.T.slice(i, i + 1),
      };
      s += mbgNbdLogLikelihood(p, one);
    }
    const first50: RfmData = {
      frequency: cdnow.frequency.slice(0, 50),
      recency: cdnow.recency.slice(0, 50),
      T: cdnow.T.slice(0, 50),
    };
    assertClose(mbgNbdLogLikelihood(p, first50), s, { rel: 1e-14 }, "vectorised vs scalar");
    const weighted: RfmData = {
      frequency: Float64Array.of(0, 2),
      recency: Float64Array.of(0, 30.43),
      T: Float64Array.of(38.86, 38.86),
      weights: Float64Array.of(3, 2),
    };
    const expanded: RfmData = {
      frequency: Float64Array.of(0, 0, 0, 2, 2),
      recency: Float64Array.of(0, 0, 0, 30.43, 30.43),
      T: new Float64Array(5).fill(38.86),
    };
    assertClose(mbgNbdLogLikelihood(p, weighted), mbgNbdLogLikelihood(p, expanded), { rel: 1e-14 }, "weights");
  });

  test("finite at extremes: x = 10,000, t_x = 0 with x > 0, a = 1 and a → 1, tiny and huge parameters", () => {
    const d: RfmData = {
      frequency: Float64Array.of(10000, 3, 0),
      recency: Float64Array.of(38, 0, 0),
      T: Float64Array.of(39, 39, 0),
    };
    for (const p of [
      published,
      asParams([0.5, 6, 1, 2]),
      asParams([0.5, 6, 1 + 1e-12, 2]),
      asParams([1e-6, 1e-6, 1e-6, 1e-6]),
      asParams([1e6, 1e6, 1e6, 1e6]),
    ]) {
      const g = new Float64Array(4);
      const ll = mbgNbdLogLikelihoodWithGradient([p.r, p.alpha, p.a, p.b], d, g);
      assert.ok(Number.isFinite(ll), `LL at ${JSON.stringify(p)} = ${ll}`);
      assert.ok(g.every(Number.isFinite), `gradient at ${JSON.stringify(p)}`);
    }
    assert.equal(mbgNbdLogLikelihood(asParams([0, 1, 1, 1]), d), Number.NEGATIVE_INFINITY);
  });
});

describe("MBG/NBD predictions", () => {
  for (const c of ref.predictions) {
    const p = asParams(c.params);
    const cust = { frequency: c.x, recency: c.t_x, T: c.T };
    const label = `${c.what} ${JSON.stringify({ ...c, value: undefined, params: undefined })}`;
    test(`matches mpmath closed form: ${label}`, () => {
      let v: number;
      if (c.what === "probabilityAlive") v = mbgNbdProbabilityAlive(p, cust);
      else if (c.what === "expectedPurchases") v = mbgNbdExpectedPurchases(p, c.t, cust);
      else if (c.what === "expectedPurchasesNewCustomer") v = mbgNbdExpectedPurchasesNewCustomer(p, c.t);
      else v = mbgNbdProbabilityOfPurchases(p, c.n, c.t);
      assertClose(v, c.value, { rel: 1e-10 }, label);
    });
  }

  test("P(alive) is in [0, 1] on CDNOW and < 1 for every one-time buyer (unlike BG/NBD)", () => {
    for (let i = 0; i < cdnow.frequency.length; i++) {
      const c = { frequency: cdnow.frequency[i], recency: cdnow.recency[i], T: cdnow.T[i] };
      const pa = mbgNbdProbabilityAlive(published, c);
      assert.ok(pa >= 0 && pa <= 1, `row ${i + 1}: ${pa}`);
      if (c.frequency === 0) assert.ok(pa < 1, `row ${i + 1}: one-time buyer P(alive) = ${pa}`);
    }
    // A one-time buyer seen at T = 0 is alive with probability b/(a+b): dropout at time 0 is possible.
    assertClose(
      mbgNbdProbabilityAlive(published, { frequency: 0, recency: 0, T: 0 }),
      published.b / (published.a + published.b),
      { rel: 1e-15 },
      "P(alive | x = 0, T = 0)",
    );
  });

  test("changing the time unit (weeks → days, α × 7) does not change predictions; LL shifts by −Σx·ln 7", () => {
    const days: MbgNbdParams = { ...published, alpha: published.alpha * 7 };
    const c = { frequency: 2, recency: 30.43, T: 38.86 };
    const cd = { frequency: 2, recency: 30.43 * 7, T: 38.86 * 7 };
    assertClose(mbgNbdProbabilityAlive(days, cd), mbgNbdProbabilityAlive(published, c), { rel: 1e-14 }, "P(alive)");
    assertClose(
      mbgNbdExpectedPurchases(days, 39 * 7, cd),
      mbgNbdExpectedPurchases(published, 39, c),
      { rel: 1e-13 },
      "E[X]",
    );
    assertClose(
      mbgNbdExpectedPurchasesNewCustomer(days, 39 * 7),
      mbgNbdExpectedPurchasesNewCustomer(published, 39),
      { rel: 1e-13 },
      "E[X(t)]",
    );
    assertClose(
      mbgNbdProbabilityOfPurchases(days, 3, 39 * 7),
      mbgNbdProbabilityOfPurchases(published, 3, 39),
      { rel: 1e-13 },
      "P(X=3)",
    );
    const scaled: RfmData = {
      frequency: cdnow.frequency,
      recency: cdnow.recency.map((v) => v * 7),
      T: cdnow.T.map((v) => v * 7),
    };
    let sumX = 0;
    for (const x of cdnow.frequency) sumX += x;
    assertClose(
      mbgNbdLogLikelihood(days, scaled),
      mbgNbdLogLikelihood(published, cdnow) - sumX * Math.log(7),
      { rel: 1e-13 },
      "LL in days",
    );
  });

  test("predictions are continuous through a = 1 (removable singularity)", () => {
    const c = { frequency: 2, recency: 30.43, T: 38.86 };
    const at1 = mbgNbdExpectedPurchases(asParams([0.5, 6, 1, 2]), 39, c);
    for (const eps of [1e-6, -1e-6, 1e-10]) {
      const v = mbgNbdExpectedPurchases(asParams([0.5, 6, 1 + eps, 2]), 39, c);
      assertClose(v, at1, { rel: 10 * Math.abs(eps) + 1e-13 }, `a = 1 + ${eps}`);
    }
    assert.ok(Number.isFinite(mbgNbdExpectedPurchases(published, 52, { frequency: 10000, recency: 0, T: 39 })));
  });

  test("P(X(t) = n) sums to 1 over n and its mean equals expectedPurchasesNewCustomer", () => {
    for (const t of [1, 39, 100]) {
      let s = 0;
      let m = 0;
      for (let n = 0; n < 800; n++) {
        const v = mbgNbdProbabilityOfPurchases(published, n, t);
        assert.ok(v >= 0 && v <= 1);
        s += v;
        m += n * v;
      }
      assertClose(s, 1, { abs: 1e-9 }, `Σ P(X(${t})=n)`);
      assertClose(m, mbgNbdExpectedPurchasesNewCustomer(published, t), { rel: 1e-8 }, `mean of X(${t})`);
    }
  });

  test("TSDoc examples (values from the mpmath fixture, rounded as printed)", () => {
    const g = new Float64Array(4);
    const ll = mbgNbdLogLikelihoodWithGradient([0.525, 6.183, 0.891, 1.614], cdnow, g);
    assertClose(ll, -9582.132795, { abs: 5e-7 }, "LL example");
    assertAllClose(g, [-0.693051, 0.034866, 0.305156, -0.139581], { abs: 5e-7 }, "gradient example");
    const c = { frequency: 2, recency: 30.43, T: 38.86 };
    assertClose(mbgNbdExpectedPurchases(published, 39, c), 1.262961, { abs: 5e-7 }, "E[X] example");
    assertClose(mbgNbdExpectedPurchasesNewCustomer(published, 39), 1.182954, { abs: 5e-7 }, "E[X(t)] example");
    assertClose(mbgNbdProbabilityOfPurchases(published, 0, 39), 0.582473, { abs: 5e-7 }, "P(X=0) example");
    assert.deepEqual(Array.from(simulateMbgNbd(published, [39, 39, 39], createRng(1)).T), [39, 39, 39]);
    const fit = fitMbgNbd(cdnow).params;
    assertAllClose([fit.r, fit.alpha, fit.a, fit.b], [0.524838, 6.182992, 0.891356, 1.613999], { abs: 5e-6 }, "fit");
  });

  test("example: P(alive) of a one-time buyer at the published parameters", () => {
    assertClose(
      mbgNbdProbabilityAlive(published, { frequency: 0, recency: 0, T: 38.86 }),
      0.3897350809187629,
      { rel: 1e-12 },
      "TSDoc example",
    );
  });

  test("is registered as the 'mbg-nbd' purchase model", () => {
    const m = purchaseModel("mbg-nbd");
    assert.equal(m.name, "mbg-nbd");
    assert.deepEqual([...m.paramNames], ["r", "alpha", "a", "b"]);
    assertClose(
      m.probabilityAlive(published, { frequency: 0, recency: 0, T: 38.86 }),
      0.3897350809187629,
      { rel: 1e-12 },
      "registry P(alive)",
    );
  });
});

describe("MBG/NBD simulation", () => {
  const truth = asParams([0.5, 6, 0.9, 1.6]);

  test("the simulated mean of X(39) matches expectedPurchasesNewCustomer (Monte Carlo, 4 standard errors)", () => {
    const N = 100000;
    const d = simulateMbgNbd(truth, new Float64Array(N).fill(39), createRng(7));
    let s = 0;
    let s2 = 0;
    for (const x of d.frequency) {
      s += x;
      s2 += x * x;
    }
    const mean = s / N;
    const se = Math.sqrt((s2 / N - mean * mean) / N);
    assertClose(mean, mbgNbdExpectedPurchasesNewCustomer(truth, 39), { abs: 4 * se }, "mean X(39)");
    let zeros = 0;
    for (const x of d.frequency) if (x === 0) zeros++;
    const p0 = mbgNbdProbabilityOfPurchases(truth, 0, 39);
    assertClose(zeros / N, p0, { abs: 4 * Math.sqrt((p0 * (1 - p0)) / N) }, "P(X(39)=0)");
  });

  test("parameter recovery: seeded simulate → fit, within 4 SE, and the tolerance shrinks with N", () => {
    let previous = Number.POSITIVE_INFINITY;
    for (const [N, seed] of [
      [2000, 11],
      [32000, 12],
    ]) {
      const T = Float64Array.from({ length: N }, (_, i) => 27 + (i % 12));
      const fit = fitMbgNbd(simulateMbgNbd(truth, T, createRng(seed)));
      let widest = 0;
      for (const k of ["r", "alpha", "a", "b"]) {
        const se = fit.standardErrors![k];
        assertClose(fit.params[k], truth[k], { abs: 4 * se }, `N=${N} ${k}`);
        widest = Math.max(widest, (4 * se) / truth[k]);
      }
      assert.ok(widest < previous / 2.5, `tolerance should shrink ~1/√N: ${widest} vs ${previous}`);
      previous = widest;
    }
  });
});
