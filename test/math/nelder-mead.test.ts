/**
 * src/math/nelder-mead.ts on standard test problems: Rosenbrock (2-d; the More–Garbow–Hillstrom extended 4-d and
 * the chained 4-d), a quadratic with a known minimum, objectives that are +Infinity or NaN on part of the space, and
 * the report (converged, iterations, value, gradientNorm = NaN).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OptimizeResult } from "../../src/math/bfgs.ts";
import { nelderMead } from "../../src/math/nelder-mead.ts";
import { assertAllClose, assertClose } from "../helpers/tolerance.ts";

/** Σ over pairs (a, b) = (x_{2i}, x_{2i+1}) of (1 - a)² + 100 (b - a²)²: MGH problem 21, minimum 0 at all ones. */
function extendedRosenbrock(x: Float64Array): number {
  let f = 0;
  for (let i = 0; i < x.length; i += 2) f += (1 - x[i]) ** 2 + 100 * (x[i + 1] - x[i] * x[i]) ** 2;
  return f;
}

/** Σ_i (1 - x_i)² + 100 (x_{i+1} - x_i²)²: the chained Rosenbrock, minimum 0 at all ones. */
function chainedRosenbrock(x: Float64Array): number {
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) f += (1 - x[i]) ** 2 + 100 * (x[i + 1] - x[i] * x[i]) ** 2;
  return f;
}

// ½ (x - m)ᵀ A (x - m) + 7 with A SPD: minimum 7 at m.
const A = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 2];
const m = [1, -2, 0.5];
function quadratic(x: Float64Array): number {
  let f = 7;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) f += 0.5 * (x[i] - m[i]) * A[i * 3 + j] * (x[j] - m[j]);
  return f;
}

function checkReport(f: (x: Float64Array) => number, r: OptimizeResult): void {
  assert.equal(r.method, "nelder-mead");
  assert.ok(Array.from(r.x).every(Number.isFinite), `x is finite: ${Array.from(r.x)}`);
  assert.ok(Number.isNaN(r.gradientNorm), "Nelder-Mead does not compute a gradient norm");
  const v = f(Float64Array.from(r.x));
  if (Number.isFinite(v)) assert.equal(r.value, v, "value is f(x)");
  assert.ok(Number.isInteger(r.iterations) && r.iterations >= 0);
}

describe("nelderMead", () => {
  test("nelderMead minimises 2-d Rosenbrock from (-1.2, 1) to (1, 1) within 1e-5", () => {
    const r = nelderMead(extendedRosenbrock, [-1.2, 1]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [1, 1], { abs: 1e-5 }, "nelderMead Rosenbrock 2-d from (-1.2, 1)");
    assertClose(r.value, 0, { abs: 1e-10 }, "nelderMead Rosenbrock 2-d minimum value");
    assert.ok(r.iterations > 10 && r.iterations < 5000, `iterations ${r.iterations}`);
    checkReport(extendedRosenbrock, r);
  });

  test("nelderMead minimises 4-d extended Rosenbrock (More-Garbow-Hillstrom #21) from (-1.2, 1, -1.2, 1) to ones within 1e-5", () => {
    const r = nelderMead(extendedRosenbrock, [-1.2, 1, -1.2, 1]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [1, 1, 1, 1], { abs: 1e-5 }, "nelderMead extended Rosenbrock 4-d");
    checkReport(extendedRosenbrock, r);
  });

  test("nelderMead minimises 4-d chained Rosenbrock from (-1.2, 1, -1.2, 1) to ones within 1e-5", () => {
    const r = nelderMead(chainedRosenbrock, [-1.2, 1, -1.2, 1]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [1, 1, 1, 1], { abs: 1e-5 }, "nelderMead chained Rosenbrock 4-d");
    checkReport(chainedRosenbrock, r);
  });

  test("nelderMead finds the known minimum (1, -2, 0.5), value 7, of a 3-d SPD quadratic; x0 is not modified", () => {
    const x0 = [10, 10, -10];
    const r = nelderMead(quadratic, x0);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, m, { abs: 1e-6 }, "nelderMead quadratic minimiser");
    assertClose(r.value, 7, { abs: 1e-11 }, "nelderMead quadratic minimum value");
    assert.deepEqual(x0, [10, 10, -10]);
    checkReport(quadratic, r);
  });

  test("nelderMead stopped by maxIterations reports that many iterations and converged = false", () => {
    const r = nelderMead(extendedRosenbrock, [-1.2, 1], { maxIterations: 10 });
    assert.deepEqual([r.iterations, r.converged, r.message], [10, false, "iteration limit reached"]);
    checkReport(extendedRosenbrock, r);
  });

  test("nelderMead walks back from a +Infinity region beyond x = 3.5 to the interior minimum at 3", () => {
    const f = (x: Float64Array) => (x[0] > 3.5 ? Number.POSITIVE_INFINITY : (x[0] - 3) ** 2);
    const r = nelderMead(f, [0]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [3], { abs: 1e-6 }, "nelderMead with an Infinity wall");
    checkReport(f, r);
  });

  test("nelderMead on Σ (x - ln x), NaN for x < 0, from (5, 0.01, 30) converges to ones within 1e-5", () => {
    const f = (x: Float64Array) => {
      let v = 0;
      for (let i = 0; i < x.length; i++) v += x[i] - Math.log(x[i]);
      return v;
    };
    const r = nelderMead(f, [5, 0.01, 30]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [1, 1, 1], { abs: 1e-5 }, "nelderMead x - ln x");
    checkReport(f, r);
  });

  test("nelderMead on an objective that is NaN everywhere reports converged = false with finite x", () => {
    const r = nelderMead(() => Number.NaN, [1, 2]);
    assert.equal(r.converged, false);
    assert.ok(Array.from(r.x).every(Number.isFinite));
  });

  test("nelderMead TSDoc example: (x0 - 1)² + (x1 + 2)² from (0, 0) gives (1, -2)", () => {
    const r = nelderMead((x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 2, [0, 0]);
    assertAllClose(r.x, [1, -2], { abs: 1e-6 }, "nelderMead TSDoc example");
  });
});
