/**
 * src/math/log-space.ts against mpmath at 50 digits (test/fixtures/special/log-space.json, from
 * test/fixtures/special/generate.py), plus the special values the likelihoods rely on.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { log1mExp, logAddExp, logSubExp, logSumExp } from "../../src/math/log-space.ts";
import { assertClose, type Tolerance } from "../helpers/tolerance.ts";

interface LogSpaceFixture {
  reference: string;
  tolerance: Tolerance;
  reason: string;
  cases: { fn: "logAddExp" | "logSubExp" | "log1mExp" | "logSumExp"; input: number[]; expected: number | string }[];
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/special/log-space.json", import.meta.url), "utf8"),
) as LogSpaceFixture;

const impl: Record<LogSpaceFixture["cases"][number]["fn"], (input: number[]) => number> = {
  logAddExp: ([a, b]) => logAddExp(a, b),
  logSubExp: ([a, b]) => logSubExp(a, b),
  log1mExp: ([x]) => log1mExp(x),
  logSumExp: (values) => logSumExp(values),
};

const NEG_INF = Number.NEGATIVE_INFINITY;
const POS_INF = Number.POSITIVE_INFINITY;

describe("log-space helpers vs mpmath (50 digits)", () => {
  for (const fn of ["logAddExp", "logSubExp", "log1mExp", "logSumExp"] as const) {
    const cases = fixture.cases.filter((c) => c.fn === fn);
    test(`${fn} matches mpmath incl. arguments at -1000, 1000 and near 0 (${cases.length} cases)`, () => {
      assert.ok(cases.length > 0);
      for (const c of cases) {
        const label = `${fn}(${c.input.length > 4 ? `[${c.input.length} values]` : c.input.join(", ")}) vs mpmath`;
        assertClose(impl[fn](c.input), Number(c.expected), fixture.tolerance, label);
      }
    });
  }
});

describe("log-space helpers at infinities and boundaries (exact identities)", () => {
  test("logAddExp: -Infinity is the identity; +Infinity absorbs; equal arguments add ln 2", () => {
    assert.equal(logAddExp(NEG_INF, 3), 3);
    assert.equal(logAddExp(3, NEG_INF), 3);
    assert.equal(logAddExp(NEG_INF, NEG_INF), NEG_INF);
    assert.equal(logAddExp(POS_INF, 0), POS_INF);
    assert.equal(logAddExp(POS_INF, POS_INF), POS_INF);
    assert.equal(logAddExp(0, 0), Math.LN2);
    assert.ok(Number.isNaN(logAddExp(Number.NaN, 0)));
    assert.ok(Number.isNaN(logAddExp(0, Number.NaN)));
  });

  test("logSubExp: equal arguments give -Infinity; subtracting -Infinity is the identity; b > a throws", () => {
    assert.equal(logSubExp(5, 5), NEG_INF);
    assert.equal(logSubExp(-1000, -1000), NEG_INF);
    assert.equal(logSubExp(7, NEG_INF), 7);
    assert.equal(logSubExp(NEG_INF, NEG_INF), NEG_INF);
    assert.equal(logSubExp(Math.LN2, 0), 0);
    assert.throws(() => logSubExp(0, 1), RangeError);
  });

  test("log1mExp: 0 gives -Infinity, -Infinity gives 0, positive x gives NaN, -ln 2 gives -ln 2", () => {
    assert.equal(log1mExp(0), NEG_INF);
    assert.equal(log1mExp(-0), NEG_INF);
    assert.ok(log1mExp(NEG_INF) === 0, "log1mExp(-Infinity) is ±0");
    assert.ok(Number.isNaN(log1mExp(1e-300)));
    assert.equal(log1mExp(-Math.LN2), -Math.LN2);
  });

  test("logSumExp: empty and all -Infinity give -Infinity; +Infinity absorbs; NaN propagates", () => {
    assert.equal(logSumExp([]), NEG_INF);
    assert.equal(logSumExp([NEG_INF, NEG_INF]), NEG_INF);
    assert.equal(logSumExp(new Float64Array([NEG_INF, 2])), 2);
    assert.equal(logSumExp([POS_INF, 0, -5]), POS_INF);
    assert.ok(Number.isNaN(logSumExp([0, Number.NaN])));
    assert.ok(Number.isNaN(logSumExp([Number.NaN, 0])));
  });

  test("logSumExp of two equals logAddExp (vectorised equals scalar) to 1 ulp", () => {
    for (const [a, b] of [
      [0, 0],
      [-1000, -1001],
      [1000, 999],
      [3.5, -40],
      [-745, 0],
      [0, -40],
    ]) {
      assertClose(logSumExp([a, b]), logAddExp(a, b), { rel: 2.3e-16 }, `logSumExp([${a}, ${b}]) vs logAddExp`);
    }
  });

  test("TSDoc examples: logAddExp(0,0) = ln 2, logSubExp(ln 2, 0) = 0, log1mExp(-ln 2) = -ln 2, logSumExp([0,0,0]) = ln 3", () => {
    assert.equal(logAddExp(0, 0), Math.LN2);
    assert.equal(logSubExp(Math.LN2, 0), 0);
    assert.equal(log1mExp(-Math.LN2), -Math.LN2);
    assertClose(logSumExp([0, 0, 0]), Math.log(3), { rel: 2.3e-16 }, "logSumExp([0, 0, 0])");
  });
});
