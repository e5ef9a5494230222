import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { isLoyalError } from "../../src/errors.ts";
import { createRng } from "../../src/math/random.ts";
import { betaln } from "../../src/math/special.ts";
import {
  type BgBbData,
  type BgBbParams,
  bgBbDiscountedExpectedResidualTransactions,
  bgBbExpectedFrequencyCounts,
  bgBbExpectedPurchases,
  bgBbExpectedPurchasesNewCustomer,
  bgBbLogLikelihood,
  bgBbLogLikelihoodWithGradient,
  bgBbModel,
  bgBbProbabilityAlive,
  bgBbProbabilityOfPurchases,
  fitBgBb,
  simulateBgBb,
} from "../../src/models/bg-bb.ts";
import { donations as loadDonations } from "../helpers/datasets.ts";
import { assertAllClose, assertClose } from "../helpers/tolerance.ts";

const root = new URL("../../", import.meta.url);
const ref = JSON.parse(readFileSync(new URL("test/fixtures/bg-bb/reference.json", root), "utf8"));

const donations = loadDonations();
const published: BgBbParams = { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 };

describe("BG/BB fit on the donations data", () => {
  const fit = fitBgBb(donations);

  test("matches Fader, Hardie & Shang 2010: alpha 1.204, beta 0.750, gamma 0.657, delta 2.783 (printed 3 decimals)", () => {
    assert.equal(fit.convergence.converged, true);
    assert.equal(fit.n, 11104);
    for (const k of ["alpha", "beta", "gamma", "delta"])
      assertClose(fit.params[k], published[k], { abs: 5e-4 }, `param ${k}`);
  });

  test("LL matches Fader, Hardie & Shang 2010 -33,225.6 (printed 1 decimal) and the scipy optimum", () => {
    // The paper's LL rounds to -33,225.6; the mpmath LL at the optimum is -33,225.58127 (test/fixtures/bg-bb).
    assertClose(fit.logLikelihood, -33225.6, { abs: 0.05 }, "published LL");
    const s = ref.scipy_optimum;
    assert.ok(fit.logLikelihood >= s.logLikelihood - 1e-8);
    assertClose(fit.logLikelihood, s.logLikelihood_mpmath, { rel: 1e-13 }, "LL vs mpmath at the scipy optimum");
    for (const k of ["alpha", "beta", "gamma", "delta"])
      assertClose(fit.params[k], s.params[k], { rel: 1e-6 }, `scipy optimum ${k}`);
  });

  test("the fitted P(X(6) = x) reproduces the donations data's frequency counts within 8% (model fit, loose)", () => {
    const observed = new Float64Array(7);
    for (let i = 0; i < donations.frequency.length; i++) observed[donations.frequency[i]] += donations.weights![i];
    assert.deepEqual(Array.from(observed), [3464, 1823, 1430, 1085, 1036, 1063, 1203]);
    const expected = bgBbExpectedFrequencyCounts(fit.params, 6, 11104);
    // Measured: 3454.9 1888.7 1348.9 1113.4 1017.9 1027.2 1253.1 (worst: x = 2, −5.7%).
    for (let x = 0; x <= 6; x++) assertClose(expected[x], observed[x], { rel: 0.08 }, `customers with x = ${x}`);
    let s = 0;
    for (const v of expected) s += v;
    assertClose(s, 11104, { rel: 1e-13 }, "expected counts sum to the cohort");
  });
});

