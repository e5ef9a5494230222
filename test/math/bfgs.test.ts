/**
 * src/math/bfgs.ts on standard test problems: Rosenbrock (2-d; the More–Garbow–Hillstrom extended 4-d and the
 * chained 4-d), a quadratic with a known minimum, objectives that are +Infinity or NaN on part of the space, and
 * the report (converged, iterations, gradientNorm, value) checked against the objective itself.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bfgs, type ObjectiveWithGradient, type OptimizeResult } from "../../src/math/bfgs.ts";
import { assertAllClose, assertClose } from "../helpers/tolerance.ts";

/** Σ over pairs (x_{2i}, x_{2i+1}) of (1 - a)² + 100 (b - a²)²: MGH problem 21, minimum 0 at all ones. */
const extendedRosenbrock: ObjectiveWithGradient = (x, g) => {
  let f = 0;
  for (let i = 0; i < x.length; i += 2) {
    const a = x[i];
    const b = x[i + 1];
    g[i] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[i + 1] = 200 * (b - a * a);
    f += (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  }
  return f;
};

/** Σ_i (1 - x_i)² + 100 (x_{i+1} - x_i²)²: the chained Rosenbrock, minimum 0 at all ones. */
const chainedRosenbrock: ObjectiveWithGradient = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i];
    const b = x[i + 1];
    g[i] += -2 * (1 - a) - 400 * a * (b - a * a);
    g[i + 1] += 200 * (b - a * a);
    f += (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  }
  return f;
};

// ½ (x - m)ᵀ A (x - m) + 7 with A SPD (eigenvalues 1.5..4.6): minimum 7 at m.
const A = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 2];
const m = [1, -2, 0.5];
const quadratic: ObjectiveWithGradient = (x, g) => {
  let f = 7;
  for (let i = 0; i < 3; i++) {
    g[i] = 0;
    for (let j = 0; j < 3; j++) g[i] += A[i * 3 + j] * (x[j] - m[j]);
    f += 0.5 * (x[i] - m[i]) * g[i];
  }
  return f;
};

function infNorm(g: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s = Math.max(s, Math.abs(g[i]));
  return s;
}

/** The report is about the returned point: value = f(x), gradientNorm = |∇f(x)|∞, x finite, and converged means it. */
function checkReport(f: ObjectiveWithGradient, r: OptimizeResult, gtol = 1e-6): void {
  assert.equal(r.method, "bfgs");
  assert.ok(Array.from(r.x).every(Number.isFinite), `x is finite: ${Array.from(r.x)}`);
  const g = new Float64Array(r.x.length);
  const value = f(Float64Array.from(r.x), g);
  if (Number.isFinite(value)) {
    assert.equal(r.value, value, "value is f(x)");
    assert.equal(r.gradientNorm, infNorm(g), "gradientNorm is the infinity norm of ∇f(x)");
  }
  // Stopping on the gradient test means a gradient below gtol; the other stops accept sqrt(gtol).
  if (r.converged) assert.ok(r.gradientNorm < Math.sqrt(gtol), `converged with gradientNorm ${r.gradientNorm}`);
  if (r.message === "gradient below tolerance") assert.ok(r.converged && r.gradientNorm < gtol);
  assert.ok(Number.isInteger(r.iterations) && r.iterations >= 0);
}

