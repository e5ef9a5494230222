/**
 * Seeded pseudo-random numbers (no Math.random anywhere in src/). xoshiro128** core, with the
 * distributions the simulators need: uniform, exponential, gamma (Marsaglia–Tsang), beta, Poisson, geometric.
 */

/** A seeded generator. */
export interface Rng {
  /** Uniform on (0, 1), never exactly 0 or 1. */
  uniform(): number;
  exponential(rate: number): number;
  /** Gamma with shape `shape` and rate `rate` (mean shape/rate). */
  gamma(shape: number, rate: number): number;
  beta(a: number, b: number): number;
  normal(): number;
  poisson(mean: number): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator.
 * @param seed any integer
 * @returns a generator whose sequence depends only on the seed
 * @example const r = createRng(42); r.uniform() === createRng(42).uniform() // => true
 */
export function createRng(seed: number): Rng {
  const sm = splitmix32(seed);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  const next = (): number => {
    const t = b << 9;
    let r = Math.imul(b, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return r >>> 0;
  };
  const uniform = (): number => (next() + 0.5) / 4294967296;
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * m;
    return u * m;
  };
  const gamma = (shape: number, rate: number): number => {
    if (shape < 1) {
      const g = gamma(shape + 1, 1);
      return (g * uniform() ** (1 / shape)) / rate;
    }
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return (dd * v) / rate;
      if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return (dd * v) / rate;
    }
  };
  return {
    uniform,
    normal,
    exponential: (rate) => -Math.log(uniform()) / rate,
    gamma,
    beta: (a1, b1) => {
      const x = gamma(a1, 1);
      const y = gamma(b1, 1);
      return x / (x + y);
    },
    poisson: (mean) => {
      if (mean < 30) {
        const L = Math.exp(-mean);
        let k = 0;
        let p = 1;
        do {
          k++;
          p *= uniform();
        } while (p > L);
        return k - 1;
      }
      // Transformed rejection would be faster; for the simulators' sizes a normal-approximation-free
      // method matters more than speed: sum of exponential gaps.
      let k = 0;
      let t = 0;
      for (;;) {
        t += -Math.log(uniform());
        if (t > mean) return k;
        k++;
      }
    },
    int: (n) => Math.floor(uniform() * n),
  };
}