describe("BG/BB likelihood", () => {
  test("matches mpmath eq. 5 at the published parameters (LL and mpmath.diff gradient)", () => {
    const p = published;
    const g = new Float64Array(4);
    const ll = bgBbLogLikelihoodWithGradient([p.alpha, p.beta, p.gamma, p.delta], donations, g);
    assertClose(ll, ref.log_likelihood_at_published, { rel: 1e-13 }, "LL");
    for (let k = 0; k < 4; k++) assertClose(g[k], ref.gradient_at_published[k], { rel: 1e-9 }, `dLL/dθ${k}`);
  });

  test("weighted patterns equal expanded rows, in any row order", () => {
    const f: number[] = [];
    const r: number[] = [];
    const n: number[] = [];
    for (let i = donations.frequency.length - 1; i >= 0; i--)
      for (let k = 0; k < donations.weights![i]; k++) {
        f.push(donations.frequency[i]);
        r.push(donations.recency[i]);
        n.push(donations.periods[i]);
      }
    assertClose(
      bgBbLogLikelihood(published, { frequency: f, recency: r, periods: n }),
      bgBbLogLikelihood(published, donations),
      { rel: 1e-12 },
      "expanded",
    );
  });

  test("rejects impossible histories with E_INPUT naming the row and column", () => {
    assert.throws(
      () => bgBbLogLikelihood(published, { frequency: [2], recency: [1], periods: [6] }),
      (e) => isLoyalError(e, "E_INPUT") && /row 1, column recency/.test(e.message),
    );
    assert.throws(
      () => bgBbLogLikelihood(published, { frequency: [7], recency: [7], periods: [6] }),
      (e) => isLoyalError(e, "E_INPUT"),
    );
  });

  test("finite at extremes: n = 1000 with x = 1000 or 0, tiny and huge parameters", () => {
    const d = { frequency: [1000, 0, 1], recency: [1000, 0, 1], periods: [1000, 1000, 1000] };
    for (const p of [published, [1e-6, 1e-6, 1e-6, 1e-6], [1e6, 1e6, 1e6, 1e6], [1, 1, 1, 1]]) {
      const theta = Array.isArray(p) ? p : [p.alpha, p.beta, p.gamma, p.delta];
      const g = new Float64Array(4);
      const ll = bgBbLogLikelihoodWithGradient(theta, d, g);
      assert.ok(Number.isFinite(ll) && g.every(Number.isFinite), `at ${theta}`);
    }
  });
});

/**
 * Brute-force enumeration of the BG/BB model over every purchase string and death period of a horizon N: the
 * probability of a string y_1..y_N with death at the start of period τ (τ = N + 1: alive throughout) is
 * E[p^{#1}(1−p)^{#0}] · E[θ(1−θ)^{τ−1}] (or E[(1−θ)^N]), where only periods before τ can hold a purchase.
 */
function enumerate(p: BgBbParams, N: number) {
  const { alpha, beta, gamma, delta } = p;
  const lbAB = betaln(alpha, beta);
  const lbGD = betaln(gamma, delta);
  const out: { y: number[]; tau: number; prob: number }[] = [];
  for (let tau = 1; tau <= N + 1; tau++) {
    const alive = tau - 1; // periods 1..tau-1 are alive
    const death = tau <= N ? betaln(gamma + 1, delta + tau - 1) - lbGD : betaln(gamma, delta + N) - lbGD;
    for (let mask = 0; mask < 1 << alive; mask++) {
      const y = new Array(N).fill(0);
      let ones = 0;
      for (let t = 0; t < alive; t++)
        if (mask & (1 << t)) {
          y[t] = 1;
          ones++;
        }
      out.push({ y, tau, prob: Math.exp(betaln(alpha + ones, beta + alive - ones) - lbAB + death) });
    }
  }
  return out;
}

