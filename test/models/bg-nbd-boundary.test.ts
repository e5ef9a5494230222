/**
 * BG/NBD and MBG/NBD refuse optima on the boundary of the parameter space (src/models/boundary.ts, via
 * bgFamilyBoundaryProblems in bg-nbd.ts): before the check, a few distinct repeat histories among 1,000 one-time
 * buyers gave a = 9e8, b = 1e-9 or r = 2.7e8, and a single customer r = 3e7, b = 4.5e9, with no error.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { RfmData } from "../../src/data/summary.ts";
import { isLoyalError } from "../../src/errors.ts";
import { createRng } from "../../src/math/random.ts";
import {
  type BgNbdParams,
  bgFamilyBoundaryProblems,
  bgFamilyLimitLogLikelihood,
  bgNbdLogLikelihood,
  fitBgNbd,
  simulateBgNbd,
} from "../../src/models/bg-nbd.ts";
import { compressRfm } from "../../src/models/fit-summary.ts";
import { fitMbgNbd, mbgNbdLogLikelihood, simulateMbgNbd } from "../../src/models/mbg-nbd.ts";
import type { FitOptions, FittedModel } from "../../src/models/types.ts";
import { cdnowRounded, reference } from "../helpers/datasets.ts";
import { assertClose } from "../helpers/tolerance.ts";

const mbgRef = JSON.parse(
  readFileSync(new URL("../fixtures/mbg-nbd/reference.json", import.meta.url), "utf8"),
).scipy_optimum;

const rfm = (rows: [number, number, number][], weights?: number[]): RfmData => ({
  frequency: Float64Array.from(rows, (r) => r[0]),
  recency: Float64Array.from(rows, (r) => r[1]),
  T: Float64Array.from(rows, (r) => r[2]),
  weights: weights ? Float64Array.from(weights) : undefined,
});

const models: [string, (d: RfmData, o?: FitOptions) => FittedModel<BgNbdParams>][] = [
  ["bg-nbd", fitBgNbd],
  ["mbg-nbd", fitMbgNbd],
];

const boundaryCases: [string, RfmData][] = [
  [
    "2 repeat histories among 1,000 one-time buyers",
    rfm(
      [
        [0, 0, 30],
        [2, 10, 30],
        [1, 5, 30],
      ],
      [1000, 1, 1],
    ),
  ],
  [
    "3 repeat histories among 1,000 one-time buyers",
    rfm(
      [
        [0, 0, 30],
        [1, 5, 30],
        [2, 10, 30],
        [3, 20, 30],
      ],
      [1000, 1, 1, 1],
    ),
  ],
  ["a single customer (x = 3, t_x = 20, T = 30)", rfm([[3, 20, 30]])],
];

const boundaryError = (model: string) => (e: unknown) =>
  isLoyalError(e, "E_CONVERGENCE") &&
  e.message.startsWith(
    `${model}: the data do not identify the model: the likelihood is largest on the boundary of the parameter space (`,
  ) &&
  /try --penalizer/.test(e.message);

describe("BG/NBD and MBG/NBD: optima on the boundary of the parameter space", () => {
  for (const [model, fit] of models) {
    for (const [name, data] of boundaryCases) {
      it(`${model} refuses ${name} with E_CONVERGENCE (the shared boundary message)`, () => {
        assert.throws(() => fit(data), boundaryError(model));
      });
      it(`${model} fits ${name} with --penalizer 0.1: finite parameters and log-likelihood`, () => {
        const m = fit(data, { penalizer: 0.1 });
        for (const k of ["r", "alpha", "a", "b"])
          assert.ok(Number.isFinite(m.params[k]) && m.params[k] > 0, `${k} = ${m.params[k]}`);
        assert.ok(Number.isFinite(m.logLikelihood) && m.logLikelihood < 0, `LL ${m.logLikelihood}`);
        assert.equal(m.convergence.converged, true);
      });
    }
  }

  it("names the ridge: homogeneous purchase rates (Poisson data) put MBG/NBD on r, α → ∞", () => {
    const rng = createRng(1);
    const T = Float64Array.from({ length: 3000 }, () => 27 + 12 * rng.uniform());
    const data = compressRfm(simulateBgNbd({ r: 1e4, alpha: 2e4, a: 0.8, b: 2.5 }, T, rng, 1 / 7)).data;
    assert.throws(
      () => fitMbgNbd(data),
      (e: unknown) => boundaryError("mbg-nbd")(e) && /one purchase rate for everyone/.test((e as Error).message),
    );
  });

  it("names the ridge: 40 customers whose last purchase is at T put BG/NBD on a, b → ∞ at a/(a+b)", () => {
    const rows = Array.from({ length: 40 }, (_, i): [number, number, number] => [1 + (i % 7), 5 + i, 5 + i]);
    assert.throws(
      () => fitBgNbd(rfm(rows)),
      (e: unknown) =>
        boundaryError("bg-nbd")(e) && /one dropout probability for everyone is as likely/.test((e as Error).message),
    );
  });

  it("bgFamilyBoundaryProblems example: b = 4.5e9 is beyond 1e8", () => {
    const oneCustomer = rfm([[3, 20, 30]]);
    assert.deepEqual(bgFamilyBoundaryProblems({ r: 3e7, alpha: 3e8, a: 2e-8, b: 4.5e9 }, -9.9, oneCustomer, 0, false), [
      "b = 4.50e+9 → ∞",
    ]);
  });

  it("a penalised fit is bounded on the ∞ side only (the penalty pulls parameters to 0)", () => {
    const d = rfm([[3, 20, 30]]);
    assert.deepEqual(bgFamilyBoundaryProblems({ r: 0.5, alpha: 1, a: 1e-32, b: 1e-6 }, -11, d, 0, true), []);
    assert.deepEqual(bgFamilyBoundaryProblems({ r: 0.5, alpha: 1, a: 1e-32, b: 2e8 }, -11, d, 0, true), [
      "b = 2.00e+8 → ∞",
    ]);
  });
});

describe("BG/NBD-family limit models: closed forms equal the model far out on the ridge", () => {
  const d = cdnowRounded();
  for (const [model, ll, shift] of [
    ["bg-nbd", bgNbdLogLikelihood, 0],
    ["mbg-nbd", mbgNbdLogLikelihood, 1],
  ] as const) {
    it(`${model}: "none" equals the model's log-likelihood; "dropout", "polar" and "rate" its limits (error ~ 1/K)`, () => {
      const p = { r: 0.24, alpha: 4.4, a: 0.8, b: 2.4 };
      assertClose(bgFamilyLimitLogLikelihood(p, d, shift, "none"), ll(p, d), { rel: 1e-13 }, "none");
      const K = 1e7;
      const dropout = { ...p, a: 0.25 * K, b: 0.75 * K };
      assertClose(bgFamilyLimitLogLikelihood(dropout, d, shift, "dropout"), ll(dropout, d), { abs: 1e-3 }, "dropout");
      // a, b → 0 converges non-uniformly: the term a/(b+x+s−1)·((α+T)/(α+t_x))^{r+x} vanishes only once a is below
      // the inverse of that ratio (up to 1e18 for CDNOW's frequent early buyers), so a small data set here.
      const few = rfm(
        [
          [0, 0, 30],
          [1, 10, 30],
          [2, 20, 35],
          [3, 25, 30],
        ],
        [50, 20, 10, 5],
      );
      const polar = { ...p, a: 0.25 / 1e10, b: 0.75 / 1e10 };
      assertClose(bgFamilyLimitLogLikelihood(polar, few, shift, "polar"), ll(polar, few), { abs: 1e-6 }, "polar");
      const rate = { ...p, r: 0.24 * K, alpha: 4.4 * K };
      assertClose(bgFamilyLimitLogLikelihood(rate, d, shift, "rate"), ll(rate, d), { abs: 1e-2 }, "rate");
    });
  }

  it("bg-nbd: the log-likelihood stays finite as a, b → 0 and tends to the polar limit (b + (x − 1), not b + x − 1)", () => {
    // b + x − 1 rounded to 0 for x = 1 once b < 1e-16, which made the log-likelihood +∞ (2.5e-21 and 1e-18 on CDNOW)
    const p = { r: 0.24, alpha: 4.4 };
    const limit = bgFamilyLimitLogLikelihood({ ...p, a: 0.25, b: 0.75 }, d, 0, "polar");
    for (const k of [1e-18, 2.5e-21, 1e-100, 1e-300]) {
      const ll = bgNbdLogLikelihood({ ...p, a: k, b: 3 * k }, d);
      assert.ok(Number.isFinite(ll), `a = ${k}: ${ll}`);
      assertClose(ll, limit, { abs: 1e-6 }, `a = ${k}`);
    }
    // and near 1e-10, where b + x − 1 lost 8 digits, the model agrees with its own accurate form
    const small = { ...p, a: 1e-10, b: 3e-10 };
    assertClose(bgNbdLogLikelihood(small, d), bgFamilyLimitLogLikelihood(small, d, 0, "none"), { rel: 1e-13 }, "1e-10");
  });

  it("bgFamilyLimitLogLikelihood example on CDNOW", () => {
    const p = { r: 0.24, alpha: 4.4, a: 2.5e6, b: 7.5e6 };
    assertClose(bgFamilyLimitLogLikelihood(p, d, 0, "dropout"), -9629.92683, { abs: 1e-5 }, "limit");
    assertClose(bgNbdLogLikelihood(p, d), -9629.926747, { abs: 1e-5 }, "model");
  });
});

describe("BG/NBD and MBG/NBD: interior optima still fit", () => {
  it("CDNOW: BG/NBD LL −9582.4256 and MBG/NBD the scipy optimum (test/fixtures/mbg-nbd), no boundary error", () => {
    const d = cdnowRounded();
    const bg = fitBgNbd(d);
    assertClose(bg.logLikelihood, reference.cdnow_sample.bg_nbd.mle_rounded_summary.logLikelihood, { abs: 1e-3 }, "BG");
    assertClose(bg.logLikelihood, -9582.4256, { abs: 1e-3 }, "BG LL");
    const mbg = fitMbgNbd(d);
    assertClose(mbg.logLikelihood, mbgRef.logLikelihood, { abs: 1e-6 }, "MBG LL");
    for (const k of ["r", "alpha", "a", "b"]) assertClose(mbg.params[k], mbgRef.params[k], { rel: 1e-6 }, k);
  });

  const truth: BgNbdParams = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };
  it("3,000 customers simulated by simulateBgNbd (seed 1): BG/NBD recovers the parameters within 4 SE", () => {
    const rng = createRng(1);
    const T = Float64Array.from({ length: 3000 }, () => 27 + 12 * rng.uniform());
    const fit = fitBgNbd(compressRfm(simulateBgNbd(truth, T, rng, 1 / 7)).data);
    for (const k of ["r", "alpha", "a", "b"])
      assertClose(fit.params[k], truth[k], { abs: 4 * fit.standardErrors![k] }, k);
  });

  it("3,000 customers simulated by simulateMbgNbd (seed 1): MBG/NBD recovers the parameters within 4 SE", () => {
    const rng = createRng(1);
    const T = Float64Array.from({ length: 3000 }, () => 27 + 12 * rng.uniform());
    const fit = fitMbgNbd(compressRfm(simulateMbgNbd(truth, T, rng)).data);
    for (const k of ["r", "alpha", "a", "b"])
      assertClose(fit.params[k], truth[k], { abs: 4 * fit.standardErrors![k] }, k);
  });
});
