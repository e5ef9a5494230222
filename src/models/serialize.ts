/**
 * Fitted models as versioned JSON. The file records the model, its parameters, the fit report and the time unit
 * the model was fitted in; predictions refuse a summary in another unit.
 */
import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import type { TimeUnit } from "../data/time-unit.ts";
import { LoyalError } from "../errors.ts";
import type { FittedModel } from "./types.ts";

/** Version of the model file format; bumped on any incompatible change. */
export const MODEL_FORMAT_VERSION = 1;

const modelFileSchema = z.object({
  format: z.literal("loyal-model"),
  version: z.number().int(),
  model: z.enum(["bg-nbd", "gamma-gamma", "pareto-nbd", "mbg-nbd", "bg-bb", "sbg"]),
  params: z.record(z.string(), z.number().positive()),
  standardErrors: z.record(z.string(), z.number()).optional(),
  intervals: z.record(z.string(), z.tuple([z.number(), z.number()])).optional(),
  logCovariance: z.array(z.number()).optional(),
  logLikelihood: z.number(),
  aic: z.number(),
  bic: z.number(),
  n: z.number(),
  unit: z.enum(["day", "week", "month", "year"]).optional(),
  penalizer: z.number(),
  convergence: z.object({
    converged: z.boolean(),
    iterations: z.number(),
    gradientNorm: z.number().nullable(),
    optimizer: z.enum(["bfgs", "nelder-mead"]),
    message: z.string(),
  }),
  createdBy: z.string().optional(),
});

/**
 * The JSON object saved for a fitted model.
 * @example toModelJson({ ...fit, unit: "week" }).format // => "loyal-model"
 */
export function toModelJson(model: FittedModel): Record<string, unknown> {
  return {
    format: "loyal-model",
    version: MODEL_FORMAT_VERSION,
    ...model,
    convergence: {
      ...model.convergence,
      gradientNorm: Number.isFinite(model.convergence.gradientNorm) ? model.convergence.gradientNorm : null,
    },
    createdBy: "loyal",
  };
}

/**
 * Parses and validates a saved model.
 * @param json the parsed JSON
 * @param file the file name for messages
 * @throws LoyalError E_MODEL_FILE when it is not a loyal model file of a supported version
 */
export function fromModelJson(json: unknown, file = "model"): FittedModel {
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LoyalError(
      "E_MODEL_FILE",
      `not a loyal model file: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      { file },
    );
  }
  const m = parsed.data;
  if (m.version > MODEL_FORMAT_VERSION) {
    throw new LoyalError(
      "E_MODEL_FILE",
      `model file version ${m.version} is newer than this loyal supports (${MODEL_FORMAT_VERSION})`,
      { file },
    );
  }
  const { format: _f, version: _v, createdBy: _c, ...rest } = m;
  return {
    ...rest,
    convergence: { ...rest.convergence, gradientNorm: rest.convergence.gradientNorm ?? Number.NaN },
  } as FittedModel;
}

/** Writes a fitted model to a JSON file. */
export async function saveModel(path: string, model: FittedModel): Promise<void> {
  await writeFile(path, `${JSON.stringify(toModelJson(model), null, 2)}\n`);
}

/**
 * Reads a fitted model from a JSON file.
 * @throws LoyalError E_IO when unreadable, E_MODEL_FILE when invalid
 */
export async function loadModel(path: string): Promise<FittedModel> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new LoyalError("E_IO", `cannot read model file: ${(e as Error).message}`, { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LoyalError("E_MODEL_FILE", `invalid JSON: ${(e as Error).message}`, { file: path });
  }
  return fromModelJson(json, path);
}

/**
 * Refuses to apply a model to data in another time unit.
 * @throws LoyalError E_UNIT_MISMATCH
 */
export function assertSameUnit(model: FittedModel, unit: TimeUnit): void {
  if (model.unit && model.unit !== unit) {
    throw new LoyalError(
      "E_UNIT_MISMATCH",
      `the ${model.model} model was fitted in ${model.unit}s but the summary is in ${unit}s; rebuild the summary with --unit ${model.unit}`,
    );
  }
}