describe("BG/BB predictions", () => {
  const pp: BgBbParams = ref.params_for_predictions;

  test("P(alive in 2002) matches Fader, Hardie & Shang 2010 Table 6: 0.11 (0,0), 0.59 (2,4), 0.93 (6,6)", () => {
    const rows = [
      [0, 0, 0.11],
      [2, 4, 0.59],
      [6, 6, 0.93],
    ];
    for (const [x, tx, v] of rows)
      assertClose(
        bgBbProbabilityAlive(published, { frequency: x, recency: tx, periods: 6 }),
        v,
        { abs: 0.005 },
        `P(alive 2002 | x=${x}, t_x=${tx})`,
      );
  });

  for (const c of ref.predictions) {
    const label = `${c.what} ${JSON.stringify({ ...c, what: undefined, value: undefined })}`;
    test(`matches mpmath (paper's closed forms eqs. 9, 11, 13, 14): ${label}`, () => {
      const cust = { frequency: c.x, recency: c.t_x, periods: c.n };
      let v: number;
      if (c.what === "probabilityAlive") v = bgBbProbabilityAlive(pp, cust);
      else if (c.what === "expectedPurchases") v = bgBbExpectedPurchases(pp, c.nStar, cust);
      else if (c.what === "dert") v = bgBbDiscountedExpectedResidualTransactions(pp, c.d, cust);
      else v = bgBbExpectedPurchasesNewCustomer(pp, c.n);
      assertClose(v, c.value, { rel: 1e-12 }, label);
    });
  }

  test("likelihood, P(alive), conditional expectations and P(X(n)=x) match a brute-force enumeration (n=4, n*=3)", () => {
    const n = 4;
    const nStar = 3;
    const all = enumerate(pp, n + nStar);
    let total = 0;
    for (const h of all) total += h.prob;
    assertClose(total, 1, { abs: 1e-14 }, "enumeration sums to 1");
    const pmf = new Float64Array(n + 1);
    const groups = new Map<string, { L: number; alive1: number; future: number }>();
    for (const h of all) {
      let x = 0;
      for (let t = 1; t <= n; t++) x += h.y[t - 1];
      pmf[x] += h.prob;
      let fut = 0;
      for (let t = n + 1; t <= n + nStar; t++) fut += h.y[t - 1];
      const key = h.y.slice(0, n).join("");
      const g = groups.get(key) ?? { L: 0, alive1: 0, future: 0 };
      g.L += h.prob;
      if (h.tau > n + 1) g.alive1 += h.prob;
      g.future += h.prob * fut;
      groups.set(key, g);
    }
    for (let x = 0; x <= n; x++)
      assertClose(bgBbProbabilityOfPurchases(pp, x, n), pmf[x], { rel: 1e-12 }, `P(X(4)=${x})`);
    for (const [key, g] of groups) {
      const x = [...key].filter((c) => c === "1").length;
      const tx = key.lastIndexOf("1") + 1;
      const cust = { frequency: x, recency: tx, periods: n };
      assertClose(
        bgBbLogLikelihood(pp, { frequency: [x], recency: [tx], periods: [n] }),
        Math.log(g.L),
        { rel: 1e-12 },
        `L(${key})`,
      );
      assertClose(bgBbProbabilityAlive(pp, cust), g.alive1 / g.L, { rel: 1e-12 }, `P(alive at 5 | ${key})`);
      assertClose(bgBbExpectedPurchases(pp, nStar, cust), g.future / g.L, { rel: 1e-12 }, `E[X(4,7) | ${key}]`);
    }
  });

  test("P(X(n) = x) sums to 1 exactly over x = 0..n, and its mean is expectedPurchasesNewCustomer", () => {
    for (const n of [0, 1, 6, 40]) {
      let s = 0;
      let m = 0;
      for (let x = 0; x <= n; x++) {
        const v = bgBbProbabilityOfPurchases(pp, x, n);
        s += v;
        m += x * v;
      }
      assertClose(s, 1, { abs: 1e-14 }, `Σ P(X(${n})=x)`);
      assertClose(m, bgBbExpectedPurchasesNewCustomer(pp, n), { rel: 1e-13, abs: 1e-15 }, `mean X(${n})`);
    }
  });

  test("conditional expectations are continuous through gamma = 1 and the closed form agrees with the sum", () => {
    const c = { frequency: 3, recency: 5, periods: 6 };
    const at1 = bgBbExpectedPurchases({ ...pp, gamma: 1 }, 50, c);
    assertClose(bgBbExpectedPurchases({ ...pp, gamma: 1 + 1e-7 }, 50, c), at1, { rel: 1e-6 }, "gamma → 1");
    // Past 1,000,000 periods the telescoped closed form replaces the direct sum; it continues it: the step from
    // n to n + 1 is α/(α+β) · S(n+1), S(t) = B(γ, δ+t)/B(γ, δ).
    const n = 1e6;
    const step =
      (pp.alpha / (pp.alpha + pp.beta)) * Math.exp(betaln(pp.gamma, pp.delta + n + 1) - betaln(pp.gamma, pp.delta));
    const a = bgBbExpectedPurchasesNewCustomer(pp, n);
    const b = bgBbExpectedPurchasesNewCustomer(pp, n + 1);
    // The closed form's ln Γ differences near 1e6 lose ~1e-9 of E[X(n)] ≈ 700 (measured step error 4.3e-7).
    assertClose(b - a, step, { abs: 1e-6 }, "step across the switch to the closed form");
  });

  test("DERT equals a direct discounted sum of per-period expected transactions", () => {
    const c = { frequency: 2, recency: 4, periods: 6 };
    const d = 0.1;
    let s = 0;
    let prev = 0;
    for (let k = 1; k < 2000; k++) {
      const cum = bgBbExpectedPurchases(pp, k, c);
      s += (cum - prev) / (1 + d) ** k;
      prev = cum;
    }
    assertClose(bgBbDiscountedExpectedResidualTransactions(pp, d, c), s, { rel: 1e-10 }, "DERT");
  });

  test("P(alive) is in [0, 1] and decreases with m", () => {
    for (let i = 0; i < donations.frequency.length; i++) {
      const c = { frequency: donations.frequency[i], recency: donations.recency[i], periods: 6 };
      let prev = 1;
      for (const m of [0, 1, 5, 20]) {
        const v = bgBbProbabilityAlive(pp, c, m);
        assert.ok(v >= 0 && v <= prev + 1e-15, `${JSON.stringify(c)} m=${m}: ${v}`);
        prev = v;
      }
    }
  });

  test("TSDoc examples (values from the mpmath fixture and the paper's parameters, rounded as printed)", () => {
    const g = new Float64Array(4);
    assertClose(bgBbLogLikelihoodWithGradient([1.204, 0.75, 0.657, 2.783], donations, g), -33225.581755, {
      abs: 5e-7,
    });
    assertAllClose(g, [0.67012, -1.191148, -2.6435, 0.446872], { abs: 5e-7 }, "gradient example");
    const c66 = { frequency: 6, recency: 6, periods: 6 };
    assertClose(bgBbExpectedPurchases(published, 5, c66), 3.752116, { abs: 5e-7 }, "E[X] example");
    assertClose(bgBbExpectedPurchasesNewCustomer(published, 6), 2.219631, { abs: 5e-7 }, "E[X(6)] example");
    assertClose(bgBbProbabilityOfPurchases(published, 0, 6), 0.311218, { abs: 5e-7 }, "P(X(6)=0) example");
    assertAllClose(
      bgBbExpectedFrequencyCounts(published, 6, 11104),
      [3455.762, 1888.901, 1348.92, 1113.322, 1017.791, 1026.911, 1252.394],
      { abs: 5e-4 },
      "counts example",
    );
    assertClose(bgBbDiscountedExpectedResidualTransactions(published, 0.1, c66), 5.908678, { abs: 5e-7 }, "DERT");
    assert.deepEqual(Array.from(simulateBgBb(published, [6, 6, 6], createRng(1)).frequency), [1, 6, 1]);
  });

  test("bgBbModel exposes the functions for the CLI", () => {
    assert.equal(bgBbModel.name, "bg-bb");
    assert.equal(bgBbModel.fit, fitBgBb);
  });
});

