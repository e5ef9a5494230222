/**
 * All purchase models by name.
 */
import { LoyalError } from "../errors.ts";
import {
  BG_NBD_PARAMS,
  type BgNbdParams,
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesNewCustomer,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  bgNbdProbabilityOfPurchases,
  bgNbdScoreMany,
  fitBgNbd,
  simulateBgNbd,
} from "./bg-nbd.ts";
import {
  fitMbgNbd,
  MBG_NBD_PARAMS,
  type MbgNbdParams,
  mbgNbdExpectedPurchases,
  mbgNbdExpectedPurchasesNewCustomer,
  mbgNbdLogLikelihood,
  mbgNbdProbabilityAlive,
  mbgNbdProbabilityOfPurchases,
  simulateMbgNbd,
} from "./mbg-nbd.ts";
import {
  fitParetoNbd,
  PARETO_NBD_PARAMS,
  type ParetoNbdParams,
  paretoNbdExpectedPurchases,
  paretoNbdExpectedPurchasesNewCustomer,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  paretoNbdScoreMany,
  simulateParetoNbd,
} from "./pareto-nbd.ts";
import { paretoNbdProbabilityOfPurchases } from "./pareto-nbd-pmf.ts";
import type { PurchaseModel } from "./purchase-model.ts";

export const bgNbd: PurchaseModel<BgNbdParams> = {
  name: "bg-nbd",
  paramNames: BG_NBD_PARAMS,
  fit: fitBgNbd,
  logLikelihood: bgNbdLogLikelihood,
  expectedPurchases: bgNbdExpectedPurchases,
  probabilityAlive: bgNbdProbabilityAlive,
  expectedPurchasesNewCustomer: bgNbdExpectedPurchasesNewCustomer,
  probabilityOfPurchases: bgNbdProbabilityOfPurchases,
  simulate: simulateBgNbd,
  scoreMany: bgNbdScoreMany,
};

export const mbgNbd: PurchaseModel<MbgNbdParams> = {
  name: "mbg-nbd",
  paramNames: MBG_NBD_PARAMS,
  fit: fitMbgNbd,
  logLikelihood: mbgNbdLogLikelihood,
  expectedPurchases: mbgNbdExpectedPurchases,
  probabilityAlive: mbgNbdProbabilityAlive,
  expectedPurchasesNewCustomer: mbgNbdExpectedPurchasesNewCustomer,
  probabilityOfPurchases: mbgNbdProbabilityOfPurchases,
  simulate: simulateMbgNbd,
};

export const paretoNbd: PurchaseModel<ParetoNbdParams> = {
  name: "pareto-nbd",
  paramNames: PARETO_NBD_PARAMS,
  fit: fitParetoNbd,
  logLikelihood: paretoNbdLogLikelihood,
  expectedPurchases: paretoNbdExpectedPurchases,
  probabilityAlive: paretoNbdProbabilityAlive,
  expectedPurchasesNewCustomer: paretoNbdExpectedPurchasesNewCustomer,
  probabilityOfPurchases: paretoNbdProbabilityOfPurchases,
  simulate: simulateParetoNbd,
  scoreMany: paretoNbdScoreMany,
};

// biome-ignore lint/suspicious/noExplicitAny: models have different parameter records
const purchaseModels: Record<string, PurchaseModel<any>> = {
  "bg-nbd": bgNbd,
  "mbg-nbd": mbgNbd,
  "pareto-nbd": paretoNbd,
};

/**
 * Looks a purchase model up by name.
 * @throws LoyalError E_USAGE for an unknown name
 * @example purchaseModel("bg-nbd").name // => "bg-nbd"
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export function purchaseModel(name: string): PurchaseModel<any> {
  const m = purchaseModels[name];
  if (!m)
    throw new LoyalError(
      "E_USAGE",
      `unknown purchase model '${name}' (known: ${Object.keys(purchaseModels).join(", ")})`,
    );
  return m;
}

/** Names of the registered purchase models. */
export function purchaseModelNames(): string[] {
  return Object.keys(purchaseModels);
}
