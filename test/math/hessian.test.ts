/**
 * src/math/hessian.ts: numericHessian against an analytic Hessian; cholesky and invertSpd against exact rationals
 * and against numpy.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ObjectiveWithGradient } from "../../src/math/bfgs.ts";
import { cholesky, invertSpd, numericHessian } from "../../src/math/hessian.ts";
import { assertAllClose, assertClose } from "../helpers/tolerance.ts";

// f(x) = x0² x1 + e^{x2} x1 + sin(x0) x2 + x2⁴ / 4, with its analytic gradient and Hessian.
const f: ObjectiveWithGradient = (x, g) => {
  const [x0, x1, x2] = x;
  g[0] = 2 * x0 * x1 + Math.cos(x0) * x2;
  g[1] = x0 * x0 + Math.exp(x2);
  g[2] = Math.exp(x2) * x1 + Math.sin(x0) + x2 ** 3;
  return x0 * x0 * x1 + Math.exp(x2) * x1 + Math.sin(x0) * x2 + x2 ** 4 / 4;
};
function analyticHessian([x0, x1, x2]: number[]): number[] {
  const h00 = 2 * x1 - Math.sin(x0) * x2;
  const h01 = 2 * x0;
  const h02 = Math.cos(x0);
  const h12 = Math.exp(x2);
  const h22 = Math.exp(x2) * x1 + 3 * x2 * x2;
  return [h00, h01, h02, h01, 0, h12, h02, h12, h22];
}

describe("numericHessian", () => {
  // Central differences of the analytic gradient with step 1e-5·max(1, |x_i|): truncation error is
  // step²/6 · |third derivative of g|, rounding ~1e-16·|g|/step. Measured worst: 7.4e-11 absolute at the unit-scale
  // point, 3.3e-8 absolute (5.6e-8 relative) at x0 = 50 (step 5e-4), 2.1e-7 absolute on an entry of 4.5e3
  // (1.3e-8 relative) at x1 = 1e3. Tolerance: the looser of 1e-7 absolute and 1e-7 relative.
  const tol = { abs: 1e-7, rel: 1e-7 };
  for (const point of [
    [0.7, -1.3, 0.4],
    [50, 2, -3],
    [-1e-3, 1e3, 1.5],
  ]) {
    test(`numericHessian matches the analytic Hessian of x0²x1 + e^x2·x1 + sin(x0)x2 + x2⁴/4 at (${point.join(", ")})`, () => {
      const H = numericHessian(f, point);
      assertAllClose(H, analyticHessian(point), tol, `numericHessian at (${point.join(", ")})`);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.equal(H[i * 3 + j], H[j * 3 + i], "symmetric");
    });
  }

  test("numericHessian of a quadratic ½xᵀAx is A to 1e-9 (differences of a linear gradient are exact up to rounding)", () => {
    const A = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 2];
    const quad: ObjectiveWithGradient = (x, g) => {
      let v = 0;
      for (let i = 0; i < 3; i++) {
        g[i] = 0;
        for (let j = 0; j < 3; j++) g[i] += A[i * 3 + j] * x[j];
        v += 0.5 * x[i] * g[i];
      }
      return v;
    };
    assertAllClose(numericHessian(quad, [1, -2, 0.5]), A, { abs: 1e-9 }, "numericHessian of ½xᵀAx");
  });

  test("numericHessian TSDoc example: x² at 1 gives [2]", () => {
    const H = numericHessian(
      (x, g) => {
        g[0] = 2 * x[0];
        return x[0] ** 2;
      },
      new Float64Array([1]),
    );
    assertAllClose(H, [2], { rel: 1e-10 }, "numericHessian(x²) at 1");
  });
});

describe("cholesky and invertSpd", () => {
  // A = L Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]] (the textbook example); det A = 36, so A⁻¹ has exact rational entries:
  // A⁻¹ = [[1777/36, -122/9, 19/9], [-122/9, 34/9, -5/9], [19/9, -5/9, 1/9]].
  const A = [4, 12, -16, 12, 37, -43, -16, -43, 98];

  test("cholesky of the 3×3 textbook SPD matrix is exactly [[2,0,0],[6,1,0],[-8,5,3]]", () => {
    assert.deepEqual(Array.from(cholesky(A, 3) ?? []), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });

  test("invertSpd of the 3×3 textbook SPD matrix matches the exact rational inverse to 1e-14 relative", () => {
    const inv = invertSpd(A, 3);
    assert.ok(inv);
    const exact = [1777 / 36, -122 / 9, 19 / 9, -122 / 9, 34 / 9, -5 / 9, 19 / 9, -5 / 9, 1 / 9];
    // cond(A) = 6.6e3, so up to ~cond·eps = 1.5e-12 could be lost; measured 2.1e-16 (the factor is exact).
    assertAllClose(inv, exact, { rel: 1e-14 }, "invertSpd(textbook A)");
  });

  // numpy 2.4.6:
  // >>> B = np.round(np.random.default_rng(7).normal(size=(4,4)), 3); S = B @ B.T + 0.5*np.eye(4)
  // >>> np.linalg.cholesky(S); np.linalg.inv(S)      # cond(S) = 10.01
  const S = [
    1.4583590000000002, -1.507443, -0.638219, -0.8892639999999999, -1.507443, 3.490289, 1.3466799999999999, 1.804345,
    -0.638219, 1.3466799999999999, 1.494013, 0.758845, -0.8892639999999999, 1.804345, 0.758845, 1.859791,
  ];
  const numpyL = [
    1.2076253558119754, 0, 0, 0, -1.24827041163477, 1.3900035897209626, 0, 0, -0.5284908907621259, 0.4942292691352281,
    0.9851130939701863, 0, -0.7363740714123068, 0.6367976610324284, 0.05578442597349137, 0.9533735173970899,
  ];
  const numpyInv = [
    1.2630049613403018, 0.44557329127549505, 0.06399642056853956, 0.14550750053554712, 0.4455732912754951,
    0.8589017389857658, -0.33909954407646303, -0.48188144657800597, 0.06399642056853935, -0.33909954407646314,
    1.033980110908265, -0.06230181642188545, 0.14550750053554698, -0.48188144657800613, -0.062301816421885446,
    1.1002055513574918,
  ];
  // numpy (LAPACK) and ours run the same algorithms in double: agreement to a few ulps times cond(S) = 10;
  // abs 1e-15 for the small off-diagonal entries whose own rounding is relative to the row scale.
  const tol = { rel: 1e-14, abs: 1e-15 };

  test("cholesky of a seeded 4×4 SPD matrix matches numpy.linalg.cholesky", () => {
    assertAllClose(cholesky(S, 4) ?? [], numpyL, tol, "cholesky(S) vs numpy");
  });

  test("invertSpd of a seeded 4×4 SPD matrix matches numpy.linalg.inv and is exactly symmetric", () => {
    const inv = invertSpd(S, 4) ?? new Float64Array(0);
    assertAllClose(inv, numpyInv, tol, "invertSpd(S) vs numpy");
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) assert.equal(inv[i * 4 + j], inv[j * 4 + i]);
  });

  test("invertSpd(S) times S is the identity to 1e-14", () => {
    const inv = invertSpd(S, 4) ?? new Float64Array(0);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let v = 0;
        for (let k = 0; k < 4; k++) v += inv[i * 4 + k] * S[k * 4 + j];
        assertClose(v, i === j ? 1 : 0, { abs: 1e-14 }, `(S⁻¹ S)[${i}][${j}]`);
      }
    }
  });

  test("cholesky and invertSpd return undefined for indefinite, singular and non-finite matrices", () => {
    for (const [name, M, n] of [
      ["indefinite [[1,2],[2,1]] (eigenvalues 3, -1)", [1, 2, 2, 1], 2],
      ["singular PSD [[1,1],[1,1]]", [1, 1, 1, 1], 2],
      ["negative definite [[-1,0],[0,-2]]", [-1, 0, 0, -2], 2],
      ["NaN entry", [1, 0, 0, Number.NaN], 2],
      ["Infinity on the diagonal", [Number.POSITIVE_INFINITY, 0, 0, 1], 2],
      ["indefinite 3×3 (last pivot negative)", [4, 12, -16, 12, 37, -43, -16, -43, 30], 3],
    ] as const) {
      assert.equal(cholesky(M, n), undefined, `cholesky: ${name}`);
      assert.equal(invertSpd(M, n), undefined, `invertSpd: ${name}`);
    }
  });

  test("TSDoc examples: cholesky([4,2,2,3]) = [2,0,1,√2], invertSpd([2,0,0,4]) ≈ [0.5,0,0,0.25] (1 ulp)", () => {
    assert.deepEqual(Array.from(cholesky([4, 2, 2, 3], 2) ?? []), [2, 0, 1, Math.SQRT2]);
    // (1/√2)² rounds to 0.4999999999999999, 1 ulp below 0.5.
    assertAllClose(invertSpd([2, 0, 0, 4], 2) ?? [], [0.5, 0, 0, 0.25], { rel: 2.3e-16 }, "invertSpd([2,0,0,4])");
  });
});