describe("BG/BB simulation", () => {
  const truth: BgBbParams = { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8 };

  test("simulated frequency shares match P(X(6) = x) (Monte Carlo, 4 standard errors)", () => {
    const N = 50000;
    const d = simulateBgBb(truth, new Float64Array(N).fill(6), createRng(5));
    const counts = new Float64Array(7);
    for (const x of d.frequency) counts[x]++;
    for (let x = 0; x <= 6; x++) {
      const q = bgBbProbabilityOfPurchases(truth, x, 6);
      assertClose(counts[x] / N, q, { abs: 4 * Math.sqrt((q * (1 - q)) / N) }, `P(X(6)=${x})`);
    }
  });

  test("parameter recovery: seeded simulate → fit, within 4 SE, and the tolerance shrinks with N", () => {
    let previous = Number.POSITIVE_INFINITY;
    for (const [N, seed] of [
      [2000, 31],
      [32000, 32],
    ]) {
      const fit = fitBgBb(simulateBgBb(truth, new Float64Array(N).fill(10), createRng(seed)));
      let widest = 0;
      for (const k of ["alpha", "beta", "gamma", "delta"]) {
        const se = fit.standardErrors![k];
        assertClose(fit.params[k], truth[k], { abs: 4 * se }, `N=${N} ${k}`);
        widest = Math.max(widest, (4 * se) / truth[k]);
      }
      assert.ok(widest < previous / 2.5, `tolerance should shrink ~1/√N: ${widest} vs ${previous}`);
      previous = widest;
    }
  });
});