describe("bfgs", () => {
  test("bfgs minimises 2-d Rosenbrock from (-1.2, 1) to (1, 1) within 1e-5", () => {
    const r = bfgs(extendedRosenbrock, [-1.2, 1]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [1, 1], { abs: 1e-5 }, "bfgs Rosenbrock 2-d from (-1.2, 1)");
    assertClose(r.value, 0, { abs: 1e-10 }, "bfgs Rosenbrock 2-d minimum value");
    assert.ok(r.iterations > 5 && r.iterations < 200, `iterations ${r.iterations}`);
    checkReport(extendedRosenbrock, r);
  });

  test("bfgs minimises 4-d extended Rosenbrock (More-Garbow-Hillstrom #21) from (-1.2, 1, -1.2, 1) to ones within 1e-5", () => {
    const r = bfgs(extendedRosenbrock, [-1.2, 1, -1.2, 1]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [1, 1, 1, 1], { abs: 1e-5 }, "bfgs extended Rosenbrock 4-d");
    checkReport(extendedRosenbrock, r);
  });

  test("bfgs minimises 4-d chained Rosenbrock from (-1.2, 1, -1.2, 1) to ones within 1e-5", () => {
    const r = bfgs(chainedRosenbrock, [-1.2, 1, -1.2, 1]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [1, 1, 1, 1], { abs: 1e-5 }, "bfgs chained Rosenbrock 4-d");
    checkReport(chainedRosenbrock, r);
  });

  test("bfgs finds the known minimum (1, -2, 0.5), value 7, of a 3-d SPD quadratic; x0 is not modified", () => {
    const x0 = new Float64Array([10, 10, -10]);
    const r = bfgs(quadratic, x0);
    assert.ok(r.converged, r.message);
    // |x - m| <= |∇f| / λmin = 1e-6 / 1.5.
    assertAllClose(r.x, m, { abs: 1e-6 }, "bfgs quadratic minimiser");
    assertClose(r.value, 7, { abs: 1e-12 }, "bfgs quadratic minimum value");
    assert.deepEqual(Array.from(x0), [10, 10, -10]);
    checkReport(quadratic, r);
  });

  test("bfgs on (x - 3)² from 0 takes exactly 2 iterations: a first step capped at length 1, then the exact Newton step", () => {
    const f: ObjectiveWithGradient = (x, g) => {
      g[0] = 2 * (x[0] - 3);
      return (x[0] - 3) ** 2;
    };
    const r = bfgs(f, [0]);
    assert.deepEqual([r.iterations, r.converged, r.x[0], r.value, r.gradientNorm], [2, true, 3, 0, 0]);
    assert.equal(r.message, "gradient below tolerance");
  });

  test("bfgs started at the minimum reports 0 iterations, converged", () => {
    const r = bfgs(extendedRosenbrock, [1, 1]);
    assert.deepEqual([r.iterations, r.converged, r.gradientNorm], [0, true, 0]);
  });

  test("bfgs stopped by maxIterations reports that many iterations, converged = false, and the true gradient norm", () => {
    const r = bfgs(extendedRosenbrock, [-1.2, 1], { maxIterations: 3 });
    assert.equal(r.iterations, 3);
    assert.equal(r.converged, false);
    assert.equal(r.message, "iteration limit reached");
    assert.ok(r.gradientNorm > 1e-3);
    checkReport(extendedRosenbrock, r);
  });

  test("bfgs walks back from a +Infinity region beyond x = 3.5 and converges to the interior minimum at 3", () => {
    const f: ObjectiveWithGradient = (x, g) => {
      if (x[0] > 3.5) {
        g[0] = Number.POSITIVE_INFINITY;
        return Number.POSITIVE_INFINITY;
      }
      g[0] = 2 * (x[0] - 3);
      return (x[0] - 3) ** 2;
    };
    const r = bfgs(f, [-20]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [3], { abs: 1e-6 }, "bfgs with an Infinity wall");
    checkReport(f, r);
  });

  test("bfgs on Σ (x - ln x), NaN for x < 0, from (5, 0.01, 30) converges to ones within 1e-5", () => {
    const f: ObjectiveWithGradient = (x, g) => {
      let v = 0;
      for (let i = 0; i < x.length; i++) {
        g[i] = 1 - 1 / x[i];
        v += x[i] - Math.log(x[i]);
      }
      return v;
    };
    const r = bfgs(f, [5, 0.01, 30]);
    assert.ok(r.converged, r.message);
    assertAllClose(r.x, [1, 1, 1], { abs: 1e-5 }, "bfgs x - ln x");
    checkReport(f, r);
  });

  test("bfgs on f(x) = x, NaN for x <= 0 (infimum on the boundary) stops with converged = false and finite x", () => {
    const f: ObjectiveWithGradient = (x, g) => {
      g[0] = x[0] > 0 ? 1 : Number.NaN;
      return x[0] > 0 ? x[0] : Number.NaN;
    };
    const r = bfgs(f, [2]);
    assert.equal(r.converged, false);
    assert.ok(r.x[0] > 0 && r.x[0] < 1e-6, `x = ${r.x[0]}`);
    assert.ok(Number.isFinite(r.value));
    checkReport(f, r);
  });

  test("bfgs whose every trial step lands in the NaN region reports 'line search failed', converged = false, x unchanged", () => {
    const f: ObjectiveWithGradient = (x, g) => {
      g[0] = 1;
      return x[0] >= 2 ? x[0] : Number.NaN;
    };
    const r = bfgs(f, [2]);
    assert.deepEqual(
      [r.message, r.converged, r.x[0], r.value, r.iterations, r.gradientNorm],
      ["line search failed", false, 2, 2, 0, 1],
    );
  });

  test("bfgs with a NaN objective at the start reports converged = false with x = x0 (finite) and 0 iterations", () => {
    const r = bfgs(
      (_x, g) => {
        g[0] = Number.NaN;
        return Number.NaN;
      },
      [1.5],
    );
    assert.deepEqual([r.converged, r.iterations, r.x[0]], [false, 0, 1.5]);
    assert.equal(r.message, "objective or gradient not finite at the start");
  });

  test("bfgs TSDoc example: (x - 3)² from 0 gives x ≈ 3, converged", () => {
    const r = bfgs(
      (x, g) => {
        g[0] = 2 * (x[0] - 3);
        return (x[0] - 3) ** 2;
      },
      new Float64Array([0]),
    );
    assertClose(r.x[0], 3, { abs: 1e-6 }, "bfgs TSDoc example");
    assert.ok(r.converged);
  });
});
