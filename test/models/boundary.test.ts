import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isLoyalError } from "../../src/errors.ts";
import { boundaryError, boundaryProblems, INTERIOR, RIDGE_TOLERANCE } from "../../src/models/boundary.ts";
import { fitSbg, sbgLogLikelihood } from "../../src/models/sbg.ts";
import { assertClose } from "../helpers/tolerance.ts";

describe("boundary.ts: the shared checks for optima on the boundary", () => {
  const unreachable = () => {
    throw new Error("limit models must not be evaluated");
  };

  it("the documented example: p = 3e9 is beyond 1e8 (→ ∞); the limit models are then not evaluated", () => {
    assert.deepEqual(
      boundaryProblems(
        {
          bounded: [
            ["p", 3e9],
            ["q", 2],
          ],
          logLikelihood: -10,
          penalized: false,
        },
        [],
        unreachable,
      ),
      ["p = 3.00e+9 → ∞"],
    );
  });

  it("lists parameters beyond 1e±8 first, then the model's own problems; 1e8 and 1e-8 themselves are inside", () => {
    const fit = {
      bounded: [
        ["a", INTERIOR],
        ["b", 1 / INTERIOR],
        ["c", 2e-9],
        ["d", Number.NaN],
      ] as const,
      logLikelihood: -1,
      penalized: false,
    };
    assert.deepEqual(boundaryProblems(fit, ["q − 1 below double precision"], unreachable), [
      "c = 2.00e-9 → 0",
      "q − 1 below double precision",
    ]);
    assert.deepEqual(
      boundaryProblems({ ...fit, bounded: fit.bounded.slice(0, 2) }, [], () => []),
      [],
    );
  });

  it("a limit model within 1e-4 of the fit's log-likelihood (or above it) is a ridge; one 2e-4 below is not", () => {
    const fit = { bounded: [["a", 1]] as const, logLikelihood: -100, penalized: false };
    const limits = () => [
      { logLikelihood: -100 - RIDGE_TOLERANCE, problem: "at the tolerance" },
      { logLikelihood: -99, problem: "above" },
      { logLikelihood: -100 - 2 * RIDGE_TOLERANCE, problem: "below" },
    ];
    assert.deepEqual(boundaryProblems(fit, [], limits), ["at the tolerance", "above"]);
    // A penalised fit maximises another objective: its limit models are not compared with it.
    assert.deepEqual(boundaryProblems({ ...fit, penalized: true }, [], unreachable), []);
  });

  it("the documented example: boundaryError's message, code and details", () => {
    const e = boundaryError("bg-bb", ["gamma = 2.00e+9 → ∞"], "try --penalizer", {
      params: { gamma: 2e9 },
      logLikelihood: -1,
    });
    assert.ok(isLoyalError(e, "E_CONVERGENCE"));
    assert.equal(
      e.message,
      "bg-bb: the data do not identify the model: the likelihood is largest on the boundary of the parameter space (gamma = 2.00e+9 → ∞); try --penalizer",
    );
    assert.deepEqual(e.details, { params: { gamma: 2e9 }, logLikelihood: -1 });
  });
});

describe("sBG on cohorts whose retention does not rise: E_CONVERGENCE instead of α, β → ∞", () => {
  const constant = { alive: [1000, 700, 490, 343, 240, 168, 118, 82] };
  const boundary = (pattern: RegExp) => (e: unknown) =>
    isLoyalError(e, "E_CONVERGENCE") &&
    /^sbg: the data do not identify the model: the likelihood is largest on the boundary of the parameter space/.test(
      (e as Error).message,
    ) &&
    /the retention rate does not rise over time.*try --penalizer/.test((e as Error).message) &&
    pattern.test((e as Error).message);

  it("constant 70% retention ran to α = 5.9e22, β = 1.4e23 (LL printed as 0, S(t) = 1): now α, β → ∞", () => {
    assert.throws(() => fitSbg(constant), boundary(/alpha = 5\.\d\de\+22 → ∞; beta = 1\.\d\de\+23 → ∞/));
    // The supremum: one churn probability θ = 0.3 for everyone (α, β → ∞ with α/(α+β) = 0.3), LL −1868.89.
    assertClose(sbgLogLikelihood({ alpha: 3e6, beta: 7e6 }, constant), -1868.888, { abs: 1e-3 }, "LL near the limit");
  });

  it("everyone churned by period 2, no one censored (α = 5.6e86 before): E_CONVERGENCE", () => {
    assert.throws(() => fitSbg({ alive: [1000, 500, 0] }), boundary(/alpha = .* → ∞/));
  });

  it("falling retention stops at α = 1.7e7 inside 1e8: on a ridge, one churn probability for everyone is as likely", () => {
    assert.throws(
      () => fitSbg({ alive: [1000, 600, 200, 0] }),
      boundary(/alpha = 1\.\d\de\+7, beta = 1\.\d\de\+7 on a ridge: one churn probability for everyone is as likely/),
    );
  });

  it("with --penalizer the same cohort fits (finite α, β below the limit's likelihood)", () => {
    const fit = fitSbg(constant, { penalizer: 0.01 });
    assert.ok(fit.convergence.converged && fit.params.alpha < 10 && fit.params.beta < 10, JSON.stringify(fit.params));
    assert.ok(fit.logLikelihood < -1868.888, `LL ${fit.logLikelihood}`);
  });
});