describe("BG/BB boundary optima and degenerate parameters", () => {
  const BG_BB_PARAMS_LOCAL = ["alpha", "beta", "gamma", "delta"] as const;
  const three = (n: number, zeros: number): BgBbData => ({
    frequency: [0, 1, 2],
    recency: [0, 1, 2],
    periods: [n, n, n],
    weights: [zeros, 1, 1],
  });
  const boundary = (e: unknown) =>
    isLoyalError(e, "E_CONVERGENCE") && /do not identify the model/.test(e.message) && /penalizer/.test(e.message);

  test("0,0,4×58 | 1,1,4 | 2,2,4 runs to β = 5e-10 (everyone alive transacts every period): E_CONVERGENCE", () => {
    assert.throws(() => fitBgBb(three(4, 58)), boundary);
  });

  test("0,0,18×178 | 1,1,18 | 2,2,18 runs to α = 5e-96, β = 2e-94, γ = 7e6: E_CONVERGENCE, not a converged fit", () => {
    assert.throws(() => fitBgBb(three(18, 178)), boundary);
  });

  test("one opportunity per customer identifies only E[p]·E[1 − θ]: E_CONVERGENCE (a limit model with one p for everyone is as likely)", () => {
    const d = simulateBgBb(published, new Float64Array(2000).fill(1), createRng(5));
    assert.throws(
      () => fitBgBb(d),
      (e: unknown) => boundary(e) && /one transaction probability for everyone is as likely/.test((e as Error).message),
    );
  });

  test("5,000 simulated customers over 6 periods still fit (recovery within 20%)", () => {
    const d = simulateBgBb(published, new Float64Array(5000).fill(6), createRng(6));
    const fit = fitBgBb(d);
    for (const k of BG_BB_PARAMS_LOCAL) assertClose(fit.params[k], published[k], { rel: 0.2 }, k);
  });

  test("P(alive, m=0) of (4,4,4) at β = 5.07e-10 is exactly 1 (was 1.00000087: β + n − x lost β's digits)", () => {
    const p = {
      alpha: 733.202580840956,
      beta: 5.073528227179456e-10,
      gamma: 2.8544896015275842,
      delta: 0.09945312730758343,
    };
    assert.equal(bgBbProbabilityAlive(p, { frequency: 4, recency: 4, periods: 4 }, 0), 1);
    const one = bgBbProbabilityAlive(p, { frequency: 4, recency: 4, periods: 4 }, 1);
    // alive at 4 for sure, so P(alive at 5) = E[1 − θ | survived 4] = B(γ, δ+5)/B(γ, δ+4) = (δ+4)/(γ+δ+4)
    assertClose(one, (p.delta + 4) / (p.gamma + p.delta + 4), { rel: 1e-14 }, "P(alive at 5)");
  });

  test("P(alive) never exceeds 1 on the donations fit (was 1 + 9e-16 for (6,6,6), m = 0)", () => {
    const fit = fitBgBb(donations);
    for (let x = 0; x <= 6; x++)
      for (let tx = x; tx <= (x === 0 ? 0 : 6); tx++)
        for (const m of [0, 1, 5]) {
          const v = bgBbProbabilityAlive(fit.params, { frequency: x, recency: tx, periods: 6 }, m);
          assert.ok(v >= 0 && v <= 1, `P(alive, m=${m}) of (${x},${tx},6) = ${v}`);
        }
    assert.equal(bgBbProbabilityAlive(fit.params, { frequency: 6, recency: 6, periods: 6 }, 0), 1);
  });

  test("predictions at the limit parameters α = 3.5e-95, β = 1e-93, γ = 2.5e7, δ = 1.2e7 are finite: θ = 2/3 for everyone", () => {
    const p = {
      alpha: 3.5275539698814225e-95,
      beta: 1.0230254764473242e-93,
      gamma: 24764160.235898025,
      delta: 12382044.738797046,
    };
    const c = { frequency: 18, recency: 18, periods: 18 };
    const theta = p.gamma / (p.gamma + p.delta);
    // x = n: alive through 18 for sure and transacting with p = 1; survives each further period with 1 − θ = 1/3
    assertClose(bgBbProbabilityAlive(p, c, 0), 1, { rel: 1e-15 }, "P(alive at 18)");
    assertClose(bgBbProbabilityAlive(p, c, 1), 1 - theta, { rel: 1e-6 }, "P(alive at 19)");
    let e = 0;
    for (let k = 1; k <= 10; k++) e += (1 - theta) ** k;
    assertClose(bgBbExpectedPurchases(p, 10, c), e, { rel: 1e-5 }, "E[X(18, 28)]");
    let dert = 0;
    for (let k = 1; k <= 2000; k++) dert += (1 - theta) ** k / 1.1 ** k;
    assertClose(bgBbDiscountedExpectedResidualTransactions(p, 0.1, c), dert, { rel: 1e-5 }, "DERT");
    for (const h of [
      { frequency: 0, recency: 0, periods: 18 },
      { frequency: 1, recency: 1, periods: 18 },
    ]) {
      const pa = bgBbProbabilityAlive(p, h, 1);
      const ex = bgBbExpectedPurchases(p, 10, h);
      assert.ok(pa >= 0 && pa <= 1 && Number.isFinite(ex) && ex >= 0 && ex <= 10, JSON.stringify({ h, pa, ex }));
    }
  });
});
