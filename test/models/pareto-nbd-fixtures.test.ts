/**
 * Pareto/NBD against mpmath at 60 digits (test/fixtures/pareto-nbd/generate.py; tolerances and their reasons are
 * stated in each JSON file).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { createRng } from "../../src/math/random.ts";
import {
  type ParetoNbdParams,
  paretoNbdExpectedPurchasesNewCustomer,
  paretoNbdLnIntegral,
  paretoNbdLogLikelihoodWithGradient,
  paretoNbdProbabilityAlive,
  paretoNbdScoreMany,
  simulateParetoNbd,
} from "../../src/models/pareto-nbd.ts";
import { GL8, GL16, lnIntegralQuad, lnIntegrateExp, lnTail } from "../../src/models/pareto-nbd-integral.ts";
import { powerBracket } from "../../src/models/pareto-nbd-likelihood.ts";
import {
  hyperU,
  paretoNbdConditionalProbabilityOfPurchases,
  paretoNbdDert,
  paretoNbdProbabilityOfPurchases,
} from "../../src/models/pareto-nbd-pmf.ts";
import { root } from "../helpers/datasets.ts";
import { assertClose } from "../helpers/tolerance.ts";

// biome-ignore lint/suspicious/noExplicitAny: JSON fixtures
const load = (name: string): any => JSON.parse(readFileSync(`${root}test/fixtures/pareto-nbd/${name}`, "utf8"));
const asParams = ([r, alpha, s, beta]: number[]): ParetoNbdParams => ({ r, alpha, s, beta });
const NAMES = ["r", "alpha", "s", "beta"];

describe("Pareto/NBD log-likelihood matches mpmath (note eq. 22, 60 digits)", () => {
  const fx = load("loglik.json");

  it(`ln L and its gradient for ${fx.cases.length} (params, customer) pairs incl. x = 10,000, t_x = 0, alpha = beta, T = t_x`, () => {
    const g = new Float64Array(4);
    for (const c of fx.cases) {
      const [x, tx, T] = c.customer;
      const data = { frequency: new Float64Array([x]), recency: new Float64Array([tx]), T: new Float64Array([T]) };
      const label = `params ${c.params} customer ${c.customer}`;
      const ll = paretoNbdLogLikelihoodWithGradient(c.params, data, g);
      assertClose(ll, c.lnL, fx.tolerance.lnL, `lnL ${label}`);
      for (let k = 0; k < 4; k++) assertClose(g[k], c.grad[k], fx.tolerance.grad, `d/d${NAMES[k]} ${label}`);
    }
  });

  it("P(alive) (note eq. 24)", () => {
    for (const c of fx.cases) {
      const [frequency, recency, T] = c.customer;
      const pa = paretoNbdProbabilityAlive(asParams(c.params), { frequency, recency, T });
      assertClose(pa, c.pAlive, fx.tolerance.pAlive, `P(alive) params ${c.params} customer ${c.customer}`);
    }
  });
});

describe("Pareto/NBD purchase-count pmfs match mpmath", () => {
  const fx = load("pmf.json");

  it("P(X(t) = n) matches note 027's 2F1 expression", () => {
    for (const c of fx.unconditional)
      assertClose(
        paretoNbdProbabilityOfPurchases(asParams(c.params), c.n, c.t),
        c.p,
        fx.tolerance,
        `P(X(${c.t})=${c.n}) at ${c.params}`,
      );
  });

  it("P(Y(t) = n | x, t_x, T) matches note 028's expression", () => {
    for (const c of fx.conditional) {
      const [frequency, recency, T] = c.customer;
      assertClose(
        paretoNbdConditionalProbabilityOfPurchases(asParams(c.params), c.n, c.t, { frequency, recency, T }),
        c.p,
        fx.tolerance,
        `P(Y(${c.t})=${c.n} | ${c.customer})`,
      );
    }
  });
});

describe("confluent hypergeometric U and DERT match mpmath", () => {
  it("hyperU(a, b, z) matches mpmath.hyperu", () => {
    const fx = load("hyperu.json");
    for (const c of fx.cases)
      assertClose(hyperU(c.input[0], c.input[1], c.input[2]), c.expected, fx.tolerance, `U(${c.input})`);
  });

  it("hyperU(1, 1, 1) is e·E1(1) (the TSDoc example)", () => {
    assertClose(hyperU(1, 1, 1), 0.596347362323194, { rel: 1e-14 }, "U(1,1,1)");
  });

  it("DERT matches Fader-Hardie-Lee 2005 (JMR) eq. 2 with mpmath.hyperu(s, s, delta(beta+T))", () => {
    const fx = load("dert.json");
    for (const c of fx.cases) {
      const [frequency, recency, T] = c.customer;
      assertClose(
        paretoNbdDert(asParams(c.params), c.delta, { frequency, recency, T }),
        c.dert,
        fx.tolerance,
        `DERT params ${c.params} customer ${c.customer} delta ${c.delta}`,
      );
    }
  });
});

describe("Pareto/NBD TSDoc examples", () => {
  const pub = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
  const c2 = { frequency: 2, recency: 30.43, T: 38.86 };

  it("give the values their comments state", () => {
    assertClose(paretoNbdProbabilityOfPurchases(pub, 0, 39), 0.593625, { abs: 5e-7 }, "pmf example");
    assertClose(
      paretoNbdConditionalProbabilityOfPurchases(pub, 0, 39, c2),
      0.4080627,
      { abs: 5e-8 },
      "conditional pmf example",
    );
    assertClose(paretoNbdDert(pub, 0.01, c2), 2.7247799, { abs: 5e-8 }, "DERT example");
    assertClose(paretoNbdLnIntegral(pub, 2, 30.43, 38.86)[0], -13.72834347, { abs: 5e-9 }, "ln I example");
    assertClose(
      paretoNbdExpectedPurchasesNewCustomer({ r: 0.55, alpha: 10.56, s: 0.61, beta: 11.64 }, 1),
      0.05077821,
      { abs: 5e-9 },
      "E[X(1)] example",
    );
    assertClose(powerBracket(1, Math.E - 1), 1, { rel: 1e-15 }, "powerBracket example");
    const sim = simulateParetoNbd(pub, [39, 39, 39], createRng(1));
    assert.deepEqual([...sim.frequency], [0, 2, 0]);
    const scored = paretoNbdScoreMany(pub, [39], {
      frequency: new Float64Array([2]),
      recency: new Float64Array([30.43]),
      T: new Float64Array([38.86]),
    });
    assertClose(scored.expected[0][0], 1.455123, { abs: 5e-7 }, "scoreMany E");
    assertClose(scored.pAlive[0], 0.869168, { abs: 5e-7 }, "scoreMany P(alive)");
    assertClose(
      GL8.w.reduce((a, b) => a + b),
      2,
      { rel: 1e-15 },
      "GL8 weights",
    );
    assertClose(
      GL16.w.reduce((a, b) => a + b),
      2,
      { rel: 1e-15 },
      "GL16 weights",
    );
    const out = new Float64Array(5);
    lnTail(2, 1.5, 10, 10, 0, out);
    assertClose(out[0], Math.log(10 ** -2.5 / 2.5), { rel: 1e-15 }, "lnTail example");
    lnIntegralQuad(2, 1.5, 10, 10, 0, 5, out);
    assertClose(Math.exp(out[0]), (10 ** -2.5 - 15 ** -2.5) / 2.5, { rel: 1e-14 }, "lnIntegralQuad example");
    assertClose(
      lnIntegrateExp({ phi: (y) => -y, slope: () => 1 }, 0, 50),
      Math.log(-Math.expm1(-50)),
      { abs: 1e-14 },
      "lnIntegrateExp",
    );
  });
});
