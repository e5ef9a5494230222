/**
 * Seeded generator of CDNOW-like customer summaries at daily resolution: first purchases spread uniformly over
 * 12 weeks, a 39-week calibration, BG/NBD purchasing and Gamma-Gamma spend.
 */
import type { CustomerSummary } from "../src/data/summary.ts";
import { createRng } from "../src/math/random.ts";
import { type BgNbdParams, simulateBgNbd } from "../src/models/bg-nbd.ts";
import { type GammaGammaParams, simulateGammaGamma } from "../src/models/gamma-gamma.ts";

export const CDNOW_BG_NBD: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
export const CDNOW_GG: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

/**
 * @param n number of customers
 * @param seed generator seed
 * @returns a summary in weeks, times on a daily grid
 */
export function cdnowLikeSummary(n: number, seed = 20261123): CustomerSummary {
  const rng = createRng(seed);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) T[i] = (273 - rng.int(84)) / 7;
  const sim = simulateBgNbd(CDNOW_BG_NBD, T, rng, 1 / 7);
  const monetary = simulateGammaGamma(CDNOW_GG, sim.frequency, rng);
  for (let i = 0; i < n; i++) monetary[i] = Math.round(monetary[i] * 100) / 100;
  const ids = Array.from({ length: n }, (_, i) => String(i + 1));
  return { unit: "week", ids, ...sim, monetary };
}
