/**
 * The interface every purchase (transaction-count) model implements, so insights, CLI and server work with any
 * of them through one registry (`models/registry.ts`). Short names after PyMC-Marketing; each function names its
 * lifetimes equivalent in its own file.
 */
import type { Customer, RfmData } from "../data/summary.ts";
import type { Rng } from "../math/random.ts";
import type { FitOptions, FittedModel, ModelName } from "./types.ts";

export interface PurchaseModel<P extends Record<string, number> = Record<string, number>> {
  name: ModelName;
  paramNames: readonly string[];
  /** Maximum-likelihood fit on (optionally weighted) summaries. */
  fit(data: RfmData, options?: FitOptions): FittedModel<P>;
  /** Total weighted log-likelihood. */
  logLikelihood(params: P, data: RfmData): number;
  /** Conditional expected number of purchases in (T, T + t]. */
  expectedPurchases(params: P, t: number, customer: Customer): number;
  /** P(alive at T | history). */
  probabilityAlive(params: P, customer: Customer): number;
  /** Expected repeat purchases of a new customer in (0, t]. */
  expectedPurchasesNewCustomer(params: P, t: number): number;
  /** P(X(t) = n) for a new customer. */
  probabilityOfPurchases(params: P, n: number, t: number): number;
  /**
   * Optional fast path: expected purchases at several horizons and P(alive) for all customers at once
   * (must equal the scalar functions).
   */
  scoreMany?(params: P, times: readonly number[], data: RfmData): { expected: Float64Array[]; pAlive: Float64Array };
  /** Seeded simulation of summaries observed over T[i] each (resolution: see simulateBgNbd). */
  simulate(params: P, T: ArrayLike<number>, rng: Rng, resolution?: number): RfmData;
}
