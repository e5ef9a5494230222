import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isLoyalError } from "../../src/errors.ts";
import { boundaryError, boundaryProblems, INTERIOR, RIDGE_TOLERANCE } from "../../src/models/boundary.ts";

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
