/**
 * The suite's tolerance helper: its pass rule and its failure message.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertAllClose, assertClose, isClose, relativeError } from "./tolerance.ts";

describe("tolerance helper", () => {
  test("passes when |a - e| <= max(abs, rel·|e|), at the boundary included", () => {
    assertClose(1.5, 1, { abs: 0.5 });
    assertClose(1.5, 1, { rel: 0.5 });
    assertClose(101, 100, { rel: 0.001, abs: 1 }, "abs is the looser here");
    assertClose(100.5, 100, { rel: 0.01, abs: 1e-9 }, "rel is the looser here");
    assertClose(0, 0, {});
    assert.equal(isClose(1.1, 1, { rel: 0.01 }), false);
  });

  test("NaN never passes, not even against NaN or with an infinite tolerance", () => {
    for (const [a, e] of [
      [Number.NaN, Number.NaN],
      [Number.NaN, 1],
      [1, Number.NaN],
    ]) {
      assert.equal(isClose(a, e, { abs: Number.POSITIVE_INFINITY }), false);
      assert.throws(() => assertClose(a, e, { abs: Number.POSITIVE_INFINITY }));
    }
  });

  test("infinities pass only against the same infinity", () => {
    assertClose(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, {});
    assertClose(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, {});
    assert.equal(isClose(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, { abs: 1e308 }), false);
    assert.equal(isClose(1e308, Number.POSITIVE_INFINITY, { rel: 1 }), false);
    assert.equal(isClose(Number.POSITIVE_INFINITY, 1e308, { rel: 1 }), false);
  });

  test("the failure message prints input, actual, expected, difference and tolerance", () => {
    assert.throws(
      () => assertClose(1.25, 1, { rel: 0.01, abs: 1e-3 }, "f(x = 2)"),
      (err: Error) => {
        for (const part of [
          "input:      f(x = 2)",
          "actual:     1.2500000000000000",
          "expected:   1.0000000000000000",
        ]) {
          assert.ok(err.message.includes(part), `message has "${part}":\n${err.message}`);
        }
        assert.match(err.message, /difference: 0\.25\d* \(relative 0\.25\d*\)/);
        assert.match(err.message, /tolerance: {2}rel 0\.01, abs 0\.001/);
        return true;
      },
    );
  });

  test("assertAllClose checks lengths and names the failing index", () => {
    assertAllClose([1, 2, 3], new Float64Array([1, 2, 3 + 1e-15]), { rel: 1e-14 });
    assert.throws(() => assertAllClose([1, 2], [1, 2, 3], { abs: 1 }), /length mismatch/);
    assert.throws(() => assertAllClose([1, 2.5], [1, 2], { abs: 0.1 }, "v"), /input: {6}v\[1\]/);
  });

  test("relativeError is |a - e|/|e|, or |a - e| when e = 0", () => {
    assert.equal(relativeError(3, 3), 0);
    assert.equal(relativeError(1.5, 1), 0.5);
    assert.equal(relativeError(1e-3, 0), 1e-3);
  });
});
