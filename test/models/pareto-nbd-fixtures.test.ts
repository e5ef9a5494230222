/**
 * Pareto/NBD against mpmath at 60 digits (test/fixtures/pareto-nbd/generate.py; tolerances and their reasons are
 * stated in each JSON file).
 */
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  type ParetoNbdParams,
  paretoNbdLogLikelihoodWithGradient,
  paretoNbdProbabilityAlive,
} from "../../src/models/pareto-nbd.ts";
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
