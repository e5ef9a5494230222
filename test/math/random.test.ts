/**
 * src/math/random.ts: determinism, and sample moments against the distributions' closed-form moments. The moment
 * checks are statistical (within 4 standard errors for N = 200,000 draws) but deterministic, because the draws are
 * seeded: a failure means the generator or a sampler changed, not bad luck.
 *
 * Standard errors: of the mean, σ/√N; of the sample variance, √((μ4 - σ⁴)/N), with μ4 the central fourth moment.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createRng, type Rng } from "../../src/math/random.ts";
import { assertClose } from "../helpers/tolerance.ts";

const N = 200_000;

interface Moments {
  mean: number;
  variance: number;
  /** central fourth moment */
  mu4: number;
}

/** Draws N values and checks mean and variance within 4 standard errors of the theoretical values. */
function checkMoments(label: string, draw: (rng: Rng) => number, theory: Moments, seed: number): void {
  const rng = createRng(seed);
  const xs = new Float64Array(N);
  let sum = 0;
  for (let i = 0; i < N; i++) {
    xs[i] = draw(rng);
    sum += xs[i];
  }
  const mean = sum / N;
  let ss = 0;
  for (let i = 0; i < N; i++) ss += (xs[i] - mean) ** 2;
  const variance = ss / (N - 1);
  const seMean = Math.sqrt(theory.variance / N);
  const seVar = Math.sqrt((theory.mu4 - theory.variance ** 2) / N);
  assertClose(mean, theory.mean, { abs: 4 * seMean }, `${label}: sample mean of ${N} draws (seed ${seed}), 4 SE`);
  assertClose(
    variance,
    theory.variance,
    { abs: 4 * seVar },
    `${label}: sample variance of ${N} draws (seed ${seed}), 4 SE`,
  );
}

/** Gamma(k, rate β): mean k/β, variance k/β², μ4 = 3k(k + 2)/β⁴ (excess kurtosis 6/k). */
function gammaMoments(k: number, rate: number): Moments {
  return { mean: k / rate, variance: k / rate ** 2, mu4: (3 * k * (k + 2)) / rate ** 4 };
}

/** Beta(a, b): mean a/(a+b), variance ab/((a+b)²(a+b+1)), excess kurtosis 6[(a-b)²(a+b+1) - ab(a+b+2)]/[ab(a+b+2)(a+b+3)]. */
function betaMoments(a: number, b: number): Moments {
  const s = a + b;
  const variance = (a * b) / (s * s * (s + 1));
  const excess = (6 * ((a - b) ** 2 * (s + 1) - a * b * (s + 2))) / (a * b * (s + 2) * (s + 3));
  return { mean: a / s, variance, mu4: variance ** 2 * (3 + excess) };
}

describe("createRng determinism", () => {
  function sequence(seed: number): number[] {
    const r = createRng(seed);
    const out: number[] = [];
    for (let i = 0; i < 200; i++) {
      out.push(r.uniform(), r.exponential(2), r.gamma(0.3, 1), r.gamma(6.25, 2), r.beta(2, 5));
      out.push(r.normal(), r.poisson(0.5), r.poisson(50), r.int(10));
    }
    return out;
  }

  test("the same seed gives the same sequence across every sampler", () => {
    assert.deepEqual(sequence(42), sequence(42));
    assert.deepEqual(sequence(0), sequence(0));
  });

  test("different seeds give different sequences (seeds 1, 2, 42, 2**31, -1 pairwise)", () => {
    const seeds = [1, 2, 42, 2 ** 31, -1];
    const firsts = seeds.map((s) => {
      const r = createRng(s);
      return Array.from({ length: 8 }, () => r.uniform());
    });
    for (let i = 0; i < seeds.length; i++) {
      for (let j = i + 1; j < seeds.length; j++) {
        assert.notDeepEqual(firsts[i], firsts[j], `seeds ${seeds[i]} and ${seeds[j]}`);
      }
    }
  });

  test("TSDoc example: createRng(42).uniform() === createRng(42).uniform()", () => {
    assert.equal(createRng(42).uniform(), createRng(42).uniform());
  });

  test("uniform stays strictly inside (0, 1) and int(n) inside [0, n) over 200,000 draws", () => {
    const r = createRng(7);
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const k = r.int(7);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
    }
    assert.ok(lo > 0 && hi < 1, `min ${lo}, max ${hi}`);
  });
});

describe("sample moments within 4 standard errors of the closed-form moments (N = 200,000, seeded)", () => {
  test("uniform(0, 1): mean 1/2, variance 1/12", () => {
    checkMoments("uniform", (r) => r.uniform(), { mean: 0.5, variance: 1 / 12, mu4: 1 / 80 }, 101);
  });

  test("exponential(rate 2.5): mean 1/2.5, variance 1/2.5²", () => {
    const l = 2.5;
    checkMoments(
      "exponential(2.5)",
      (r) => r.exponential(l),
      { mean: 1 / l, variance: 1 / l ** 2, mu4: 9 / l ** 4 },
      102,
    );
  });

  for (const [shape, rate, seed] of [
    [0.3, 1, 103],
    [1, 2, 104],
    [6.25, 0.5, 105],
  ]) {
    test(`gamma(shape ${shape}, rate ${rate}): mean k/β, variance k/β²`, () => {
      checkMoments(`gamma(${shape}, ${rate})`, (r) => r.gamma(shape, rate), gammaMoments(shape, rate), seed);
    });
  }

  for (const [a, b, seed] of [
    [2, 5, 106],
    [0.4, 0.7, 107],
  ]) {
    test(`beta(${a}, ${b}): mean a/(a+b), variance ab/((a+b)²(a+b+1))`, () => {
      checkMoments(`beta(${a}, ${b})`, (r) => r.beta(a, b), betaMoments(a, b), seed);
    });
  }

  for (const [mean, seed] of [
    [0.5, 108],
    [5, 109],
    [50, 110],
  ]) {
    test(`poisson(mean ${mean}): mean and variance ${mean}`, () => {
      checkMoments(
        `poisson(${mean})`,
        (r) => r.poisson(mean),
        { mean, variance: mean, mu4: mean + 3 * mean * mean },
        seed,
      );
    });
  }

  test("normal(): mean 0, variance 1", () => {
    checkMoments("normal", (r) => r.normal(), { mean: 0, variance: 1, mu4: 3 }, 111);
  });
});
