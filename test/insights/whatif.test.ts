import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lowerDropout, marginMultiple, retentionWhatIf } from "../../src/insights/whatif.ts";
import { fitBgNbd } from "../../src/models/bg-nbd.ts";
import { fitSummary } from "../../src/models/fit-summary.ts";
import { fitGammaGamma } from "../../src/models/gamma-gamma.ts";
import { purchaseModelNames } from "../../src/models/registry.ts";
import { cdnowRoundedSummary } from "../fixtures/insights/load.ts";
import { assertClose } from "../helpers/tolerance.ts";

describe("margin multiple m·r/(1 + i − r)", () => {
  test("r 0.80 -> 0.85 at i 0.10, m 100: 266.67 -> 340.00", () => {
    assertClose(marginMultiple(100, 0.8, 0.1), 266.67, { abs: 0.005 });
    assertClose(marginMultiple(100, 0.85, 0.1), 340.0, { abs: 0.005 });
    assertClose(marginMultiple(100, 0.8, 0.1), 800 / 3, { rel: 1e-15 });
    assert.throws(() => marginMultiple(100, 1, 0.1), /retention/);
  });
});

describe("lowerDropout states its transformation exactly", () => {
  test("BG/NBD: a' = (1 − k)a, b' = a + b − a' (mean a/(a+b) scaled by 1 − k, a + b kept)", () => {
    const p = { r: 0.24, alpha: 4.4, a: 0.79, b: 2.43 };
    const q = lowerDropout("bg-nbd", p, 0.25);
    assertClose(q.a + q.b, p.a + p.b, { rel: 1e-15 });
    assertClose(q.a / (q.a + q.b), (0.75 * p.a) / (p.a + p.b), { rel: 1e-15 });
    assert.equal(q.r, p.r);
  });
  test("Pareto/NBD: β' = β/(1 − k) (mean s/β scaled by 1 − k, s kept)", () => {
    const q = lowerDropout("pareto-nbd", { r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 }, 0.2);
    assertClose(q.s / q.beta, (0.8 * 0.61) / 11.7, { rel: 1e-15 });
    assert.equal(q.s, 0.61);
  });
  test("models without dropout are refused", () => {
    assert.throws(() => lowerDropout("gamma-gamma", { p: 1, q: 2, v: 3 }, 0.1), /dropout/);
  });
});

describe("retentionWhatIf on CDNOW (BG/NBD and Gamma-Gamma fitted on the rounded summary)", () => {
  const s = cdnowRoundedSummary();
  const bg = { ...fitBgNbd(s), unit: "week" as const };
  const gg = fitGammaGamma({ frequency: s.frequency, monetary: s.monetary! });
  const ks = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  const r = retentionWhatIf(bg, s, { reductions: ks, spendModel: gg, margin: 100, retention: 0.8, discountRate: 0.1 });

  test("expected purchases and CLV rise monotonically as dropout falls", () => {
    for (let i = 1; i < r.scenarios.length; i++) {
      assert.ok(r.scenarios[i].expectedPurchases > r.scenarios[i - 1].expectedPurchases, `purchases k=${ks[i]}`);
      assert.ok(r.scenarios[i].clv! > r.scenarios[i - 1].clv!, `clv k=${ks[i]}`);
      assert.ok(r.scenarios[i].meanDropout < r.scenarios[i - 1].meanDropout);
    }
    assert.equal(r.scenarios[0].deltaClv, 0);
    assertClose(r.baseline.expectedPurchases, r.scenarios[0].expectedPurchases, { rel: 1e-15 });
  });

  test("baseline is the plain CLV scoring; margin multiple scenarios", () => {
    assert.equal(r.meta.customers, 2357);
    assert.ok(r.baseline.clv! > 0);
    assertClose(r.marginMultiple!.value, 800 / 3, { rel: 1e-15 });
    // k = 0.25 would take r from 0.80 to 0.85; here k = 0.5 gives r = 0.9
    assertClose(r.marginMultiple!.scenarios[5].retention, 0.9, { rel: 1e-15 });
    assert.match(r.marginMultiple!.caveat, /heterogene/);
    assert.match(r.meta.transformation, /a' = \(1 − k\)·a/);
  });
});

describe("retentionWhatIf with Pareto/NBD on CDNOW", () => {
  const registered = purchaseModelNames().includes("pareto-nbd");
  test("expected purchases and CLV rise as the mean dropout rate s/β falls", {
    skip: !registered && "pareto-nbd not registered",
  }, () => {
    const s = cdnowRoundedSummary();
    const pnbd = fitSummary("pareto-nbd", s);
    const gg = fitSummary("gamma-gamma", s);
    const r = retentionWhatIf(pnbd, s, { reductions: [0, 0.1, 0.3, 0.6], spendModel: gg });
    for (let i = 1; i < r.scenarios.length; i++) {
      assert.ok(r.scenarios[i].expectedPurchases > r.scenarios[i - 1].expectedPurchases);
      assert.ok(r.scenarios[i].clv! > r.scenarios[i - 1].clv!);
    }
    assertClose(r.scenarios[1].meanDropout, 0.9 * r.baseline.meanDropout, { rel: 1e-12 });
    assert.match(r.meta.transformation, /β' = β\/\(1 − k\)/);
  });
});
